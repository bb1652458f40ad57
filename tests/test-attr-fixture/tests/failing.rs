//! Fails on purpose: tests/tests/test_attr.rs checks that its database is kept and named.

#[prisma_migrations::test(fixtures("users.sql"))]
async fn fails_on_purpose(db: prisma_migrations::Database) {
    db.execute_script("INSERT INTO users (id, email) VALUES (9, 'kept@example.com')").await.unwrap();
    panic!("failing on purpose");
}
