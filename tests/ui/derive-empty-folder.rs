// No migrations: there is no `LATEST` to name.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-no-migrations")]
pub struct Db;

fn main() {}
