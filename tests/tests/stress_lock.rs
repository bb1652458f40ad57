//! The migration lock under stress, with separate `pm-deployer` processes. The holder stops in the middle of
//! its second migration at a gate (tests/src/gate.rs) the test keeps closed, so "the holder holds the lock,
//! mid-migration" is an event, not a sleep:
//!
//! - a holder killed with SIGKILL at the gate blocks the next deployer only until the server notices the dead
//!   session: the waiter gets the lock while the gate is still closed (so from the dead holder, not from a
//!   finished one) and stops with P3009 naming the interrupted migration, the state the kill left (MySQL,
//!   SQLite); on PostgreSQL the killed migration's row and script were one transaction, rolled back, so the
//!   waiter applies it again and finishes the deploy;
//! - a live holder makes a waiter wait, logging every few seconds that it waits for the migration lock;
//! - a wait longer than the lock timeout is P1002 naming the lock, on PostgreSQL, MySQL and SQLite.
//!
//! Durations are printed, never asserted: the deadlines are hang guards.

mod stress_support;

use std::time::{Duration, Instant};

use prisma_migrations_tests::{Gate, MigrationsDir, ScratchDir};
use stress_support::{Kind, Row, Target, Watched, spawn, text, wait_all, wait_file};

const FIRST: &str = "20250101000000_create_first";
const SLOW: &str = "20250101000100_slow_backfill";
const LAST: &str = "20250101000200_create_last";
const HANG_GUARD: Duration = Duration::from_mins(2);
const WAITING: &str = "waiting for the migration lock";

/// A closed gate for `target`; SQLite's files go in `scratch`.
async fn gate(target: &Target, scratch: &ScratchDir) -> Gate {
    match target.kind {
        Kind::Postgres => Gate::postgres(&target.url).await,
        Kind::MySql => Gate::mysql(&target.url).await,
        Kind::Sqlite => Gate::sqlite(scratch.path()).await,
    }
}

/// Three migrations; the second creates `slow_a`, then stops at the gate.
fn history(kind: Kind, gate: &Gate) -> MigrationsDir {
    let create = |t: &str| format!("CREATE TABLE {} ({} INTEGER);\n", kind.q(t), kind.q("id"));
    MigrationsDir::new()
        .provider(kind.provider())
        .add(FIRST, &create("first"))
        .add(SLOW, &format!("{}{}", create("slow_a"), gate.sql()))
        .add(LAST, &create("last"))
}

/// Kill the holder at the gate once a waiter has connected: the waiter must get the lock with the gate still
/// closed, and report the interrupted migration as P3009.
async fn killed_holder(kind: Kind) {
    let target = Target::new(kind).await;
    let scratch = ScratchDir::new();
    let gate = gate(&target, &scratch).await;
    let dir = history(kind, &gate);
    let mut holder = spawn(&target.url, &dir.path(), &["deploy"], &[]);
    gate.wait_reached().await;
    let signal = dir.root().join("waiter.pid");
    let waiter =
        spawn(&target.url, &dir.path(), &["deploy"], &[("PM_DEPLOYER_SIGNAL_FILE", &signal.to_string_lossy())]);
    wait_file(&signal, HANG_GUARD).await;
    holder.kill().expect("SIGKILL the holder");
    let killed = Instant::now();
    holder.wait().expect("reap the killed holder");
    if kind == Kind::Postgres {
        postgres_waiter_reapplies(&target, gate, waiter, killed).await;
        return;
    }
    let out = tokio::task::spawn_blocking(move || wait_all(vec![waiter], HANG_GUARD)).await.expect("join").remove(0);
    eprintln!("stress_lock {kind:?}: the waiter got the lock {:?} after the holder was killed", killed.elapsed());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("pm-deployer: error P3009: ")), "{stderr}");
    assert!(stderr.contains(SLOW), "P3009 names the interrupted migration: {stderr}");
    gate.open().await;
    // What the kill left of the slow migration: on PostgreSQL the server aborted the script when it noticed the
    // dead client, rolling back its `CREATE TABLE`; MySQL had already committed it (DDL autocommits), SQLite
    // too (each statement autocommits, as with Prisma).
    let raw = target.raw().await;
    let tables = raw.tables().await;
    raw.close().await;
    assert_eq!(tables.contains(&"slow_a".to_owned()), kind != Kind::Postgres, "{kind:?}: {tables:?}");
}

