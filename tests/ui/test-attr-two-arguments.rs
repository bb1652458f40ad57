// Two arguments: a test gets one database.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS)]
async fn two(_db: prisma_migrations::Database, _other: prisma_migrations::Database) {}

fn main() {}
