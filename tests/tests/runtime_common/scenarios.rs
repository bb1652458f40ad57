//! Scenarios run on every database: each takes a fresh database and checks what a user would see (rows of
//! `_prisma_migrations`, tables, error codes).

use std::sync::Arc;
use std::time::Duration;

use prisma_migrations::{Error, MigrationState, Migrator};
use prisma_migrations_tests::MigrationsDir;

use super::{Env, Kind, RawRow, assert_uuid_v4, checksum, now_ms};

pub const M1: &str = "20250101000000_create_users";
pub const M2: &str = "20250102000000_create_posts";
pub const M3: &str = "20250103000000_add_tags";
pub const M4: &str = "20250104000000_baseline_audit";
pub const M5: &str = "20250105000000_add_comments";

pub const S1: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL);\n";
pub const S2: &str = "CREATE TABLE posts (id INTEGER PRIMARY KEY, title VARCHAR(200));\nINSERT INTO posts (id, title) VALUES (1, 'it''s');\n";
/// Fails at its third statement.
pub const S3_FAIL: &str = "CREATE TABLE tags (id INTEGER PRIMARY KEY);\nCREATE TABLE tag_links (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table (id) VALUES (1);\n";
pub const S3_FIXED: &str = "CREATE TABLE IF NOT EXISTS tags (id INTEGER PRIMARY KEY);\nCREATE TABLE IF NOT EXISTS tag_links (id INTEGER PRIMARY KEY);\n";
pub const S4: &str = "CREATE TABLE audit (id INTEGER PRIMARY KEY);\n";
pub const S5: &str = "CREATE TABLE comments (id INTEGER PRIMARY KEY);\n";

/// Clock slack between this process and the server (MySQL stores milliseconds, truncated).
const SLACK_MS: i64 = 2_000;

fn two() -> MigrationsDir {
    MigrationsDir::new().add(M1, S1).add(M2, S2)
}

fn assert_fresh_applied(row: &RawRow, sql: &str, before: i64) {
    assert_uuid_v4(&row.id);
    assert_eq!(row.checksum, checksum(sql), "checksum of {}", row.name);
    assert_eq!(row.logs, None, "logs of {}", row.name);
    assert_eq!(row.steps, 1, "applied_steps_count of {}", row.name);
    assert_eq!(row.rolled_back, None);
    let finished = row.finished.expect("finished_at");
    assert!(row.started >= before - SLACK_MS && row.started <= now_ms() + SLACK_MS, "started_at plausible: {row:?}");
    assert!(finished >= row.started, "finished_at >= started_at: {row:?}");
}

