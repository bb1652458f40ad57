//! A seeded random-kill soak: a `pm-deployer deploy` of five migrations (`CREATE TABLE a_k; CREATE TABLE b_k;`)
//! dies at a point drawn at random from the named crash points and gates of `crash_points` (`crash_support`), in a
//! random migration k; then the state is checked without the library, `status` must explain it, and the README's
//! recovery steps must bring the database to fully applied. No sleeps and no CPU-calibrated statements: every
//! kill lands at a named step.
//!
//! What each kill leaves of the interrupted migration k is recorded — none of its effects present, part of
//! them, all of them — and each trial draws from the points that reach one state, in turn, so that every state
//! a database can reach is reached in every run (asserted), however few the trials: part = killed at a gate
//! between the two statements on MySQL and SQLite; on PostgreSQL a script and its bookkeeping commit together,
//! so part of a script is left only by a script that commits part of itself (`BEGIN; …; COMMIT;` before the
//! gate), and a kill inside any other script leaves none of it. A fourth kind of point lands before any
//! migration runs (the lock taken, the table created).
//!
//! Invariants after every kill: no migration's effects without a row of its name; a finished row has all its
//! effects; at most one unfinished row, the last; migrations before k finished, after k untouched; on
//! PostgreSQL a script's effects are all there or none unless it commits part of itself.
//!
//! Seeded: `PM_CRASH_SEED=<seed>` replays a run (the seed is printed). 6 trials per database by default,
//! `PM_STRESS_FULL=1` 60 (`PM_STRESS_TRIALS=N` any number):
//! `PM_STRESS_FULL=1 cargo test -p prisma-migrations-tests --test stress_crash -- --nocapture`.

mod crash_support;
mod stress_support;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use crash_support::{At, Cmd, Effects, History, Recovery, crash, name, prepare, recover};
use prisma_migrations::MigrationState;
use stress_support::{Kind, Rng, Target};

const N: usize = 5;

fn trials() -> usize {
    std::env::var("PM_STRESS_TRIALS").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| stress_support::scale(6, 60))
}

/// The state a kill leaves of the interrupted migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Landed {
    /// Before any migration: the lock taken, or the table just created.
    BeforeMigrations,
    /// Migration k: none of its effects present.
    NonePresent,
    /// Migration k: part of its effects present.
    PartPresent,
    /// Migration k: all of its effects present (finished or not).
    AllPresent,
}

/// The states a database can reach, and for each the points (with the migration they stop in) that reach it.
fn classes(kind: Kind, k: usize) -> Vec<(Landed, Vec<At>)> {
    let before = (Landed::BeforeMigrations, vec![At::Point("lock-taken", 1), At::Point("table-created", 1)]);
    if kind == Kind::Postgres {
        let mut all = vec![At::Point("migration-done", k)];
        if k == N {
            all.push(At::Point("before-unlock", 1));
        }
        // A gate inside the script: the server rolls the script and its start row back. Part of a script is
        // left only by a script that commits part of itself (`BEGIN; …; COMMIT;`).
        vec![
            before,
            (Landed::NonePresent, vec![At::Gate(k)]),
            (Landed::PartPresent, vec![At::GateAfterCommit(k)]),
            (Landed::AllPresent, all),
        ]
    } else {
        vec![
            before,
            (Landed::NonePresent, vec![At::Point("start-row", k)]),
            (Landed::PartPresent, vec![At::Gate(k)]),
            (
                Landed::AllPresent,
                vec![At::Point("script-done", k), At::Point("step-counted", k), At::Point("migration-done", k)],
            ),
        ]
    }
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[usize::try_from(rng.next_u64() % items.len() as u64).unwrap_or(0)]
}

#[derive(Debug, Default)]
struct Figures {
    landed: BTreeMap<Landed, usize>,
    recovery: BTreeMap<&'static str, usize>,
}

async fn soak(kind: Kind) {
    let mut rng = Rng::from_var("PM_CRASH_SEED", &format!("stress_crash {kind:?}"));
    let n = trials();
    let start = Instant::now();
    let mut figures = Figures::default();
    let offset = usize::try_from(rng.next_u64() % 4).unwrap_or(0);
    for trial in 0..n {
        let k = usize::try_from(rng.next_u64() % N as u64).unwrap_or(0) + 1;
        let classes = classes(kind, k);
        let (landed, points) = &classes[(trial + offset) % classes.len()];
        let at = pick(&mut rng, points);
        let (got, how) = one_trial(kind, at, k).await;
        assert_eq!(got, *landed, "{kind:?} trial {trial}: {at:?} in {}", name(k));
        let place = if got == Landed::BeforeMigrations { "before any migration".to_owned() } else { name(k) };
        eprintln!("{kind:?} trial {trial}: {at:?} in {place} → {landed:?}; recovered: {how}");
        *figures.landed.entry(got).or_default() += 1;
        *figures.recovery.entry(how).or_default() += 1;
    }
    let reachable: BTreeSet<Landed> = classes(kind, 1).into_iter().map(|(l, _)| l).collect();
    if n >= reachable.len() {
        let reached: BTreeSet<Landed> = figures.landed.keys().copied().collect();
        assert_eq!(reached, reachable, "{kind:?}: every reachable state reached");
    }
    eprintln!(
        "stress_crash {kind:?}: {n} trials in {:?}; landed {:?}; recovery {:?}",
        start.elapsed(),
        figures.landed,
        figures.recovery
    );
}

