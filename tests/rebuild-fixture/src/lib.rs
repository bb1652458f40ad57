//! The same folder embedded by a second crate of the package: tests/tests/rebuild.rs checks that it shows the
//! lint's warnings too, once.

pub static MIGRATIONS: prisma_migrations::Migrations =
    prisma_migrations::migrations!("prisma/migrations", provider = "sqlite");
