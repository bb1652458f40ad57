//! `#[prisma_migrations::test]`: the attribute's options, the checks on the function, and the expansion into a
//! `#[test]` that hands the body a freshly migrated database (`::prisma_migrations::__private::test::run`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::parse::ParseStream;
use syn::spanned::Spanned as _;
use syn::{Expr, FnArg, ItemFn, LitStr, Path, Token, parenthesized};

use crate::attr::Args;
use crate::expand;
use crate::load::manifest_dir;

const KEYS: &str = "`migrations = PATH`, `at = MIGRATION`, `fixtures(\"file.sql\", …)`, `transaction`";

/// The parsed options.
#[derive(Default)]
pub struct TestArgs {
    migrations: Option<Path>,
    at: Option<Expr>,
    fixtures: Vec<LitStr>,
    /// The test takes `&mut <connection>` in a transaction rolled back after it, on a shared database.
    transaction: bool,
}

impl TestArgs {
    /// `migrations = PATH, at = EXPR, fixtures("a.sql", …)`, each at most once, any order.
    pub fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Self::default();
        let mut seen_fixtures = false;
        while !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key == "migrations" {
                if args.migrations.is_some() {
                    return Err(syn::Error::new(key.span(), "`migrations` given twice"));
                }
                input.parse::<Token![=]>()?;
                args.migrations = Some(input.parse()?);
            } else if key == "at" {
                if args.at.is_some() {
                    return Err(syn::Error::new(key.span(), "`at` given twice"));
                }
                input.parse::<Token![=]>()?;
                args.at = Some(input.parse()?);
            } else if key == "transaction" {
                if args.transaction {
                    return Err(syn::Error::new(key.span(), "`transaction` given twice"));
                }
                args.transaction = true;
            } else if key == "fixtures" {
                if seen_fixtures {
                    return Err(syn::Error::new(
                        key.span(),
                        "`fixtures` given twice; list every file in one `fixtures(…)`",
                    ));
                }
                seen_fixtures = true;
                let content;
                parenthesized!(content in input);
                args.fixtures = content
                    .parse_terminated(syn::parse::ParseBuffer::parse::<LitStr>, Token![,])?
                    .into_iter()
                    .collect();
            } else {
                return Err(syn::Error::new(key.span(), format!("unknown option `{key}`; expected {KEYS}")));
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// The `#[test]` function, or the errors.
pub fn expand(args: &TestArgs, item: &ItemFn) -> TokenStream {
    match try_expand(args, item) {
        Ok(tokens) => tokens,
        Err(e) => {
            // The function is still emitted so its body is type-checked and uses of it resolve.
            let e = e.to_compile_error();
            quote!(#e #item)
        }
    }
}

fn try_expand(args: &TestArgs, item: &ItemFn) -> syn::Result<TokenStream> {
    let sig = &item.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new(sig.fn_token.span, "`#[prisma_migrations::test]` functions must be `async fn`"));
    }
    if let Some(g) = sig.generics.params.first() {
        return Err(syn::Error::new(g.span(), "`#[prisma_migrations::test]` functions cannot be generic"));
    }
    if let Some(second) = sig.inputs.iter().nth(1) {
        return Err(syn::Error::new(
            second.span(),
            "`#[prisma_migrations::test]` functions take one argument: `prisma_migrations::Database`, `sqlx::PgPool`, \
             `sqlx::SqlitePool` or `sqlx::MySqlPool` (or none)",
        ));
    }
    if let Some(FnArg::Receiver(r)) = sig.inputs.first() {
        return Err(syn::Error::new(r.span(), "a `#[prisma_migrations::test]` function cannot take `self`"));
    }
    let name = &sig.ident;
    let test = quote!(::prisma_migrations::__private::test);
    let (default_static, migrations) = if let Some(path) = &args.migrations {
        (TokenStream::new(), quote_spanned!(path.span()=> #test::TestMigrations::test_migrations(&#path)))
    } else {
        let value = expand::migrations(&Args::new(Span::call_site()));
        (
            quote!(static __PRISMA_MIGRATIONS: ::prisma_migrations::__private::Migrations = #value;),
            quote!(&__PRISMA_MIGRATIONS),
        )
    };
    let at = args.at.as_ref().map_or_else(
        || quote!(::core::option::Option::None),
        |at| quote_spanned!(at.span()=> ::core::option::Option::Some(#test::AtTarget::target_name(&#at))),
    );
    let fixtures = fixtures(&args.fixtures)?;
    // An argument or return type that is not accepted is reported at that type: the call that requires the trait
    // is spanned there, all but `db`, which keeps the call site's hygiene (a path from the crate root needs none).
    let db = syn::Ident::new("db", Span::call_site());
    let call = if args.transaction {
        quote!(#name)
    } else if let Some(FnArg::Typed(arg)) = sig.inputs.first() {
        let convert = quote_spanned!(arg.ty.span()=>
            ::prisma_migrations::__private::test::FromTestDatabase::from_test_database(#db)
        );
        quote!(|#db| #name(#convert))
    } else {
        quote!(|_| #name())
    };
    let returned = match &sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => Span::call_site(),
    };
    let config = quote! {
        #test::Config {
            migrations: #migrations,
            at: #at,
            fixtures: &[#(#fixtures),*],
            crate_name: ::core::env!("CARGO_CRATE_NAME"),
            test_name: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#name)),
        }
    };
    let run = if args.transaction {
        let connection = transaction_connection(item)?;
        let run = quote_spanned!(connection.span()=> #test::run_in_transaction::<#connection, _, _>);
        quote!(#run(#config, #call))
    } else {
        quote_spanned!(returned=> ::prisma_migrations::__private::test::run(#config, #call))
    };
    let outer_attrs = &item.attrs;
    let vis = &item.vis;
    let mut inner = item.clone();
    inner.attrs.clear();
    inner.vis = syn::Visibility::Inherited;
    // `#[test]` deletes its function outside test builds, unchecked; as a plain (unused) function there instead,
    // the options and the signature are type-checked by `cargo check` without `--tests` and by trybuild, which
    // builds its cases as binaries.
    Ok(quote! {
        #(#outer_attrs)*
        #[cfg_attr(test, ::core::prelude::v1::test)]
        #[cfg_attr(not(test), allow(dead_code))]
        #vis fn #name() {
            #inner
            #default_static
            #run
        }
    })
}

/// `C` of a `transaction` test's one argument, `&mut C`.
fn transaction_connection(item: &ItemFn) -> syn::Result<&syn::Type> {
    const TAKES: &str = "a `#[prisma_migrations::test(transaction)]` function takes one argument, `&mut` a \
        connection: `&mut sqlx::PgConnection`, `&mut sqlx::MySqlConnection` or `&mut sqlx::SqliteConnection`";
    match item.sig.inputs.first() {
        Some(FnArg::Typed(arg)) => match &*arg.ty {
            syn::Type::Reference(r) if r.mutability.is_some() => Ok(&r.elem),
            other => Err(syn::Error::new(other.span(), TAKES)),
        },
        _ => Err(syn::Error::new(item.sig.ident.span(), TAKES)),
    }
}

/// `("users.sql", include_str!("<manifest>/fixtures/users.sql"))` per fixture; a missing file is an error at its
/// name.
fn fixtures(names: &[LitStr]) -> syn::Result<Vec<TokenStream>> {
    let Some(base) = manifest_dir() else {
        return match names.first() {
            Some(n) => Err(syn::Error::new(n.span(), "CARGO_MANIFEST_DIR is not set; fixtures cannot be found")),
            None => Ok(Vec::new()),
        };
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for lit in names {
        let mut name = lit.value();
        if std::path::Path::new(&name).extension().is_none() {
            name.push_str(".sql");
        }
        let path = base.join("fixtures").join(&name);
        if !path.is_file() {
            errors.push(syn::Error::new(
                lit.span(),
                format!("fixture `fixtures/{name}` not found; put the script in the crate's `fixtures/` folder"),
            ));
            continue;
        }
        let Some(abs) = path.to_str() else {
            errors.push(syn::Error::new(lit.span(), "the fixture's path is not UTF-8"));
            continue;
        };
        out.push(quote_spanned!(lit.span()=> (#name, ::core::include_str!(#abs))));
    }
    match crate::combine(errors) {
        Some(e) => Err(e),
        None => Ok(out),
    }
}
