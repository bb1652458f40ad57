// `migrations = X` where X is neither a `migrations!` static nor a `#[derive(Migrations)]` type.
struct NotDerived;

#[prisma_migrations::test(migrations = NotDerived)]
async fn not_a_history(_db: prisma_migrations::Database) {}

fn main() {}
