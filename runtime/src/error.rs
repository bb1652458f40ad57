//! The one error type.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::kind::DatabaseKind;

/// Everything that can go wrong; [`Error::code`] gives Prisma's error code where Prisma has one, and every
/// message with a code starts with it (`P3009: …`) so users can search it.
///
/// Variants carry data (names, codes, the database's own error text), never a password: URLs are stored
/// redacted (see [`redact_url`](crate::redact_url)).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The migrations folder read at run time breaks a rule.
    #[error("migrations folder `{}` has {} problem(s):\n{}", dir.display(), problems.len(), problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// Every problem found.
        problems: Vec<prisma_migrations_build::Problem>,
    },

    /// The database URL cannot be used.
    #[error("P1013: the database URL `{url}` is invalid: {reason}")]
    InvalidUrl {
        /// The URL, password hidden.
        url: String,
        /// What is wrong, naming the part at fault.
        reason: String,
    },

    /// The URL is for a database this build was compiled without.
    #[error(
        "the database URL `{url}` is for {kind}, but prisma-migrations was built without its cargo feature `{feature}`"
    )]
    FeatureDisabled {
        /// The URL, password hidden.
        url: String,
        /// The database.
        kind: &'static str,
        /// The cargo feature that adds it.
        feature: &'static str,
    },

    /// The URL asks for TLS (`sslmode=require`, Prisma's `sslaccept` …), and this build has no TLS: the `tls`
    /// cargo feature is off.
    #[error(
        "the database URL `{url}` requires TLS (`{sslmode}`), but this build of prisma-migrations has no TLS support; {}",
        remedy::TLS
    )]
    TlsNotCompiled {
        /// The URL, password hidden.
        url: String,
        /// The parameter that asks for TLS, as written (`sslmode=require`, `sslaccept=strict`).
        sslmode: String,
    },

    /// The server cannot be reached (refused, unknown host, timed out).
    #[error("P1001: can't reach the database server for `{url}`: {message}")]
    CannotReach {
        /// The URL, password hidden.
        url: String,
        /// The driver's explanation, password scrubbed.
        message: String,
    },

    /// The server refused the credentials.
    #[error("P1000: authentication failed for `{url}`: {message}")]
    AuthenticationFailed {
        /// The URL, password hidden.
        url: String,
        /// The server's explanation.
        message: String,
    },

    /// The database (or SQLite file) does not exist.
    #[error("P1003: database `{database}` does not exist; {}", remedy::DATABASE_MISSING)]
    DatabaseMissing {
        /// The database name or file path.
        database: String,
    },

    /// A database error outside a migration script (bookkeeping, connecting, creating the database).
    #[error("database error while {action}: {message}{}", code.as_deref().map(|c| format!(" (code {c})")).unwrap_or_default())]
    Database {
        /// What we were doing.
        action: &'static str,
        /// The database's error code (SQLSTATE, MySQL error number, SQLite extended code), when it gave one.
        code: Option<String>,
        /// The database's message.
        message: String,
    },

    /// Could not create a SQLite file's directory.
    #[error("could not create the directory `{}` for the SQLite database: {message}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The system's explanation.
        message: String,
    },

    /// Another deployer held the migration lock for longer than the lock timeout.
    #[error(
        "P1002: timed out after {waited:?} waiting for the migration lock ({lock}); another deploy is running or stuck"
    )]
    LockTimeout {
        /// Which lock (`pg_advisory_lock(72707369)`, `GET_LOCK('prisma_migrate')`, the SQLite file).
        lock: &'static str,
        /// How long we waited.
        waited: Duration,
    },

    /// The database could not take the lock at all (MySQL `GET_LOCK` returned NULL).
    #[error("could not take the migration lock ({lock}): {message}")]
    LockFailed {
        /// Which lock.
        lock: &'static str,
        /// Why.
        message: String,
    },

    /// `migration_lock.toml` (or the macro's `provider`) names another database than the one connected.
    #[error(
        "P3019: the migrations are for `{provider}` (migration_lock.toml) but the database is {database}; use a database of that kind or start a new migration history"
    )]
    ProviderMismatch {
        /// The provider of the migrations.
        provider: prisma_migrations_build::Provider,
        /// The database connected.
        database: DatabaseKind,
    },

    /// The server is CockroachDB and the migrations are for `postgresql`, or the other way round. Prisma refuses
    /// both too, without an error code ("You are trying to connect to a CockroachDB database, but the provider
    /// in your Prisma schema is `postgresql`").
    #[error("{}", server_mismatch(*provider, server))]
    ServerMismatch {
        /// The provider of the migrations (`postgresql` or `cockroachdb`).
        provider: prisma_migrations_build::Provider,
        /// What the server's `version()` says.
        server: String,
    },

    /// `_prisma_migrations` is missing and the schema already has tables.
    #[error(
        "P3005: the database schema is not empty (it has {}) and has no `_prisma_migrations` table; {}",
        list(tables),
        remedy::SCHEMA_NOT_EMPTY
    )]
    SchemaNotEmpty {
        /// The tables found.
        tables: Vec<String>,
    },

    /// Failed migrations are recorded; nothing runs until they are resolved.
    #[error("P3009: failed migrations are recorded in the database, so no migration will run until they are resolved with `resolve --rolled-back` or `resolve --applied`:\n{}", failed.iter().map(|f| format!("  - `{}` started at {} failed{}", f.name, f.started_at, f.logs.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(|l| format!(" with logs:\n{l}")).unwrap_or_default())).collect::<Vec<_>>().join("\n"))]
    FailedMigrations {
        /// Every failed row, in `started_at` order.
        failed: Vec<FailedMigration>,
    },

    /// Applied migrations whose local `migration.sql` no longer matches the recorded checksum (strict mode).
    #[error(
        "applied migration(s) {} were edited after being applied (checksum differs from `_prisma_migrations`); {}",
        list(names),
        remedy::EDITED
    )]
    EditedMigrations {
        /// The names.
        names: Vec<String>,
    },

    /// Migrations recorded as applied have no local folder (strict mode).
    #[error(
        "the database has applied migration(s) {} that are not in the migrations folder; {}",
        list(names),
        remedy::MISSING
    )]
    MissingMigrations {
        /// The names.
        names: Vec<String>,
    },

    /// A migration script failed; its row records the error in `logs`.
    #[error("P3018: migration `{name}` failed to apply{} (database error code {database_error_code}): {database_error}\nnew migrations cannot be applied until it is resolved: fix the database, then `resolve --rolled-back {name}` (and deploy again) or `resolve --applied {name}`", statement.map(|s| format!(" at statement {s}")).unwrap_or_default())]
    MigrationFailed {
        /// The migration.
        name: String,
        /// SQLSTATE (PostgreSQL), error number (MySQL), extended result code (SQLite), or `none`.
        database_error_code: String,
        /// The database's message.
        database_error: String,
        /// 1-based number of the failing statement in the script, when known.
        statement: Option<usize>,
        /// The migrations this deploy applied before this one, in order.
        applied: Vec<crate::AppliedMigration>,
    },

    /// A script run with [`Database::execute_script`](crate::Database::execute_script) failed.
    #[error("the script failed{} (database error code {code}): {message}", statement.map(|s| format!(" at statement {s}")).unwrap_or_default())]
    ScriptFailed {
        /// SQLSTATE (PostgreSQL), error number (MySQL), extended result code (SQLite), or `none`.
        code: String,
        /// The database's message.
        message: String,
        /// 1-based number of the failing statement, when known.
        statement: Option<usize>,
    },

    /// `resolve --applied` on a migration that is already applied.
    #[error("P3008: migration `{name}` is already recorded as applied in the database")]
    AlreadyApplied {
        /// The migration.
        name: String,
    },

    /// `resolve` (or `rollback`) names a migration that is not in the migrations folder.
    #[error(
        "P3017: migration `{name}` is not in the migrations folder; give the full folder name, e.g. `20201207184859_initial_migration`"
    )]
    MigrationNotFound {
        /// The name given.
        name: String,
    },

    /// A [`MigrationId`](crate::MigrationId) from another `#[derive(Migrations)]` names a migration this list
    /// has with other content: the two lists are different histories, so the id does not name this migration.
    #[error(
        "migration id `{name}` comes from another migrations list: there it has checksum {expected}, here {found}; name the migration with this list's own id (or its folder name)"
    )]
    ForeignMigrationId {
        /// The migration name both lists have.
        name: String,
        /// The checksum the id carries.
        expected: String,
        /// The checksum of this list's migration of that name.
        found: String,
    },

    /// `resolve --rolled-back` on a migration that has no row.
    #[error("P3011: migration `{name}` cannot be rolled back because it was never applied to the database")]
    NeverApplied {
        /// The migration.
        name: String,
    },

    /// `resolve --rolled-back` on a migration that is not in a failed state.
    #[error("P3012: migration `{name}` cannot be marked rolled back because it is not in a failed state")]
    NotFailed {
        /// The migration.
        name: String,
    },

    /// The database has no `_prisma_migrations` table, and the command needs one.
    #[error(
        "the database has no `_prisma_migrations` table: it is not managed by Prisma Migrate (nothing to resolve or roll back)"
    )]
    TableMissing,

    /// `verify` found the database not up to date with the migrations.
    #[error(
        "the database is not up to date with the migrations:{}{}{}{}",
        section("pending", pending),
        section("failed", failed),
        section("edited after being applied", edited),
        section("applied but missing from the migrations folder", missing_locally)
    )]
    NotUpToDate {
        /// Local migrations not applied yet (all of them when the table is missing).
        pending: Vec<String>,
        /// Migrations with a failed row.
        failed: Vec<String>,
        /// Applied migrations whose file changed (unless allowed).
        edited: Vec<String>,
        /// Applied rows with no local migration (unless allowed).
        missing_locally: Vec<String>,
    },

    /// `rollback` on a migration without `down.sql`.
    #[error("migration `{name}` has no `down.sql`, so it cannot be rolled back automatically")]
    NoDownScript {
        /// The migration.
        name: String,
    },

    /// `rollback` on a migration that is not applied.
    #[error("migration `{name}` is not applied, so there is nothing to roll back")]
    NotApplied {
        /// The migration.
        name: String,
    },

    /// `rollback` on a migration that is not the latest applied one (without `force`).
    #[error("migration `{name}` is not the latest applied migration (`{latest}` is); {}", remedy::NOT_LATEST)]
    NotLatest {
        /// The migration.
        name: String,
        /// The latest applied migration.
        latest: String,
    },

    /// A `down.sql` failed; the migration's rows are unchanged.
    #[error("`down.sql` of migration `{name}` failed{} (database error code {database_error_code}): {database_error}", statement.map(|s| format!(" at statement {s}")).unwrap_or_default())]
    RollbackFailed {
        /// The migration.
        name: String,
        /// The database's error code, or `none`.
        database_error_code: String,
        /// The database's message.
        database_error: String,
        /// 1-based number of the failing statement, when known.
        statement: Option<usize>,
    },

    /// The migration lock would be taken through a transaction pooler (`pgbouncer=true` in the URL), where a
    /// session advisory lock excludes nobody (each transaction may run on another server connection) and can be
    /// left held by a pooled connection. Prisma neither warns nor refuses; this toolkit refuses.
    #[error(
        "the database URL has `pgbouncer=true`: the migration lock (a session advisory lock) cannot work through a \
         transaction pooler; migrate through the direct URL (`directUrl` in schema.prisma, or --database-url / \
         DATABASE_URL with the server's own address), or, if deploys never run at the same time, set \
         PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK=1 to run without the lock"
    )]
    LockThroughPooler,
}

