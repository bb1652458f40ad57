// Month 13.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/bad-month");

fn main() {}
