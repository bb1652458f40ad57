// `#[prisma_migrations::test]` in its accepted forms. trybuild builds this as a binary, where the generated
// function is a plain one (not a `#[test]`): it is type-checked but never run, so no database is needed. `main`
// checks that each is the `fn()` the test harness calls.
use prisma_migrations::Database;

static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/valid-basic");

#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-basic")]
struct Db;

#[prisma_migrations::test(migrations = MIGRATIONS)]
async fn static_history(_db: Database) {}

#[prisma_migrations::test(migrations = Db, at = Db::ADD_2FA, fixtures("users.sql", "users"))]
async fn typed_target_and_fixtures(db: Database) -> Result<(), prisma_migrations::Error> {
    db.execute_script("SELECT 1").await?;
    Ok(())
}

#[prisma_migrations::test(at = "20250114161500_add_2fa", migrations = MIGRATIONS)]
async fn named_target_no_argument() {}

#[prisma_migrations::test(migrations = Db)]
async fn postgres_pool(_pool: sqlx::PgPool) {}

#[prisma_migrations::test(migrations = Db)]
async fn sqlite_pool(_pool: sqlx::SqlitePool) {}

#[prisma_migrations::test(migrations = Db)]
async fn mysql_pool(_pool: sqlx::MySqlPool) {}

#[prisma_migrations::test(migrations = MIGRATIONS, transaction)]
async fn in_a_transaction(_conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    Ok(())
}

mod nested {
    #[prisma_migrations::test(migrations = super::Db)]
    #[ignore = "attributes of the function are kept"]
    pub async fn in_a_module(_db: prisma_migrations::Database) {}
}

fn main() {
    let _: [fn(); 8] = [
        static_history,
        typed_target_and_fixtures,
        named_target_no_argument,
        postgres_pool,
        sqlite_pool,
        mysql_pool,
        in_a_transaction,
        nested::in_a_module,
    ];
}
