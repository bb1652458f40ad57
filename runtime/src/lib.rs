//! Prisma Migrate folders as a compile-time checked part of a Rust program, applied from that program with
//! no Node.js and no Prisma CLI, recording every step in `_prisma_migrations` exactly as Prisma does.
//!
//! ```
//! // Every migration of the folder, checked and embedded at compile time (paths are relative to Cargo.toml).
//! static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("prisma/migrations");
//!
//! assert_eq!(MIGRATIONS.iter().next().map(|m| m.slug()), Some("create_users"));
//! assert_eq!(MIGRATIONS.provider(), Some(prisma_migrations::build::Provider::Sqlite));
//! ```
//!
//! At run time, connect with the URL Prisma uses and deploy, check or inspect:
//!
//! ```no_run
//! # async fn f(migrations: &prisma_migrations::Migrations) -> Result<(), prisma_migrations::Error> {
//! use prisma_migrations::{Database, Migrator};
//!
//! let db = Database::connect("postgresql://app@localhost:5432/app?schema=public").await?;
//! let report = Migrator::new(migrations).deploy(&db).await?; // `prisma migrate deploy`
//! println!("{} applied of {} found in {:?}", report.applied.len(), report.found, report.total);
//! Migrator::new(migrations).verify(&db).await?; // start-up guard: one SELECT
//! # Ok(()) }
//! ```
//!
//! - [`Database`] takes `postgresql://…?schema=…`, `mysql://…`, `file:./dev.db` and `sqlite:` URLs (or an sqlx
//!   pool). On MySQL, sqlx always sets `IGNORE_SPACE` in the session (Prisma's engine does not): a function
//!   name followed by a space, such as a table called `count (…)`, needs backquotes. `PIPES_AS_CONCAT` and
//!   `NO_ENGINE_SUBSTITUTION`, which sqlx also adds, are turned off so `||` means OR as under Prisma.
//! - [`Migrator`] runs Prisma's deploy, status and resolve, plus `verify`, `plan` and `rollback`; it takes the
//!   same lock as Prisma (PostgreSQL advisory lock 72707369, MySQL `GET_LOCK('prisma_migrate')`, SQLite's
//!   exclusive locking mode), so this crate and the Prisma CLI never migrate at the same time.
//! - [`Error::code`] gives Prisma's code (`P3009` …); messages never contain a password.

#![allow(clippy::single_match_else, reason = "`match` on an Option with a multi-line `None` arm reads better")]
#![cfg_attr(
    not(any(feature = "postgres", feature = "sqlite", feature = "mysql")),
    allow(
        unused,
        unreachable_code,
        irrefutable_let_patterns,
        clippy::unused_async,
        clippy::semicolon_if_nothing_returned,
        reason = "without a database feature there is no database to use"
    )
)]

/// A named crash point (see `crash_point.rs`); nothing without the `__failpoints` feature.
macro_rules! crash_point {
    ($name:literal) => {
        #[cfg(feature = "__failpoints")]
        $crate::crash_point::reached($name);
    };
}

mod admin;
mod backend;
mod connect;
#[cfg(feature = "__failpoints")]
mod crash_point;
mod database;
mod error;
pub mod fleet;
mod kind;
mod lock;
mod migrations;
mod migrator;
mod report;
mod target;
#[cfg(feature = "test")]
mod testing;
mod url;

pub use database::{ConnectOptions, Database, DatabaseUrl};
pub use error::{Error, FailedMigration};
pub use kind::DatabaseKind;
pub use lock::DISABLE_LOCK_ENV;
pub use migrations::{Migration, MigrationId, MigrationSource, Migrations};
pub use migrator::{DEFAULT_LOCK_TIMEOUT, Migrator};
pub use prisma_migrations_build as build;
/// `#[derive(Migrations)]` with `#[migrations(dir = "…", provider = "…", …)]` (the keys of [`migrations!`]): one
/// [`MigrationId`] const per migration named after its slug (`Db::ADD_2FA`), `Db::ALL`, `Db::LATEST`, and
/// `impl MigrationSource`.
pub use prisma_migrations_macros::Migrations;
/// Embeds a migrations folder at compile time as a [`Migrations`](struct@Migrations) value usable in a `static`:
/// `migrations!()` (the folder `prisma/migrations`), `migrations!("dir")`, or
/// `migrations!("dir", provider = "postgresql", numbering = "sequential", exempt_until = "<name>",
/// vague_names = ["a", "b"], extra_vague_names = ["x"])`. The folder is relative to the crate's `Cargo.toml`. Every
/// rule the folder breaks (naming, order, `migration_lock.toml`, `checksums.lock`) is a compile error spanned at
/// the path, all in one build.
pub use prisma_migrations_macros::migrations;
pub use report::{
    AppliedMigration, DeployEvent, DeployReport, MigrationRecord, MigrationState, MigrationStatus, Plan,
    PlannedMigration, StatusReport,
};
pub use target::Target;
pub use url::redact_url;

