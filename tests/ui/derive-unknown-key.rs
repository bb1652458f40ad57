// A misspelt attribute key.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-basic", provder = "postgresql")]
pub struct Db;

fn main() {}
