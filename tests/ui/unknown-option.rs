// A misspelt option.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic", provder = "postgresql");

fn main() {}
