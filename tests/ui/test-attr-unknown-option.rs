// A misspelt option: the message lists the valid ones.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migration = MIGRATIONS)]
async fn misspelt(_db: prisma_migrations::Database) {}

fn main() {}
