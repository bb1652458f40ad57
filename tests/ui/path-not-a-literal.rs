// The folder must be a string literal.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!(fixtures/valid-basic);

fn main() {}
