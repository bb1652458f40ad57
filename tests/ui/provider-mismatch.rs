// `migration_lock.toml` says mysql; the program expects postgresql (Prisma P3019).
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/provider-mismatch", provider = "postgresql");

fn main() {}
