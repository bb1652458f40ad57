//! Crash injection: a `pm-deployer` process is killed with SIGKILL at a random moment of a deploy (connecting,
//! taking the lock, creating the table, before a row is written, inside a slow script between two DDL
//! statements, between the script and the bookkeeping), then the state is inspected without the library,
//! `status` must explain it, and recovery is done the way a user follows Prisma's resolve workflow:
//!
//! - `deploy` completes on its own when the kill left no unfinished row;
//! - otherwise it stops with P3009 naming the interrupted migration. The user looks at the database:
//!   its effects all there → `resolve --applied`; none there → `resolve --rolled-back` then `deploy`;
//!   partly there (MySQL and SQLite run scripts without a transaction) → undo the part by hand, then
//!   `resolve --rolled-back` and `deploy`.
//!
//! Invariants checked after every kill (once the dead client's session is gone from the server):
//! - effects imply a row: no migration's tables exist without a row of its name (finished or not), because the
//!   row is inserted and committed before the script runs;
//! - a finished row implies all of its effects;
//! - at most one unfinished row, and nothing after it;
//! - PostgreSQL: a script's effects are all there or none (one implicit transaction). An unfinished row with all
//!   effects present is possible: killed between the script's commit and the `finished_at` UPDATE, or killed
//!   during the script, which the server then finishes and commits since it only notices the dead client when
//!   it next writes to it.
//!
//! Default: 4 trials per database; `PM_STRESS_FULL=1`: 30 (or `PM_STRESS_TRIALS`). Figures are printed.

mod stress_support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use prisma_migrations::{Error, MigrationState, Migrator};
use prisma_migrations_tests::MigrationsDir;
use stress_support::{Kind, Rng, Target, spawn, text};

/// Migrations per history; each one is `CREATE TABLE a_k; <slow statement>; CREATE TABLE b_k;`.
const MIGRATIONS: usize = 5;

fn trials() -> usize {
    std::env::var("PM_STRESS_TRIALS").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| stress_support::scale(4, 30))
}

fn name(k: usize) -> String {
    format!("20250101{k:02}0000_create_tables_{k}")
}

/// The slow statement between the two DDL statements: about 0.2 s on each database.
fn slow(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres => "SELECT pg_sleep(0.2);",
        Kind::MySql => "SELECT SLEEP(0.2);",
        // No sleep function in SQLite: a recursive CTE that counts for a while.
        Kind::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) SELECT count(*) FROM c;"
        }
    }
}

fn history(kind: Kind) -> MigrationsDir {
    let mut dir = MigrationsDir::new().provider(kind.provider());
    for k in 1..=MIGRATIONS {
        let sql = format!(
            "CREATE TABLE {a} ({id} INTEGER NOT NULL);\n{slow}\nCREATE TABLE {b} ({id} INTEGER NOT NULL);\n",
            a = kind.q(&format!("a_{k}")),
            b = kind.q(&format!("b_{k}")),
            id = kind.q("id"),
            slow = slow(kind),
        );
        dir = dir.add(&name(k), &sql);
    }
    dir
}

/// Where a kill landed, judged from the database afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Landed {
    /// No `_prisma_migrations` yet (connecting, locking, creating the database or table).
    BeforeTable,
    /// Between migrations, or before the first row: some finished rows, no unfinished one.
    BetweenMigrations,
    /// An unfinished row and none of its effects: before or inside the script, rolled back or not reached.
    InScriptNothing,
    /// An unfinished row and part of its effects (MySQL/SQLite: the first DDL committed).
    InScriptPartial,
    /// An unfinished row and all of its effects: between the script and the bookkeeping (or the server finished
    /// the script after the client died).
    AfterScript,
    /// The deploy finished before the kill.
    Completed,
}

#[derive(Debug, Default)]
struct Figures {
    landed: BTreeMap<String, usize>,
    recovery: BTreeMap<&'static str, usize>,
    session_gone_max: Duration,
    session_gone_total: Duration,
    trials: usize,
}

async fn calibrate(kind: Kind) -> Duration {
    let target = Target::new(kind).await;
    let dir = history(kind);
    let start = Instant::now();
    let out = spawn(&target.url, &dir.path(), &["deploy"], &[]).wait_with_output().expect("deploy");
    let took = start.elapsed();
    assert!(out.status.success(), "calibration deploy failed: {}{}", text(&out.stdout), text(&out.stderr));
    took
}