/// Deploy, a failed deploy, P3009, resolve --rolled-back, redeploy, resolve --applied (baseline), and the
/// P3008/P3011/P3012/P3017 refusals, checking the table and every row at each step.
#[allow(clippy::too_many_lines, reason = "one story, step by step")]
pub async fn conformance(kind: Kind) {
    let env = Env::new(kind).await;
    let dir = two();
    let db = env.connect().await;
    let before = now_ms();

    let report = Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    assert_eq!(report.applied.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), [M1, M2]);
    assert_eq!(report.found, 2);
    assert!(report.created_table);
    check_ddl(&env).await;
    let rows = env.rows().await;
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].name.as_str(), rows[1].name.as_str()), (M1, M2));
    assert_fresh_applied(&rows[0], S1, before);
    assert_fresh_applied(&rows[1], S2, before);
    assert!(rows[1].started >= rows[0].started);
    assert!(env.has_table("users").await && env.has_table("posts").await);

    let again = Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    assert!(again.applied.is_empty() && !again.created_table);
    assert_eq!(env.rows().await.len(), 2, "a deploy with nothing pending writes nothing");

    // A migration failing at its third statement.
    dir.write(M3, S3_FAIL);
    let err = Migrator::new(&dir.load()).deploy(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P3018"), "{err}");
    let Error::MigrationFailed { name, database_error_code, statement, .. } = &err else { panic!("{err:?}") };
    assert_eq!(name, M3);
    assert_ne!(database_error_code, "none");
    assert_eq!(*statement, Some(3), "{err}");
    assert!(err.to_string().starts_with("P3018"), "{err}");
    let partial = kind != Kind::Postgres;
    assert_eq!(env.has_table("tags").await, partial, "first statement of a failed script on {kind:?}");
    assert_eq!(env.has_table("tag_links").await, partial, "second statement of a failed script on {kind:?}");
    let rows = env.rows().await;
    assert_eq!(rows.len(), 3);
    let failed = RawRow::rows_named(&rows, M3)[0].clone();
    assert_uuid_v4(&failed.id);
    assert_eq!(failed.checksum, checksum(S3_FAIL));
    assert_eq!((failed.finished, failed.rolled_back, failed.steps), (None, None, 0));
    let logs = failed.logs.clone().expect("logs of the failed row");
    for part in [
        format!("Migration name: {M3}"),
        format!("Database error code: {database_error_code}"),
        "Database error:".into(),
    ] {
        assert!(logs.contains(&part), "logs lack `{part}`: {logs}");
    }

    // The next deploy refuses: P3009 naming it.
    let err = Migrator::new(&dir.load()).deploy(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P3009"), "{err}");
    let Error::FailedMigrations { failed: list } = &err else { panic!("{err:?}") };
    assert_eq!(list.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), [M3]);
    assert!(err.to_string().contains(M3));
    let status = Migrator::new(&dir.load()).status(&db).await.unwrap();
    assert_eq!(status.failed().iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), [M3]);
    assert!(!status.is_up_to_date());

    // resolve --rolled-back marks it; then it is no longer failed (P3012).
    let m3_failing = dir.load();
    let mig = Migrator::new(&m3_failing);
    mig.resolve_rolled_back(&db, M3).await.unwrap();
    let rows = env.rows().await;
    let r = RawRow::rows_named(&rows, M3)[0].clone();
    assert_eq!((r.finished, r.steps, r.logs.is_some()), (None, 0, true));
    assert!(r.rolled_back.expect("rolled_back_at") >= r.started);
    // A second call succeeds and changes nothing: P3012 only when every row of the name finished
    // (prisma-engines mark_migration_rolled_back.rs).
    let before_second = env.rows().await;
    mig.resolve_rolled_back(&db, M3).await.unwrap();
    assert_eq!(format!("{:?}", env.rows().await), format!("{before_second:?}"), "a second call writes nothing");
    assert_eq!(mig.status(&db).await.unwrap().migrations[2].state, MigrationState::RolledBack);

    // Fixed, it deploys as a new row; the rolled-back row stays.
    dir.write(M3, S3_FIXED);
    let report = Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    assert_eq!(report.applied.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), [M3]);
    let rows = env.rows().await;
    let m3 = RawRow::rows_named(&rows, M3);
    assert_eq!(m3.len(), 2);
    assert!(m3[0].rolled_back.is_some());
    assert_fresh_applied(m3[1], S3_FIXED, before);

    // resolve --applied baselines M4 without running it.
    dir.write(M4, S4);
    let mig_owned = dir.load();
    let mig = Migrator::new(&mig_owned);
    mig.resolve_applied(&db, M4).await.unwrap();
    assert!(!env.has_table("audit").await, "resolve --applied does not run the script");
    let rows = env.rows().await;
    let r = RawRow::rows_named(&rows, M4)[0].clone();
    assert_uuid_v4(&r.id);
    assert_eq!(r.checksum, checksum(S4));
    assert_eq!(r.logs.as_deref(), Some(""));
    assert_eq!(r.finished, Some(r.started), "started_at = finished_at");
    assert_eq!((r.steps, r.rolled_back), (0, None));

    // Refusals.
    for (name, code) in [(M1, "P3008"), (M4, "P3008"), ("20990101000000_not_there", "P3017")] {
        let e = mig.resolve_applied(&db, name).await.unwrap_err();
        assert_eq!(e.code(), Some(code), "{name}: {e}");
        assert!(e.to_string().contains(name) && e.to_string().starts_with(code), "{e}");
    }
    dir.write(M5, S5);
    let mig_owned = dir.load();
    let mig = Migrator::new(&mig_owned);
    assert_eq!(mig.resolve_rolled_back(&db, M5).await.unwrap_err().code(), Some("P3011"));
    assert_eq!(mig.resolve_rolled_back(&db, M1).await.unwrap_err().code(), Some("P3012"));
    assert_eq!(env.rows().await.len(), 5, "refusals write nothing");

    let status = mig.status(&db).await.unwrap();
    let all_states: Vec<_> = status.migrations.iter().map(|m| m.state).collect();
    let (a, p) = (MigrationState::Applied, MigrationState::Pending);
    assert_eq!(all_states, [a, a, a, a, p]);
    assert_eq!(status.last_common_migration.as_deref(), Some(M4));
    assert!(status.missing_locally.is_empty() && !status.is_up_to_date());
    mig.deploy(&db).await.unwrap();
    mig.verify(&db).await.unwrap();
    assert!(mig.status(&db).await.unwrap().is_up_to_date());
    db.close().await;
}

