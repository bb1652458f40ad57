//! Fleet deploy against real databases: 50 PostgreSQL schemas of one database (two of them broken on purpose)
//! through the library and the `fleet deploy` command, and SQLite files.

mod cli_support;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use prisma_migrations::Migrator;
use prisma_migrations::fleet::{self, FleetOptions};
use prisma_migrations_tests::{Gate, MigrationsDir, REACH_DEADLINE, ScratchDir, postgres, random_name};
use sqlx::Row as _;

const M1: &str = "20250101000000_create_accounts";
const M2: &str = "20250102000000_create_invoices";
const M3: &str = "20250103000000_create_audit_log";
const S1: &str = "CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE);\n";
const S2: &str = "CREATE TABLE invoices (id BIGSERIAL PRIMARY KEY, account_id BIGINT NOT NULL REFERENCES accounts(id), \
                  total_cents BIGINT NOT NULL);\nCREATE INDEX invoices_account_idx ON invoices (account_id);\n";
const S3: &str =
    "CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL DEFAULT now(), what TEXT);\n";

const SCHEMAS: usize = 50;
/// Has M1 applied and a table `audit_log` of its own: the fleet applies M2, then M3 fails (P3018).
const CONFLICT: usize = 7;
/// Has a failed row for M2: the fleet runs nothing there (P3009).
const FAILED_ROW: usize = 31;

fn pg_migrations() -> MigrationsDir {
    MigrationsDir::new().provider("postgresql").add(M1, S1).add(M2, S2).add(M3, S3)
}

fn schema(i: usize) -> String {
    format!("tenant_{i:02}")
}

/// `(migration_name, finished, rolled back)` of every row of a schema's `_prisma_migrations`, by start.
async fn rows(pool: &sqlx::PgPool, schema: &str) -> Vec<(String, bool)> {
    let sql = format!(
        "SELECT migration_name, finished_at IS NOT NULL AS finished FROM \"{schema}\"._prisma_migrations \
         WHERE rolled_back_at IS NULL ORDER BY started_at"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await
        .unwrap_or_else(|e| panic!("rows of {schema}: {e}"))
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<bool, _>(1)))
        .collect()
}

async fn tables(pool: &sqlx::PgPool, schema: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = $1 ORDER BY 1")
        .bind(schema)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The two broken schemas: one with a conflicting table after M1, one with a failed row.
async fn break_two(base_url: &str, dir: &MigrationsDir, pool: &sqlx::PgPool) {
    let only_m1 = MigrationsDir::new().provider("postgresql").add(M1, S1);
    for i in [CONFLICT, FAILED_ROW] {
        let url = format!("{base_url}?schema={}", schema(i));
        let db = prisma_migrations::Database::connect(&url).await.unwrap();
        Migrator::new(&only_m1.load()).deploy(&db).await.unwrap();
        db.close().await;
    }
    let conflict = schema(CONFLICT);
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE TABLE \"{conflict}\".audit_log (id INT)")))
        .execute(pool)
        .await
        .unwrap();
    let failed = schema(FAILED_ROW);
    let m2 = dir.load();
    let checksum = m2.get(M2).unwrap().checksum().to_owned();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO \"{failed}\"._prisma_migrations (id, checksum, migration_name, started_at, logs) \
         VALUES ($1, $2, $3, now(), 'crashed mid-way')"
    )))
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(checksum)
    .bind(M2)
    .execute(pool)
    .await
    .unwrap();
}

/// Sessions of the test's `application_name`, and sessions holding Prisma's advisory lock in the database.
async fn sessions_and_lock_holders(pool: &sqlx::PgPool, app: &str) -> (i64, i64) {
    let row = sqlx::query(
        "SELECT (SELECT count(*) FROM pg_stat_activity WHERE application_name = $1), \
         (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369 AND granted \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
    )
    .bind(app)
    .fetch_one(pool)
    .await
    .unwrap();
    (row.get(0), row.get(1))
}

