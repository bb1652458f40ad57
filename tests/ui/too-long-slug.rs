// A name longer than the 200 bytes `prisma migrate dev` allows after the timestamp.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/too-long-slug");

fn main() {}
