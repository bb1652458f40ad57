// No `migrations = …`: the crate's `prisma/migrations`, which this crate does not have; spanned at the attribute.
#[prisma_migrations::test]
async fn default_history(_db: prisma_migrations::Database) {}

fn main() {}
