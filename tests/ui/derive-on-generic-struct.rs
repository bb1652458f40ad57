// The derive wants a struct without generic parameters.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-basic")]
pub struct Db<T>(T);

fn main() {}
