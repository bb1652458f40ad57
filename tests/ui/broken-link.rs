// A migration folder that is a broken symlink (created by the test).
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/broken-link");

fn main() {}
