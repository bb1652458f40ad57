//! Server crashes in the middle of a deploy. A private server (tests/src/crash.rs: PostgreSQL with `fsync=on`,
//! MariaDB with the log flushed at every commit) is crashed at a chosen point of a `pm-deployer deploy` of five
//! migrations, restarted (the server runs its crash recovery), and the state checked without the library:
//!
//! - no migration's effects without its row;
//! - no finished migration turned unfinished: every migration finished before the crash point (all before the
//!   one at the gate; the one seen finished; all, after a completed deploy) is still finished;
//! - at most one unfinished row, the last; on PostgreSQL a script's effects are all there or none;
//! - the next deploy completes, or stops with P3009 naming the migration that was running (the one at the
//!   gate); the resolve workflow then brings the database to fully applied.
//!
//! The points are events: the deployer stopped at a gate (tests/src/gate.rs) in migration k's script between its
//! two statements, a row seen finished by another session, or the deployer's exit. PostgreSQL is crashed with
//! `pg_ctl stop -m immediate` or a SIGKILL of the postmaster, MariaDB with SIGKILL. SQLite has no server: the
//! deploying process is killed at the gate, mid-write.
//!
//! Seeded: the seed is printed, `PM_STRESS_SEED=<seed>` replays it. 4 trials per database by default,
//! `PM_STRESS_FULL=1` 20 (`PM_STRESS_TRIALS=N` any number):
//! `PM_STRESS_FULL=1 cargo test -p prisma-migrations-tests --test server_crash`.

mod stress_support;

use std::path::Path;
use std::time::{Duration, Instant};

use prisma_migrations::{Database, Error, Migrator};
use prisma_migrations_tests::{Crash, CrashServer, Gate, MigrationsDir, ScratchDir, random_name};
use stress_support::{Kind, Raw, Rng, Row, spawn};

const MIGRATIONS: usize = 5;
const HANG_GUARD: Duration = Duration::from_mins(2);

fn trials() -> usize {
    std::env::var("PM_STRESS_TRIALS").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| stress_support::scale(4, 20))
}

fn name(k: usize) -> String {
    format!("20250101{k:02}0000_create_tables_{k}")
}

/// Where the crash lands.
#[derive(Debug, Clone, Copy)]
enum Point {
    /// The deployer stands at a gate between the two statements of migration k.
    MidScript(usize),
    /// Another session has seen migration k's row finished (the deployer goes on meanwhile).
    AfterFinish(usize),
    /// The deployer exited 0.
    AfterDeploy,
}

impl Point {
    fn pick(rng: &mut Rng, kind: Kind) -> Self {
        let k = usize::try_from(rng.next_u64() % MIGRATIONS as u64).unwrap_or(0) + 1;
        // SQLite's lock keeps every other session out while the deployer works: only the gate is observable.
        match (kind, rng.next_u64() % 4) {
            (Kind::Sqlite, _) | (_, 0 | 1) => Self::MidScript(k),
            (_, 2) => Self::AfterFinish(k),
            _ => Self::AfterDeploy,
        }
    }

    /// The migrations that must stay finished whatever the crash did.
    fn finished_before(self) -> usize {
        match self {
            Self::MidScript(k) => k - 1,
            Self::AfterFinish(k) => k,
            Self::AfterDeploy => MIGRATIONS,
        }
    }
}

/// Migration k is `CREATE TABLE a_k; [gate]; CREATE TABLE b_k;`, the gate in migration `gated`.
fn history(kind: Kind, gated: Option<(usize, &Gate)>) -> MigrationsDir {
    let mut dir = MigrationsDir::new().provider(kind.provider());
    for k in 1..=MIGRATIONS {
        let gate = gated.filter(|(g, _)| *g == k).map(|(_, gate)| gate.sql()).unwrap_or_default();
        let sql = format!(
            "CREATE TABLE {a} ({id} INTEGER NOT NULL);\n{gate}CREATE TABLE {b} ({id} INTEGER NOT NULL);\n",
            a = kind.q(&format!("a_{k}")),
            b = kind.q(&format!("b_{k}")),
            id = kind.q("id"),
        );
        dir = dir.add(&name(k), &sql);
    }
    dir
}

/// The database of one trial: on the crash server, or a SQLite file.
struct Trial {
    kind: Kind,
    url: String,
    db: String,
    scratch: ScratchDir,
}

impl Trial {
    async fn new(kind: Kind, server: Option<&CrashServer>) -> Self {
        let scratch = ScratchDir::new();
        let db = random_name("pm");
        let url = match (kind, server) {
            (Kind::Sqlite, _) => format!("file:{}", scratch.path().join("test.db").display()),
            (_, Some(s)) => {
                let q = kind.q(&db);
                admin(kind, &s.admin_url(), &format!("CREATE DATABASE {q}")).await;
                s.url(&db)
            }
            (_, None) => unreachable!("a server database needs its server"),
        };
        Self { kind, url, db, scratch }
    }

