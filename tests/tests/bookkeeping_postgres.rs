//! Deploy's bookkeeping on PostgreSQL: a migration's recorded finish is committed with its script, durably, and
//! never in a transaction with a later migration's writes, so nothing that happens afterwards (a failing write, a
//! server crash) can turn a recorded success back into a failure.

#[allow(unused_macros, reason = "the shared scenarios run in runtime_postgres.rs")]
mod runtime_common;

use prisma_migrations::{Error, Migrator};
use prisma_migrations_tests::MigrationsDir;
use runtime_common::scenarios::{M1, M2, M3, S1};
use runtime_common::{Env, Kind};

const KIND: Kind = Kind::Postgres;

/// Migration 2 adds a constraint that migration 3's start row violates: the INSERT of migration 3 fails, and
/// migration 2 stays finished (its finish is not undone with the failed INSERT).
#[tokio::test(flavor = "multi_thread")]
async fn a_failing_start_row_leaves_the_previous_migration_finished() {
    let env = Env::new(KIND).await;
    let refuse_m3 =
        format!("ALTER TABLE _prisma_migrations ADD CONSTRAINT refuse_m3 CHECK (migration_name <> '{M3}');\n");
    let dir = MigrationsDir::new().add(M1, S1).add(M2, &refuse_m3).add(M3, "CREATE TABLE never (id INTEGER);\n");
    let db = env.connect().await;
    let err = Migrator::new(&dir.load()).deploy(&db).await.unwrap_err();
    db.close().await;
    // 23514 check_violation, from recording migration 3's start.
    assert!(matches!(&err, Error::Database { code: Some(c), .. } if c == "23514"), "{err:?}");
    let rows = env.rows().await;
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, [M1, M2], "{rows:?}");
    for r in &rows {
        assert!(r.finished.is_some() && r.steps == 1 && r.rolled_back.is_none() && r.logs.is_none(), "{r:?}");
    }
    assert!(!env.has_table("never").await);
}

/// The finish is written by the script's own transaction: the `_prisma_migrations` row version and the table
/// the script created carry the same transaction id (`xmin`, read from the catalog).
#[tokio::test(flavor = "multi_thread")]
async fn the_finish_commits_in_the_scripts_transaction() {
    let env = Env::new(KIND).await;
    let dir = MigrationsDir::new().add(M1, S1).add(M2, "CREATE TABLE marker (id INTEGER);\n");
    let db = env.connect().await;
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    db.close().await;
    let pool = sqlx::PgPool::connect(&env.url).await.unwrap();
    let (row_xid, table_xid, finished): (String, String, bool) = sqlx::query_as(
        "SELECT m.xmin::text, (SELECT c.xmin::text FROM pg_class c WHERE c.oid = 'marker'::regclass), \
         m.finished_at IS NOT NULL FROM _prisma_migrations m WHERE m.migration_name = $1",
    )
    .bind(M2)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert!(finished);
    assert_eq!(row_xid, table_xid, "the finish and the script are one transaction");
}

/// `finished_at` is taken after the script ran: not before a time the script itself recorded as its last
/// statement, and not before `started_at`.
#[tokio::test(flavor = "multi_thread")]
async fn finished_at_is_after_the_script() {
    let env = Env::new(KIND).await;
    let script =
        "CREATE TABLE ran (at TIMESTAMPTZ);\nSELECT pg_sleep(0.05);\nINSERT INTO ran VALUES (clock_timestamp());\n";
    let dir = MigrationsDir::new().add(M1, script);
    let db = env.connect().await;
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    db.close().await;
    let pool = sqlx::PgPool::connect(&env.url).await.unwrap();
    let (after_script, after_start): (bool, bool) = sqlx::query_as(
        "SELECT m.finished_at >= (SELECT at FROM ran), m.finished_at >= m.started_at FROM _prisma_migrations m",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert!(after_script && after_start);
}

/// Scripts that cannot share a transaction with the finish still get one: a lone `CREATE INDEX CONCURRENTLY`
/// (runs alone, finish committed after it) and a script with its own `BEGIN … COMMIT`; each row is finished
/// once, with one applied step.
#[tokio::test(flavor = "multi_thread")]
async fn scripts_outside_a_transaction_block_are_finished_once() {
    let env = Env::new(KIND).await;
    let dir = MigrationsDir::new()
        .add(M1, S1)
        .add(M2, "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n")
        .add(M3, "BEGIN;\nCREATE TABLE own_tx (id INTEGER);\nCOMMIT;\n-- a trailing comment without a newline");
    let db = env.connect().await;
    let report = Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    db.close().await;
    assert_eq!(report.applied.len(), 3);
    let rows = env.rows().await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    for r in &rows {
        assert!(r.finished.is_some() && r.steps == 1 && r.logs.is_none(), "{r:?}");
    }
    assert!(env.has_table("own_tx").await);
    let pool = sqlx::PgPool::connect(&env.url).await.unwrap();
    let valid: bool = sqlx::query_scalar(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'users_email_idx'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert!(valid);
}

/// A script that commits part of itself (`BEGIN … COMMIT`) and then fails: its start row was committed with that
/// part, so the failure is recorded on that row (one row, Prisma's P3018 and logs), not lost to a second INSERT
/// of the same row.
#[tokio::test(flavor = "multi_thread")]
async fn a_script_failing_after_its_own_commit_is_recorded_once() {
    let env = Env::new(KIND).await;
    let dir = MigrationsDir::new()
        .add(M1, S1)
        .add(M2, "BEGIN;\nCREATE TABLE committed_part (id INTEGER);\nCOMMIT;\nSELECT 1 / 0;\n");
    let db = env.connect().await;
    let err = Migrator::new(&dir.load()).deploy(&db).await.unwrap_err();
    db.close().await;
    assert_eq!(err.code(), Some("P3018"), "{err:?}");
    assert!(err.to_string().contains(M2), "{err}");
    let rows = env.rows().await;
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, [M1, M2], "{rows:?}");
    let failed = &rows[1];
    assert!(failed.finished.is_none() && failed.steps == 0, "{failed:?}");
    assert!(failed.logs.as_deref().is_some_and(|l| l.contains("division by zero")), "{failed:?}");
    assert!(env.has_table("committed_part").await);
}
