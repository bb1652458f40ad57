// A version number says nothing about the change.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/vague-name-v3");

fn main() {}
