// A key given twice, across two attributes.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-basic")]
#[migrations(dir = "fixtures/valid-numbered")]
pub struct Db;

fn main() {}
