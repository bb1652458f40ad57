// A released migration deleted.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/deleted-locked-migration");

fn main() {}