/// Fifty schemas, concurrency 4. Every target stops at a gate in M2 until four of them stand there at once (the
/// bound, seen by the server); then the database's sessions and lock holders are counted and the gate opens.
#[tokio::test(flavor = "multi_thread")]
async fn fifty_schemas_two_failing_library() {
    let db = postgres().await;
    let gate = Gate::postgres(db.url()).await;
    let dir =
        MigrationsDir::new().provider("postgresql").add(M1, S1).add(M2, &format!("{S2}{}", gate.sql())).add(M3, S3);
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    break_two(db.url(), &dir, &pool).await;
    let app = random_name("fleet");
    let targets: Vec<String> =
        (0..SCHEMAS).map(|i| format!("{}?schema={}&application_name={app}", db.url(), schema(i))).collect();

    let watch = {
        let (pool, app) = (pool.clone(), app.clone());
        async move {
            let start = Instant::now();
            while gate.waiters().await < 4 {
                assert!(start.elapsed() < REACH_DEADLINE, "four targets never stood at the gate at once");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let (sessions, holders) = sessions_and_lock_holders(&pool, &app).await;
            let waiters = gate.waiters().await;
            gate.open().await;
            (sessions, holders, waiters)
        }
    };
    let migrations = dir.load();
    let deploy = fleet::deploy(&migrations, &targets, FleetOptions { concurrency: 4, ..FleetOptions::default() });
    let (report, (sessions, lock_holders, at_gate)) = tokio::join!(deploy, watch);
    eprintln!(
        "fleet of {SCHEMAS} schemas: report max concurrency {}; with {at_gate} targets at the gate: {sessions} \
         sessions, {lock_holders} advisory lock holder(s)\n{report}",
        report.max_concurrency()
    );

    assert_eq!(report.targets.len(), SCHEMAS);
    assert_eq!(report.succeeded().count(), SCHEMAS - 2, "{report}");
    assert!(!report.is_success());
    let failed: Vec<(String, Option<&str>)> = report.failed().map(|t| (t.url.clone(), t.code())).collect();
    assert_eq!(failed.len(), 2);
    assert!(failed[0].0.contains(&format!("schema={}", schema(CONFLICT))), "{failed:?}");
    assert_eq!(failed[0].1, Some("P3018"));
    assert!(failed[1].0.contains(&format!("schema={}", schema(FAILED_ROW))), "{failed:?}");
    assert_eq!(failed[1].1, Some("P3009"));
    // The conflicting schema got M2 before M3 failed; the report knows.
    assert_eq!(report.targets[CONFLICT].applied, [M2]);
    assert!(report.targets[FAILED_ROW].applied.is_empty());

    // Concurrency: exactly the bound, per the report's instants, and per the server.
    assert_eq!(report.max_concurrency(), 4);
    assert_eq!(report.concurrency, 4);
    assert_eq!(at_gate, 4, "never more targets at once than the bound");
    // Each running target has at most its pool connection and its migration connection, plus the one session
    // holding the database's migration lock.
    assert!((4..=3 * 4 + 1).contains(&sessions), "{sessions} sessions with four targets running");
    // Prisma's lock covers the whole database: held once, by the fleet, never by two sessions. (Advisory locks
    // are per database; other tests of this binary take the same key in theirs.)
    assert_eq!(lock_holders, 1);

    for i in 0..SCHEMAS {
        let s = schema(i);
        let got = rows(&pool, &s).await;
        match i {
            CONFLICT => {
                let want = [(M1.to_owned(), true), (M2.to_owned(), true), (M3.to_owned(), false)];
                assert_eq!(got, want, "{s}");
            }
            FAILED_ROW => assert_eq!(got, [(M1.to_owned(), true), (M2.to_owned(), false)], "{s}"),
            _ => {
                assert_eq!(got, [(M1.to_owned(), true), (M2.to_owned(), true), (M3.to_owned(), true)], "{s}");
                assert_eq!(tables(&pool, &s).await, ["_prisma_migrations", "accounts", "audit_log", "invoices"]);
                assert_eq!(report.targets[i].applied, [M1, M2, M3], "{s}");
            }
        }
    }
    // The lock is released: a plain deploy elsewhere in the database does not wait.
    let free: bool = sqlx::query_scalar(
        "SELECT NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(free);

    // Again: the 48 are up to date (nothing applied), the 2 still fail with their codes.
    let again = fleet::deploy(&dir.load(), &targets, FleetOptions::default()).await;
    assert_eq!(again.succeeded().filter(|t| t.applied.is_empty()).count(), SCHEMAS - 2);
    let codes: Vec<Option<&str>> = again.failed().map(fleet::TargetReport::code).collect();
    assert_eq!(codes, [Some("P3009"), Some("P3009")], "{again}");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_schemas_two_failing_cli() {
    let db = postgres().await;
    let dir = pg_migrations();
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    break_two(db.url(), &dir, &pool).await;
    // A password that must never be printed: PostgreSQL trusts the loopback here, so any password works.
    let mut with_password = url::Url::parse(db.url()).unwrap();
    with_password.set_password(Some("s3cr3t-fleet")).unwrap();
    let mut file = String::from("# every tenant of the test database\n\n");
    for i in 0..SCHEMAS {
        writeln!(file, "{with_password}?schema={}", schema(i)).unwrap();
        if i == 10 {
            file.push_str("   # a comment in the middle\n");
        }
    }
    let targets = dir.root().join("targets.txt");
    std::fs::write(&targets, file).unwrap();
    let migrations = dir.path();
    let args = |extra: &[&str]| -> Vec<String> {
        let mut v = vec!["--migrations".to_owned(), migrations.display().to_string()];
        v.extend(["fleet", "deploy", "--targets"].map(str::to_owned));
        v.push(targets.display().to_string());
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        cli_support::pm(dir.root()).run(&a)
    };

    let text = run(args(&["--concurrency", "6"]));
    eprintln!("fleet deploy (text) took {:.2?}\n{}{}", text.took, text.stdout, text.stderr);
    text.expect(1)
        .has(&["3 migrations found", "50 targets", "6 at a time", "TARGET", "APPLIED", "DURATION", "RESULT"])
        .has(&["48 of 50 target(s) up to date, 2 failed", "P3018", "P3009", "Error: 2 of 50 targets failed"])
        .has(&[&format!("schema={}", schema(CONFLICT)), ":***@"])
        .lacks("s3cr3t-fleet");
    let table: Vec<&str> = text.stdout.lines().filter(|l| l.starts_with("postgresql://")).collect();
    assert_eq!(table.len(), SCHEMAS, "one row per target:\n{}", text.stdout);
    let up_to_date = table.iter().filter(|l| l.trim_end().ends_with("up to date")).count();
    assert_eq!(up_to_date, SCHEMAS - 2);
    assert!(table[CONFLICT].contains(" 1 ") && table[CONFLICT].ends_with("P3018"), "{}", table[CONFLICT]);
    assert!(table[FAILED_ROW].ends_with("P3009"), "{}", table[FAILED_ROW]);
    for i in [0, 12, 49] {
        assert_eq!(rows(&pool, &schema(i)).await.len(), 3);
    }

    let json = run(args(&["--json", "--concurrency", "3"]));
    json.expect(1).lacks("s3cr3t-fleet");
    let doc = json.json();
    cli_support::json_has(doc, "ok", "false");
    cli_support::json_has(doc, "command", "\"fleet deploy\"");
    cli_support::json_has(doc, "total", "50");
    cli_support::json_has(doc, "succeeded", "48");
    cli_support::json_has(doc, "failed", "2");
    cli_support::json_has(doc, "concurrency", "3");
    cli_support::json_has(doc, "max_concurrency", "3");
    // Second run: the schema whose M3 failed now has a failed row, like the other one.
    assert_eq!(doc.matches("\"code\":\"P3009\"").count(), 2, "{doc}");
    // Nothing left to apply anywhere.
    assert_eq!(doc.matches("\"applied_count\":0").count(), SCHEMAS);
    pool.close().await;
}

const LITE: [(&str, &str); 2] = [
    ("20250101000000_create_notes", "CREATE TABLE \"Note\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"body\" TEXT);\n"),
    ("20250102000000_index_note_body", "CREATE INDEX \"Note_body_idx\" ON \"Note\"(\"body\");\n"),
];

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_files() {
    let dir = LITE.iter().fold(MigrationsDir::new().provider("sqlite"), |d, (n, s)| d.add(n, s));
    let scratch = ScratchDir::new();
    // File 3 already has a table and no _prisma_migrations: P3005. Target 6 repeats target 2: P1013.
    let occupied = scratch.path().join("db3.db");
    let pool = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new().filename(&occupied).create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::raw_sql("CREATE TABLE legacy (id INTEGER)").execute(&pool).await.unwrap();
    pool.close().await;
    let mut targets: Vec<String> = (0..6).map(|i| format!("file:./db{i}.db")).collect();
    targets.push("file:./db2.db".to_owned());
    // A new subdirectory is created, as deploy does.
    targets.push("file:./nested/dir/db7.db".to_owned());
    let options = FleetOptions { concurrency: 3, base_dir: scratch.path().to_owned(), ..FleetOptions::default() };
    let report = fleet::deploy(&dir.load(), &targets, options).await;
    eprintln!("{report}");
    let codes: Vec<Option<&str>> = report.targets.iter().map(fleet::TargetReport::code).collect();
    assert_eq!(codes, [None, None, None, Some("P3005"), None, None, Some("P1013"), None]);
    assert!(report.max_concurrency() <= 3 && report.max_concurrency() >= 2, "{}", report.max_concurrency());
    for (i, file) in ["db0.db", "db1.db", "db2.db", "db4.db", "db5.db", "nested/dir/db7.db"].iter().enumerate() {
        let pool = sqlx::SqlitePool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new().filename(scratch.path().join(file)),
        )
        .await
        .unwrap();
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY started_at",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(names, [LITE[0].0, LITE[1].0], "{file} (#{i})");
        pool.close().await;
    }
    // The occupied file was left alone.
    let pool =
        sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&occupied)).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(tables, ["legacy"]);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_databases_share_the_server_lock() {
    const MY: [(&str, &str); 2] = [
        (
            "20250101000000_create_accounts",
            "CREATE TABLE accounts (id BIGINT PRIMARY KEY, email VARCHAR(191) NOT NULL);",
        ),
        ("20250102000000_create_invoices", "CREATE TABLE invoices (id BIGINT PRIMARY KEY, total BIGINT NOT NULL);"),
    ];
    let gate = Gate::mysql(prisma_migrations_tests::mysql_server_url()).await;
    let dir = MigrationsDir::new()
        .provider("mysql")
        .add(MY[0].0, &format!("{}\n{}", MY[0].1, gate.sql()))
        .add(MY[1].0, MY[1].1);
    let mut dbs = Vec::new();
    for _ in 0..6 {
        dbs.push(prisma_migrations_tests::mysql().await);
    }
    // Database 4 already has a table: P3005 there, the others go on.
    let occupied = sqlx::MySqlPool::connect(dbs[4].url()).await.unwrap();
    sqlx::raw_sql("CREATE TABLE legacy (id INT)").execute(&occupied).await.unwrap();
    occupied.close().await;
    let targets: Vec<&str> = dbs.iter().map(prisma_migrations_tests::TestDatabase::url).collect();

    // GET_LOCK('prisma_migrate') is server-wide: the fleet holds it once, on a session of its own, for all six.
    // The targets stop at a gate in their first migration until three (the bound) stand there; then the lock's
    // holder is read and the gate opens.
    let watcher = sqlx::MySqlPool::connect(prisma_migrations_tests::mysql_server_url()).await.unwrap();
    let watch = {
        let watcher = watcher.clone();
        async move {
            let start = Instant::now();
            while gate.waiters().await < 3 {
                assert!(start.elapsed() < REACH_DEADLINE, "three targets never stood at the gate at once");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let holder: Option<i64> =
                sqlx::query_scalar("SELECT IS_USED_LOCK('prisma_migrate')").fetch_one(&watcher).await.unwrap();
            let at_gate = gate.mysql_waiter_ids().await;
            gate.open().await;
            (holder, at_gate)
        }
    };
    let migrations = dir.load();
    let deploy = fleet::deploy(&migrations, &targets, FleetOptions { concurrency: 3, ..FleetOptions::default() });
    let (report, (holder, at_gate)) = tokio::join!(deploy, watch);
    eprintln!("{report}lock holder {holder:?} while sessions {at_gate:?} stood at the gate");
    let holder = holder.expect("the fleet held GET_LOCK('prisma_migrate') while its targets ran");
    assert_eq!(at_gate.len(), 3, "the bound: {at_gate:?}");
    assert!(!at_gate.contains(&holder), "the lock is the fleet's own session's, not a target's");
    let codes: Vec<Option<&str>> = report.targets.iter().map(fleet::TargetReport::code).collect();
    assert_eq!(codes, [None, None, None, None, Some("P3005"), None]);
    assert_eq!(report.max_concurrency(), 3);
    let free: Option<i64> =
        sqlx::query_scalar("SELECT IS_FREE_LOCK('prisma_migrate')").fetch_one(&watcher).await.unwrap();
    assert_eq!(free, Some(1), "released at the end");
    watcher.close().await;
    for (i, db) in dbs.iter().enumerate().filter(|(i, _)| *i != 4) {
        let pool = sqlx::MySqlPool::connect(db.url()).await.unwrap();
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY started_at",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(names, [MY[0].0, MY[1].0], "database #{i}");
        pool.close().await;
    }

    // The first target's database is missing (and not to be created): the shared lock cannot be taken there,
    // which says nothing about the others, so they lock on their own and succeed.
    let missing = format!("{}_missing", dbs[0].url());
    let targets = [missing.as_str(), dbs[1].url(), dbs[2].url()];
    let options = FleetOptions { create_if_missing: false, ..FleetOptions::default() };
    let report = fleet::deploy(&dir.load(), targets, options).await;
    let codes: Vec<Option<&str>> = report.targets.iter().map(fleet::TargetReport::code).collect();
    assert_eq!(codes, [Some("P1003"), None, None], "{report}");
}

#[tokio::test(flavor = "multi_thread")]
async fn schemas_wait_for_another_deployer_then_time_out_together() {
    let db = postgres().await;
    let dir = pg_migrations();
    // Another deployer (Prisma, another fleet) holds the database's migration lock throughout.
    let mut other = <sqlx::PgConnection as sqlx::Connection>::connect(db.url()).await.unwrap();
    let _: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(72707369)").fetch_one(&mut other).await.unwrap();
    let targets: Vec<String> = (0..3).map(|i| format!("{}?schema={}", db.url(), schema(i))).collect();
    let options = FleetOptions { lock_timeout: Duration::from_millis(700), ..FleetOptions::default() };
    let report = fleet::deploy(&dir.load(), &targets, options).await;
    eprintln!("{report}");
    let codes: Vec<Option<&str>> = report.targets.iter().map(fleet::TargetReport::code).collect();
    assert_eq!(codes, [Some("P1002"); 3]);
    // One wait for the three, not one each: all three carry the one wait's measured duration.
    let waits: Vec<Duration> = report
        .targets
        .iter()
        .map(|t| match &t.result {
            Err(prisma_migrations::Error::LockTimeout { waited, .. }) => *waited,
            other => panic!("expected a lock timeout, got {other:?}"),
        })
        .collect();
    assert!(waits.iter().all(|w| *w == waits[0] && *w >= Duration::from_millis(700)), "{waits:?}");
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE tablename = '_prisma_migrations'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(tables, 0, "nothing ran");
    pool.close().await;
    <sqlx::PgConnection as sqlx::Connection>::close(other).await.unwrap();
}
