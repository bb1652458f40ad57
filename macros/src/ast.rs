//! What `#[derive(Migrations)]` is applied to: a struct without generic parameters, usually `pub struct Db;`.

use syn::{Data, DeriveInput, Ident, Visibility};

use crate::attr::Args;

/// The derive input, checked.
pub struct Input<'a> {
    /// The type the consts and the `MigrationSource` impl go on.
    pub ident: &'a Ident,
    /// Its visibility, given to the generated consts.
    pub vis: &'a Visibility,
    /// The `#[migrations(...)]` options.
    pub args: Args,
}

impl<'a> Input<'a> {
    pub fn from_syn(node: &'a DeriveInput) -> syn::Result<Self> {
        const HINT: &str = "; derive it on a plain marker struct, e.g. `pub struct Db;`";
        let mut errors = Vec::new();
        match &node.data {
            Data::Struct(_) => {}
            Data::Enum(data) => errors.push(syn::Error::new(
                data.enum_token.span,
                format!("`#[derive(Migrations)]` supports structs only, not enums{HINT}"),
            )),
            Data::Union(data) => errors.push(syn::Error::new(
                data.union_token.span,
                format!("`#[derive(Migrations)]` supports structs only, not unions{HINT}"),
            )),
        }
        if !node.generics.params.is_empty() || node.generics.where_clause.is_some() {
            errors.push(syn::Error::new_spanned(
                &node.generics,
                format!("`#[derive(Migrations)]` does not support generic parameters{HINT}"),
            ));
        }
        match Args::parse_attrs(&node.attrs, node.ident.span()) {
            Ok(args) => match crate::combine(errors) {
                None => Ok(Self { ident: &node.ident, vis: &node.vis, args }),
                Some(e) => Err(e),
            },
            Err(e) => {
                errors.push(e);
                Err(crate::combine(errors).unwrap_or_else(|| syn::Error::new(node.ident.span(), "invalid input")))
            }
        }
    }
}