/// The table's columns as PRISMA.md specifies them.
async fn check_ddl(env: &Env) {
    let cols = env.columns().await;
    let names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "checksum",
            "finished_at",
            "migration_name",
            "logs",
            "rolled_back_at",
            "started_at",
            "applied_steps_count"
        ]
    );
    let (ts, text, int_ok): (&str, &str, fn(&str) -> bool) = match env.kind {
        Kind::Postgres => ("timestamp with time zone", "text", |t| t == "integer"),
        Kind::MySql => ("datetime(3)", "text", |t| t.starts_with("int") && t.ends_with("unsigned")),
        Kind::Sqlite => ("datetime", "text", |t| t == "integer unsigned"),
    };
    let varchar = |n: u32| match env.kind {
        Kind::Postgres => format!("character varying({n})"),
        Kind::MySql => format!("varchar({n})"),
        Kind::Sqlite => "text".to_owned(),
    };
    let no_default = |d: &Option<String>| d.is_none() || d.as_deref() == Some("NULL");
    let expect = [
        (varchar(36), false),
        (varchar(64), false),
        (ts.to_owned(), true),
        (varchar(255), false),
        (text.to_owned(), true),
        (ts.to_owned(), true),
        (ts.to_owned(), false),
    ];
    for (col, (ty, nullable)) in cols.iter().zip(expect.iter()) {
        assert_eq!(&col.1, ty, "type of {}", col.0);
        assert_eq!(col.2, *nullable, "nullability of {}", col.0);
        if col.0 != "started_at" {
            assert!(no_default(&col.3), "{} has no default: {:?}", col.0, col.3);
        }
    }
    let started_default = cols[6].3.clone().unwrap_or_default().to_lowercase();
    let want = match env.kind {
        Kind::Postgres => "now()",
        Kind::MySql => "current_timestamp(3)",
        Kind::Sqlite => "current_timestamp",
    };
    assert_eq!(started_default, want);
    assert!(int_ok(&cols[7].1), "applied_steps_count type {}", cols[7].1);
    assert!(!cols[7].2);
    assert_eq!(cols[7].3.as_deref(), Some("0"));
}

/// resolve --applied on a failed migration: its failed row is rolled back and a new applied row added.
pub async fn resolve_applied_on_failed(kind: Kind) {
    let env = Env::new(kind).await;
    let dir = two().add(M3, S3_FAIL);
    let db = env.connect().await;
    let m = dir.load();
    assert_eq!(Migrator::new(&m).deploy(&db).await.unwrap_err().code(), Some("P3018"));
    Migrator::new(&m).resolve_applied(&db, M3).await.unwrap();
    let rows = env.rows().await;
    let m3 = RawRow::rows_named(&rows, M3);
    assert_eq!(m3.len(), 2);
    let (failed, applied) = (m3[0], m3[1]);
    assert!(failed.rolled_back.is_some() && failed.finished.is_none());
    assert_eq!(applied.logs.as_deref(), Some(""));
    assert_eq!(applied.finished, Some(applied.started));
    assert!(Migrator::new(&m).deploy(&db).await.unwrap().applied.is_empty());
    Migrator::new(&m).verify(&db).await.unwrap();
    db.close().await;
}

