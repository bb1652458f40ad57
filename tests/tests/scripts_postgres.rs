//! How a PostgreSQL script runs: as one message (one implicit transaction, atomic) when PostgreSQL can run all of
//! it in one transaction, as Prisma 6 sends every script; statement by statement when it cannot (a statement
//! refused inside a transaction block, or an enum value used in the script that adds it), as Prisma ≥ 7.4 sends
//! every PostgreSQL script (prisma/prisma-engines#5767). The state after a failure is read from the catalog and
//! `_prisma_migrations`.
//!
//! What the oracle cannot show: it runs Prisma's WebAssembly schema engine, which sends a script as one unit under
//! 6.16.1 and 7.10.1 alike, so Prisma 7's statement-by-statement runs are not observable here; the tests show
//! what the oracle does (Prisma 6's behaviour, under both releases) and where ours departs from it.

#[allow(unused_macros, reason = "the shared scenarios run in runtime_postgres.rs")]
mod runtime_common;

use prisma_migrations::{Error, Migrator};
use prisma_migrations_tests::{MigrationsDir, PrismaVersion, oracle_of, postgres};
use runtime_common::scenarios::{M1, M2, M3, S1};
use runtime_common::{Env, Kind};

const KIND: Kind = Kind::Postgres;

async fn scalar_bool(url: &str, sql: &str) -> bool {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let v: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&pool).await.unwrap();
    pool.close().await;
    v
}

async fn valid_index(url: &str, name: &str) -> bool {
    scalar_bool(
        url,
        &format!(
            "SELECT COALESCE((SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
             WHERE c.relname = '{name}'), false)"
        ),
    )
    .await
}

/// Two `CREATE INDEX CONCURRENTLY` in one migration: PostgreSQL refuses them in one message (25001), so the
/// script runs statement by statement and deploys, both indexes valid, one finished row. The oracle (Prisma 6's
/// one-message sending, under both releases) fails on it with 25001.
#[tokio::test(flavor = "multi_thread")]
async fn two_concurrent_indexes_deploy_statement_by_statement() {
    let env = Env::new(KIND).await;
    let two = "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"users_email_idx\" ON \"users\" (\"email\");\n\n\
               -- CreateIndex\nCREATE INDEX CONCURRENTLY \"users_id_email_idx\" ON \"users\" (\"id\", \"email\");\n";
    let dir = MigrationsDir::new().provider("postgresql").add(M1, S1).add(M2, two);
    let db = env.connect().await;
    let report = Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    db.close().await;
    assert_eq!(report.applied.len(), 2);
    assert!(valid_index(&env.url, "users_email_idx").await && valid_index(&env.url, "users_id_email_idx").await);
    let rows = env.rows().await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r.finished.is_some() && r.steps == 1 && r.logs.is_none()), "{rows:?}");

    for v in PrismaVersion::ALL {
        let theirs = postgres().await;
        let out = oracle_of(v).run(theirs.url(), &dir.path(), &["migrate", "deploy"]);
        assert_eq!(out.code, Some(1), "{v}:\n{}", out.all());
        // The oracle's driver adapter reports PostgreSQL's message without the SQLSTATE (25001).
        assert!(out.all().contains("cannot run inside a transaction block"), "{v}:\n{}", out.all());
    }
}