/// A failed row of `_prisma_migrations`, as P3009 lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedMigration {
    /// The migration.
    pub name: String,
    /// When the failed attempt started.
    pub started_at: DateTime<Utc>,
    /// The row's `logs`.
    pub logs: Option<String>,
}

/// The library's remedies that end some messages (after `; `), in the library's terms: [`Error::problem`] leaves
/// them out for a caller that gives its own (the CLI names its flags instead).
mod remedy {
    pub const TLS: &str = "build it with its `tls` cargo feature, or use `sslmode=disable`/`prefer`";
    pub const DATABASE_MISSING: &str =
        "`Migrator::deploy` creates it (as `prisma migrate deploy` does), or `Database::create_if_missing`";
    pub const SCHEMA_NOT_EMPTY: &str =
        "baseline it first: mark each migration already in it as applied with `Migrator::resolve_applied`";
    pub const EDITED: &str = "restore the files and put the change in a new migration, or accept the edit with `allow_edited(true)` as Prisma does";
    pub const MISSING: &str =
        "deploy from the version that has them, or ignore them with `allow_missing(true)` as Prisma does";
    pub const NOT_LATEST: &str = "roll back the later ones first, or pass `force = true` to `Migrator::rollback`";
}

impl Error {
    /// The library's remedy at the end of this error's message, if it has one.
    fn library_remedy(&self) -> Option<&'static str> {
        match self {
            Self::TlsNotCompiled { .. } => Some(remedy::TLS),
            Self::DatabaseMissing { .. } => Some(remedy::DATABASE_MISSING),
            Self::SchemaNotEmpty { .. } => Some(remedy::SCHEMA_NOT_EMPTY),
            Self::EditedMigrations { .. } => Some(remedy::EDITED),
            Self::MissingMigrations { .. } => Some(remedy::MISSING),
            Self::NotLatest { .. } => Some(remedy::NOT_LATEST),
            _ => None,
        }
    }

    /// What went wrong, without the remedy in the library's terms that ends some messages (`allow_edited(true)`,
    /// `Migrator::resolve_applied` …): for a caller that tells its users the next step in its own terms, as the
    /// CLI does with its flags. The `Display` text is this plus `; <remedy>`.
    pub fn problem(&self) -> String {
        let text = self.to_string();
        match self.library_remedy() {
            Some(r) => text.strip_suffix(r).and_then(|t| t.strip_suffix("; ")).unwrap_or(&text).to_owned(),
            None => text,
        }
    }

    /// Prisma's error code (`"P3009"` …) for errors that Prisma also reports.
    pub fn code(&self) -> Option<&'static str> {
        Some(match self {
            Self::InvalidUrl { .. } => "P1013",
            Self::CannotReach { .. } => "P1001",
            Self::AuthenticationFailed { .. } => "P1000",
            Self::DatabaseMissing { .. } => "P1003",
            Self::LockTimeout { .. } => "P1002",
            Self::ProviderMismatch { .. } => "P3019",
            Self::SchemaNotEmpty { .. } => "P3005",
            Self::FailedMigrations { .. } => "P3009",
            Self::MigrationFailed { .. } => "P3018",
            Self::AlreadyApplied { .. } => "P3008",
            Self::MigrationNotFound { .. } => "P3017",
            Self::NeverApplied { .. } => "P3011",
            Self::NotFailed { .. } => "P3012",
            _ => return None,
        })
    }

    /// Wraps a driver error from bookkeeping SQL.
    /// A database that vanished after connecting (or a lazily connected pool's) is still P1003.
    pub(crate) fn db(action: &'static str, e: &sqlx::Error) -> Self {
        let (code, message) = db_code_and_message(e);
        // 3D000 invalid_catalog_name (PostgreSQL), 1049 unknown database (MySQL).
        if matches!(code.as_deref(), Some("3D000" | "1049")) {
            return Self::DatabaseMissing { database: message };
        }
        Self::Database { action, code, message }
    }
}

