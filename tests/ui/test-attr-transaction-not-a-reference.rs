// `transaction` with an argument that is not `&mut` a connection; spanned at its type.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS, transaction)]
async fn by_value(_db: prisma_migrations::Database) {}

fn main() {}
