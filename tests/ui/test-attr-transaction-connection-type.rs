// `transaction` with `&mut` something that is not a connection of a supported database.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS, transaction)]
async fn not_a_connection(_conn: &mut String) {}

fn main() {}
