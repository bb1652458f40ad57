//! Many deployer PROCESSES against one database at once (`pm-deployer`, tests/src/bin/pm-deployer.rs): the
//! migration lock must make them take turns, so every migration runs exactly once and has exactly one row.
//! Also: `CREATE INDEX CONCURRENTLY` completes while another deployer process waits for the lock.

mod stress_support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use prisma_migrations_tests::{MigrationsDir, mysql, postgres, sqlite};
use stress_support::{DEPLOYER, applied_total, spawn, text, wait_all};

const PROCESSES: usize = 8;
const MIGRATIONS: usize = 50;
/// Upper bound for any one group of deployer processes; a hang fails the test instead of blocking CI.
const DEADLINE: Duration = Duration::from_mins(3);

#[derive(Clone, Copy)]
enum Db {
    Postgres,
    MySql,
    Sqlite,
}

/// 50 migrations: the first creates `applied_log`, each later one creates a table and appends its number to
/// `applied_log` — a script that ran twice would leave a duplicate there.
fn fifty(db: Db) -> MigrationsDir {
    let (provider, q) = match db {
        Db::Postgres => ("postgresql", '"'),
        Db::MySql => ("mysql", '`'),
        Db::Sqlite => ("sqlite", '"'),
    };
    let mut dir = MigrationsDir::new().provider(provider).add(
        "20250101000000_create_applied_log",
        &format!("CREATE TABLE {q}applied_log{q} ({q}n{q} INTEGER NOT NULL);\n"),
    );
    for i in 1..MIGRATIONS {
        let sql = format!(
            "CREATE TABLE {q}t{i}{q} ({q}id{q} INTEGER NOT NULL PRIMARY KEY, {q}v{q} TEXT);\n\
             INSERT INTO {q}applied_log{q} ({q}n{q}) VALUES ({i});\n"
        );
        dir = dir.add(&format!("20250101{:02}{:02}00_create_table_t{i}", i / 60, i % 60), &sql);
    }
    dir
}

/// Starts all processes at once, checks each exited 0 and that together they applied each migration once.
async fn deploy_concurrently(url: &str, dir: &MigrationsDir) {
    let (url, path) = (url.to_owned(), dir.path());
    let outputs = tokio::task::spawn_blocking(move || {
        wait_all((0..PROCESSES).map(|_| spawn(&url, &path, &["deploy"], &[])).collect(), DEADLINE)
    })
    .await
    .expect("join");
    let applied = applied_total(&outputs);
    assert_eq!(applied, MIGRATIONS, "the processes together applied each migration once");
}

/// (rows, distinct names, rows finished with one step and not rolled back, `applied_log` rows, distinct numbers)
type Counts = (i64, i64, i64, i64, i64);

const COUNTS_SQL: &str = "SELECT \
    (SELECT count(*) FROM _prisma_migrations), \
    (SELECT count(DISTINCT migration_name) FROM _prisma_migrations), \
    (SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL \
        AND applied_steps_count = 1 AND logs IS NULL), \
    (SELECT count(*) FROM applied_log), \
    (SELECT count(DISTINCT n) FROM applied_log)";

