//! A process running deploy, `resolve --applied`, `resolve --rolled-back` or `rollback` dies at each named step
//! (`crash_support`: an `abort()` at a crash point of the library, or a SIGKILL at a gate between two statements
//! of a script), on PostgreSQL, MySQL/MariaDB and SQLite. Each case asserts the exact rows of
//! `_prisma_migrations` (name, checksum against `sha256sum` of the file, finished, rolled back,
//! `applied_steps_count`, `logs`), the tables in the catalog, what `status` says, and that the README's
//! recovery steps bring the database to fully applied — and which step it took.
//!
//! The history has three migrations, `CREATE TABLE a_k; CREATE TABLE b_k;` each. Points per database:
//! - all: `lock-taken` (lock held, nothing read), `table-created` (the empty `_prisma_migrations`),
//!   `migration-done` (between migrations), `rolled-back-row` (after a bookkeeping write of the resolves and
//!   rollback), `down-script-done`, `before-unlock`, and a gate between two statements of a script;
//! - MySQL and SQLite only: `start-row`, `script-done` and `step-counted` (between the two finishing UPDATEs).
//!   On PostgreSQL the start row, the script and both finishing UPDATEs travel in one simple-query message and
//!   commit together (backend/postgres.rs), so those steps do not exist as separate moments; they do for a
//!   script that cannot run in a transaction (`CREATE INDEX CONCURRENTLY`), covered by its own case below. A
//!   gate inside a PostgreSQL script rolls back the start row with the script: the migration is simply pending,
//!   unless the script committed part of itself (`BEGIN; …; COMMIT;`), which commits the start row too.
//!
//! `cargo test -p prisma-migrations-tests --test crash_points`

mod crash_support;
mod stress_support;

use crash_support::{At, Cmd, Effects, History, Recovery, Row, broken_sql, crash, name, prepare, recover, run_ok};
use prisma_migrations::MigrationState;
use stress_support::{Kind, Raw, Target};

const N: usize = 3;

/// An expected row of migration k.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum W {
    /// Finished by deploy, `applied_steps_count` 1, `logs` NULL.
    Applied,
    /// Deploy's start row (and `steps`), not finished, `logs` NULL: the process died during the migration.
    Started(i64),
    /// A failed row: not finished, the P3018 text in `logs`, the checksum of the file that failed.
    Failed,
    /// That failed row, marked rolled back.
    FailedRolledBack,
    /// Inserted by `resolve --applied`: finished, 0 steps, empty `logs`.
    Resolved,
}

/// The state before the command that crashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Setup {
    Fresh,
    /// Deploy failed at migration 2's second statement; the file was then fixed, and migration 2's effects
    /// undone by hand (for `resolve --rolled-back`) or completed by hand (for `resolve --applied`).
    Failed {
        complete: bool,
    },
    Deployed,
}

struct Want {
    table: bool,
    rows: Vec<(usize, W)>,
    effects: [Effects; N],
    recovery: Recovery,
}

use Effects::{All, None as No, Part};
use W::{Applied, Failed, FailedRolledBack, Resolved, Started};

