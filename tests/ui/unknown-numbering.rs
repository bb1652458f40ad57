// A numbering that does not exist.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic", numbering = "alphabetical");

fn main() {}
