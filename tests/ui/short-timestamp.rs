// A timestamp that is not 14 digits.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/short-timestamp");

fn main() {}
