// A released migration edited after `checksums.lock` recorded it.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/edited-locked-migration");

fn main() {}
