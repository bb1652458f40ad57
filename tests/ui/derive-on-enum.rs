// The derive wants a marker struct.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-basic")]
pub enum Db {}

fn main() {}