/// Whether the connection itself is gone (killed, server restarted, network): worth one retry on a fresh one.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) fn connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        // 57P01..03: the server shut the session down; MySQL 1927 connection killed, 4031 idle disconnect,
        // 2006/2013 server gone.
        sqlx::Error::Database(d) => {
            matches!(
                database_code(d.as_ref()).as_deref(),
                Some("57P01" | "57P02" | "57P03" | "1927" | "4031" | "2006" | "2013")
            )
        }
        _ => false,
    }
}

/// The database's error code and message of a driver error.
pub(crate) fn db_code_and_message(e: &sqlx::Error) -> (Option<String>, String) {
    match e {
        sqlx::Error::Database(d) => (database_code(d.as_ref()), d.message().to_owned()),
        other => (None, other.to_string()),
    }
}

/// The code Prisma shows for a database error: SQLSTATE on PostgreSQL, the error number on MySQL, the extended
/// result code on SQLite (prisma-engines `flavour/sqlite/connector/native/mod.rs` uses `extended_code`).
fn database_code(d: &dyn sqlx::error::DatabaseError) -> Option<String> {
    #[cfg(feature = "mysql")]
    if let Some(m) = d.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return Some(m.number().to_string());
    }
    d.code().map(std::borrow::Cow::into_owned)
}

