// A provider Prisma does not know.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic", provider = "oracle");

fn main() {}
