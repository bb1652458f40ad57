// `migration_lock.toml` names a provider Prisma does not know.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/unknown-lock-provider");

fn main() {}
