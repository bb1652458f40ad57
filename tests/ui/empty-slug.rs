// Nothing after the timestamp, as `prisma migrate dev` writes in CI without `--name`.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/empty-slug");

fn main() {}
