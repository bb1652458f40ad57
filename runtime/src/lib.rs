//! Prisma Migrate folders as a compile-time checked part of a Rust program, applied from that program with
//! no Node.js and no Prisma CLI, recording every step in `_prisma_migrations` exactly as Prisma does.
//!
//! ```ignore
//! static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("prisma/migrations");
//! ```

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

mod backend;
#[cfg(feature = "cli")]
pub mod cli;
mod database;
mod error;
mod lock;
mod migrations;
mod migrator;
mod report;
mod url;

pub use database::{ConnectOptions, Database, DatabaseKind};
pub use error::{Error, FailedMigration};
pub use lock::{DISABLE_LOCK_ENV, disabled_by_env as advisory_lock_disabled_by_env};
pub use migrations::{Migration, MigrationId, MigrationSource, Migrations};
pub use migrator::{DEFAULT_LOCK_TIMEOUT, Migrator};
pub use prisma_migrations_build as build;
pub use prisma_migrations_macros::{Migrations, migrations};
pub use report::{
    AppliedMigration, DeployReport, MigrationRecord, MigrationState, MigrationStatus, Plan, PlannedMigration,
    StatusReport,
};
pub use url::redact_url;

/// Items the generated code names. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::migrations::{Migration, MigrationId, MigrationSource, Migrations};
}
