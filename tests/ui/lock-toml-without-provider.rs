// `migration_lock.toml` without its provider line.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/lock-toml-without-provider");

fn main() {}
