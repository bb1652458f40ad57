// MySQL: a dropped column, a NOT NULL column without a default (Atlas MY101), an ENUM value removed and a
// renamed table are errors.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/lint-mysql");

fn main() {}
