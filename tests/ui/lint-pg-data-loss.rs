// PostgreSQL data-loss rules on a new migration: a dropped column, a required column without a default, a
// renamed column and a dropped table of a released table; each is an error.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/lint-pg-data-loss");

fn main() {}