/// A test on its own freshly migrated database (cargo feature `test`):
///
/// ```no_run
/// # mod m {
/// #[prisma_migrations::test]
/// async fn signs_up(db: prisma_migrations::Database) {
///     db.execute_script("INSERT INTO users (email) VALUES ('a@example.com')").await.unwrap();
/// }
/// # }
/// ```
///
/// `DATABASE_URL` picks the server (`postgresql://…`, `mysql://…`, or `file:./target/test-dbs/test.db` for
/// SQLite); the history is migrated once into a template (named by its checksum, rebuilt when it changes) and
/// each test gets a copy: `CREATE DATABASE … TEMPLATE` on PostgreSQL, a file copy on SQLite, the template's tables
/// replayed on MySQL. The database is dropped after a passing test and kept (its name printed) after a failing
/// one; the next run drops it, and what killed runs left behind.
///
/// The function is `async`, takes a [`Database`] or the sqlx pool of the database in use (`sqlx::PgPool`,
/// `sqlx::SqlitePool`, `sqlx::MySqlPool`), or nothing, and returns `()` or a `Result`. Options:
/// - `migrations = PATH`: a `static` from [`migrations!`] or a `#[derive(Migrations)]` unit struct (default: the
///   crate's `prisma/migrations`, embedded as `migrations!()` does);
/// - `at = Db::ADD_2FA` (a [`MigrationId`], or a migration's name): the history applied up to and including it;
/// - `fixtures("users.sql", "posts")`: scripts from the crate's `fixtures/` folder (`.sql` added when there is no
///   extension), run in order after migrating;
/// - `transaction`: the function takes `&mut sqlx::PgConnection` (or `MySqlConnection`, `SqliteConnection`) inside
///   a transaction that is rolled back after the test, on one database per history that every `transaction` test
///   shares (`pm_tx_<hex>`; on SQLite a copy per test, as without it). No database is created per test, so it is
///   an order of magnitude cheaper (BENCHMARKS.md); the test must not commit (that fails it), sequences advance,
///   and tests writing the same unique key wait for each other.
///
// The example's connection is of a database this build has (SQLite by default), so that it compiles in every build
// CI checks.
#[cfg_attr(any(feature = "sqlite", feature = "postgres", feature = "mysql"), doc = "```no_run")]
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")), doc = "```ignore")]
/// # mod m {
/// #[prisma_migrations::test(transaction)]
#[cfg_attr(feature = "sqlite", doc = "async fn counts_users(conn: &mut sqlx::SqliteConnection) {")]
#[cfg_attr(
    all(feature = "postgres", not(feature = "sqlite")),
    doc = "async fn counts_users(conn: &mut sqlx::PgConnection) {"
)]
#[cfg_attr(
    all(feature = "mysql", not(any(feature = "sqlite", feature = "postgres"))),
    doc = "async fn counts_users(conn: &mut sqlx::MySqlConnection) {"
)]
///     sqlx::query("INSERT INTO users (email) VALUES ('a@example.com')").execute(&mut *conn).await.unwrap();
/// }
/// # }
/// ```
#[cfg(feature = "test")]
pub use prisma_migrations_macros::test;

/// Items the generated code names. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::migrations::{Migration, MigrationId, MigrationSource, Migrations};
    pub use prisma_migrations_build::Provider;

    /// The run-time half of `#[prisma_migrations::test]`.
    #[cfg(feature = "test")]
    pub mod test {
        pub use crate::testing::{
            AtTarget, Config, FromTestDatabase, TestConnection, TestMigrations, TestOutcome, run, run_in_transaction,
        };
    }
}