async fn crash_trials(kind: Kind) {
    let full_deploy = calibrate(kind).await;
    let mut rng = Rng::new(&format!("stress_crash {kind:?}"));
    let mut figures = Figures::default();
    let n = trials();
    for trial in 0..n {
        // Spread the kills over the whole deploy, process start included, and a little past its end.
        let delay = rng.below(full_deploy.mul_f64(1.05));
        let landed = one_trial(kind, delay, &mut figures).await;
        eprintln!("{kind:?} trial {trial}: killed after {delay:?} → {landed:?}");
        *figures.landed.entry(format!("{landed:?}")).or_default() += 1;
    }
    figures.trials = n;
    eprintln!(
        "stress_crash {kind:?}: {n} trials, full deploy {full_deploy:?}; landed {:?}; recovery {:?}; dead session gone \
         after max {:?}, mean {:?}",
        figures.landed,
        figures.recovery,
        figures.session_gone_max,
        figures.session_gone_total / u32::try_from(n.max(1)).unwrap_or(1),
    );
}

async fn one_trial(kind: Kind, delay: Duration, figures: &mut Figures) -> Landed {
    let target = Target::new(kind).await;
    let dir = history(kind);
    let mut child = spawn(&target.url, &dir.path(), &["deploy"], &[]);
    tokio::time::sleep(delay).await;
    let exited_before = child.try_wait().expect("try_wait").is_some();
    let _ = child.kill(); // SIGKILL
    let out = child.wait_with_output().expect("reap the deployer");
    if exited_before {
        assert!(out.status.success(), "the deployer failed on its own: {}{}", text(&out.stdout), text(&out.stderr));
    }
    let raw = target.raw().await;
    let gone = raw.wait_sessions_gone(Duration::from_mins(1)).await;
    figures.session_gone_max = figures.session_gone_max.max(gone);
    figures.session_gone_total += gone;
    let tables = raw.tables().await;
    let rows = raw.rows().await;
    let landed = check_invariants(kind, &tables, rows.as_deref(), exited_before);
    check_status(&target, &dir, rows.as_deref()).await;
    recover(&target, &dir, &raw, figures).await;
    check_complete(&raw).await;
    raw.close().await;
    landed
}

fn effects(tables: &[String], k: usize) -> (bool, bool) {
    (tables.contains(&format!("a_{k}")), tables.contains(&format!("b_{k}")))
}

fn check_invariants(kind: Kind, tables: &[String], rows: Option<&[stress_support::Row]>, completed: bool) -> Landed {
    let Some(rows) = rows else {
        assert!(!completed, "a completed deploy left no _prisma_migrations");
        assert!(tables.is_empty(), "effects without _prisma_migrations: {tables:?}");
        return Landed::BeforeTable;
    };
    assert!(rows.iter().all(|r| !r.rolled_back), "nothing rolled back yet: {rows:?}");
    let unfinished: Vec<usize> = rows.iter().enumerate().filter(|(_, r)| !r.finished).map(|(i, _)| i).collect();
    assert!(unfinished.len() <= 1, "at most one unfinished row: {rows:?}");
    if let Some(&i) = unfinished.first() {
        assert_eq!(i, rows.len() - 1, "nothing after the unfinished row: {rows:?}");
    }
    // Rows are in folder order, one per migration.
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.name, name(i + 1), "rows in order, one per migration: {rows:?}");
        // Two UPDATEs after the script, as Prisma: `applied_steps_count + 1`, then `finished_at`. A kill between
        // them leaves steps = 1 on an unfinished row.
        assert!(r.steps == 1 || (r.steps == 0 && !r.finished), "applied_steps_count vs finished_at: {r:?}");
    }
    for k in 1..=MIGRATIONS {
        let (a, b) = effects(tables, k);
        let row = rows.get(k - 1);
        if a || b {
            assert!(row.is_some(), "{kind:?}: effects of {} exist without its row; tables {tables:?}", name(k));
        }
        if row.is_some_and(|r| r.finished) {
            assert!(a && b, "{kind:?}: {} is finished but its effects are missing: {tables:?}", name(k));
        }
        if kind == Kind::Postgres {
            assert_eq!(a, b, "PostgreSQL runs a script in one transaction: all of {} or nothing: {tables:?}", name(k));
        }
        if kind == Kind::MySql || kind == Kind::Sqlite {
            assert!(a || !b, "{kind:?}: the second statement of {} ran without the first", name(k));
        }
    }
    if completed {
        assert_eq!(rows.len(), MIGRATIONS);
        assert!(unfinished.is_empty());
        return Landed::Completed;
    }
    match unfinished.first() {
        None if rows.len() == MIGRATIONS => Landed::Completed,
        None => Landed::BetweenMigrations,
        Some(&i) => match effects(tables, i + 1) {
            (false, false) => Landed::InScriptNothing,
            (true, true) => Landed::AfterScript,
            _ => Landed::InScriptPartial,
        },
    }
}

