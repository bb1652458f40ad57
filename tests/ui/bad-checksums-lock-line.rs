// A `checksums.lock` line whose checksum is not lowercase hex.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/bad-checksums-lock-line");

fn main() {}
