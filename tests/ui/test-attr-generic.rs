// A generic test function: the attribute cannot pick its type arguments.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS)]
async fn generic<T: Default>(_db: prisma_migrations::Database) {}

fn main() {}
