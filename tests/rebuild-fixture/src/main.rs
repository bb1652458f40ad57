static MIGRATIONS: prisma_migrations::Migrations =
    prisma_migrations::migrations!("prisma/migrations", provider = "sqlite");

fn main() {
    assert_eq!(MIGRATIONS.len(), rebuild_fixture::MIGRATIONS.len());
    for m in &MIGRATIONS {
        println!("{} {} {:?}", m.name(), m.checksum(), m.sql());
    }
}

// Tests on the default folder, `prisma/migrations`: each expands it. Outside test builds they are plain functions,
// compiled but never called, so `cargo build` shows the lint's warnings for them (once with the static's).
#[prisma_migrations::test]
async fn first() {}

#[prisma_migrations::test]
async fn second(_db: prisma_migrations::Database) {}

#[prisma_migrations::test]
async fn third() -> Result<(), prisma_migrations::Error> {
    Ok(())
}
