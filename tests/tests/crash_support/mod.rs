//! Shared by `crash_points` (every named point, exact states) and `stress_crash` (a seeded random soak over the
//! same points): a history whose migration k is `CREATE TABLE a_k; [gate]; CREATE TABLE b_k;` with a `down.sql`
//! `DROP TABLE IF EXISTS b_k; [gate]; DROP TABLE IF EXISTS a_k;`, a `pm-deployer` process that dies at a named
//! point, the state read without the library, and the README's recovery steps.
//!
//! How the process dies:
//! - at a named crash point of the library (`runtime/src/crash_point.rs`): `PM_CRASH_AT=<point>#<n>` makes it
//!   `abort()` there (its exit status shows SIGABRT and its stderr names the point);
//! - between two statements of a script: the script stops at a gate (tests/src/gate.rs) and the process is
//!   killed with SIGKILL there. A client-side hook cannot stop a script at a statement boundary (see
//!   `crash_point.rs`).
//!   PostgreSQL's server notices the dead client while the statement waits (the library sets
//!   `client_connection_check_interval`) and rolls the script back. MySQL/MariaDB notices a dead client only
//!   in some waits (MariaDB in `GET_LOCK`, after a second or so) and otherwise only when the statement ends,
//!   then goes on with the rest of the script: the test `KILL`s the orphaned session, as an operator would, so
//!   the script stops where the process died whatever the statement. SQLite runs in the killed process:
//!   nothing goes on.

#![allow(dead_code, reason = "each test binary uses a part")]

use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use prisma_migrations::{Error, MigrationState, Migrator};
use prisma_migrations_tests::{Gate, MigrationsDir};

use crate::stress_support::{Kind, Raw, Target, spawn, text, wait_all};

/// A hang guard for one process.
pub const HANG_GUARD: Duration = Duration::from_mins(2);

pub fn name(k: usize) -> String {
    format!("20250101{k:02}0000_create_tables_{k}")
}

/// What the process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Deploy,
    ResolveApplied(usize),
    ResolveRolledBack(usize),
    Rollback(usize),
}

impl Cmd {
    fn args(self) -> Vec<String> {
        match self {
            Self::Deploy => vec!["deploy".into()],
            Self::ResolveApplied(k) => vec!["resolve-applied".into(), name(k)],
            Self::ResolveRolledBack(k) => vec!["resolve-rolled-back".into(), name(k)],
            Self::Rollback(k) => vec!["rollback".into(), name(k)],
        }
    }
}

/// Where the process dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// `PM_CRASH_AT=<point>#<n>`.
    Point(&'static str, usize),
    /// Killed with SIGKILL at a gate between the two statements of migration k's script (`migration.sql` for deploy,
    /// `down.sql` for rollback).
    Gate(usize),
    /// The same, in a `migration.sql` that commits its first statement itself (`BEGIN; …; COMMIT;`) — on
    /// PostgreSQL that commits the start row too (the statements before a `BEGIN` in one simple-query message
    /// join its transaction).
    GateAfterCommit(usize),
}

/// Where a gate goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateIn {
    Up,
    UpAfterCommit,
    Down,
}

impl At {
    /// The migration and script a gate goes in, for `cmd`; `None` for a crash point.
    pub fn gate(self, cmd: Cmd) -> Option<(usize, GateIn)> {
        match self {
            Self::Gate(k) if matches!(cmd, Cmd::Rollback(_)) => Some((k, GateIn::Down)),
            Self::Gate(k) => Some((k, GateIn::Up)),
            Self::GateAfterCommit(k) => Some((k, GateIn::UpAfterCommit)),
            Self::Point(..) => None,
        }
    }
}

/// How much of a migration's effects (`a_k`, `b_k`) exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effects {
    None,
    /// `a_k` without `b_k`: a script stopped between its statements (up: the first ran; down: the first ran).
    Part,
    All,
}

/// A row of `_prisma_migrations`, read without the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    pub checksum: String,
    pub finished: bool,
    pub rolled_back: bool,
    pub steps: i64,
    pub logs: Option<String>,
}

/// A history of `n` migrations in a scratch folder, the gate (if any) in migration `k`.
pub struct History {
    pub kind: Kind,
    pub n: usize,
    pub dir: MigrationsDir,
}

