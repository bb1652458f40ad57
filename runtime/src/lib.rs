//! Prisma Migrate folders as a compile-time checked part of a Rust program, applied from that program with
//! no Node.js and no Prisma CLI, recording every step in `_prisma_migrations` exactly as Prisma does.
//!
//! ```ignore
//! static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("prisma/migrations");
//! ```

mod error;
mod migrations;

pub use error::Error;
pub use migrations::{Migration, MigrationId, MigrationSource, Migrations};
pub use prisma_migrations_build as build;
pub use prisma_migrations_macros::{Migrations, migrations};

/// Items the generated code names. Not public API: may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::migrations::{Migration, MigrationId, MigrationSource, Migrations};
}
