// A return type other than `()` or `Result<(), E>`.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS)]
async fn returns_a_count(_db: prisma_migrations::Database) -> u64 {
    0
}

fn main() {}
