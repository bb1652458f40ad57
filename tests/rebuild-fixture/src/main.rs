static MIGRATIONS: prisma_migrations::Migrations =
    prisma_migrations::migrations!("prisma/migrations", provider = "sqlite");

fn main() {
    for m in &MIGRATIONS {
        println!("{} {} {:?}", m.name(), m.checksum(), m.sql());
    }
}
