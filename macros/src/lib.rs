//! Placeholder entry points; the real expansion is being written (see issue 2).
use proc_macro::TokenStream;

#[proc_macro]
pub fn migrations(_input: TokenStream) -> TokenStream {
    "::core::compile_error!(\"not yet implemented\")".parse().unwrap()
}

#[proc_macro_derive(Migrations, attributes(migrations))]
pub fn derive_migrations(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
