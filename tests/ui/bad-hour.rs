// Hour 24.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/bad-hour");

fn main() {}
