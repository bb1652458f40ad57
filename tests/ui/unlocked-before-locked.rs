// A branch merged a migration older than the newest released one.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/unlocked-before-locked");

fn main() {}
