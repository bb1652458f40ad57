// February 30th.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/bad-day");

fn main() {}
