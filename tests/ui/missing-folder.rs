// A folder that does not exist.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/does-not-exist");

fn main() {}