/// PostgreSQL: a migration's start row, script and finish are one transaction (runtime/src/backend/postgres.rs),
/// so the server rolled all of the killed holder's migration back: the waiter, holding the lock while the gate is
/// still closed (so from the dead holder), finds the migration pending and applies it again, reaching the gate
/// itself; once the gate opens it finishes every migration, each with one finished row.
async fn postgres_waiter_reapplies(target: &Target, gate: Gate, waiter: std::process::Child, killed: Instant) {
    gate.wait_reached().await;
    eprintln!("stress_lock Postgres: the waiter got the lock {:?} after the holder was killed", killed.elapsed());
    gate.open().await;
    let out = tokio::task::spawn_blocking(move || wait_all(vec![waiter], HANG_GUARD)).await.expect("join").remove(0);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let raw = target.raw().await;
    let tables = raw.tables().await;
    let rows = raw.rows().await.expect("_prisma_migrations exists");
    raw.close().await;
    for t in ["first", "slow_a", "last"] {
        assert!(tables.contains(&t.to_owned()), "{t} missing: {tables:?}");
    }
    let expected: Vec<Row> = [FIRST, SLOW, LAST]
        .iter()
        .map(|n| Row { name: (*n).to_owned(), finished: true, rolled_back: false, steps: 1 })
        .collect();
    assert_eq!(rows, expected, "one finished row per migration, none left by the killed holder");
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_holder_releases_the_postgres_lock() {
    killed_holder(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_holder_releases_the_sqlite_lock() {
    killed_holder(Kind::Sqlite).await;
}

/// A live holder stays at the gate until a waiter started meanwhile has logged its wait twice; then the gate
/// opens, the holder finishes and the waiter takes the lock and finds nothing to do.
async fn live_holder_logs(kind: Kind) {
    let target = Target::new(kind).await;
    let scratch = ScratchDir::new();
    let gate = gate(&target, &scratch).await;
    let dir = history(kind, &gate);
    let holder = spawn(&target.url, &dir.path(), &["deploy"], &[]);
    gate.wait_reached().await;
    let mut waiter = Watched::new(spawn(&target.url, &dir.path(), &["deploy"], &[("PM_DEPLOYER_LOG", "1")]));
    waiter.wait_lines(WAITING, 2, HANG_GUARD).await;
    gate.open().await;
    let holder = tokio::task::spawn_blocking(move || wait_all(vec![holder], HANG_GUARD)).await.expect("join");
    assert!(holder[0].status.success(), "{}", text(&holder[0].stderr));
    let (status, stdout, stderr) = tokio::task::spawn_blocking(move || waiter.finish(HANG_GUARD)).await.expect("join");
    assert!(status.success(), "{stderr}");
    assert_eq!(stdout.trim(), "deploy: applied 0 of 3 migration(s)");
    eprintln!("stress_lock {kind:?}: waiter's log:\n{stderr}");
    let waits: Vec<&str> = stderr.lines().filter(|l| l.contains(WAITING)).collect();
    assert!(waits.iter().all(|l| l.contains(" INFO ")), "{stderr}");
    assert!(stderr.contains("took the migration lock"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn live_holder_makes_postgres_waiters_log() {
    live_holder_logs(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn live_holder_makes_sqlite_waiters_log() {
    live_holder_logs(Kind::Sqlite).await;
}

/// A waiter with a 1 s lock timeout gives up with P1002 naming the lock while the holder is at the closed gate,
/// and changes nothing.
async fn lock_timeout(kind: Kind, lock: &str) {
    let target = Target::new(kind).await;
    let scratch = ScratchDir::new();
    let gate = gate(&target, &scratch).await;
    let dir = history(kind, &gate);
    let holder = spawn(&target.url, &dir.path(), &["deploy"], &[]);
    gate.wait_reached().await;
    let started = Instant::now();
    let waiter = spawn(&target.url, &dir.path(), &["deploy"], &[("PM_DEPLOYER_LOCK_TIMEOUT_MS", "1000")]);
    let out = tokio::task::spawn_blocking(move || wait_all(vec![waiter], HANG_GUARD)).await.expect("join").remove(0);
    eprintln!("stress_lock {kind:?}: the waiter gave up after {:?} (timeout 1 s)", started.elapsed());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("pm-deployer: error P1002: "), "{stderr}");
    assert!(first.contains(lock), "P1002 names the lock `{lock}`: {first}");
    assert!(gate.is_reached().await, "the holder was still at the gate when the waiter gave up");
    gate.open().await;
    let holder = tokio::task::spawn_blocking(move || wait_all(vec![holder], HANG_GUARD)).await.expect("join").remove(0);
    assert!(holder.status.success(), "the holder finished: {}", text(&holder.stderr));
    let raw = target.raw().await;
    let rows = raw.rows().await.expect("table");
    assert_eq!(rows.len(), 3, "the waiter wrote nothing: {rows:?}");
    assert!(rows.iter().all(|r| r.finished && r.steps == 1));
    raw.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_timeout_is_p1002_on_postgres() {
    lock_timeout(Kind::Postgres, "pg_advisory_lock(72707369)").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_timeout_is_p1002_on_sqlite() {
    lock_timeout(Kind::Sqlite, "exclusive lock on the SQLite database file").await;
}

/// MySQL's `GET_LOCK('prisma_migrate')` is one lock for the whole server (PRISMA.md), and every test of this
/// binary shares one server: its scenarios run one after the other, or they would wait for each other.
#[tokio::test(flavor = "multi_thread")]
async fn mysql_killed_holder_live_holder_and_lock_timeout() {
    killed_holder(Kind::MySql).await;
    live_holder_logs(Kind::MySql).await;
    lock_timeout(Kind::MySql, "GET_LOCK('prisma_migrate')").await;
}
