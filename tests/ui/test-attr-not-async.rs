// `#[prisma_migrations::test]` on a function that is not `async`; spanned at `fn`.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS)]
fn not_async(_db: prisma_migrations::Database) {}

fn main() {}