/// `status` explains the state: every migration applied, pending, or failed with its name, matching the rows.
async fn check_status(target: &Target, dir: &MigrationsDir, rows: Option<&[stress_support::Row]>) {
    let migrations = dir.load();
    let db = target.database().await;
    let status = Migrator::new(&migrations).status(&db).await.unwrap_or_else(|e| panic!("status after a kill: {e}"));
    db.close().await;
    assert_eq!(status.table_exists, rows.is_some());
    let rows = rows.unwrap_or_default();
    for (k, m) in status.migrations.iter().enumerate() {
        let want = match rows.get(k) {
            None => MigrationState::Pending,
            Some(r) if r.finished => MigrationState::Applied,
            Some(_) => MigrationState::Failed,
        };
        assert_eq!(m.state, want, "status of {}: {status:?}", m.name);
        assert_eq!(m.name, name(k + 1));
    }
}

/// What a user does: deploy; on P3009 look at the failed migration's effects, resolve, deploy again.
async fn recover(target: &Target, dir: &MigrationsDir, raw: &stress_support::Raw, figures: &mut Figures) {
    let migrations = dir.load();
    let db = target.database().await;
    let migrator = Migrator::new(&migrations).lock_timeout(Duration::from_mins(1));
    match migrator.deploy(&db).await {
        Ok(_) => *figures.recovery.entry("deploy completed").or_default() += 1,
        Err(Error::FailedMigrations { failed }) => {
            assert_eq!(failed.len(), 1, "one failed migration: {failed:?}");
            let failed_name = failed[0].name.clone();
            let k = (1..=MIGRATIONS).find(|&k| name(k) == failed_name).expect("a known migration failed");
            let (a, b) = effects(&raw.tables().await, k);
            let how = if a && b {
                migrator.resolve_applied(&db, &failed_name).await.expect("resolve --applied");
                "P3009, effects present: resolve --applied, deploy"
            } else {
                if a || b {
                    assert_ne!(target.kind, Kind::Postgres, "partial script on PostgreSQL");
                    // Undo the part that ran, by hand, as the recovery docs tell the user to.
                    raw.exec(&format!("DROP TABLE {}", target.kind.q(&format!("a_{k}")))).await;
                }
                migrator.resolve_rolled_back(&db, &failed_name).await.expect("resolve --rolled-back");
                if a || b {
                    "P3009, partial effects: undo by hand, resolve --rolled-back, deploy"
                } else {
                    "P3009, no effects: resolve --rolled-back, deploy"
                }
            };
            *figures.recovery.entry(how).or_default() += 1;
            migrator.deploy(&db).await.unwrap_or_else(|e| panic!("deploy after resolving: {e}"));
        }
        Err(e) => panic!("deploy after a kill must complete or stop with P3009, got {:?}: {e}", e.code()),
    }
    migrator.verify(&db).await.unwrap_or_else(|e| panic!("verify after recovery: {e}"));
    db.close().await;
}

/// Every migration has exactly one applied row and all of its effects; no row is left unfinished.
async fn check_complete(raw: &stress_support::Raw) {
    let rows = raw.rows().await.expect("the table exists");
    for k in 1..=MIGRATIONS {
        let applied = rows.iter().filter(|r| r.name == name(k) && r.finished && !r.rolled_back).count();
        assert_eq!(applied, 1, "exactly one applied row for {}: {rows:?}", name(k));
    }
    assert!(rows.iter().all(|r| r.finished || r.rolled_back), "no unfinished row left: {rows:?}");
    let tables = raw.tables().await;
    for k in 1..=MIGRATIONS {
        assert_eq!(effects(&tables, k), (true, true), "all effects present: {tables:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_deployer_at_random_points_postgres() {
    crash_trials(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_deployer_at_random_points_mysql() {
    crash_trials(Kind::MySql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_deployer_at_random_points_sqlite() {
    crash_trials(Kind::Sqlite).await;
}
