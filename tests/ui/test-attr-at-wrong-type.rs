// `at = 42`: a target is a migration's name or a `#[derive(Migrations)]` const.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS, at = 42)]
async fn at_a_number(_db: prisma_migrations::Database) {}

fn main() {}