async fn one_trial(kind: Kind, at: At, k: usize) -> (Landed, &'static str) {
    let target = Target::new(kind).await;
    let (history, gate) = prepare(&target, N, Cmd::Deploy, at).await;
    crash(&target, &history, Cmd::Deploy, at, gate).await;
    let raw = target.raw().await;
    let rows = crash_support::rows(&raw).await;
    let fx = crash_support::effects(&raw, N).await;
    raw.close().await;
    let landed = check_invariants(kind, rows.as_deref(), &fx, at, k);
    check_status(&target, &history, rows.as_deref()).await;
    let how = recover(&target, &history, Cmd::Deploy).await;
    let how = match how {
        Recovery::Deploy => "deploy completed",
        Recovery::ResolveApplied(_) => "P3009, all present: resolve --applied, deploy",
        Recovery::ResolveRolledBack(_) => "P3009, none present: resolve --rolled-back, deploy",
        Recovery::UndoPartRolledBack(_) => "P3009, part present: undo by hand, resolve --rolled-back, deploy",
        other => panic!("a deploy crash never needs {other:?}"),
    };
    (landed, how)
}

fn check_invariants(kind: Kind, rows: Option<&[crash_support::Row]>, fx: &[Effects], at: At, k: usize) -> Landed {
    let Some(rows) = rows else {
        assert_eq!(at, At::Point("lock-taken", 1), "only a crash before the table leaves none");
        assert!(fx.iter().all(|e| *e == Effects::None), "effects without _prisma_migrations: {fx:?}");
        return Landed::BeforeMigrations;
    };
    assert!(rows.iter().all(|r| !r.rolled_back), "nothing rolled back: {rows:?}");
    let unfinished: Vec<usize> = rows.iter().enumerate().filter(|(_, r)| !r.finished).map(|(i, _)| i).collect();
    assert!(unfinished.len() <= 1, "at most one unfinished row: {rows:?}");
    if let Some(&i) = unfinished.first() {
        assert_eq!(i, rows.len() - 1, "nothing after the unfinished row: {rows:?}");
    }
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.name, name(i + 1), "rows in folder order, one per migration: {rows:?}");
        assert!(r.steps == 1 || (r.steps == 0 && !r.finished), "applied_steps_count vs finished_at: {r:?}");
    }
    for j in 1..=N {
        let row = rows.get(j - 1);
        if fx[j - 1] != Effects::None {
            assert!(row.is_some(), "{kind:?}: effects of {} exist without its row: {fx:?}", name(j));
        }
        if row.is_some_and(|r| r.finished) {
            assert_eq!(fx[j - 1], Effects::All, "{kind:?}: {} is finished, its effects are not all there", name(j));
        }
        if kind == Kind::Postgres && at != At::GateAfterCommit(j) {
            assert_ne!(fx[j - 1], Effects::Part, "PostgreSQL runs a script as one transaction: {}", name(j));
        }
    }
    if matches!(at, At::Point("lock-taken" | "table-created", _)) {
        assert!(rows.is_empty(), "no row yet: {rows:?}");
        return Landed::BeforeMigrations;
    }
    let last = if at == At::Point("before-unlock", 1) { N } else { k };
    for j in 1..last {
        assert!(rows.get(j - 1).is_some_and(|r| r.finished), "{} finished before the crash: {rows:?}", name(j));
    }
    for j in last + 1..=N {
        assert!(rows.get(j - 1).is_none() && fx[j - 1] == Effects::None, "{} untouched: {rows:?}", name(j));
    }
    match fx[last - 1] {
        Effects::None => Landed::NonePresent,
        Effects::Part => Landed::PartPresent,
        Effects::All => Landed::AllPresent,
    }
}

/// `status` names every migration applied, pending or failed, as the rows say.
async fn check_status(target: &Target, history: &History, rows: Option<&[crash_support::Row]>) {
    let (table, states) = crash_support::status(target, history).await;
    assert_eq!(table, rows.is_some());
    let rows = rows.unwrap_or_default();
    for (j, state) in states.iter().enumerate() {
        let want = match rows.get(j) {
            None => MigrationState::Pending,
            Some(r) if r.finished => MigrationState::Applied,
            Some(_) => MigrationState::Failed,
        };
        assert_eq!(*state, want, "status of {}", name(j + 1));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_deployer_at_random_points_postgres() {
    soak(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_deployer_at_random_points_mysql() {
    soak(Kind::MySql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_deployer_at_random_points_sqlite() {
    soak(Kind::Sqlite).await;
}
