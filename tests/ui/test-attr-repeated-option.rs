// An option given twice; spanned at the second.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS, at = "20250114161500_add_2fa", at = "20250203110000_add_organizations")]
async fn twice(_db: prisma_migrations::Database) {}

fn main() {}
