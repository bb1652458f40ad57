//! The generated code. It names only `::prisma_migrations::__private::…` and `::core::…`, so a crate that shadows
//! `Option`, `str` or `Some` still compiles it.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use prisma_migrations_build::{LOCK_TOML, ScannedMigration, lockfile};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{DeriveInput, Ident};

use crate::ast::Input;
use crate::attr::Args;
use crate::fallback;
use crate::load::{self, Loaded};

/// `migrations!(…)`: an expression of type `Migrations`, usable in a `static`.
pub fn migrations(args: &Args) -> TokenStream {
    let (warnings, result) = match load::load(args) {
        Ok(loaded) => (warnings(&loaded, args.dir_span()), loaded.checked().and_then(|l| value(l, args.dir_span()))),
        Err(errors) => (TokenStream::new(), Err(errors)),
    };
    match result {
        Ok(tokens) => quote!({ #warnings #tokens }),
        Err(errors) => {
            // In expression position only the first of several `compile_error!`s would survive: emit them all
            // inside a block, followed by a value of the right type so no type error is added to them.
            let errors = errors.to_compile_error();
            let empty = fallback::empty_migrations();
            quote!({ #errors #warnings #empty })
        }
    }
}

/// `#[derive(Migrations)]`: the consts and the `MigrationSource` impl, or every error and a stub impl.
pub fn derive(node: &DeriveInput) -> TokenStream {
    let mut warnings = TokenStream::new();
    match try_expand(node, &mut warnings) {
        Ok(tokens) => quote!(#warnings #tokens),
        Err(errors) => {
            let errors = errors.to_compile_error();
            let stub = fallback::derive(node);
            quote!(#errors #warnings #stub)
        }
    }
}

/// The derive's items; `warnings` receives the lint's warnings, shown whether or not the derive succeeds.
fn try_expand(node: &DeriveInput, warnings: &mut TokenStream) -> syn::Result<TokenStream> {
    let input = Input::from_syn(node)?;
    let loaded = load::load(&input.args)?;
    *warnings = self::warnings(&loaded, input.args.dir_span());
    loaded.checked()?;
    let Some(latest) = loaded.folder.migrations.len().checked_sub(1) else {
        return Err(syn::Error::new(
            input.args.dir_span(),
            format!(
                "migrations folder `{}` has no migrations, so `{}::LATEST` would name none; create the first one with `prisma migrate dev`, or use `migrations!` until then",
                input.args.dir_value(),
                input.ident
            ),
        ));
    };
    let value = value(&loaded, input.args.dir_span())?;
    Ok(impl_source(&input, &loaded.folder.migrations, latest, &value))
}

fn impl_source(input: &Input, migrations: &[ScannedMigration], latest: usize, value: &TokenStream) -> TokenStream {
    let (ident, vis) = (input.ident, input.vis);
    let private = quote!(::prisma_migrations::__private);
    let names = const_names(migrations);
    let consts = migrations.iter().zip(&names).enumerate().map(|(index, (m, const_name))| {
        let (name, checksum) = (&m.name, &m.checksum);
        let doc = format!("Migration `{name}` (number {} in folder order).", index + 1);
        quote! {
            #[doc = #doc]
            #[allow(dead_code)]
            #vis const #const_name: #private::MigrationId = #private::MigrationId::__new(#index, #name, #checksum);
        }
    });
    let (latest_name, latest_checksum) = (&migrations[latest].name, &migrations[latest].checksum);
    let all_doc = format!("All {} migrations of `{}`, in folder order.", migrations.len(), input.args.dir_value());
    let latest_doc = format!("The newest migration, `{latest_name}`.");
    quote! {
        impl #ident {
            #(#consts)*
            #[doc = #all_doc]
            #[allow(dead_code)]
            #vis const ALL: &'static #private::Migrations = {
                static __PRISMA_MIGRATIONS_ALL: #private::Migrations = #value;
                &__PRISMA_MIGRATIONS_ALL
            };
            #[doc = #latest_doc]
            #[allow(dead_code)]
            #vis const LATEST: #private::MigrationId = #private::MigrationId::__new(#latest, #latest_name, #latest_checksum);
        }

        #[automatically_derived]
        impl #private::MigrationSource for #ident {
            fn migrations() -> &'static #private::Migrations {
                Self::ALL
            }
        }
    }
}

/// The `Migrations` value: each script through `include_str!` on its absolute path, so what rustc tracks for
/// rebuilds is what is embedded; the lock files through `include_bytes!` so editing them rebuilds too.
fn value(loaded: &Loaded, span: Span) -> syn::Result<TokenStream> {
    let private = quote!(::prisma_migrations::__private);
    let items = loaded
        .folder
        .migrations
        .iter()
        .map(|m| {
            let (name, timestamp, slug, checksum) = (&m.name, m.prefix(), m.slug(), &m.checksum);
            let sql = path_str(&m.sql_path, span)?;
            let down = match &m.down_path {
                Some(path) => Some(path_str(path, span)?),
                None => None,
            };
            let down = option(down.map(|path| quote!(::core::include_str!(#path))));
            Ok(quote! {
                #private::Migration::__new(#name, #timestamp, #slug, ::core::include_str!(#sql), #down, #checksum)
            })
        })
        .collect::<syn::Result<Vec<_>>>()?;
    let dir = &loaded.folder.dir;
    let tracked = [dir.join(LOCK_TOML), dir.join(lockfile::FILE_NAME)]
        .into_iter()
        .filter(|p| loaded.folder.files_read.contains(p))
        .map(|p| {
            let p = path_str(&p, span)?;
            Ok(quote!(
                const _: &[::core::primitive::u8] = ::core::include_bytes!(#p);
            ))
        })
        .collect::<syn::Result<Vec<_>>>()?;
    let count = items.len();
    let provider = option(loaded.provider.map(|p| {
        let variant = quote::format_ident!("{p:?}");
        quote!(#private::Provider::#variant)
    }));
    Ok(quote!({
        #(#tracked)*
        static __PRISMA_MIGRATIONS_ITEMS: [#private::Migration; #count] = [#(#items),*];
        #private::Migrations::__new(&__PRISMA_MIGRATIONS_ITEMS, #provider)
    }))
}

/// The lint's warnings not yet given in this compilation, as items.
fn warnings(loaded: &Loaded, span: Span) -> TokenStream {
    loaded.warnings.iter().filter(|note| first_time(&loaded.folder.dir, note)).map(|note| warning(note, span)).collect()
}

/// Warnings given so far, by folder (absolute) and message.
static GIVEN: Mutex<BTreeSet<(PathBuf, String)>> = Mutex::new(BTreeSet::new());

/// Whether this warning about this folder is new to the process. `#[prisma_migrations::test]` without
/// `migrations = …` expands the folder once per test; this makes a crate with many tests show each warning once,
/// at the first expansion.
/// rustc loads a proc-macro crate afresh in each process, and a process compiles one crate and re-expands every
/// macro of it (incremental builds cache no expansion), so "new to the process" is "new to this compilation of
/// the crate": other crates and other folders keep theirs, and cargo replays a fresh crate's warnings as they
/// were. rust-analyzer's proc-macro server keeps one process for every crate and every re-expansion as the user
/// types, so there only the first expansion carries the warning items; rust-analyzer shows rustc's warnings from
/// `cargo check`, which runs rustc, so the editor still shows them.
fn first_time(folder: &Path, message: &str) -> bool {
    GIVEN.lock().unwrap_or_else(PoisonError::into_inner).insert((folder.to_owned(), message.to_owned()))
}

/// A compiler warning on stable Rust: the use of a deprecated item whose note is the message, spanned at the
/// folder literal so that rustc reports it in the user's code rather than inside the macro.
fn warning(note: &str, span: Span) -> TokenStream {
    let item = Ident::new("prisma_migrations_lint", span);
    quote_spanned! {span=>
        const _: () = {
            #[deprecated(note = #note)]
            #[allow(non_camel_case_types)]
            struct #item;
            let _ = #item;
        };
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    value.map_or_else(|| quote!(::core::option::Option::None), |v| quote!(::core::option::Option::Some(#v)))
}

fn path_str(path: &std::path::Path, span: Span) -> syn::Result<String> {
    path.to_str().map(str::to_owned).ok_or_else(|| {
        syn::Error::new(span, format!("path `{}` is not UTF-8, so it cannot be embedded; rename it", path.display()))
    })
}

/// One const name per migration. The rule, documented on the derive: the slug in `UPPER_SNAKE` (ASCII letters
/// upper-cased, digits kept, a word break before an upper-case letter that follows a lower-case one, every run of
/// other characters one `_`); `MIGRATION` when nothing is left; a leading `_` when it starts with a digit; and when
/// the name is taken (a repeated slug, or `ALL`/`LATEST`) `_<timestamp>` appended, then `_<position>` if still
/// taken.
fn const_names(migrations: &[ScannedMigration]) -> Vec<Ident> {
    let mut taken: HashSet<String> = ["ALL", "LATEST"].into_iter().map(str::to_owned).collect();
    migrations
        .iter()
        .enumerate()
        .map(|(index, m)| {
            let mut name = upper_snake(m.slug());
            if name.is_empty() {
                "MIGRATION".clone_into(&mut name);
            }
            if name.starts_with(|c: char| c.is_ascii_digit()) {
                name.insert(0, '_');
            }
            if taken.contains(&name) && !m.prefix().is_empty() {
                name = format!("{name}_{}", m.prefix());
            }
            while taken.contains(&name) {
                name = format!("{name}_{index}");
            }
            taken.insert(name.clone());
            format_ident!("{}", name)
        })
        .collect()
}

fn upper_snake(slug: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in slug.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
            prev_lower = c.is_ascii_lowercase();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_end_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::{const_names, first_time, upper_snake};
    use prisma_migrations_build::ScannedMigration;

    fn scanned(name: &str) -> ScannedMigration {
        ScannedMigration {
            name: name.to_owned(),
            sql_path: std::path::PathBuf::from(name).join("migration.sql"),
            sql: String::new(),
            checksum: String::new(),
            down_path: None,
            down_sql: None,
        }
    }

    #[test]
    fn const_name_rules() {
        let names = [
            "20250101120000_add_2fa",
            "20250102120000_add_2fa",
            "20250103120000_latest",
            "20250104120000_2fa",
            "20250105120000_",
            "legacy-Init",
            "20250106120000_add_2fa_20250102120000",
            "20250102120000_add_2fa",
        ];
        let got: Vec<String> = const_names(&names.map(scanned)).into_iter().map(|ident| ident.to_string()).collect();
        assert_eq!(
            got,
            [
                "ADD_2FA",
                "ADD_2FA_20250102120000",
                "LATEST_20250103120000",
                "_2FA",
                "MIGRATION",
                "LEGACY_INIT",
                // Its own name is taken by the repeated slug's: `_<timestamp>`, then `_<position>`.
                "ADD_2FA_20250102120000_20250106120000",
                "ADD_2FA_20250102120000_7",
            ]
        );
    }

    #[test]
    fn a_warning_is_given_once_per_folder() {
        let (a, b) = (std::path::Path::new("/unit-test/a"), std::path::Path::new("/unit-test/b"));
        assert!(first_time(a, "w1"));
        assert!(!first_time(a, "w1"), "the same warning about the same folder again");
        assert!(first_time(a, "w2"), "another warning");
        assert!(first_time(b, "w1"), "the same warning about another folder");
    }

    #[test]
    fn upper_snake_names() {
        assert_eq!(upper_snake("add_2fa"), "ADD_2FA");
        assert_eq!(upper_snake("AddUsers"), "ADD_USERS");
        assert_eq!(upper_snake("add-users--now"), "ADD_USERS_NOW");
        assert_eq!(upper_snake("_x_"), "X");
        assert_eq!(upper_snake("café"), "CAF");
        assert_eq!(upper_snake("!!"), "");
    }
}