/// P3005 on a schema with tables; resolve --applied still baselines it.
pub async fn schema_not_empty(kind: Kind) {
    let env = Env::new(kind).await;
    env.exec("CREATE TABLE existing_table (id INTEGER PRIMARY KEY)").await;
    let dir = two();
    let db = env.connect().await;
    let m = dir.load();
    let err = Migrator::new(&m).deploy(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P3005"), "{err}");
    let Error::SchemaNotEmpty { tables } = &err else { panic!("{err:?}") };
    assert_eq!(tables, &["existing_table"]);
    assert!(!env.has_table("_prisma_migrations").await);
    assert_eq!(Migrator::new(&m).plan(&db).await.unwrap_err().code(), Some("P3005"));
    Migrator::new(&m).resolve_applied(&db, M1).await.unwrap();
    let report = Migrator::new(&m).deploy(&db).await.unwrap();
    assert_eq!(report.applied.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), [M2]);
    assert!(!env.has_table("users").await, "baselined, not run");
    db.close().await;
}

/// Strict by default about edited and missing migrations; the lax options restore Prisma's behaviour.
pub async fn strict_and_lax(kind: Kind) {
    let env = Env::new(kind).await;
    let dir = two();
    let db = env.connect().await;
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();

    // Line endings alone are not an edit (Prisma's tolerant comparison).
    dir.write(M1, &S1.replace('\n', "\r\n"));
    let m = dir.load();
    Migrator::new(&m).deploy(&db).await.unwrap();
    Migrator::new(&m).verify(&db).await.unwrap();

    dir.write(M1, &format!("{S1}-- edited\n"));
    let m = dir.load();
    let err = Migrator::new(&m).deploy(&db).await.unwrap_err();
    let Error::EditedMigrations { names } = &err else { panic!("{err:?}") };
    assert_eq!(names, &[M1]);
    assert!(err.to_string().contains(M1) && err.to_string().contains("allow_edited"), "{err}");
    let Error::NotUpToDate { edited, pending, .. } = Migrator::new(&m).verify(&db).await.unwrap_err() else {
        panic!("verify")
    };
    assert_eq!((edited.as_slice(), pending.len()), (&[M1.to_owned()][..], 0));
    assert_eq!(Migrator::new(&m).status(&db).await.unwrap().edited()[0].name, M1);
    Migrator::new(&m).allow_edited(true).deploy(&db).await.unwrap();
    Migrator::new(&m).allow_edited(true).verify(&db).await.unwrap();

    dir.write(M1, S1);
    dir.remove(M2);
    let m = dir.load();
    let err = Migrator::new(&m).deploy(&db).await.unwrap_err();
    let Error::MissingMigrations { names } = &err else { panic!("{err:?}") };
    assert_eq!(names, &[M2]);
    let Error::NotUpToDate { missing_locally, .. } = Migrator::new(&m).verify(&db).await.unwrap_err() else {
        panic!("verify")
    };
    assert_eq!(missing_locally, [M2]);
    let status = Migrator::new(&m).status(&db).await.unwrap();
    assert_eq!(status.missing_locally.len(), 1);
    assert_eq!(status.missing_locally[0].migration_name, M2);
    assert!(status.missing_locally[0].finished_at.is_some());
    Migrator::new(&m).lax().deploy(&db).await.unwrap();
    Migrator::new(&m).lax().verify(&db).await.unwrap();

    // Histories diverge: a new local migration while the database has one the folder lacks.
    dir.write(M3, S3_FIXED);
    let m = dir.load();
    let status = Migrator::new(&m).status(&db).await.unwrap();
    assert!(status.histories_diverge());
    assert_eq!(status.last_common_migration.as_deref(), Some(M1));
    db.close().await;
}

