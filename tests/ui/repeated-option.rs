// An option given twice.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic", provider = "postgresql", provider = "mysql");

fn main() {}
