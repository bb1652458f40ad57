// A method taking `self`: a test has no receiver to be called on.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

struct Suite;

impl Suite {
    #[prisma_migrations::test(migrations = MIGRATIONS)]
    async fn method(&self) {}
}

fn main() {}