/// verify before and after deploy; plan lists the pending migrations with SQL and writes nothing.
pub async fn verify_and_plan(kind: Kind) {
    let env = Env::new(kind).await;
    let dir = two();
    let db = env.connect().await;
    let m = dir.load();
    let err = Migrator::new(&m).verify(&db).await.unwrap_err();
    let Error::NotUpToDate { pending, failed, edited, missing_locally } = &err else { panic!("{err:?}") };
    assert_eq!(pending, &[M1, M2]);
    assert!(failed.is_empty() && edited.is_empty() && missing_locally.is_empty());
    assert!(err.to_string().contains(M1));

    let plan = Migrator::new(&m).plan(&db).await.unwrap();
    assert!(plan.creates_table);
    assert_eq!(
        plan.migrations.iter().map(|p| (p.name.as_str(), p.sql.as_str())).collect::<Vec<_>>(),
        [(M1, S1), (M2, S2)]
    );
    assert!(!env.has_table("_prisma_migrations").await, "plan creates nothing");
    let status = Migrator::new(&m).status(&db).await.unwrap();
    assert!(!status.table_exists && !status.is_up_to_date());
    assert_eq!(status.pending().len(), 2);
    assert!(!env.has_table("_prisma_migrations").await, "status creates nothing");

    Migrator::new(&m).deploy(&db).await.unwrap();
    Migrator::new(&m).verify(&db).await.unwrap();
    let plan = Migrator::new(&m).plan(&db).await.unwrap();
    assert!(!plan.creates_table && plan.migrations.is_empty());
    dir.write(M3, S3_FIXED);
    let m = dir.load();
    let plan = Migrator::new(&m).plan(&db).await.unwrap();
    assert_eq!(plan.migrations.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), [M3]);
    assert_eq!(env.rows().await.len(), 2, "plan writes no row");
    db.close().await;
}

/// rollback runs down.sql and marks the rows rolled back; only the latest unless forced.
pub async fn rollback(kind: Kind) {
    let env = Env::new(kind).await;
    let dir = MigrationsDir::new()
        .add_with_down(M1, S1, "DROP TABLE users;\n")
        .add_with_down(M2, S2, "DROP TABLE posts;\n")
        .add(M3, S3_FIXED);
    let db = env.connect().await;
    let m = dir.load();
    let mig = Migrator::new(&m);
    mig.deploy(&db).await.unwrap();
    let e = mig.rollback(&db, M3, false).await.unwrap_err();
    assert!(matches!(e, Error::NoDownScript { .. }), "{e:?}");
    let e = mig.rollback(&db, M1, false).await.unwrap_err();
    assert!(matches!(&e, Error::NotLatest { latest, .. } if latest == M3), "{e:?}");
    assert_eq!(mig.rollback(&db, "20990101000000_not_there", false).await.unwrap_err().code(), Some("P3017"));

    mig.rollback(&db, M2, true).await.unwrap();
    assert!(!env.has_table("posts").await, "down.sql ran");
    // Its rows are gone (the one state Prisma 6's status reads as pending; interop.rs checks with the real CLI);
    // the other migrations' rows are untouched.
    let rows = env.rows().await;
    assert!(RawRow::rows_named(&rows, M2).is_empty(), "{rows:?}");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(mig.status(&db).await.unwrap().migrations[1].state, MigrationState::Pending);
    let Error::NotUpToDate { pending, .. } = mig.verify(&db).await.unwrap_err() else { panic!("verify") };
    assert_eq!(pending, [M2]);
    assert!(matches!(mig.rollback(&db, M2, true).await.unwrap_err(), Error::NotApplied { .. }));

    let report = mig.deploy(&db).await.unwrap();
    assert_eq!(report.applied.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), [M2]);
    assert!(env.has_table("posts").await);
    assert_eq!(RawRow::rows_named(&env.rows().await, M2).len(), 1);
    mig.verify(&db).await.unwrap();
    db.close().await;
}

