// A `migration.sql` with only whitespace.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/empty-script");

fn main() {}
