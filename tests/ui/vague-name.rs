// A name from the default list of vague names.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/vague-name");

fn main() {}
