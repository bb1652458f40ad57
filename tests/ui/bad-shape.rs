// A folder name without a timestamp.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/bad-shape");

fn main() {}
