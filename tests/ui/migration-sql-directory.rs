// `migration.sql` is a directory.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/migration-sql-directory");

fn main() {}
