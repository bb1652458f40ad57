//! Many deployer PROCESSES against one database at once (`pm-deployer`, tests/src/bin/pm-deployer.rs): the
//! migration lock must make them take turns, so every migration runs exactly once and has exactly one row.
//! Also: `CREATE INDEX CONCURRENTLY` completes while another deployer process waits for the lock.
//!
//! Each test shows that the processes overlapped: the one holding the lock stops at a gate
//! (tests/src/gate.rs) in its second migration, and the gate opens only once every other process has logged
//! that it waits for the migration lock. Run one after another, they would never get there (the test fails at
//! its hang guard).

mod stress_support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use prisma_migrations_tests::{Gate, MigrationsDir, mysql, postgres, sqlite};
use stress_support::{DEPLOYER, Watched, spawn, text};

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

const WAITING: &str = "waiting for the migration lock";

/// 50 migrations: the first creates `applied_log`, each later one creates a table and appends its number to
/// `applied_log` — a script that ran twice would leave a duplicate there. The second stops at `gate`.
fn fifty(db: Db, gate: &Gate) -> MigrationsDir {
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
             INSERT INTO {q}applied_log{q} ({q}n{q}) VALUES ({i});\n{}",
            if i == 1 { gate.sql() } else { String::new() }
        );
        dir = dir.add(&format!("20250101{:02}{:02}00_create_table_t{i}", i / 60, i % 60), &sql);
    }
    dir
}

