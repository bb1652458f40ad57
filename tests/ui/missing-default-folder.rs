// No argument: `prisma/migrations`, which this crate does not have; spanned at the call.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!();

fn main() {}