fn server_mismatch(provider: prisma_migrations_build::Provider, server: &str) -> String {
    use prisma_migrations_build::Provider;
    let (is, other) =
        if provider == Provider::Cockroachdb { ("PostgreSQL", "postgresql") } else { ("CockroachDB", "cockroachdb") };
    format!(
        "the database server is {is} (`{server}`) but the migrations are for `{provider}` (migration_lock.toml); \
         Prisma refuses this too: change the provider to `{other}` (migration_lock.toml and schema.prisma), or use a \
         server of the provider's kind"
    )
}

fn list(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn section(title: &str, names: &[String]) -> String {
    if names.is_empty() { String::new() } else { format!("\n  {title}: {}", list(names)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_is_the_message_without_the_library_remedy() {
        let names = || vec!["20250101120000_a".to_owned()];
        let errors = [
            Error::TlsNotCompiled { url: "u".into(), sslmode: "sslmode=require".into() },
            Error::DatabaseMissing { database: "app".into() },
            Error::SchemaNotEmpty { tables: names() },
            Error::EditedMigrations { names: names() },
            Error::MissingMigrations { names: names() },
            Error::NotLatest { name: "a".into(), latest: "b".into() },
        ];
        for e in errors {
            let remedy = e.library_remedy().expect("a remedy");
            assert_eq!(format!("{}; {remedy}", e.problem()), e.to_string());
            assert!(!e.problem().contains(remedy), "{e:?}");
        }
        let plain = Error::AlreadyApplied { name: "a".into() };
        assert_eq!(plain.problem(), plain.to_string());
    }
}
