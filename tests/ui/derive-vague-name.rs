// A failed derive reports the folder problem only: its stub impl keeps the uses below free of secondary errors.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/vague-name")]
pub struct Db;

fn main() {
    let _ = Db::ALL.len();
    let _ = Db::LATEST.name();
    let _ = <Db as prisma_migrations::MigrationSource>::migrations();
}
