// An argument the attribute cannot provide.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS)]
async fn takes_a_string(_url: String) {}

fn main() {}
