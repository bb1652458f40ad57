// An option value that is not a string.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic", provider = 5);

fn main() {}
