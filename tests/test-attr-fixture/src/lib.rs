//! The history the tests use, typed.

#[derive(prisma_migrations::Migrations)]
pub struct Db;
