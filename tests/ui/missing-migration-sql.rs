// A folder without `migration.sql`.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/missing-migration-sql");

fn main() {}
