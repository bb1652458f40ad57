//! The test function may take the sqlx pool of the database in use; run with the matching `DATABASE_URL`
//! (`cargo test --test pools -- postgres|mysql|sqlite`).

#[prisma_migrations::test(fixtures("users.sql"))]
async fn postgres(pool: sqlx::PgPool) {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 2);
}

#[prisma_migrations::test(fixtures("users.sql"))]
async fn mysql(pool: sqlx::MySqlPool) {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 2);
}

#[prisma_migrations::test(fixtures("users.sql"))]
async fn sqlite(pool: sqlx::SqlitePool) {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 2);
}
