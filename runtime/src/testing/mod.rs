//! Run-time support of `#[prisma_migrations::test]`: one freshly migrated database per test, cloned from a
//! template migrated once per history.
//!
//! The server comes from `DATABASE_URL`. Per database:
//! - PostgreSQL: a template database `pm_tpl_<16 hex of the history's checksum>` built under an advisory lock
//!   (so test binaries starting together build it once), under the name `pmb_<pid>_<hex>` and renamed when the
//!   deploy finished, so a template that exists is complete; then `CREATE DATABASE … TEMPLATE` per test;
//! - MySQL/MariaDB: the same template built under `GET_LOCK` (complete when `_prisma_migrations` holds the whole
//!   history, all finished), and per test its tables' `SHOW CREATE TABLE` and rows replayed in one round trip
//!   (a history with views, triggers, routines or events is deployed per test instead);
//! - SQLite: `pm_tpl_<hex>.sqlite` beside the `DATABASE_URL` file, built under a file lock and renamed into place,
//!   copied per test.
//!
//! Per-test databases are named `pmt_<pid>_<crate>_<test>_<random>` (files `….sqlite`), dropped after a passing
//! test, kept after a failing one (the name is printed). The first test of a process drops every `pmt_`/`pmb_`
//! database whose process no longer runs (`/proc/<pid>` absent): leftovers of killed runs and databases kept by
//! failed tests of earlier runs.

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
mod transaction;

pub use transaction::{TestConnection, run_in_transaction};

use std::collections::HashSet;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Mutex, PoisonError};

use crate::{Database, DatabaseKind, Error, MigrationId, MigrationSource, Migrations};

/// What the attribute knows at compile time about one test.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// The history.
    pub migrations: &'static Migrations,
    /// The last migration to apply (`at = …`), by name; `None` for all.
    pub at: Option<&'static str>,
    /// `(name, script)` of each fixture, applied in order after migrating.
    pub fixtures: &'static [(&'static str, &'static str)],
    /// `CARGO_CRATE_NAME`.
    pub crate_name: &'static str,
    /// The test function's path (`module::name`).
    pub test_name: &'static str,
}

/// A history given as `migrations = X`: a `static` from `migrations!` or a `#[derive(Migrations)]` unit struct.
#[diagnostic::on_unimplemented(
    message = "`migrations = {Self}`: `{Self}` is not a history of migrations",
    label = "not a `migrations!` static or a `#[derive(Migrations)]` type",
    note = "give a `static M: prisma_migrations::Migrations = prisma_migrations::migrations!(\"…\");` or a unit struct \
            with `#[derive(prisma_migrations::Migrations)]`, or leave `migrations` out for the crate's `prisma/migrations`"
)]
pub trait TestMigrations {
    /// The embedded migrations.
    fn test_migrations(&'static self) -> &'static Migrations;
}

impl TestMigrations for Migrations {
    fn test_migrations(&'static self) -> &'static Migrations {
        self
    }
}

impl<T: MigrationSource> TestMigrations for T {
    fn test_migrations(&'static self) -> &'static Migrations {
        T::migrations()
    }
}

/// A target given as `at = X`: a [`MigrationId`] or a migration's name.
#[diagnostic::on_unimplemented(
    message = "`at = …` takes a migration, not a `{Self}`",
    label = "not a migration",
    note = "give a `#[derive(Migrations)]` const such as `Db::ADD_USERS`, or a migration's folder name such as \
            `\"20250101120000_add_users\"`"
)]
pub trait AtTarget {
    /// The migration's folder name.
    fn target_name(&self) -> &'static str;
}

impl AtTarget for MigrationId {
    fn target_name(&self) -> &'static str {
        self.name()
    }
}

impl AtTarget for &'static str {
    fn target_name(&self) -> &'static str {
        self
    }
}

/// What a test function takes: the [`Database`] or the sqlx pool of the database in use.
#[diagnostic::on_unimplemented(
    message = "a `#[prisma_migrations::test]` function cannot take a `{Self}`",
    label = "not a database",
    note = "take `prisma_migrations::Database`, or the pool of the database `DATABASE_URL` names: `sqlx::PgPool`, \
            `sqlx::SqlitePool` or `sqlx::MySqlPool` (with the feature of that database), or no argument"
)]
pub trait FromTestDatabase: Sized {
    /// Converts, panicking with the reason when the database is of another kind.
    fn from_test_database(db: Database) -> Self;
}

impl FromTestDatabase for Database {
    fn from_test_database(db: Database) -> Self {
        db
    }
}

