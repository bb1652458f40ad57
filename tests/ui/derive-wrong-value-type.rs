// A list of numbers where strings are expected.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-basic", extra_vague_names = [1, 2])]
pub struct Db;

fn main() {}
