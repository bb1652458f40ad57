//! The migration lock under stress, with separate `pm-deployer` processes:
//!
//! - a holder killed with SIGKILL in the middle of a slow migration blocks the next deployer only until the
//!   server notices the dead session (measured; the waiter then stops with P3009 naming the interrupted
//!   migration, which is the state the kill left);
//! - a live holder makes a waiter wait, logging every few seconds that it waits for the migration lock;
//! - a wait longer than the lock timeout is P1002 naming the lock, on PostgreSQL, MySQL and SQLite.

mod stress_support;

use std::time::{Duration, Instant};

use prisma_migrations_tests::MigrationsDir;
use stress_support::{Kind, Target, spawn, text, wait_all};

const FIRST: &str = "20250101000000_create_first";
const SLOW: &str = "20250101000100_slow_backfill";
const LAST: &str = "20250101000200_create_last";

/// Seconds of the holder's slow migration, as SQL.
fn sleep(kind: Kind, secs: u32) -> String {
    match kind {
        Kind::Postgres => format!("SELECT pg_sleep({secs});\n"),
        Kind::MySql => format!("SELECT SLEEP({secs});\n"),
        // 0.2 to 0.5 s per 1,000,000 on this machine's debug build: 5,000,000 a "second" errs on the long side,
        // which is all the lock-timeout test needs (the holder must outlast the waiter's 1 s timeout).
        Kind::Sqlite => format!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) SELECT count(*) FROM c;\n",
            u64::from(secs) * 5_000_000
        ),
    }
}

fn history(kind: Kind, secs: u32) -> MigrationsDir {
    let create = |t: &str| format!("CREATE TABLE {} ({} INTEGER);\n", kind.q(t), kind.q("id"));
    MigrationsDir::new()
        .provider(kind.provider())
        .add(FIRST, &create("first"))
        .add(SLOW, &format!("{}{}", create("slow_a"), sleep(kind, secs)))
        .add(LAST, &create("last"))
}