/// Starts all processes at once; once one holds the lock at the gate and every other one has logged its wait,
/// opens the gate. Checks each exited 0 and that together they applied each migration once.
async fn deploy_concurrently(url: &str, dir: &MigrationsDir, gate: Gate) {
    let log = [("PM_DEPLOYER_LOG", "1")];
    let mut procs: Vec<Watched> =
        (0..PROCESSES).map(|_| Watched::new(spawn(url, &dir.path(), &["deploy"], &log))).collect();
    gate.wait_reached().await;
    let start = Instant::now();
    loop {
        let waiting = procs.iter().filter(|p| p.count(WAITING) > 0).count();
        if waiting == PROCESSES - 1 {
            break;
        }
        for p in &mut procs {
            assert!(
                p.child.try_wait().expect("try_wait").is_none(),
                "a deployer exited while the gate was closed: {}",
                p.stderr()
            );
        }
        assert!(start.elapsed() < DEADLINE, "only {waiting} of {} deployers waited for the lock", PROCESSES - 1);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("contention: {} deployers waited for the lock while one held it at the gate", PROCESSES - 1);
    gate.open().await;
    let outputs =
        tokio::task::spawn_blocking(move || procs.into_iter().map(|p| p.finish(DEADLINE)).collect::<Vec<_>>())
            .await
            .expect("join");
    let mut applied = 0;
    for (i, (status, stdout, stderr)) in outputs.iter().enumerate() {
        assert!(status.success(), "deployer {i} failed ({status}):\n{stdout}{stderr}");
        applied += stdout
            .strip_prefix("deploy: applied ")
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("unexpected output of deployer {i}: {stdout}"));
    }
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
    let gate = Gate::postgres(db.url()).await;
    let dir = fifty(Db::Postgres, &gate);
    deploy_concurrently(db.url(), &dir, gate).await;
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    let counts: Counts = sqlx::query_as(COUNTS_SQL).fetch_one(&pool).await.unwrap();
    assert_eq!(counts, expected());
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_processes_deploy_fifty_migrations_to_mysql() {
    let db = mysql().await;
    let gate = Gate::mysql(db.url()).await;
    let dir = fifty(Db::MySql, &gate);
    deploy_concurrently(db.url(), &dir, gate).await;
    let pool = sqlx::MySqlPool::connect(db.url()).await.unwrap();
    let counts: Counts = sqlx::query_as(COUNTS_SQL).fetch_one(&pool).await.unwrap();
    assert_eq!(counts, expected());
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn eight_processes_deploy_fifty_migrations_to_a_sqlite_file() {
    let db = sqlite();
    let gate = Gate::sqlite(db.path().parent().expect("scratch dir")).await;
    let dir = fifty(Db::Sqlite, &gate);
    // The file does not exist yet: the processes also race to create it, as replicas would.
    deploy_concurrently(&db.url(), &dir, gate).await;
    let pool =
        sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(db.path())).await.unwrap();
    let counts: Counts = sqlx::query_as(COUNTS_SQL).fetch_one(&pool).await.unwrap();
    assert_eq!(counts, expected());
    pool.close().await;
}

/// Process A deploys `CREATE INDEX CONCURRENTLY` while process B, started while A stood at a gate in its
/// previous migration, waits for the lock (B has logged its wait before the gate opens). CIC waits for every
/// transaction that holds a snapshot; a waiter blocked in `pg_advisory_lock` would hold one and deadlock with
/// it, a polling waiter does not. Both must finish.
#[tokio::test(flavor = "multi_thread")]
async fn create_index_concurrently_completes_while_another_process_waits_for_the_lock() {
    let db = postgres().await;
    let gate = Gate::postgres(db.url()).await;
    let dir = MigrationsDir::new()
        .provider("postgresql")
        .add(
            "20250101000000_create_big",
            "CREATE TABLE \"big\" (\"id\" INTEGER NOT NULL, \"v\" TEXT);\n\
             INSERT INTO \"big\" SELECT g, md5(g::text) FROM generate_series(1, 200000) g;\n",
        )
        .add("20250101000100_stop_at_the_gate", &gate.sql())
        .add("20250101000200_index_big_v", "CREATE INDEX CONCURRENTLY \"big_v_idx\" ON \"big\"(\"v\");\n")
        .add("20250101000300_create_after_index", "CREATE TABLE \"after_index\" (\"id\" INTEGER);\n");
    let path = dir.path();
    let a = Watched::new(spawn(db.url(), &path, &["deploy"], &[]));
    gate.wait_reached().await;
    let mut b = Watched::new(spawn(db.url(), &path, &["deploy"], &[("PM_DEPLOYER_LOG", "1")]));
    b.wait_lines(WAITING, 1, DEADLINE).await;
    gate.open().await;
    let outputs = tokio::task::spawn_blocking(move || [a.finish(DEADLINE), b.finish(DEADLINE)]).await.unwrap();
    assert!(outputs.iter().all(|o| o.0.success()), "both deployers exit 0: {outputs:?}");
    assert_eq!(outputs[0].1.trim(), "deploy: applied 4 of 4 migration(s)");
    assert_eq!(outputs[1].1.trim(), "deploy: applied 0 of 4 migration(s)", "B waited, then found nothing to apply");
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
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
/// EXCLUSIVE` used to block each other until the lock timeout (about 1 round in 30). The rounds must show
/// contention: a deployer refused the lock retries after the lock's first back-off (50 ms, runtime/src/lock.rs),
/// so a `lock_wait` of at least that long means it was refused while another held the lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_deployers_starting_together_never_block_each_other() {
    use prisma_migrations::{Database, Migrator};
    let dir = MigrationsDir::new().add("20250101000000_create_t", "CREATE TABLE \"t\" (\"id\" INTEGER);\n");
    let migrations = std::sync::Arc::new(dir.load());
    let mut contended = 0;
    for round in 0..60 {
        let db = sqlite();
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(3));
        let mut tasks = Vec::new();
        for _ in 0..3 {
            let conn = Database::connect(&db.url()).await.unwrap();
            conn.create_if_missing().await.unwrap();
            let (m, barrier) = (migrations.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let r = Migrator::new(&m).lock_timeout(Duration::from_secs(10)).deploy(&conn).await;
                conn.close().await;
                r.map(|r| (r.applied.len(), r.lock_wait))
            }));
        }
        let mut applied = 0;
        for t in tasks {
            let (n, waited) = t.await.unwrap().unwrap_or_else(|e| panic!("round {round}: {e}"));
            applied += n;
            contended += usize::from(waited >= Duration::from_millis(50));
        }
        assert_eq!(applied, 1, "round {round}");
    }
    eprintln!("contention: {contended} of 180 deployers in 60 rounds were refused the lock at least once");
    assert!(contended > 0, "no deployer ever waited for the lock: the rounds did not overlap");
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
    // Its failed row is rolled back, not finished: Prisma's rule (P3012 only when every row of the name finished,
    // mark_migration_rolled_back.rs) lets resolve --rolled-back succeed, marking nothing; the applied one is not.
    let (code, stdout, _) = run(&[&url, path, "resolve-rolled-back", "20250101000100_read_missing"], None);
    assert_eq!((code, stdout.trim()), (Some(0), "resolve-rolled-back: 20250101000100_read_missing"));
    let (code, stdout, _) = run(&[&url, path, "verify"], None);
    assert_eq!((code, stdout.trim()), (Some(0), "verify: up to date"));
    let (code, _, stderr) = run(&[&url, path, "resolve-rolled-back", "20250101000000_create_t"], None);
    assert_eq!(code, Some(1));
    assert!(stderr.starts_with("pm-deployer: error P3012: "), "{stderr}");
}