/// A script PostgreSQL can run in one transaction stays atomic: its failure leaves nothing of it behind (the
/// table its first statement created is gone), as under the oracle, and the failed row names the statement.
#[tokio::test(flavor = "multi_thread")]
async fn a_transactional_script_stays_atomic() {
    let env = Env::new(KIND).await;
    let script = "CREATE TABLE \"first_part\" (\"id\" INTEGER);\nINSERT INTO \"no_such_table\" VALUES (1);\n";
    let dir = MigrationsDir::new().provider("postgresql").add(M1, S1).add(M2, script);
    let db = env.connect().await;
    let err = Migrator::new(&dir.load()).deploy(&db).await.unwrap_err();
    db.close().await;
    assert!(
        matches!(&err, Error::MigrationFailed { statement: Some(2), database_error_code, .. } if database_error_code == "42P01"),
        "{err:?}"
    );
    assert!(!env.has_table("first_part").await, "rolled back with the failing statement");
    let rows = env.rows().await;
    assert!(rows[1].finished.is_none() && rows[1].steps == 0, "{rows:?}");

    let theirs = postgres().await;
    let out = oracle_of(PrismaVersion::V6).run(theirs.url(), &dir.path(), &["migrate", "deploy"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    let pool = sqlx::PgPool::connect(theirs.url()).await.unwrap();
    let prisma_left: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'first_part'")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(prisma_left, 0, "Prisma leaves nothing of it either");
}

/// A split script that fails: the statements before the failing one stay committed (the table, the valid
/// index), the ones after it never ran, the row is failed with the statement's number (3) in its logs, and
/// deploy then refuses with P3009 as for any failed migration.
#[tokio::test(flavor = "multi_thread")]
async fn a_split_script_failing_names_its_statement_and_keeps_what_ran() {
    let env = Env::new(KIND).await;
    let script = "CREATE TABLE \"before_index\" (\"id\" INTEGER);\n\
                  CREATE INDEX CONCURRENTLY \"users_email_idx\" ON \"users\" (\"email\");\n\
                  -- a comment is not a statement; this one fails:\n\
                  INSERT INTO \"no_such_table\" VALUES (1);\n\
                  CREATE TABLE \"after_failure\" (\"id\" INTEGER);\n";
    let dir = MigrationsDir::new().provider("postgresql").add(M1, S1).add(M2, script).add(M3, "SELECT 1;\n");
    let db = env.connect().await;
    let m = dir.load();
    let err = Migrator::new(&m).deploy(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P3018"), "{err:?}");
    assert!(matches!(&err, Error::MigrationFailed { statement: Some(3), name, .. } if name == M2), "{err:?}");
    assert!(err.to_string().contains("committed"), "says what stayed: {err}");
    assert!(env.has_table("before_index").await && valid_index(&env.url, "users_email_idx").await);
    assert!(!env.has_table("after_failure").await);
    let rows = env.rows().await;
    assert_eq!(rows.len(), 2, "M3 never started: {rows:?}");
    let failed = &rows[1];
    assert!(failed.finished.is_none() && failed.steps == 0 && failed.rolled_back.is_none(), "{failed:?}");
    let logs = failed.logs.as_deref().unwrap_or_default();
    assert!(logs.contains("42P01") && logs.contains("Failing statement: 3"), "{logs}");
    assert_eq!(Migrator::new(&m).deploy(&db).await.unwrap_err().code(), Some("P3009"));
    db.close().await;
}

/// `ALTER TYPE … ADD VALUE` and then the new value, in one script: in one transaction PostgreSQL refuses the use
/// (55P04, "unsafe use of new value"), which rolls back everything; ours then runs it statement by statement and
/// it deploys, as under Prisma ≥ 7.4. The oracle fails with 55P04. An added value left unused keeps the
/// script atomic.
#[tokio::test(flavor = "multi_thread")]
async fn an_enum_value_added_and_used_deploys_statement_by_statement() {
    let env = Env::new(KIND).await;
    let dir = MigrationsDir::new()
        .provider("postgresql")
        .add(M1, "CREATE TYPE \"Mood\" AS ENUM ('SAD');\nCREATE TABLE \"person\" (\"mood\" \"Mood\");\n")
        .add(M2, "ALTER TYPE \"Mood\" ADD VALUE 'HAPPY';\nINSERT INTO \"person\" VALUES ('HAPPY');\n")
        .add(M3, "ALTER TYPE \"Mood\" ADD VALUE 'MEH';\nINSERT INTO \"no_such_table\" VALUES (1);\n");
    let db = env.connect().await;
    let err = Migrator::new(&dir.load()).deploy(&db).await.unwrap_err();
    db.close().await;
    assert!(matches!(&err, Error::MigrationFailed { name, .. } if name == M3), "{err:?}");
    assert!(scalar_bool(&env.url, "SELECT EXISTS (SELECT 1 FROM person WHERE mood = 'HAPPY')").await);
    assert!(
        !scalar_bool(&env.url, "SELECT EXISTS (SELECT 1 FROM pg_enum WHERE enumlabel = 'MEH')").await,
        "M3 stayed atomic: its ADD VALUE was rolled back with its failure"
    );
    let rows = env.rows().await;
    assert_eq!(rows.len(), 3, "one row per migration, none repeated by the retry: {rows:?}");
    assert!(rows[1].finished.is_some() && rows[1].steps == 1, "{rows:?}");

    let only_m2 = MigrationsDir::new().provider("postgresql");
    for name in [M1, M2] {
        only_m2.write(name, &std::fs::read_to_string(dir.path().join(name).join("migration.sql")).unwrap());
    }
    let theirs = postgres().await;
    let out = oracle_of(PrismaVersion::V6).run(theirs.url(), &only_m2.path(), &["migrate", "deploy"]);
    assert_eq!(out.code, Some(1), "{}", out.all());
    assert!(out.all().contains("unsafe use of new value"), "55P04: {}", out.all());
}
