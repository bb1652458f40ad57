// `migrations!` in a static: every field embedded, provider from `migration_lock.toml`.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

fn main() {
    let names: Vec<&str> = MIGRATIONS.iter().map(|m| m.name()).collect();
    assert_eq!(names, ["20250106093000_create_users", "20250114161500_add_2fa", "20250203110000_add_organizations"]);
    assert_eq!(MIGRATIONS.provider(), Some(prisma_migrations::build::Provider::Postgresql));
    let m = MIGRATIONS.get("20250114161500_add_2fa").unwrap();
    assert_eq!((m.timestamp(), m.slug()), ("20250114161500", "add_2fa"));
    assert_eq!(m.sql(), "ALTER TABLE \"users\" ADD COLUMN \"totp_secret\" TEXT;\n");
    assert_eq!(m.down_sql(), Some("ALTER TABLE \"users\" DROP COLUMN \"totp_secret\";\n"));
    // `sha256sum fixtures/valid-basic/20250114161500_add_2fa/migration.sql` (coreutils), not our function.
    assert_eq!(m.checksum(), "55d7b7c762e6d38530d89a6a523165bf0e5f3f5b2abfdaf77e928620c7fd9389");
    assert_eq!(MIGRATIONS.iter().filter(|m| m.down_sql().is_some()).count(), 1);
}
