//! Run by tests/tests/test_attr.rs with `DATABASE_URL` set, against each database. Each test prints
//! `database: <name>` so the runner can check what was created and dropped.

use prisma_migrations::{Database, Migrator};
use test_attr_fixture::{Db, meet};

/// The name of the database a test runs on, printed for the runner.
async fn show(db: &Database) {
    let name = match db.kind() {
        prisma_migrations::DatabaseKind::Postgres => {
            let pool = db.postgres_pool().unwrap();
            sqlx::query_scalar::<_, String>("SELECT current_database()").fetch_one(pool).await.unwrap()
        }
        prisma_migrations::DatabaseKind::MySql => {
            let pool = db.mysql_pool().unwrap();
            sqlx::query_scalar::<_, String>("SELECT DATABASE()").fetch_one(pool).await.unwrap()
        }
        prisma_migrations::DatabaseKind::Sqlite => {
            let pool = db.sqlite_pool().unwrap();
            let file: String = sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(pool)
                .await
                .unwrap();
            file
        }
    };
    println!("database: {name}");
}

/// `SELECT CAST(<expr> AS <64-bit integer>) FROM <from>`, NULL read as 0.
async fn count(db: &Database, expr: &str, from: &str) -> i64 {
    let int = if db.kind() == prisma_migrations::DatabaseKind::MySql { "SIGNED" } else { "BIGINT" };
    let sql = format!("SELECT CAST({expr} AS {int}) FROM {from}");
    let q = || sqlx::AssertSqlSafe(sql.clone());
    let n: Option<i64> = match db.kind() {
        prisma_migrations::DatabaseKind::Postgres => {
            sqlx::query_scalar(q()).fetch_one(db.postgres_pool().unwrap()).await.unwrap()
        }
        prisma_migrations::DatabaseKind::MySql => sqlx::query_scalar(q()).fetch_one(db.mysql_pool().unwrap()).await.unwrap(),
        prisma_migrations::DatabaseKind::Sqlite => {
            sqlx::query_scalar(q()).fetch_one(db.sqlite_pool().unwrap()).await.unwrap()
        }
    };
    n.unwrap_or(0)
}

async fn write_same_row(db: Database) {
    show(&db).await;
    assert_eq!(count(&db, "COUNT(*)", "users").await, 0, "starts empty");
    // A blocking wait on this test's own current-thread runtime: nothing else runs on it meanwhile.
    meet();
    db.execute_script("INSERT INTO users (id, email) VALUES (1, 'same@example.com')").await.unwrap();
    assert_eq!(count(&db, "COUNT(*)", "users").await, 1, "sees only its own row");
    // The whole history is applied, as Prisma records it.
    assert_eq!(
        count(&db, "COUNT(*)", "_prisma_migrations WHERE finished_at IS NOT NULL").await,
        3
    );
}

#[prisma_migrations::test]
async fn isolation_a(db: Database) {
    write_same_row(db).await;
}

#[prisma_migrations::test]
async fn isolation_b(db: Database) {
    write_same_row(db).await;
}

#[prisma_migrations::test(migrations = Db, fixtures("users.sql", "more_users"))]
async fn fixtures_applied_in_order(db: Database) -> Result<(), prisma_migrations::Error> {
    show(&db).await;
    assert_eq!(count(&db, "COUNT(*)", "users").await, 3);
    assert_eq!(count(&db, "MAX(id)", "users").await, 3);
    Ok(())
}

/// `at =`: the data migration runs on rows inserted before it.
#[prisma_migrations::test(migrations = Db, at = Db::ADD_2FA, fixtures("users.sql"))]
async fn data_migration_backfills(db: Database) {
    show(&db).await;
    assert_eq!(count(&db, "COUNT(*)", "_prisma_migrations").await, 2);
    assert_eq!(count(&db, "SUM(two_factor)", "users").await, 0);
    let report = Migrator::new(Db::ALL).deploy(&db).await.unwrap();
    assert_eq!(report.applied.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), [Db::BACKFILL_2FA.name()]);
    assert_eq!(count(&db, "two_factor", "users WHERE id = 2").await, 1);
    assert_eq!(count(&db, "two_factor", "users WHERE id = 1").await, 0);
}

/// The default history is the crate's `prisma/migrations`, embedded.
#[prisma_migrations::test]
async fn default_history_and_no_argument() {
    assert!(std::env::var("DATABASE_URL").is_ok());
}
