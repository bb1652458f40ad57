//! What a failed derive emits besides its errors: the trait impl and the `ALL`/`LATEST` consts, so code that
//! uses them does not add errors of its own to the real ones (as thiserror's fallback does).

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

/// An empty `Migrations` value, the expression a failed `migrations!` evaluates to after its errors.
pub fn empty_migrations() -> TokenStream {
    quote!(::prisma_migrations::__private::Migrations::__new(&[], ::core::option::Option::None))
}

/// The stub impl of a derive that failed.
pub fn derive(node: &DeriveInput) -> TokenStream {
    let (ident, vis) = (&node.ident, &node.vis);
    let (impl_generics, ty_generics, where_clause) = node.generics.split_for_impl();
    let private = quote!(::prisma_migrations::__private);
    let empty = empty_migrations();
    quote! {
        #[allow(dead_code)]
        impl #impl_generics #ident #ty_generics #where_clause {
            #vis const ALL: &'static #private::Migrations = {
                static __PRISMA_MIGRATIONS_ALL: #private::Migrations = #empty;
                &__PRISMA_MIGRATIONS_ALL
            };
            #vis const LATEST: #private::MigrationId = #private::MigrationId::__new(0, "", "");
        }

        #[automatically_derived]
        impl #impl_generics #private::MigrationSource for #ident #ty_generics #where_clause {
            fn migrations() -> &'static #private::Migrations {
                ::core::unreachable!()
            }
        }
    }
}