macro_rules! pool_argument {
    ($feature:literal, $pool:ty, $get:ident, $name:literal) => {
        #[cfg(feature = $feature)]
        impl FromTestDatabase for $pool {
            fn from_test_database(db: Database) -> Self {
                match db.$get() {
                    Some(pool) => pool.clone(),
                    None => panic!(
                        "#[prisma_migrations::test]: the test takes a {} but DATABASE_URL is a {} URL; take a \
                         `prisma_migrations::Database` to accept any",
                        $name,
                        db.kind()
                    ),
                }
            }
        }
    };
}
pool_argument!("postgres", sqlx::PgPool, postgres_pool, "`sqlx::PgPool` (PostgreSQL)");
pool_argument!("sqlite", sqlx::SqlitePool, sqlite_pool, "`sqlx::SqlitePool` (SQLite)");
pool_argument!("mysql", sqlx::MySqlPool, mysql_pool, "`sqlx::MySqlPool` (MySQL)");

/// What a test function returns: `()` or a `Result` whose error is shown when the test fails.
#[diagnostic::on_unimplemented(
    message = "a `#[prisma_migrations::test]` function cannot return `{Self}`",
    label = "not `()` or `Result<(), E>`",
    note = "return nothing, or `Result<(), E>` with `E: Debug` (its `Err` fails the test and is shown)"
)]
pub trait TestOutcome {
    /// `Err` with the message when the test failed.
    fn into_outcome(self) -> Result<(), String>;
}

impl TestOutcome for () {
    fn into_outcome(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: std::fmt::Debug> TestOutcome for Result<(), E> {
    fn into_outcome(self) -> Result<(), String> {
        self.map_err(|e| format!("the test returned Err({e:?})"))
    }
}

/// The fresh database of one test and how to dispose of it.
pub(crate) struct Fresh {
    pub(crate) db: Database,
    /// What a person looks for: the database's name, or the file's path for SQLite.
    pub(crate) shown: String,
    pub(crate) dispose: Dispose,
}

pub(crate) enum Dispose {
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    Server { admin: Database, name: String },
    #[cfg(feature = "sqlite")]
    File(std::path::PathBuf),
}

const NO_URL: &str = "#[prisma_migrations::test] needs DATABASE_URL: set it to a server the tests may create \
    databases on (`postgresql://user:password@localhost:5432/postgres`, `mysql://root@localhost:3306/mysql`), or to \
    `file:./target/test-dbs/test.db` for SQLite (the databases go in that file's directory), e.g. in `.cargo/config.toml` \
    `[env] DATABASE_URL = \"…\"`";

/// Context for an error while preparing: what was being done, and the error (with its Prisma code).
pub(crate) fn failed(what: impl std::fmt::Display) -> impl FnOnce(Error) -> String {
    move |e| format!("{what}: {e}")
}

/// Runs one test on its own freshly migrated database, on a current-thread tokio runtime as `#[tokio::test]`
/// does. Panics (fails the test) with the reason when the database cannot be prepared.
pub fn run<F, Fut, T>(config: Config, test: F)
where
    F: FnOnce(Database) -> Fut,
    Fut: Future<Output = T>,
    T: TestOutcome,
{
    let rt = runtime();
    let url = database_url();
    let fresh = rt
        .block_on(prepare(&config, &url))
        .unwrap_or_else(|e| panic!("#[prisma_migrations::test] `{}`: {e}", config.test_name));
    let db = fresh.db.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| rt.block_on(async move { test(db).await.into_outcome() })));
    match outcome {
        Ok(Ok(())) => {
            if let Err(e) = rt.block_on(dispose(fresh)) {
                eprintln!("#[prisma_migrations::test] `{}`: could not drop its database: {e}", config.test_name);
            }
        }
        Ok(Err(message)) => {
            keep(&config, &fresh);
            panic!("{message}");
        }
        Err(panic) => {
            keep(&config, &fresh);
            resume_unwind(panic);
        }
    }
}

/// A current-thread runtime, as `#[tokio::test]` makes.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("#[prisma_migrations::test]: cannot start a tokio runtime: {e}"))
}

/// `DATABASE_URL`, or the panic that says how to set it.
fn database_url() -> String {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!("{NO_URL}"),
    }
}

/// Why a URL of no known scheme (or of a database this build leaves out) cannot be used: the URL parser names the
/// cause and the feature.
async fn url_error(url: &str) -> String {
    Database::connect(url).await.err().unwrap_or_else(|| unknown_scheme(url)).to_string()
}

fn keep(config: &Config, fresh: &Fresh) {
    eprintln!(
        "#[prisma_migrations::test] `{}` failed; its database is kept for inspection: {} (dropped by the next run)",
        config.test_name, fresh.shown
    );
}

async fn prepare(config: &Config, url: &str) -> Result<Fresh, String> {
    let history = History::of(config)?;
    let name = test_db_name(config);
    let fresh: Fresh = match DatabaseKind::of_url(url) {
        #[cfg(feature = "postgres")]
        Some(DatabaseKind::Postgres) => postgres::fresh(url, &history, &name).await?,
        #[cfg(feature = "mysql")]
        Some(DatabaseKind::MySql) => mysql::fresh(url, &history, &name).await?,
        #[cfg(feature = "sqlite")]
        Some(DatabaseKind::Sqlite) => sqlite::fresh(url, &history, &name).await?,
        _ => return Err(url_error(url).await),
    };
    for (fixture, sql) in config.fixtures {
        if let Err(e) = fresh.db.execute_script(sql).await {
            keep(config, &fresh);
            return Err(format!("fixture `{fixture}` failed: {e}"));
        }
    }
    Ok(fresh)
}

