//! `transaction` tests that commit into the shared database, and so fail: tests/tests/test_attr.rs checks the
//! message, the mark on the database, and that the next run rebuilds it (`-- postgres|mysql`).

#[prisma_migrations::test(transaction)]
async fn postgres(conn: &mut sqlx::PgConnection) {
    sqlx::raw_sql("COMMIT; INSERT INTO users (id, email) VALUES (7, 'committed@example.com')")
        .execute(&mut *conn)
        .await
        .unwrap();
}

/// DDL commits implicitly on MySQL; the INSERT after it is autocommitted.
#[prisma_migrations::test(transaction)]
async fn mysql(conn: &mut sqlx::MySqlConnection) {
    sqlx::raw_sql("CREATE TABLE scratch (id INT); INSERT INTO users (id, email) VALUES (7, 'committed@example.com')")
        .execute(&mut *conn)
        .await
        .unwrap();
}
