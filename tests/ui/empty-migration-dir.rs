// An empty folder (created by the test: git cannot hold one).
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/empty-migration-dir");

fn main() {}
