// A `down.sql` that is not UTF-8 (created by the test).
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/non-utf8-down-sql");

fn main() {}
