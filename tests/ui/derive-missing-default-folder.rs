// No attribute: `prisma/migrations`, spanned at the struct name.
#[derive(prisma_migrations::Migrations)]
pub struct Db;

fn main() {}
