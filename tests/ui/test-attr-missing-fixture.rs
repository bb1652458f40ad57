// A fixture that is not in the crate's `fixtures/` folder (compiletest.rs writes only `fixtures/users.sql`):
// spanned at its name; the one that exists is no error.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS, fixtures("users.sql", "missing.sql", "missing_too"))]
async fn missing(_db: prisma_migrations::Database) {}

fn main() {}
