// Words joined by `-` instead of `_`.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/dash");

fn main() {}
