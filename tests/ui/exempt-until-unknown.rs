// `exempt_until` names no migration of the folder.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/exempt-until-unknown", exempt_until = "20240101000000_legacy_name");

fn main() {}
