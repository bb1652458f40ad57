// Released migrations that share a timestamp are history; a new one that shares the timestamp of a released
// one is refused, naming the new one.
static MIGRATIONS: prisma_migrations::Migrations =
    prisma_migrations::migrations!("fixtures/timestamp-shared-with-locked");

fn main() {}
