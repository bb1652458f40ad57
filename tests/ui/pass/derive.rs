// `#[derive(Migrations)]`: one const per migration, `ALL`, `LATEST`, and `MigrationSource`.
use prisma_migrations::{MigrationId, MigrationSource};

#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-basic", provider = "postgresql")]
pub struct Db;

mod private {
    // No attribute keys of its own beyond `dir`; a private struct gets private consts, without dead-code warnings.
    #[derive(prisma_migrations::Migrations)]
    #[migrations(dir = "fixtures/valid-locked")]
    #[migrations(provider = "sqlite")]
    struct Unused;
}

fn main() {
    let id: MigrationId = Db::ADD_2FA;
    assert_eq!((id.index(), id.name()), (1, "20250114161500_add_2fa"));
    assert_eq!(Db::CREATE_USERS.index(), 0);
    assert_eq!(Db::LATEST, Db::ADD_ORGANIZATIONS);
    assert_eq!(Db::ALL.len(), 3);
    assert_eq!(Db::ALL.provider(), Some(prisma_migrations::build::Provider::Postgresql));
    assert!(std::ptr::eq(Db::ALL, <Db as MigrationSource>::migrations()));
    assert_eq!(Db::migration(Db::ADD_2FA).name(), Db::ADD_2FA.name());
    assert_eq!(Db::migration(Db::ADD_2FA).down_sql(), Some("ALTER TABLE \"users\" DROP COLUMN \"totp_secret\";\n"));
    assert!(Db::CREATE_USERS < Db::LATEST);
    assert_eq!(Db::ADD_2FA.to_string(), "20250114161500_add_2fa");
}
