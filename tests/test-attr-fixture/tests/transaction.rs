//! `#[prisma_migrations::test(transaction)]`, run by tests/tests/test_attr.rs with `DATABASE_URL` set, one database
//! at a time (`cargo test --test transaction -- postgres::|mysql::|sqlite::`). Tests print `database: <name>` (the
//! shared database, or SQLite's copy).

use test_attr_fixture::{Db, meet};

/// One 64-bit integer.
macro_rules! scalar {
    ($conn:expr, $sql:expr) => {
        sqlx::query_scalar::<_, i64>($sql).fetch_one(&mut *$conn).await.unwrap()
    };
}

macro_rules! transaction_tests {
    ($db:ident, $conn:ty, $current:literal, $int:literal) => {
        mod $db {
            use super::*;

            async fn isolated(conn: &mut $conn, id: i64) {
                let name: String = sqlx::query_scalar($current).fetch_one(&mut *conn).await.unwrap();
                println!("database: {name}");
                assert_eq!(scalar!(conn, "SELECT COUNT(*) FROM users"), 0, "starts empty");
                meet();
                let insert = format!("INSERT INTO users (id, email) VALUES ({id}, 'u{id}@example.com')");
                sqlx::query(sqlx::AssertSqlSafe(insert)).execute(&mut *conn).await.unwrap();
                // The other test's row, written at the same time, is not visible: it is not committed.
                assert_eq!(scalar!(conn, "SELECT COUNT(*) FROM users"), 1, "sees only its own row");
                let done = concat!("SELECT CAST(COUNT(*) AS ", $int, ") FROM _prisma_migrations WHERE finished_at IS NOT NULL");
                assert_eq!(scalar!(conn, done), 3, "the whole history");
            }

            #[prisma_migrations::test(transaction)]
            async fn isolation_a(conn: &mut $conn) {
                isolated(conn, 1).await;
            }

            #[prisma_migrations::test(transaction)]
            async fn isolation_b(conn: &mut $conn) {
                isolated(conn, 2).await;
            }

            /// Fixtures run inside the transaction.
            #[prisma_migrations::test(transaction, fixtures("users.sql", "more_users"))]
            async fn fixtures_inside(conn: &mut $conn) -> Result<(), sqlx::Error> {
                assert_eq!(scalar!(conn, "SELECT COUNT(*) FROM users"), 3);
                Ok(())
            }

            /// `at =`: the shared database of the cut history.
            #[prisma_migrations::test(transaction, migrations = Db, at = Db::ADD_2FA, fixtures("users.sql"))]
            async fn at_add_2fa(conn: &mut $conn) {
                let name: String = sqlx::query_scalar($current).fetch_one(&mut *conn).await.unwrap();
                println!("database: {name}");
                assert_eq!(scalar!(conn, "SELECT COUNT(*) FROM _prisma_migrations"), 2);
                let sum = concat!("SELECT CAST(COALESCE(SUM(two_factor), 0) AS ", $int, ") FROM users");
                assert_eq!(scalar!(conn, sum), 0, "not backfilled yet");
            }
        }
    };
}

transaction_tests!(postgres, sqlx::PgConnection, "SELECT current_database()", "BIGINT");
transaction_tests!(mysql, sqlx::MySqlConnection, "SELECT DATABASE()", "SIGNED");
transaction_tests!(sqlite, sqlx::SqliteConnection, "SELECT file FROM pragma_database_list WHERE name = 'main'", "BIGINT");