fn expected() -> Counts {
    let m = i64::try_from(MIGRATIONS).unwrap();
    (m, m, m, m - 1, m - 1)
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_processes_deploy_fifty_migrations_to_postgres() {
    let db = postgres().await;
    let dir = fifty(Db::Postgres);
    deploy_concurrently(db.url(), &dir).await;
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    let counts: Counts = sqlx::query_as(COUNTS_SQL).fetch_one(&pool).await.unwrap();
    assert_eq!(counts, expected());
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_processes_deploy_fifty_migrations_to_mysql() {
    let db = mysql().await;
    let dir = fifty(Db::MySql);
    deploy_concurrently(db.url(), &dir).await;
    let pool = sqlx::MySqlPool::connect(db.url()).await.unwrap();
    let counts: Counts = sqlx::query_as(COUNTS_SQL).fetch_one(&pool).await.unwrap();
    assert_eq!(counts, expected());
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_processes_deploy_fifty_migrations_to_a_sqlite_file() {
    let db = sqlite();
    let dir = fifty(Db::Sqlite);
    // The file does not exist yet: the processes also race to create it, as replicas would.
    deploy_concurrently(&db.url(), &dir).await;
    let pool =
        sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(db.path())).await.unwrap();
    let counts: Counts = sqlx::query_as(COUNTS_SQL).fetch_one(&pool).await.unwrap();
    assert_eq!(counts, expected());
    pool.close().await;
}

/// Process A deploys `CREATE INDEX CONCURRENTLY` while process B, started during A's previous (slow)
/// migration, waits for the lock. CIC waits for every transaction that holds a snapshot; a waiter blocked in
/// `pg_advisory_lock` would hold one and deadlock with it, a polling waiter does not. Both must finish.
#[tokio::test(flavor = "multi_thread")]
async fn create_index_concurrently_completes_while_another_process_waits_for_the_lock() {
    let db = postgres().await;
    let dir = MigrationsDir::new()
        .provider("postgresql")
        .add(
            "20250101000000_create_big",
            "CREATE TABLE \"big\" (\"id\" INTEGER NOT NULL, \"v\" TEXT);\n\
             INSERT INTO \"big\" SELECT g, md5(g::text) FROM generate_series(1, 200000) g;\n",
        )
        .add("20250101000100_wait_a_little", "SELECT pg_sleep(2);\n")
        .add("20250101000200_index_big_v", "CREATE INDEX CONCURRENTLY \"big_v_idx\" ON \"big\"(\"v\");\n")
        .add("20250101000300_create_after_index", "CREATE TABLE \"after_index\" (\"id\" INTEGER);\n");
    let path = dir.path();
    let a = spawn(db.url(), &path, &["deploy"], &[]);
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    let started = Instant::now();
    loop {
        let n: Option<i64> = sqlx::query_scalar(
            "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20250101000100_wait_a_little'",
        )
        .fetch_one(&pool)
        .await
        .ok();
        if n == Some(1) {
            break;
        }
        assert!(started.elapsed() < Duration::from_mins(1), "deployer A never reached its slow migration");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let b = spawn(db.url(), &path, &["deploy"], &[]);
    let outputs = tokio::task::spawn_blocking(move || wait_all(vec![a, b], DEADLINE)).await.unwrap();
    let lines: Vec<String> = outputs.iter().map(|o| format!("{}{}", text(&o.stdout), text(&o.stderr))).collect();
    assert!(outputs.iter().all(|o| o.status.success()), "both deployers exit 0: {lines:?}");
    assert_eq!(lines[0].trim(), "deploy: applied 4 of 4 migration(s)");
    assert_eq!(lines[1].trim(), "deploy: applied 0 of 4 migration(s)", "B waited, then found nothing to apply");
    let valid: bool = sqlx::query_scalar(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'big_v_idx'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(valid, "the concurrently built index is valid");
    let finished: i64 = sqlx::query_scalar("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(finished, 4);
    pool.close().await;
}

/// Deployers that start at the same instant on one SQLite file, many times over. In exclusive locking mode a
/// connection keeps every lock it ever took, so two that each got a SHARED lock on the way to `BEGIN
/// EXCLUSIVE` used to block each other until the lock timeout (about 1 round in 30).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_deployers_starting_together_never_block_each_other() {
    use prisma_migrations::{ConnectOptions, Database, Migrator};
    let dir = MigrationsDir::new().add("20250101000000_create_t", "CREATE TABLE \"t\" (\"id\" INTEGER);\n");
    let migrations = std::sync::Arc::new(dir.load());
    for round in 0..60 {
        let db = sqlite();
        let opts = ConnectOptions::new().create_if_missing(true);
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(3));
        let mut tasks = Vec::new();
        for _ in 0..3 {
            let conn = Database::connect_with(&db.url(), &opts).await.unwrap();
            let (m, barrier) = (migrations.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let r = Migrator::new(&m).lock_timeout(Duration::from_secs(10)).deploy(&conn).await;
                conn.close().await;
                r.map(|r| r.applied.len())
            }));
        }
        let mut applied = 0;
        for t in tasks {
            applied += t.await.unwrap().unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
        assert_eq!(applied, 1, "round {round}");
    }
}

/// The interface other tests rely on (tests/src/bin/pm-deployer.rs): one summary line, exit codes, the Prisma
/// code on stderr, the signal file.
#[test]
fn pm_deployer_interface() {
    let db = sqlite();
    let dir = MigrationsDir::new()
        .provider("sqlite")
        .add("20250101000000_create_t", "CREATE TABLE \"t\" (\"id\" INTEGER);\n")
        .add("20250101000100_read_missing", "SELECT * FROM \"no_such_table\";\n");
    let run = |args: &[&str], env: Option<&Path>| {
        let mut cmd = Command::new(DEPLOYER);
        cmd.args(args);
        if let Some(path) = env {
            cmd.env("PM_DEPLOYER_SIGNAL_FILE", path);
        }
        let out = cmd.output().expect("run pm-deployer");
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let (url, path) = (db.url(), dir.path());
    let path = path.to_str().unwrap();
    assert_eq!(run(&[], None).0, Some(2), "usage error");
    assert_eq!(run(&[&url, path, "launch"], None).0, Some(2), "unknown command");

    let (code, _, stderr) = run(&[&url, path, "status"], None);
    assert_eq!(code, Some(1), "status on a missing database: {stderr}");
    assert!(stderr.starts_with("pm-deployer: error P1003: "), "{stderr}");

    let signal = db.path().with_file_name("pid");
    let (code, stdout, stderr) = run(&[&url, path], Some(&signal));
    assert_eq!(code, Some(1));
    assert_eq!(stdout, "");
    assert!(stderr.starts_with("pm-deployer: error P3018: "), "{stderr}");
    assert!(std::fs::read_to_string(&signal).unwrap().parse::<u32>().is_ok(), "pid written to the signal file");

    let (code, stdout, _) = run(&[&url, path, "status"], None);
    assert_eq!(
        (code, stdout.trim()),
        (Some(1), "status: not up to date (0 pending, 1 failed, 0 edited, 0 missing locally)")
    );
    let (code, _, stderr) = run(&[&url, path, "verify"], None);
    assert_eq!(code, Some(1));
    assert!(stderr.starts_with("pm-deployer: error -: "), "{stderr}");

    let (code, stdout, _) = run(&[&url, path, "resolve-applied", "20250101000100_read_missing"], None);
    assert_eq!((code, stdout.trim()), (Some(0), "resolve-applied: 20250101000100_read_missing"));
    let (code, stdout, _) = run(&[&url, path, "verify"], None);
    assert_eq!((code, stdout.trim()), (Some(0), "verify: up to date"));
    let (code, stdout, _) = run(&[&url, path, "status"], None);
    assert_eq!((code, stdout.trim()), (Some(0), "status: up to date"));
    let (code, stdout, _) = run(&[&url, path, "deploy"], None);
    assert_eq!((code, stdout.trim()), (Some(0), "deploy: applied 0 of 2 migration(s)"));
    let (code, _, stderr) = run(&[&url, path, "resolve-rolled-back", "20250101000100_read_missing"], None);
    assert_eq!(code, Some(1));
    assert!(stderr.starts_with("pm-deployer: error P3012: "), "{stderr}");
}