/// Each case: what runs, where it dies, and what must be left — `None` where the point does not exist.
fn cases(kind: Kind) -> Vec<(&'static str, Setup, Cmd, At, Option<Want>)> {
    let pg = kind == Kind::Postgres;
    let want = |table, rows: Vec<(usize, W)>, effects, recovery| Some(Want { table, rows, effects, recovery });
    let not_pg = |w: Option<Want>| if pg { None } else { w };
    vec![
        ("deploy: lock taken", Setup::Fresh, Cmd::Deploy, At::Point("lock-taken", 1), {
            want(false, vec![], [No, No, No], Recovery::Deploy)
        }),
        ("deploy: table created", Setup::Fresh, Cmd::Deploy, At::Point("table-created", 1), {
            want(true, vec![], [No, No, No], Recovery::Deploy)
        }),
        ("deploy: between migrations", Setup::Fresh, Cmd::Deploy, At::Point("migration-done", 1), {
            want(true, vec![(1, Applied)], [All, No, No], Recovery::Deploy)
        }),
        ("deploy: start row written", Setup::Fresh, Cmd::Deploy, At::Point("start-row", 2), {
            not_pg(want(true, vec![(1, Applied), (2, Started(0))], [All, No, No], Recovery::ResolveRolledBack(2)))
        }),
        ("deploy: between statements 1 and 2", Setup::Fresh, Cmd::Deploy, At::Gate(2), {
            if pg {
                want(true, vec![(1, Applied)], [All, No, No], Recovery::Deploy)
            } else {
                want(true, vec![(1, Applied), (2, Started(0))], [All, Part, No], Recovery::UndoPartRolledBack(2))
            }
        }),
        ("deploy: a script that committed its first statement", Setup::Fresh, Cmd::Deploy, At::GateAfterCommit(2), {
            // The script's own COMMIT commits the start row with the first statement on PostgreSQL too.
            want(true, vec![(1, Applied), (2, Started(0))], [All, Part, No], Recovery::UndoPartRolledBack(2))
        }),
        ("deploy: script done, bookkeeping not", Setup::Fresh, Cmd::Deploy, At::Point("script-done", 2), {
            not_pg(want(true, vec![(1, Applied), (2, Started(0))], [All, All, No], Recovery::ResolveApplied(2)))
        }),
        ("deploy: between the finishing writes", Setup::Fresh, Cmd::Deploy, At::Point("step-counted", 2), {
            not_pg(want(true, vec![(1, Applied), (2, Started(1))], [All, All, No], Recovery::ResolveApplied(2)))
        }),
        ("deploy: before unlock", Setup::Fresh, Cmd::Deploy, At::Point("before-unlock", 1), {
            want(true, vec![(1, Applied), (2, Applied), (3, Applied)], [All, All, All], Recovery::Deploy)
        }),
        (
            "resolve --rolled-back: lock taken",
            Setup::Failed { complete: false },
            Cmd::ResolveRolledBack(2),
            At::Point("lock-taken", 1),
            want(true, vec![(1, Applied), (2, Failed)], [All, No, No], Recovery::ResolveRolledBack(2)),
        ),
        (
            "resolve --rolled-back: row written",
            Setup::Failed { complete: false },
            Cmd::ResolveRolledBack(2),
            At::Point("rolled-back-row", 1),
            want(true, vec![(1, Applied), (2, FailedRolledBack)], [All, No, No], Recovery::Deploy),
        ),
        (
            "resolve --applied: between its two writes",
            Setup::Failed { complete: true },
            Cmd::ResolveApplied(2),
            At::Point("rolled-back-row", 1),
            want(true, vec![(1, Applied), (2, FailedRolledBack)], [All, All, No], Recovery::ResolveAppliedAgain(2)),
        ),
        (
            "resolve --applied: before unlock",
            Setup::Failed { complete: true },
            Cmd::ResolveApplied(2),
            At::Point("before-unlock", 1),
            want(true, vec![(1, Applied), (2, FailedRolledBack), (2, Resolved)], [All, All, No], Recovery::Deploy),
        ),
        ("rollback: between statements 1 and 2 of down.sql", Setup::Deployed, Cmd::Rollback(3), At::Gate(3), {
            let rows = vec![(1, Applied), (2, Applied), (3, Applied)];
            if pg {
                want(true, rows, [All, All, All], Recovery::Deploy)
            } else {
                want(true, rows, [All, All, Part], Recovery::RollbackAgain(3))
            }
        }),
        ("rollback: down.sql done", Setup::Deployed, Cmd::Rollback(3), At::Point("down-script-done", 1), {
            want(true, vec![(1, Applied), (2, Applied), (3, Applied)], [All, All, No], Recovery::RollbackAgain(3))
        }),
        // rollback deletes the migration's rows in one statement (so Prisma sees it pending): the point after it
        // is the unlock.
        ("rollback: rows deleted", Setup::Deployed, Cmd::Rollback(3), At::Point("before-unlock", 1), {
            want(true, vec![(1, Applied), (2, Applied)], [All, All, No], Recovery::Deploy)
        }),
    ]
}

