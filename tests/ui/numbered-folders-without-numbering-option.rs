// Numbered folders without `numbering = "sequential"`.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-numbered");

fn main() {}