/// Waits until the holder has started the slow migration (its row exists). SQLite's lock is exclusive, even
/// for readers: there, wait for the holder's signal file and give it time to take the lock and reach it.
async fn wait_for_slow_row(target: &Target, signal: &std::path::Path) {
    if target.kind == Kind::Sqlite {
        let start = Instant::now();
        while !signal.exists() {
            assert!(start.elapsed() < Duration::from_mins(1), "the holder never connected");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        return;
    }
    let raw = target.raw().await;
    let start = Instant::now();
    loop {
        if raw.rows().await.is_some_and(|rows| rows.iter().any(|r| r.name == SLOW)) {
            break;
        }
        assert!(start.elapsed() < Duration::from_mins(1), "the holder never reached its slow migration");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    raw.close().await;
}

/// Kill the holder 1 s into a 30 s migration while a waiter waits: the waiter must get the lock (and report the
/// interrupted migration as P3009) within `bound` of the kill.
async fn killed_holder(kind: Kind, bound: Duration) {
    let target = Target::new(kind).await;
    let dir = history(kind, 30);
    let signal = dir.root().join("holder.pid");
    let mut holder =
        spawn(&target.url, &dir.path(), &["deploy"], &[("PM_DEPLOYER_SIGNAL_FILE", &signal.to_string_lossy())]);
    wait_for_slow_row(&target, &signal).await;
    let waiter = spawn(&target.url, &dir.path(), &["deploy"], &[("PM_DEPLOYER_LOG", "1")]);
    tokio::time::sleep(Duration::from_secs(1)).await;
    holder.kill().expect("SIGKILL the holder");
    let killed = Instant::now();
    let _ = holder.wait();
    let out = tokio::task::spawn_blocking(move || wait_all(vec![waiter], Duration::from_mins(2)))
        .await
        .expect("join")
        .remove(0);
    let took = killed.elapsed();
    let stderr = text(&out.stderr);
    eprintln!("stress_lock {kind:?}: the waiter got the lock {took:?} after the holder was killed");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("pm-deployer: error P3009: ")), "{stderr}");
    assert!(stderr.contains(SLOW), "P3009 names the interrupted migration: {stderr}");
    assert!(took < bound, "{kind:?}: a dead holder blocked the next deployer for {took:?} (bound {bound:?})");
    // What the kill left of the slow migration: on PostgreSQL the server aborted the script when it noticed the
    // dead client, rolling back its `CREATE TABLE`; MySQL had already committed it (DDL autocommits).
    let raw = target.raw().await;
    let tables = raw.tables().await;
    raw.close().await;
    assert_eq!(tables.contains(&"slow_a".to_owned()), kind == Kind::MySql, "{kind:?}: {tables:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_holder_releases_the_postgres_lock_quickly() {
    killed_holder(Kind::Postgres, Duration::from_secs(5)).await;
}

/// A live holder runs an 11 s migration; a waiter started meanwhile logs its wait at least twice, then finds
/// nothing to do.
async fn live_holder_logs(kind: Kind) {
    let target = Target::new(kind).await;
    let dir = history(kind, 11);
    let signal = dir.root().join("holder.pid");
    let holder =
        spawn(&target.url, &dir.path(), &["deploy"], &[("PM_DEPLOYER_SIGNAL_FILE", &signal.to_string_lossy())]);
    wait_for_slow_row(&target, &signal).await;
    let waiter = spawn(&target.url, &dir.path(), &["deploy"], &[("PM_DEPLOYER_LOG", "1")]);
    let outs = tokio::task::spawn_blocking(move || wait_all(vec![holder, waiter], Duration::from_mins(2)))
        .await
        .expect("join");
    let (holder, waiter) = (&outs[0], &outs[1]);
    assert!(holder.status.success(), "{}", text(&holder.stderr));
    let stderr = text(&waiter.stderr);
    assert!(waiter.status.success(), "{stderr}");
    assert_eq!(text(&waiter.stdout).trim(), "deploy: applied 0 of 3 migration(s)");
    let waits: Vec<&str> = stderr.lines().filter(|l| l.contains("waiting for the migration lock")).collect();
    eprintln!("stress_lock {kind:?}: waiter's log:\n{stderr}");
    assert!(waits.len() >= 2, "a log line every few seconds while waiting: {stderr}");
    assert!(waits.iter().all(|l| l.contains(" INFO ")), "{stderr}");
    assert!(stderr.contains("took the migration lock"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn live_holder_makes_postgres_waiters_log() {
    live_holder_logs(Kind::Postgres).await;
}

/// A waiter with a 1 s lock timeout gives up with P1002 naming the lock, and changes nothing.
async fn lock_timeout(kind: Kind, lock: &str) {
    let target = Target::new(kind).await;
    let dir = history(kind, 4);
    let signal = dir.root().join("holder.pid");
    let holder =
        spawn(&target.url, &dir.path(), &["deploy"], &[("PM_DEPLOYER_SIGNAL_FILE", &signal.to_string_lossy())]);
    wait_for_slow_row(&target, &signal).await;
    let started = Instant::now();
    let waiter = spawn(&target.url, &dir.path(), &["deploy"], &[("PM_DEPLOYER_LOCK_TIMEOUT_MS", "1000")]);
    let out = tokio::task::spawn_blocking(move || wait_all(vec![waiter], Duration::from_mins(1)))
        .await
        .expect("join")
        .remove(0);
    let took = started.elapsed();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("pm-deployer: error P1002: "), "{stderr}");
    assert!(first.contains(lock), "P1002 names the lock `{lock}`: {first}");
    assert!(took < Duration::from_secs(4), "gave up after the 1 s timeout, not later: {took:?}");
    let holder = tokio::task::spawn_blocking(move || wait_all(vec![holder], Duration::from_mins(1)))
        .await
        .expect("join")
        .remove(0);
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
    killed_holder(Kind::MySql, Duration::from_secs(8)).await;
    live_holder_logs(Kind::MySql).await;
    lock_timeout(Kind::MySql, "GET_LOCK('prisma_migrate')").await;
}