/// What `status` must say of a migration with these expected rows (Prisma's reading: a row neither finished nor
/// rolled back is a failure, then a finished one applies, then rows that are all rolled back).
fn expected_state(rows: &[W]) -> MigrationState {
    if rows.iter().any(|w| matches!(w, Started(_) | Failed)) {
        MigrationState::Failed
    } else if rows.iter().any(|w| matches!(w, Applied | Resolved)) {
        MigrationState::Applied
    } else if rows.is_empty() {
        MigrationState::Pending
    } else {
        MigrationState::RolledBack
    }
}

fn check_row(label: &str, got: &Row, k: usize, w: W, sha: &str, broken_sha: &str) {
    let ctx = format!("{label}: row of {} {got:?}, want {w:?}", name(k));
    assert_eq!(got.name, name(k), "{ctx}");
    let (finished, rolled_back, steps) = match w {
        Applied => (true, false, 1),
        Started(s) => (false, false, s),
        Failed | FailedRolledBack => (false, w == FailedRolledBack, 0),
        Resolved => (true, false, 0),
    };
    assert_eq!((got.finished, got.rolled_back, got.steps), (finished, rolled_back, steps), "{ctx}");
    let checksum = if matches!(w, Failed | FailedRolledBack) { broken_sha } else { sha };
    assert_eq!(got.checksum, checksum, "{ctx}: the checksum is sha256sum of the file it ran");
    match w {
        Applied | Started(_) => assert_eq!(got.logs, None, "{ctx}"),
        Resolved => assert_eq!(got.logs.as_deref(), Some(""), "{ctx}"),
        Failed | FailedRolledBack => {
            let logs = got.logs.as_deref().unwrap_or_default();
            assert!(logs.contains(&format!("Migration name: {}", name(k))), "{ctx}: the failure in logs");
        }
    }
}

async fn setup(target: &Target, history: &History, setup: Setup) -> String {
    match setup {
        Setup::Fresh => String::new(),
        Setup::Deployed => {
            run_ok(target, history, Cmd::Deploy);
            String::new()
        }
        Setup::Failed { complete } => {
            history.write(2, &broken_sql(target.kind, 2));
            let broken_sha = history.sha256(2);
            let out = stress_support::wait_all(
                vec![stress_support::spawn(&target.url, &history.dir.path(), &["deploy"], &[])],
                crash_support::HANG_GUARD,
            )
            .remove(0);
            let stderr = stress_support::text(&out.stderr);
            assert!(stderr.contains("error P3018"), "the broken migration fails: {stderr}");
            history.write(2, &history.plain_sql(2));
            let raw = target.raw().await;
            let part = crash_support::effects(&raw, N).await[1];
            assert_eq!(part, if target.kind == Kind::Postgres { No } else { Part }, "after the failure");
            let q = |t: &str| target.kind.q(t);
            if complete {
                let missing_a = if part == No {
                    format!("CREATE TABLE {} ({} INTEGER NOT NULL);", q("a_2"), q("id"))
                } else {
                    String::new()
                };
                raw.exec(&format!("{missing_a}CREATE TABLE {} ({} INTEGER NOT NULL);", q("b_2"), q("id"))).await;
            } else if part == Part {
                raw.exec(&format!("DROP TABLE {}", q("a_2"))).await;
            }
            raw.close().await;
            broken_sha
        }
    }
}

async fn one_case(kind: Kind, label: &str, setup_as: Setup, cmd: Cmd, at: At, want: &Want) -> Recovery {
    let target = Target::new(kind).await;
    let (history, gate) = prepare(&target, N, cmd, at).await;
    let broken_sha = setup(&target, &history, setup_as).await;
    crash(&target, &history, cmd, at, gate).await;

    let raw = target.raw().await;
    let rows = crash_support::rows(&raw).await;
    assert_eq!(rows.is_some(), want.table, "{label}: _prisma_migrations exists");
    let rows = rows.unwrap_or_default();
    assert_eq!(rows.len(), want.rows.len(), "{label}: rows {rows:?}");
    for (got, &(k, w)) in rows.iter().zip(&want.rows) {
        check_row(label, got, k, w, &history.sha256(k), &broken_sha);
    }
    assert_eq!(crash_support::effects(&raw, N).await, want.effects, "{label}: tables in the catalog");
    raw.close().await;
    let (table, states) = crash_support::status(&target, &history).await;
    assert_eq!(table, want.table, "{label}: status sees the table");
    for k in 1..=N {
        let own: Vec<W> = want.rows.iter().filter(|(j, _)| *j == k).map(|&(_, w)| w).collect();
        assert_eq!(states[k - 1], expected_state(&own), "{label}: status of {}", name(k));
    }
    let how = recover(&target, &history, cmd).await;
    assert_eq!(how, want.recovery, "{label}: the recovery step");
    how
}