    async fn gate(&self) -> Gate {
        match self.kind {
            Kind::Postgres => Gate::postgres(&self.url).await,
            Kind::MySql => Gate::mysql(&self.url).await,
            Kind::Sqlite => Gate::sqlite(self.scratch.path()).await,
        }
    }

    async fn raw(&self) -> Raw {
        match self.kind {
            Kind::Postgres => {
                Raw::Pg(sqlx::pool::PoolOptions::new().max_connections(1).connect(&self.url).await.expect("connect"))
            }
            Kind::MySql => {
                Raw::My(sqlx::pool::PoolOptions::new().max_connections(1).connect(&self.url).await.expect("connect"))
            }
            Kind::Sqlite => {
                let path = self.url.strip_prefix("file:").unwrap_or(&self.url);
                let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path).create_if_missing(true);
                Raw::Lite(sqlx::pool::PoolOptions::new().max_connections(1).connect_with(opts).await.expect("connect"))
            }
        }
    }
}

async fn admin(kind: Kind, url: &str, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    if kind == Kind::Postgres {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        sqlx::raw_sql(sql).execute(&pool).await.expect("admin SQL");
        pool.close().await;
    } else {
        let pool = sqlx::MySqlPool::connect(url).await.expect("connect");
        sqlx::raw_sql(sql).execute(&pool).await.expect("admin SQL");
        pool.close().await;
    }
}

async fn crash_trials(kind: Kind, mut server: Option<CrashServer>, methods: &[Crash]) {
    let mut rng = Rng::new(&format!("server_crash {kind:?}"));
    let n = trials();
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for trial in 0..n {
        let point = Point::pick(&mut rng, kind);
        let how = methods[usize::try_from(rng.next_u64()).unwrap_or(0) % methods.len()];
        let outcome = one_trial(kind, server.as_mut(), point, how).await;
        eprintln!("server_crash {kind:?} trial {trial}: {how:?} at {point:?} → {outcome}");
        *outcomes.entry(outcome).or_default() += 1;
    }
    eprintln!("server_crash {kind:?}: {n} trials: {outcomes:?}");
}

async fn one_trial(kind: Kind, server: Option<&mut CrashServer>, point: Point, how: Crash) -> String {
    let trial = Trial::new(kind, server.as_deref()).await;
    let gate = match point {
        Point::MidScript(_) => Some(trial.gate().await),
        _ => None,
    };
    let gated = match point {
        Point::MidScript(k) => gate.as_ref().map(|g| (k, g)),
        _ => None,
    };
    let dir = history(kind, gated);
    let mut deployer = spawn(&trial.url, &dir.path(), &["deploy"], &[]);
    match point {
        Point::MidScript(_) => gate.as_ref().expect("gate").wait_reached().await,
        Point::AfterFinish(k) => wait_finished(&trial, &mut deployer, k).await,
        Point::AfterDeploy => {
            let status = deployer.wait().expect("deployer");
            assert!(status.success(), "the deploy before the crash failed ({status})");
        }
    }
    // Kill the deployer too (it has exited unless stopped at the gate or still going): SQLite's crash is this
    // kill; on a server it only spares the dead client's retries.
    if let Some(server) = server {
        server.crash(how);
        let _ = deployer.kill();
        let _ = deployer.wait();
        drop(gate);
        server.start();
    } else {
        let _ = deployer.kill();
        let _ = deployer.wait();
        drop(gate);
    }
    let outcome = check(&trial, &dir, point).await;
    if kind != Kind::Sqlite {
        let drop_sql = match kind {
            Kind::Postgres => format!("DROP DATABASE \"{}\" WITH (FORCE)", trial.db),
            _ => format!("DROP DATABASE `{}`", trial.db),
        };
        let admin_url = match kind {
            Kind::Postgres => trial.url.replace(&format!("/{}", trial.db), "/postgres"),
            _ => trial.url.replace(&format!("/{}", trial.db), ""),
        };
        admin(kind, &admin_url, &drop_sql).await;
    }
    outcome
}

