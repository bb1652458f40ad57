//! The compile-time half of `prisma-migrations`: [`migrations!`] and [`#[derive(Migrations)]`](Migrations).
//!
//! Use them through the `prisma-migrations` crate, which re-exports both; the generated code names
//! `::prisma_migrations` and nothing else. Both read the folder with `prisma-migrations-build`, the same code the
//! runtime and the CLI use, embed every migration (name, timestamp, slug, `migration.sql`, `down.sql` when
//! present, Prisma's checksum computed at compile time) and turn every rule the folder breaks into a compile
//! error spanned at the folder literal, all of them in one build.
//!
//! # Options
//!
//! Both macros take the same options; every one is optional.
//!
//! | option | value | default |
//! |---|---|---|
//! | folder (`migrations!`'s first argument, or `dir = "…"`) | path relative to the crate's `Cargo.toml` | `"prisma/migrations"` |
//! | `provider` | `"postgresql"`, `"mysql"`, `"sqlite"`, `"cockroachdb"`, `"sqlserver"`; checked against `migration_lock.toml` | none: the lock file's, if any |
//! | `numbering` | `"timestamp"` (`20250101120000_add_users`) or `"sequential"` (`01_init`) | `"timestamp"` |
//! | `exempt_until` | a migration name: it and every earlier one are exempt from the naming rules (order and checksum rules still apply) | none |
//! | `vague_names` | `["a", "b"]`: replaces the default list of vague slug words; `[]` turns the rule off | `prisma_migrations_build::DEFAULT_VAGUE_NAMES` |
//! | `extra_vague_names` | `["x"]`: extends the list | none |
//! | `lint` | `lint(ban-drop-column = "warn", prefer-timestamptz = "error", …)`: each rule `"off"`, `"warn"` or `"error"` | each rule's default (README's rule table) |
//!
//! # Lint
//!
//! Every migration not in `checksums.lock` is linted for the provider (`provider`, else `migration_lock.toml`'s):
//! an `error` finding is a compile error at the folder literal naming `<folder>/migration.sql:LINE:COL`, the rule,
//! why and the remedy; a `warn` finding is shown as a warning (the use of a deprecated item whose note is the
//! finding, the one warning a macro can give on stable Rust), once per crate, at the folder's first use however
//! often it is embedded (`#[prisma_migrations::test]` embeds the default folder once per test). A comment above the statement acknowledges it:
//! `-- prisma-migrations: allow <rule>: <reason>`.
//!
//! Unknown keys, repeated keys and values of the wrong type are errors spanned at the key or value.
//!
//! The folder is resolved against the environment variable `PRISMA_MIGRATIONS_MANIFEST_DIR` when it is set (test
//! harnesses that compile code elsewhere, such as trybuild), else `CARGO_MANIFEST_DIR`.
//!
//! # Rebuilds
//!
//! Every script is embedded with `include_str!` on its absolute path, and `migration_lock.toml` and
//! `checksums.lock` with `include_bytes!`, so editing any of them re-runs the macro. To make an *added*
//! migration rebuild the crate too, add a `build.rs`:
//!
//! ```no_run
//! // build.rs
//! # mod prisma_migrations_build { pub fn track(_: &str) {} }
//! fn main() {
//!     prisma_migrations_build::track("prisma/migrations");
//! }
//! ```
//!
//! The macros never write a file; `checksums.lock` is written only by `prisma-migrations lock`.

mod ast;
mod attr;
mod expand;
mod fallback;
mod load;
mod test_attr;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Embeds a migrations folder as a `prisma_migrations::Migrations` value, usable in a `static`.
///
/// ```ignore
/// static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!();
/// static OTHER: prisma_migrations::Migrations = prisma_migrations::migrations!("db/migrations");
/// static LEGACY: prisma_migrations::Migrations = prisma_migrations::migrations!(
///     "prisma/migrations",
///     provider = "postgresql",
///     numbering = "sequential",
///     exempt_until = "07_legacy_Name",
///     vague_names = ["fix", "update"], // replaces the default list; `[]` disables the rule
///     extra_vague_names = ["hotfix"],  // extends it
///     lint(ban-drop-column = "warn", require-concurrent-index-creation = "off"),
/// );
/// ```
///
/// Syntax: `migrations!()`, `migrations!("dir")`, `migrations!("dir", key = value, …)` with the keys listed in
/// the [crate docs](crate#options). Every problem of the folder is a compile error spanned at the path literal
/// (at the call when there is none); the expression then evaluates to an empty list so no type error is added.
#[proc_macro]
pub fn migrations(input: TokenStream) -> TokenStream {
    let args = parse_macro_input!(input with attr::Args::parse_macro);
    expand::migrations(&args).into()
}

/// Gives a marker struct a typed list of its migrations.
///
/// ```ignore
/// #[derive(prisma_migrations::Migrations)]
/// #[migrations(dir = "prisma/migrations", provider = "postgresql")]
/// pub struct Db;
///
/// let id: prisma_migrations::MigrationId = Db::ADD_2FA; // `20250102090000_add_2fa`, knows its position
/// assert_eq!(Db::ALL.len(), Db::LATEST.index() + 1);
/// let m = <Db as prisma_migrations::MigrationSource>::migration(Db::ADD_2FA);
/// ```
///
/// The attribute takes the keys listed in the [crate docs](crate#options), the folder as `dir = "…"`
/// (default `"prisma/migrations"`); it may be omitted, or split over several `#[migrations(…)]` attributes.
///
/// Generated, with the struct's visibility:
/// - one `MigrationId` const per migration, named after its slug: the slug in `UPPER_SNAKE` (ASCII letters
///   upper-cased, digits kept, a word break before an upper-case letter that follows a lower-case one, every
///   other run of characters one `_`, so exempt legacy names still give identifiers); `MIGRATION` when nothing
///   is left; a leading `_` when it starts with a digit (`20250101120000_2fa` → `_2FA`); when the name is
///   already taken (a repeated slug, or `ALL`/`LATEST`), `_<timestamp>` appended (`ADD_INDEXES_20250301120000`),
///   then `_<position>` while still taken;
/// - `ALL: &'static Migrations`, every migration in folder order;
/// - `LATEST: MigrationId`, the newest one. An empty folder is therefore a compile error for the derive (use
///   `migrations!` until the first migration exists);
/// - `impl prisma_migrations::MigrationSource`.
///
/// The derive supports structs without generic parameters. When it fails it still emits the impl and the
/// `ALL`/`LATEST` consts (with `unreachable!()` bodies that never run, as the build has failed), so the real
/// errors are not buried under secondary ones.
#[proc_macro_derive(Migrations, attributes(migrations))]
pub fn derive_migrations(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}

/// A test on its own freshly migrated database; see `prisma_migrations::test` (re-exported with the run-time
/// support behind the `test` feature of `prisma-migrations`).
///
/// ```ignore
/// #[prisma_migrations::test(migrations = Db, at = Db::ADD_2FA, fixtures("users.sql"))]
/// async fn backfills_2fa(db: prisma_migrations::Database) { /* … */ }
/// ```
///
/// Wrong options and functions that cannot be tests (not `async`, generic, more than one argument) are errors
/// spanned at the option or the function.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args with test_attr::TestArgs::parse);
    let item = parse_macro_input!(item as syn::ItemFn);
    test_attr::expand(&args, &item).into()
}

/// Joins errors so that one build reports all of them.
fn combine(errors: impl IntoIterator<Item = syn::Error>) -> Option<syn::Error> {
    errors.into_iter().reduce(|mut all, e| {
        all.combine(e);
        all
    })
}