fn up_sql(kind: Kind, k: usize, gate: &str, commit: bool) -> String {
    let (begin, commit) = if commit { ("BEGIN;\n", "COMMIT;\n") } else { ("", "") };
    format!(
        "{begin}CREATE TABLE {a} ({id} INTEGER NOT NULL);\n{commit}{gate}CREATE TABLE {b} ({id} INTEGER NOT NULL);\n",
        a = kind.q(&format!("a_{k}")),
        b = kind.q(&format!("b_{k}")),
        id = kind.q("id"),
    )
}

fn down_sql(kind: Kind, k: usize, gate: &str) -> String {
    format!(
        "DROP TABLE IF EXISTS {b};\n{gate}DROP TABLE IF EXISTS {a};\n",
        a = kind.q(&format!("a_{k}")),
        b = kind.q(&format!("b_{k}")),
    )
}

/// Migration k's script when it fails at its second statement (`a_1` exists): on MySQL and SQLite `a_k` stays.
pub fn broken_sql(kind: Kind, k: usize) -> String {
    format!(
        "CREATE TABLE {a} ({id} INTEGER NOT NULL);\nCREATE TABLE {a1} ({id} INTEGER NOT NULL);\n",
        a = kind.q(&format!("a_{k}")),
        a1 = kind.q("a_1"),
        id = kind.q("id"),
    )
}

impl History {
    /// `n` migrations; with `gate = Some((k, in, sql))` the gate's SQL between migration k's statements.
    pub fn new(kind: Kind, n: usize, gate: Option<(usize, GateIn, &str)>) -> Self {
        let mut dir = MigrationsDir::new().provider(kind.provider());
        for k in 1..=n {
            let (up, down, commit) = match gate {
                Some((g, GateIn::Up, sql)) if g == k => (sql, "", false),
                Some((g, GateIn::UpAfterCommit, sql)) if g == k => (sql, "", true),
                Some((g, GateIn::Down, sql)) if g == k => ("", sql, false),
                _ => ("", "", false),
            };
            dir = dir.add_with_down(&name(k), &up_sql(kind, k, up, commit), &down_sql(kind, k, down));
        }
        Self { kind, n, dir }
    }

    /// Rewrites migration k's `migration.sql`.
    pub fn write(&self, k: usize, sql: &str) {
        self.dir.write(&name(k), sql);
    }

    /// Migration k's script without a gate (a fixed file after a failure).
    pub fn plain_sql(&self, k: usize) -> String {
        up_sql(self.kind, k, "", false)
    }

    fn file(&self, k: usize) -> PathBuf {
        self.dir.path().join(name(k)).join("migration.sql")
    }

    /// The checksum of migration k's file now, by `sha256sum` (Prisma's checksum is the file's SHA-256).
    pub fn sha256(&self, k: usize) -> String {
        sha256sum(&self.file(k))
    }
}

/// `sha256sum FILE`'s hex digest.
pub fn sha256sum(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum (coreutils) must be installed");
    assert!(out.status.success(), "sha256sum {}", path.display());
    text(&out.stdout).split_whitespace().next().unwrap_or_default().to_owned()
}

/// A history of `n` migrations for a crash of `cmd` at `at`, and the closed gate `at` needs.
pub async fn prepare(target: &Target, n: usize, cmd: Cmd, at: At) -> (History, Option<Gate>) {
    let Some((k, gate_in)) = at.gate(cmd) else { return (History::new(target.kind, n, None), None) };
    let gate = match target.kind {
        Kind::Postgres => Gate::postgres(&target.url).await,
        Kind::MySql => Gate::mysql(&target.url).await,
        Kind::Sqlite => Gate::sqlite(Path::new(&target.name).parent().expect("the SQLite file's directory")).await,
    };
    (History::new(target.kind, n, Some((k, gate_in, &gate.sql()))), Some(gate))
}

/// Runs `cmd` in a `pm-deployer` process to completion; panics unless it succeeds.
pub fn run_ok(target: &Target, history: &History, cmd: Cmd) {
    let args = cmd.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = wait_all(vec![spawn(&target.url, &history.dir.path(), &args, &[])], HANG_GUARD).remove(0);
    assert!(out.status.success(), "{cmd:?} failed: {}{}", text(&out.stdout), text(&out.stderr));
}