/// Two deployers at once in one process: every migration applied exactly once.
pub async fn concurrent_deployers(kind: Kind) {
    let env = Env::new(kind).await;
    let sleep = match kind {
        Kind::Postgres => "SELECT pg_sleep(0.3);\n",
        Kind::MySql => "DO SLEEP(0.3);\n",
        Kind::Sqlite => "",
    };
    let dir = MigrationsDir::new().add(M1, &format!("{S1}{sleep}")).add(M2, S2).add(M3, S3_FIXED);
    let m = Arc::new(dir.load());
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let db = env.connect().await;
        let m = Arc::clone(&m);
        tasks.push(tokio::spawn(async move {
            let r = Migrator::new(&m).lock_timeout(Duration::from_mins(1)).deploy(&db).await;
            db.close().await;
            r
        }));
    }
    let mut applied = 0;
    for t in tasks {
        applied += t.await.unwrap().unwrap_or_else(|e| panic!("{e}")).applied.len();
    }
    assert_eq!(applied, 3, "each migration applied by exactly one deployer");
    let rows = env.rows().await;
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, [M1, M2, M3]);
}

/// P3019 before any database access, for deploy, status and resolve --applied (not --rolled-back).
pub async fn provider_mismatch(kind: Kind) {
    let env = Env::new(kind).await;
    let other = if kind == Kind::MySql { "postgresql" } else { "mysql" };
    let dir = two().provider(other);
    let db = env.connect().await;
    let m = dir.load();
    let mig = Migrator::new(&m);
    for e in [
        mig.deploy(&db).await.unwrap_err(),
        mig.status(&db).await.unwrap_err(),
        mig.verify(&db).await.unwrap_err(),
        mig.plan(&db).await.unwrap_err(),
        mig.resolve_applied(&db, M1).await.unwrap_err(),
    ] {
        assert_eq!(e.code(), Some("P3019"), "{e}");
        assert!(e.to_string().contains(other), "{e}");
    }
    assert!(!env.has_table("_prisma_migrations").await);
    // resolve --rolled-back does not check the provider (as Prisma): it fails on the missing table.
    assert!(matches!(mig.resolve_rolled_back(&db, M1).await.unwrap_err(), Error::TableMissing));
    db.close().await;
}

/// A comment-only script (`prisma migrate dev --create-only` writes `-- This is an empty migration.`) applies.
pub async fn comment_only_migration(kind: Kind) {
    let env = Env::new(kind).await;
    let dir = MigrationsDir::new().add(M1, S1).add(M2, "-- This is an empty migration.\n");
    let db = env.connect().await;
    let m = dir.load();
    assert_eq!(Migrator::new(&m).deploy(&db).await.unwrap().applied.len(), 2);
    Migrator::new(&m).verify(&db).await.unwrap();
    let rows = env.rows().await;
    assert_eq!((rows[1].steps, rows[1].logs.as_deref()), (1, None));
    db.close().await;
}

/// `verify` on an up-to-date database is one round trip (one SELECT) on a warm connection; `status` too. (sqlx
/// then pings the connection as it returns to the pool, after verify has returned: counted apart.)
pub async fn verify_is_one_round_trip(kind: Kind) {
    use super::proxy::{Proxy, target, via};
    let env = Env::new(kind).await;
    let proxy = Proxy::start(target(&env.url)).await;
    let url = via(&env.url, &proxy);
    // One pooled connection, so the warm-up leaves it open for verify.
    let db = prisma_migrations::Database::connect(&format!("{url}?connection_limit=1")).await.unwrap();
    let m = two().load();
    Migrator::new(&m).deploy(&db).await.unwrap();
    Migrator::new(&m).status(&db).await.unwrap();
    let before = proxy.sent();
    Migrator::new(&m).verify(&db).await.unwrap();
    assert_eq!(proxy.sent() - before, 1, "verify sent more than one request");
    let before = proxy.sent();
    Migrator::new(&m).status(&db).await.unwrap();
    assert_eq!(proxy.sent() - before, 1, "status sent more than one request");
    db.close().await;
}

/// The first start on a database that does not exist yet (`first_run.rs`).
pub async fn first_run(kind: Kind) {
    super::first_run::first_run(kind).await;
}
