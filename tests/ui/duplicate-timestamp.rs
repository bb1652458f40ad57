// Two migrations with the same timestamp: their order is not certain.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/duplicate-timestamp");

fn main() {}