fn unknown_scheme(url: &str) -> Error {
    Error::InvalidUrl {
        url: crate::redact_url(url),
        reason: "DATABASE_URL must be `postgresql://…`, `mysql://…` or `file:…`".to_owned(),
    }
}

async fn dispose(fresh: Fresh) -> Result<(), Error> {
    fresh.db.close().await;
    match fresh.dispose {
        #[cfg(feature = "postgres")]
        Dispose::Server { admin, name } if admin.kind() == DatabaseKind::Postgres => {
            postgres::drop_database(&admin, &name).await
        }
        #[cfg(feature = "mysql")]
        Dispose::Server { admin, name } => mysql::drop_database(&admin, &name).await,
        #[cfg(feature = "sqlite")]
        Dispose::File(path) => sqlite::remove(&path).await,
        #[allow(unreachable_patterns, reason = "PostgreSQL without MySQL")]
        _ => Ok(()),
    }
}

/// The migrations a test starts with and the name of their template.
pub(crate) struct History {
    pub(crate) migrations: Migrations,
    /// `pm_tpl_<16 hex>`, from the names and checksums of the migrations applied.
    pub(crate) template: String,
    /// The 16 hex digits.
    pub(crate) hex: String,
}

impl History {
    fn of(config: &Config) -> Result<Self, String> {
        let all = config.migrations.as_slice();
        let end = match config.at {
            None => all.len(),
            Some(at) => match all.iter().position(|m| m.name() == at) {
                Some(i) => i + 1,
                None => {
                    return Err(format!(
                        "`at = {at}` names no migration of the history; use a migration's \
                        folder name or a `#[derive(Migrations)]` const"
                    ));
                }
            },
        };
        let applied = &all[..end];
        let mut key = String::new();
        for m in applied {
            key.push_str(m.name());
            key.push(' ');
            key.push_str(m.checksum());
            key.push('\n');
        }
        let hex = prisma_migrations_build::checksum::checksum(&key)[..16].to_owned();
        // Borrowed from the `'static` history: no copy of the scripts.
        let migrations = Migrations::__new(applied, config.migrations.provider());
        Ok(Self { migrations, template: format!("pm_tpl_{hex}"), hex })
    }

    /// `pm_tx_<hex>`: the database `transaction` tests share on a server.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code, reason = "SQLite copies"))]
    pub(crate) fn shared_name(&self) -> String {
        format!("pm_tx_{}", self.hex)
    }

    /// The name a template is built under by this process.
    #[cfg_attr(not(any(feature = "postgres", feature = "sqlite")), allow(dead_code, reason = "MySQL builds in place"))]
    pub(crate) fn building(&self) -> String {
        format!("pmb_{}_{}", std::process::id(), self.hex)
    }
}

/// `pmt_<pid>_<crate>_<test>_<6 hex>`, at most 63 bytes (PostgreSQL's limit; MySQL's is 64), lowercase ASCII.
fn test_db_name(config: &Config) -> String {
    let test = config.test_name.rsplit("::").next().unwrap_or(config.test_name);
    let mut middle: String = format!("{}_{test}", config.crate_name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    let head = format!("pmt_{}_", std::process::id());
    middle.truncate(63 - head.len() - 7);
    let random = &uuid::Uuid::new_v4().simple().to_string()[..6];
    format!("{head}{middle}_{random}")
}

/// Whether a `pmt_`/`pmb_` name belongs to a process that no longer runs. Only where `/proc` lists processes
/// (Linux); elsewhere nothing is taken for stale.
pub(crate) fn is_stale(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("pmt_").or_else(|| name.strip_prefix("pmb_")) else { return false };
    let Some(pid) = rest.split('_').next().and_then(|p| p.parse::<u32>().ok()) else { return false };
    let proc = std::path::Path::new("/proc");
    pid != std::process::id() && proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// True the first time per process for this key (leftovers are looked for once per server).
pub(crate) fn first_time(key: &str) -> bool {
    SEEN.lock().unwrap_or_else(PoisonError::into_inner).get_or_insert_with(HashSet::new).insert(key.to_owned())
}

/// Whether [`first_time`] has seen the key (a template this process already found complete).
pub(crate) fn seen(key: &str) -> bool {
    SEEN.lock().unwrap_or_else(PoisonError::into_inner).as_ref().is_some_and(|s| s.contains(key))
}

/// URL of another database on the same server: the path replaced, the query (`?schema=`, …) kept.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn url_for(url: &str, database: &str) -> Result<String, Error> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| Error::InvalidUrl { url: crate::redact_url(url), reason: e.to_string() })?;
    parsed.set_path(&format!("/{database}"));
    Ok(parsed.to_string())
}
