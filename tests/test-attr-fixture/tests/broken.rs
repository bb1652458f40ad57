//! A history whose migration fails: tests/tests/test_attr.rs checks the error names it and gives P3018.

static BROKEN: prisma_migrations::Migrations = prisma_migrations::migrations!("prisma/broken");

#[prisma_migrations::test(migrations = BROKEN)]
async fn history_fails(_db: prisma_migrations::Database) {}
