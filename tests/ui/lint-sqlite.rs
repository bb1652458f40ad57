// SQLite: Prisma's table redefinition is judged against the history: the column it leaves out is dropped, the
// column it makes NOT NULL was nullable; the redefinition itself is a warning.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/lint-sqlite")]
pub struct Db;

fn main() {}
