// `fixtures(…)` given twice: the hint says to list every file in one.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[prisma_migrations::test(migrations = MIGRATIONS, fixtures("users.sql"), fixtures("posts.sql"))]
async fn twice(_db: prisma_migrations::Database) {}

fn main() {}
