//! `#[prisma_migrations::test]`: each test on its own copy of a freshly migrated database (or, with `transaction`,
//! inside a transaction rolled back after it).
//!
//! ```sh
//! DATABASE_URL=file:./target/test-dbs/test.db cargo test -p prisma-migrations-examples --test signup
//! ```
//!
//! The history (`prisma/migrations`) is migrated once into a template named by its checksum; every test gets a
//! copy. With `DATABASE_URL=postgresql://…` or `mysql://…` the same tests run on that server (these migrations
//! are SQLite's, as `migration_lock.toml` says).

use prisma_migrations::{Database, Migrator};

#[derive(prisma_migrations::Migrations)]
struct Db;

/// The default: the crate's `prisma/migrations`, all applied. The test takes the sqlx pool.
#[prisma_migrations::test]
async fn a_user_signs_up(pool: sqlx::SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query(r#"INSERT INTO "User" ("id", "email", "passwordHash", "updatedAt") VALUES ('u1', 'ann@example.com', 'x', CURRENT_TIMESTAMP)"#)
        .execute(&pool)
        .await?;
    let users: i64 = sqlx::query_scalar(r#"SELECT COUNT(*) FROM "User""#).fetch_one(&pool).await?;
    assert_eq!(users, 1, "a fresh database: only this test's user");
    Ok(())
}

/// `at =`: start before a migration, add rows, deploy the rest, and check what the migration did to them.
#[prisma_migrations::test(migrations = Db, at = Db::CREATE_USERS_AND_SESSIONS)]
async fn two_factor_auth_keeps_existing_users(db: Database) -> Result<(), prisma_migrations::Error> {
    db.execute_script(
        r#"INSERT INTO "User" ("id", "email", "passwordHash", "updatedAt") VALUES ('u1', 'ann@example.com', 'x', CURRENT_TIMESTAMP)"#,
    )
    .await?;
    let report = Migrator::new(Db::ALL).deploy(&db).await?;
    assert_eq!(report.applied.len(), Db::ALL.len() - 1);
    let pool = db.sqlite_pool().expect("a SQLite DATABASE_URL");
    let secret: Option<String> = sqlx::query_scalar(r#"SELECT "totpSecret" FROM "User" WHERE "id" = 'u1'"#)
        .fetch_one(pool)
        .await
        .expect("the user is still there");
    assert_eq!(secret, None, "existing users start without 2FA");
    Ok(())
}

/// `transaction`: one connection inside a transaction that is rolled back after the test, on a database migrated
/// once and shared (on PostgreSQL and MySQL nothing is created per test; on SQLite each test still gets a copy).
/// The fixture runs inside the transaction too.
#[prisma_migrations::test(transaction, fixtures("users.sql"))]
async fn lists_users(conn: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    let emails: Vec<String> =
        sqlx::query_scalar(r#"SELECT "email" FROM "User" ORDER BY "email""#).fetch_all(&mut *conn).await?;
    assert_eq!(emails, ["ann@example.com", "bob@example.com"]);
    Ok(())
}
