// A migration folder that is a symbolic link (created by the test): Prisma does not list it.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/symlinked-folder");

fn main() {}