/// Waits until another session sees migration k's row finished.
async fn wait_finished(trial: &Trial, deployer: &mut std::process::Child, k: usize) {
    let raw = trial.raw().await;
    let start = Instant::now();
    loop {
        let rows = raw.rows().await.unwrap_or_default();
        if rows.iter().any(|r| r.name == name(k) && r.finished) {
            break;
        }
        if let Some(status) = deployer.try_wait().expect("try_wait") {
            assert!(status.success(), "the deployer failed on its own ({status})");
        }
        assert!(start.elapsed() < HANG_GUARD, "{} never finished", name(k));
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    raw.close().await;
}

fn effects(tables: &[String], k: usize) -> (bool, bool) {
    (tables.contains(&format!("a_{k}")), tables.contains(&format!("b_{k}")))
}

/// The invariants after the restart, then the next deploy and the recovery. Returns what happened.
async fn check(trial: &Trial, dir: &MigrationsDir, point: Point) -> String {
    let kind = trial.kind;
    let raw = trial.raw().await;
    let tables = raw.tables().await;
    let rows: Vec<Row> = raw.rows().await.unwrap_or_default();
    let row = |k: usize| rows.iter().find(|r| r.name == name(k));
    for k in 1..=MIGRATIONS {
        let (a, b) = effects(&tables, k);
        assert!(!(a || b) || row(k).is_some(), "{kind:?} {point:?}: effects of {} without its row: {rows:?}", name(k));
        if kind == Kind::Postgres {
            assert_eq!(a, b, "{kind:?} {point:?}: {} half applied on PostgreSQL: {tables:?}", name(k));
        }
        if k <= point.finished_before() {
            assert!(
                row(k).is_some_and(|r| r.finished && r.steps == 1),
                "{kind:?} {point:?}: {} was finished before the crash and is not after the restart: {rows:?}",
                name(k)
            );
        }
    }
    let unfinished: Vec<&Row> = rows.iter().filter(|r| !r.finished).collect();
    assert!(unfinished.len() <= 1, "{kind:?} {point:?}: at most one unfinished row: {rows:?}");
    if let Some(u) = unfinished.first() {
        assert_eq!(u.name, rows.last().expect("rows").name, "{kind:?} {point:?}: nothing after it: {rows:?}");
        if let Point::MidScript(k) = point {
            assert_eq!(u.name, name(k), "{kind:?} {point:?}: the unfinished row is the gated migration's");
        }
    }
    let outcome = recover(trial, dir, &raw, unfinished.first().map(|r| r.name.clone()), point).await;
    let rows = raw.rows().await.expect("table");
    let tables = raw.tables().await;
    for k in 1..=MIGRATIONS {
        let applied = rows.iter().filter(|r| r.name == name(k) && r.finished && !r.rolled_back).count();
        assert_eq!(applied, 1, "{kind:?}: one applied row for {} after recovery: {rows:?}", name(k));
        assert_eq!(effects(&tables, k), (true, true), "{kind:?}: all effects after recovery: {tables:?}");
    }
    raw.close().await;
    outcome
}

/// The next deploy, then Prisma's resolve workflow when it stops with P3009.
async fn recover(trial: &Trial, dir: &MigrationsDir, raw: &Raw, unfinished: Option<String>, point: Point) -> String {
    let migrations = dir.load();
    let opts = prisma_migrations::ConnectOptions::new().base_dir(Path::new("/"));
    let db = Database::connect_with(&trial.url, &opts).await.unwrap_or_else(|e| panic!("connect after restart: {e}"));
    let migrator = Migrator::new(&migrations).lock_timeout(Duration::from_mins(1));
    let outcome = match migrator.deploy(&db).await {
        Ok(_) => {
            assert_eq!(unfinished, None, "deploy went past an unfinished row");
            "next deploy completed".to_owned()
        }
        Err(Error::FailedMigrations { failed }) => {
            let names: Vec<&str> = failed.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(names, [unfinished.as_deref().unwrap_or("(none)")], "{point:?}: P3009 names the running one");
            let failed = names[0].to_owned();
            let k = (1..=MIGRATIONS).find(|&k| name(k) == failed).expect("a known migration");
            let how = match effects(&raw.tables().await, k) {
                (true, true) => {
                    migrator.resolve_applied(&db, &failed).await.expect("resolve --applied");
                    "P3009 (effects present): resolve --applied"
                }
                (a, _) => {
                    if a {
                        assert_ne!(trial.kind, Kind::Postgres, "half a script on PostgreSQL");
                        raw.exec(&format!("DROP TABLE {}", trial.kind.q(&format!("a_{k}")))).await;
                    }
                    migrator.resolve_rolled_back(&db, &failed).await.expect("resolve --rolled-back");
                    if a {
                        "P3009 (part applied): undo, resolve --rolled-back"
                    } else {
                        "P3009 (no effects): resolve --rolled-back"
                    }
                }
            };
            migrator.deploy(&db).await.unwrap_or_else(|e| panic!("deploy after resolving: {e}"));
            how.to_owned()
        }
        Err(e) => panic!("{point:?}: the next deploy must complete or stop with P3009, got {:?}: {e}", e.code()),
    };
    migrator.verify(&db).await.unwrap_or_else(|e| panic!("verify after recovery: {e}"));
    db.close().await;
    outcome
}

/// PostgreSQL with `fsync=on`, stopped with `pg_ctl stop -m immediate` or a SIGKILL of the postmaster: a
/// migration's recorded finish commits with its script, so no crash turns a finished migration unfinished.
#[tokio::test(flavor = "multi_thread")]
async fn postgres_crashed_mid_deploy() {
    let server = tokio::task::spawn_blocking(CrashServer::postgres).await.expect("start PostgreSQL");
    crash_trials(Kind::Postgres, Some(server), &[Crash::Immediate, Crash::Kill]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mariadb_killed_mid_deploy() {
    let server = tokio::task::spawn_blocking(CrashServer::mariadb).await.expect("start MariaDB");
    crash_trials(Kind::MySql, Some(server), &[Crash::Kill]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_deployer_killed_mid_write() {
    crash_trials(Kind::Sqlite, None, &[Crash::Kill]).await;
}
