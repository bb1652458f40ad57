// A Latin-1 script (created by the test): Prisma would hash a lossy copy.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/non-utf8-script");

fn main() {}