/// Runs `cmd` in a `pm-deployer` process that dies at `at` (the gate, if `at` is one, is `gate`), and waits
/// until its session is gone from the server.
pub async fn crash(target: &Target, history: &History, cmd: Cmd, at: At, gate: Option<Gate>) {
    let args = cmd.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match at {
        At::Point(point, n) => {
            let spec = format!("{point}#{n}");
            let child = spawn(&target.url, &history.dir.path(), &args, &[("PM_CRASH_AT", &spec)]);
            let out = wait_all(vec![child], HANG_GUARD).remove(0);
            let stderr = text(&out.stderr);
            assert_eq!(
                out.status.signal(),
                Some(6),
                "{cmd:?} should have aborted at {spec} ({}): {}{stderr}",
                out.status,
                text(&out.stdout)
            );
            assert!(stderr.contains(&format!("crash point {spec}: aborting")), "{stderr}");
        }
        At::Gate(_) | At::GateAfterCommit(_) => {
            let gate = gate.expect("a gate for At::Gate");
            let mut child = spawn(&target.url, &history.dir.path(), &args, &[]);
            gate.wait_reached().await;
            let orphans = gate.mysql_waiter_ids().await;
            child.kill().expect("SIGKILL the deployer");
            let status = child.wait().expect("reap the deployer");
            assert_eq!(status.signal(), Some(9), "the deployer died of the SIGKILL: {status}");
            match target.kind {
                // The server notices the dead client while the statement waits, and rolls the script back.
                Kind::Postgres => wait_until(|| async { gate.waiters().await == 0 }, "the dead backend to go").await,
                Kind::MySql => {
                    assert_eq!(orphans.len(), 1, "one session at the gate: {orphans:?}");
                    let raw = target.raw().await;
                    let Raw::My(pool) = &raw else { unreachable!("MySQL") };
                    let kill = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("KILL {}", orphans[0]))).execute(pool).await;
                    // 1094 unknown thread: the server noticed the dead client first, which ends the same way.
                    if let Err(e) = kill {
                        let number = e
                            .as_database_error()
                            .and_then(|d| d.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>())
                            .map(sqlx::mysql::MySqlDatabaseError::number);
                        assert_eq!(number, Some(1094), "KILL: {e}");
                    }
                    raw.close().await;
                    wait_until(|| async { gate.waiters().await == 0 }, "the killed session to go").await;
                }
                Kind::Sqlite => {}
            }
            gate.open().await;
        }
    }
    let raw = target.raw().await;
    raw.wait_sessions_gone(HANG_GUARD).await;
    raw.close().await;
}