async fn all_cases(kind: Kind) {
    let mut ran = 0;
    for (label, setup_as, cmd, at, want) in cases(kind) {
        let Some(want) = want else {
            eprintln!("{kind:?}: {label}: no such step here");
            continue;
        };
        let how = one_case(kind, label, setup_as, cmd, at, &want).await;
        eprintln!("{kind:?}: {label} ({at:?}): recovered by {how:?}");
        ran += 1;
    }
    eprintln!("{kind:?}: {ran} crash points");
}

#[tokio::test(flavor = "multi_thread")]
async fn crash_points_postgres() {
    all_cases(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn crash_points_mysql() {
    all_cases(Kind::MySql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn crash_points_sqlite() {
    all_cases(Kind::Sqlite).await;
}

/// PostgreSQL's separate steps, for a script that cannot run in a transaction block: its start row commits
/// first, then the script runs alone, then its finish (backend/postgres.rs). Migration 2 is a lone
/// `CREATE INDEX CONCURRENTLY`; its effect is the index, read from `pg_indexes`.
#[tokio::test(flavor = "multi_thread")]
async fn crash_points_postgres_outside_a_transaction() {
    for (point, index, recovery) in
        [("start-row", false, "resolve --rolled-back"), ("script-done", true, "resolve --applied")]
    {
        let target = Target::new(Kind::Postgres).await;
        let history = History::new(Kind::Postgres, 2, None);
        history.write(2, "CREATE INDEX CONCURRENTLY \"i_2\" ON \"a_1\" (\"id\");\n");
        crash(&target, &history, Cmd::Deploy, At::Point(point, 1), None).await;
        let raw = target.raw().await;
        let rows = crash_support::rows(&raw).await.expect("the table");
        assert_eq!(rows.len(), 2, "{point}: {rows:?}");
        check_row(point, &rows[0], 1, Applied, &history.sha256(1), "");
        check_row(point, &rows[1], 2, Started(0), &history.sha256(2), "");
        let has_index = || async {
            let Raw::Pg(p) = &raw else { unreachable!("PostgreSQL") };
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM pg_indexes WHERE indexname = 'i_2'")
                .fetch_one(p)
                .await
                .expect("pg_indexes")
                == 1
        };
        assert_eq!(has_index().await, index, "{point}: the index in the catalog");
        let (_, states) = crash_support::status(&target, &history).await;
        assert_eq!(states, [MigrationState::Applied, MigrationState::Failed], "{point}");

        let db = target.database().await;
        let migrations = history.dir.load();
        let migrator = prisma_migrations::Migrator::new(&migrations);
        let Err(prisma_migrations::Error::FailedMigrations { failed }) = migrator.deploy(&db).await else {
            panic!("{point}: deploy must stop with P3009");
        };
        assert_eq!(failed.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), [name(2)]);
        if index {
            migrator.resolve_applied(&db, &name(2)).await.expect("resolve --applied");
        } else {
            migrator.resolve_rolled_back(&db, &name(2)).await.expect("resolve --rolled-back");
        }
        migrator.deploy(&db).await.unwrap_or_else(|e| panic!("{point}: deploy after {recovery}: {e}"));
        migrator.verify(&db).await.unwrap_or_else(|e| panic!("{point}: verify after {recovery}: {e}"));
        db.close().await;
        assert!(has_index().await, "{point}: the index after recovery");
        raw.close().await;
        eprintln!("Postgres: {point} of a script outside a transaction: recovered by {recovery}, deploy");
    }
}
