// `vague_names` takes a list.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic", vague_names = "fix");

fn main() {}