async fn wait_until<F, Fut>(mut cond: F, what: &str)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !cond().await {
        assert!(start.elapsed() < HANG_GUARD, "waited {HANG_GUARD:?} for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every row in `started_at` order (then name), `None` without the table.
pub async fn rows(raw: &Raw) -> Option<Vec<Row>> {
    if !raw.tables().await.iter().any(|t| t == "_prisma_migrations") {
        return None;
    }
    let int = if matches!(raw, Raw::My(_)) { "SIGNED" } else { "BIGINT" };
    let sql = format!(
        "SELECT migration_name, checksum, CAST(CASE WHEN finished_at IS NULL THEN 0 ELSE 1 END AS {int}), \
         CAST(CASE WHEN rolled_back_at IS NULL THEN 0 ELSE 1 END AS {int}), CAST(applied_steps_count AS {int}), logs \
         FROM _prisma_migrations ORDER BY started_at, migration_name"
    );
    let sql = sqlx::AssertSqlSafe(sql);
    let got: Vec<(String, String, i64, i64, i64, Option<String>)> = match raw {
        Raw::Pg(p) => sqlx::query_as(sql).fetch_all(p).await,
        Raw::My(p) => sqlx::query_as(sql).fetch_all(p).await,
        Raw::Lite(p) => sqlx::query_as(sql).fetch_all(p).await,
    }
    .expect("read _prisma_migrations");
    Some(
        got.into_iter()
            .map(|(name, checksum, f, r, steps, logs)| Row {
                name,
                checksum,
                finished: f != 0,
                rolled_back: r != 0,
                steps,
                logs,
            })
            .collect(),
    )
}

/// The effects of migrations 1..=n, from the catalog.
pub async fn effects(raw: &Raw, n: usize) -> Vec<Effects> {
    let tables = raw.tables().await;
    (1..=n)
        .map(|k| {
            let (a, b) = (tables.contains(&format!("a_{k}")), tables.contains(&format!("b_{k}")));
            match (a, b) {
                (false, false) => Effects::None,
                (true, true) => Effects::All,
                (true, false) => Effects::Part,
                (false, true) => panic!("b_{k} without a_{k}: {tables:?}"),
            }
        })
        .collect()
}

/// What `status` says of each migration, through the library.
pub async fn status(target: &Target, history: &History) -> (bool, Vec<MigrationState>) {
    let db = target.database().await;
    let s = Migrator::new(&history.dir.load()).status(&db).await.unwrap_or_else(|e| panic!("status: {e}"));
    db.close().await;
    for (k, m) in s.migrations.iter().enumerate() {
        assert_eq!(m.name, name(k + 1));
    }
    (s.table_exists, s.migrations.iter().map(|m| m.state).collect())
}

/// The README's recovery step that was needed, for the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recovery {
    /// `deploy` completed on its own.
    Deploy,
    /// `deploy` stopped with P3009 naming migration k; its effects were all there: `resolve --applied`, deploy.
    ResolveApplied(usize),
    /// P3009 naming k, none of its effects: `resolve --rolled-back`, deploy.
    ResolveRolledBack(usize),
    /// P3009 naming k, part of its effects: undo the part by hand, `resolve --rolled-back`, deploy.
    UndoPartRolledBack(usize),
    /// An interrupted `resolve --applied k` (status: rolled back, effects all there): run it again, deploy.
    ResolveAppliedAgain(usize),
    /// An interrupted `rollback k` (status: applied, effects not all there): run it again, deploy.
    RollbackAgain(usize),
}

/// Follows the README ("When a migration fails", "After a crash") from what `status` and the catalog say,
/// and returns the step taken; the database is fully applied afterwards (checked).
pub async fn recover(target: &Target, history: &History, last: Cmd) -> Recovery {
    let raw = target.raw().await;
    let migrations = history.dir.load();
    let db = target.database().await;
    let migrator = Migrator::new(&migrations).lock_timeout(Duration::from_mins(1));
    let (_, states) = status(target, history).await;
    let fx = effects(&raw, history.n).await;
    let how = match last {
        Cmd::Rollback(k) if states[k - 1] == MigrationState::Applied && fx[k - 1] != Effects::All => {
            migrator.rollback(&db, &name(k), false).await.unwrap_or_else(|e| panic!("rollback again: {e}"));
            Recovery::RollbackAgain(k)
        }
        Cmd::ResolveApplied(k) if states[k - 1] == MigrationState::RolledBack && fx[k - 1] == Effects::All => {
            migrator.resolve_applied(&db, &name(k)).await.unwrap_or_else(|e| panic!("resolve --applied again: {e}"));
            Recovery::ResolveAppliedAgain(k)
        }
        _ => match migrator.deploy(&db).await {
            Ok(_) => Recovery::Deploy,
            Err(Error::FailedMigrations { failed }) => {
                assert_eq!(failed.len(), 1, "one failed migration: {failed:?}");
                let k = (1..=history.n).find(|&k| name(k) == failed[0].name).expect("a known migration failed");
                assert_eq!(states[k - 1], MigrationState::Failed, "status named {} failed", name(k));
                match fx[k - 1] {
                    Effects::All => {
                        migrator.resolve_applied(&db, &name(k)).await.expect("resolve --applied");
                        Recovery::ResolveApplied(k)
                    }
                    Effects::None => {
                        migrator.resolve_rolled_back(&db, &name(k)).await.expect("resolve --rolled-back");
                        Recovery::ResolveRolledBack(k)
                    }
                    Effects::Part => {
                        raw.exec(&format!("DROP TABLE {}", target.kind.q(&format!("a_{k}")))).await;
                        migrator.resolve_rolled_back(&db, &name(k)).await.expect("resolve --rolled-back");
                        Recovery::UndoPartRolledBack(k)
                    }
                }
            }
            Err(e) => panic!("deploy after a crash must complete or stop with P3009, got {:?}: {e}", e.code()),
        },
    };
    if how != Recovery::Deploy {
        migrator.deploy(&db).await.unwrap_or_else(|e| panic!("deploy after {how:?}: {e}"));
    }
    migrator.verify(&db).await.unwrap_or_else(|e| panic!("verify after {how:?}: {e}"));
    db.close().await;
    check_complete(&raw, history.n).await;
    raw.close().await;
    how
}

/// Every migration has exactly one applied row and all its effects; no row is left unfinished.
pub async fn check_complete(raw: &Raw, n: usize) {
    let rows = rows(raw).await.expect("the table exists");
    for k in 1..=n {
        let applied = rows.iter().filter(|r| r.name == name(k) && r.finished && !r.rolled_back).count();
        assert_eq!(applied, 1, "exactly one applied row for {}: {rows:?}", name(k));
    }
    assert!(rows.iter().all(|r| r.finished || r.rolled_back), "no unfinished row left: {rows:?}");
    assert_eq!(effects(raw, n).await, vec![Effects::All; n], "all effects present");
}
