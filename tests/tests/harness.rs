//! The test harness itself: private servers start, per-test databases are created and dropped.

use prisma_migrations_tests::{mysql, postgres, sqlite};

#[tokio::test]
async fn postgres_database_is_created_and_dropped() {
    let db = postgres().await;
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    let (name,): (String,) = sqlx::query_as("SELECT current_database()").fetch_one(&pool).await.unwrap();
    assert_eq!(name, db.name());
    pool.close().await;
    let name = db.name().to_owned();
    drop(db);
    let admin = sqlx::PgPool::connect(prisma_migrations_tests::postgres_server_url()).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&admin)
        .await
        .unwrap();
    assert_eq!(n, 0, "dropped");
}

#[tokio::test]
async fn mysql_database_is_created_and_dropped() {
    let db = mysql().await;
    let pool = sqlx::MySqlPool::connect(db.url()).await.unwrap();
    let (name,): (String,) = sqlx::query_as("SELECT DATABASE()").fetch_one(&pool).await.unwrap();
    assert_eq!(name, db.name());
    pool.close().await;
    let name = db.name().to_owned();
    drop(db);
    let admin = sqlx::MySqlPool::connect(prisma_migrations_tests::mysql_server_url()).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?")
        .bind(&name)
        .fetch_one(&admin)
        .await
        .unwrap();
    assert_eq!(n, 0, "dropped");
}

#[test]
fn sqlite_file_is_fresh() {
    let db = sqlite();
    assert!(!db.path().exists());
    assert!(db.url().starts_with("file:/"));
}
