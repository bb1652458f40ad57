//! Interoperability with the real Prisma CLI (tests/prisma-oracle) on the same database, in both directions:
//! each tool picks up where the other left off, sees the other's failures, honours the other's resolutions,
//! waits for the other's lock, and both write rows of the same shape. Every scenario runs once per Prisma
//! release, 6.16.1 (`prisma6::…`) and 7.10.1 (`prisma7::…`); the scenarios here behave the same under both
//! (status differences between the releases are in `cli_postgres.rs`). Under both the oracle sends a PostgreSQL
//! script as one unit (its "native" script mode), so Prisma ≥ 7.4's statement-by-statement PostgreSQL scripts
//! are not exercised here; the failing migration below is written to end the same either way.
//!
//! PostgreSQL and SQLite only. MySQL/MariaDB is not covered here: the oracle runs Prisma's WebAssembly schema
//! engine, which has no MySQL connector, and Prisma's native schema-engine binary (which does) cannot be
//! downloaded on these machines (tests/prisma-oracle/README.md). MySQL is tested against PRISMA.md, whose
//! MySQL facts were observed with the native engine, and by the contention tests.

mod interop_support;
mod stress_support;

use std::time::{Duration, Instant};

use interop_support::{Db, Shape, Target};
use prisma_migrations::Migrator;
use prisma_migrations_tests::{
    Gate, MigrationsDir, OracleOutput, PrismaVersion, REACH_DEADLINE, TestDatabase, oracle_of,
};

const UP_TO_DATE: &str = "Database schema is up to date!";
const ALL_APPLIED: &str = "All migrations have been successfully applied.";
const NOTHING_PENDING: &str = "No pending migrations to apply.";

const INIT: &str = "20250101120000_create_users";
const SECOND: &str = "20250102120000_create_posts";
const BAD: &str = "20250103120000_create_t1_and_read_missing";
const LATER: &str = "20250104120000_create_comments";

/// Three good migrations for `provider`, the last two with CRLF and a BOM-less UTF-8 comment.
fn three(provider: &str) -> MigrationsDir {
    MigrationsDir::new()
        .provider(provider)
        .add(
            INIT,
            "-- CreateTable\nCREATE TABLE \"users\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"email\" TEXT NOT NULL);\n",
        )
        .add(
            SECOND,
            "-- CreateTable\r\nCREATE TABLE \"posts\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"title\" TEXT);\r\n",
        )
        .add(LATER, "-- Crée la table\nCREATE TABLE \"comments\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n")
}

/// `INIT`, `SECOND`, then `BAD` (creates a table, then fails), then `LATER`.
fn with_failure(provider: &str) -> MigrationsDir {
    three(provider).add(BAD, "CREATE TABLE \"t1\" (\"id\" INTEGER);\nSELECT * FROM \"no_such_table\";\n")
}

/// `BAD` fixed: also fine where the failed attempt left `t1` behind (SQLite runs statements one by one).
const BAD_FIXED: &str = "CREATE TABLE IF NOT EXISTS \"t1\" (\"id\" INTEGER);\n";

fn assert_prisma(out: &OracleOutput, code: i32, contains: &[&str]) {
    let (all, v) = (out.all(), out.version);
    assert_eq!(out.code, Some(code), "{v}: exit code; output:\n{all}");
    for c in contains {
        assert!(all.contains(c), "{v}: the output should contain `{c}`:\n{all}");
    }
}

fn names(report: &prisma_migrations::DeployReport) -> Vec<&str> {
    report.applied.iter().map(|m| m.name.as_str()).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Prisma deploys → ours is up to date.

async fn prisma_deploys_then_ours_is_up_to_date(t: Target) {
    let dir = three(t.provider());
    assert_prisma(&t.prisma(&dir, &["migrate", "deploy"]), 0, &[ALL_APPLIED]);
    let migrations = dir.load();
    let db = t.ours().await;
    let m = Migrator::new(&migrations);
    let status = m.status(&db).await.unwrap();
    assert!(status.is_up_to_date(), "{status:?}");
    m.verify(&db).await.unwrap();
    assert!(m.plan(&db).await.unwrap().migrations.is_empty());
    let report = m.deploy(&db).await.unwrap();
    assert!(report.applied.is_empty(), "nothing left to apply: {report:?}");
    db.close().await;
    assert_eq!(t.rows().await.len(), 3, "ours wrote nothing");
}

// ---------------------------------------------------------------------------------------------------------
// Ours deploys → Prisma's status is clean and its deploy finds nothing to do.

async fn ours_deploys_then_prisma_is_up_to_date(t: Target) {
    let dir = three(t.provider());
    let migrations = dir.load();
    let db = t.ours().await;
    let report = Migrator::new(&migrations).deploy(&db).await.unwrap();
    assert_eq!(names(&report), [INIT, SECOND, LATER]);
    db.close().await;
    assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 0, &[UP_TO_DATE]);
    assert_prisma(&t.prisma(&dir, &["migrate", "deploy"]), 0, &[NOTHING_PENDING]);
    assert_eq!(t.rows().await.len(), 3, "Prisma wrote nothing");
}

// ---------------------------------------------------------------------------------------------------------
// Prisma deploys two, ours the third, Prisma a fourth: one history, two tools.

async fn tools_take_turns(t: Target) {
    let dir = MigrationsDir::new().provider(t.provider());
    let first = three(t.provider());
    for name in [INIT, SECOND] {
        dir.write(name, &std::fs::read_to_string(first.path().join(name).join("migration.sql")).unwrap());
    }
    assert_prisma(&t.prisma(&dir, &["migrate", "deploy"]), 0, &[ALL_APPLIED, INIT, SECOND]);

    dir.write(LATER, "CREATE TABLE \"comments\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n");
    let migrations = dir.load();
    let db = t.ours().await;
    let report = Migrator::new(&migrations).deploy(&db).await.unwrap();
    assert_eq!(names(&report), [LATER], "ours applies only the third");
    assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 0, &[UP_TO_DATE]);

    let fourth = "20250105120000_create_tags";
    dir.write(fourth, "CREATE TABLE \"tags\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n");
    let out = t.prisma(&dir, &["migrate", "deploy"]);
    assert_prisma(&out, 0, &[ALL_APPLIED, fourth]);
    assert!(!out.all().contains(LATER), "Prisma applies only the fourth:\n{}", out.all());
    let migrations = dir.load();
    Migrator::new(&migrations).verify(&db).await.unwrap();
    db.close().await;
    assert_eq!(t.rows().await.len(), 4);
}

// ---------------------------------------------------------------------------------------------------------
// A migration fails under ours → Prisma refuses with P3009; ours resolves → Prisma deploys the rest.

/// Ours deploys `with_failure` and stops at `BAD` with P3018; Prisma then refuses with P3009.
async fn ours_fails_and_prisma_sees_p3009(t: &Target, dir: &MigrationsDir) {
    let migrations = dir.load();
    let db = t.ours().await;
    let err = Migrator::new(&migrations).deploy(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P3018"), "{err}");
    db.close().await;
    assert_prisma(&t.prisma(dir, &["migrate", "deploy"]), 1, &["P3009", BAD]);
    // Prisma's status reports the pending `LATER` first and stops there (exit 1), as after its own failures.
    assert_prisma(&t.prisma(dir, &["migrate", "status"]), 1, &[]);
}

async fn ours_fails_then_resolves_rolled_back(t: Target) {
    let dir = with_failure(t.provider());
    ours_fails_and_prisma_sees_p3009(&t, &dir).await;
    let migrations = dir.load();
    let db = t.ours().await;
    Migrator::new(&migrations).resolve_rolled_back(&db, BAD).await.unwrap();
    dir.write(BAD, BAD_FIXED);
    assert_prisma(&t.prisma(&dir, &["migrate", "deploy"]), 0, &[ALL_APPLIED, BAD, LATER]);
    assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 0, &[UP_TO_DATE]);
    let migrations = dir.load();
    Migrator::new(&migrations).verify(&db).await.unwrap();
    db.close().await;
    let rows = t.rows().await;
    let bad: Vec<&Shape> = rows.iter().filter(|r| r.name == BAD).collect();
    assert_eq!(bad.len(), 2, "{rows:?}");
    assert!(bad[0].rolled_back && !bad[0].finished && bad[0].logs == Some("<error text>"), "{rows:?}");
    assert!(bad[1].finished && !bad[1].rolled_back && bad[1].logs.is_none() && bad[1].steps == 1, "{rows:?}");
}

async fn ours_fails_then_resolves_applied(t: Target) {
    let dir = with_failure(t.provider());
    ours_fails_and_prisma_sees_p3009(&t, &dir).await;
    let migrations = dir.load();
    let db = t.ours().await;
    Migrator::new(&migrations).resolve_applied(&db, BAD).await.unwrap();
    let out = t.prisma(&dir, &["migrate", "deploy"]);
    assert_prisma(&out, 0, &[ALL_APPLIED, LATER]);
    assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 0, &[UP_TO_DATE]);
    Migrator::new(&migrations).verify(&db).await.unwrap();
    db.close().await;
}

// Ours rolls a migration back (down.sql) → Prisma's status and deploy see it pending; both tools' resolve work.

async fn ours_rolls_back_then_prisma_sees_it_pending(t: Target) {
    let comments = "CREATE TABLE \"comments\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n";
    let dir = MigrationsDir::new()
        .provider(t.provider())
        .add(INIT, "CREATE TABLE \"users\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n")
        .add_with_down(LATER, comments, "DROP TABLE IF EXISTS \"comments\";\n");
    let migrations = dir.load();
    let db = t.ours().await;
    let m = Migrator::new(&migrations);
    m.deploy(&db).await.unwrap();
    m.rollback(&db, LATER, false).await.unwrap();
    // Prisma's status lists it as not yet applied (exit 1); its deploy applies it again.
    assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 1, &["have not yet been applied", LATER]);
    assert_prisma(&t.prisma(&dir, &["migrate", "deploy"]), 0, &[ALL_APPLIED, LATER]);
    m.verify(&db).await.unwrap();
    assert_eq!(t.rows().await.iter().filter(|r| r.name == LATER).count(), 1);

    // Rolled back again: Prisma's resolve --applied records it (no P3008), and both tools call it applied.
    m.rollback(&db, LATER, false).await.unwrap();
    assert_prisma(&t.prisma(&dir, &["migrate", "resolve", "--applied", LATER]), 0, &[LATER]);
    assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 0, &[UP_TO_DATE]);
    m.verify(&db).await.unwrap();

    // And ours: rolled back, then our resolve --applied; Prisma agrees it is applied.
    m.rollback(&db, LATER, false).await.unwrap();
    assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 1, &["have not yet been applied", LATER]);
    m.resolve_applied(&db, LATER).await.unwrap();
    assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 0, &[UP_TO_DATE]);
    assert_prisma(&t.prisma(&dir, &["migrate", "deploy"]), 0, &[NOTHING_PENDING]);
    db.close().await;
    let rows = t.rows().await;
    assert_eq!(rows.iter().filter(|r| r.name == LATER).count(), 1, "{rows:?}");
}

// The other way round: a migration fails under Prisma → ours refuses with P3009; Prisma resolves → ours
// deploys the rest.
async fn prisma_fails_then_ours_refuses_until_resolved(t: Target) {
    let dir = with_failure(t.provider());
    // Prisma's message varies (SQLite's adapter reports "no such table" as P1014); the row is what counts.
    assert_prisma(&t.prisma(&dir, &["migrate", "deploy"]), 1, &[]);
    let migrations = dir.load();
    let db = t.ours().await;
    let m = Migrator::new(&migrations);
    let err = m.deploy(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P3009"), "{err}");
    assert!(err.to_string().contains(BAD), "{err}");
    assert!(m.verify(&db).await.is_err());
    let status = m.status(&db).await.unwrap();
    assert_eq!(status.failed().iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), [BAD]);

    assert_prisma(&t.prisma(&dir, &["migrate", "resolve", "--rolled-back", BAD]), 0, &[BAD]);
    dir.write(BAD, BAD_FIXED);
    let migrations = dir.load();
    let report = Migrator::new(&migrations).deploy(&db).await.unwrap();
    assert_eq!(names(&report), [BAD, LATER]);
    db.close().await;
    assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 0, &[UP_TO_DATE]);
}

// ---------------------------------------------------------------------------------------------------------
// The rows each tool writes: the same history played by Prisma on one database and by ours on another gives
// the same rows, column by column (ids and error wording aside), and the same table.

enum Step {
    Deploy,
    ResolveRolledBack,
    ResolveApplied,
}

/// deploy (fails at BAD) → resolve --rolled-back BAD → deploy (fails again) → resolve --applied BAD → deploy,
/// with whether each step succeeds.
const HISTORY: [(Step, bool); 5] = [
    (Step::Deploy, false),
    (Step::ResolveRolledBack, true),
    (Step::Deploy, false),
    (Step::ResolveApplied, true),
    (Step::Deploy, true),
];

fn play_with_prisma(t: &Target, dir: &MigrationsDir) {
    for (i, (step, ok)) in HISTORY.iter().enumerate() {
        let out = match step {
            Step::Deploy => t.prisma(dir, &["migrate", "deploy"]),
            Step::ResolveRolledBack => t.prisma(dir, &["migrate", "resolve", "--rolled-back", BAD]),
            Step::ResolveApplied => t.prisma(dir, &["migrate", "resolve", "--applied", BAD]),
        };
        // Only the exit code: through the oracle's driver adapter Prisma reports the failing script as P1014
        // ("the underlying table … does not exist"), not P3018; the rows compared afterwards say the rest.
        assert_eq!(out.code, Some(i32::from(!*ok)), "Prisma, step {i}:\n{}", out.all());
    }
}

async fn play_with_ours(t: &Target, dir: &MigrationsDir) {
    let migrations = dir.load();
    let db = t.ours().await;
    let m = Migrator::new(&migrations);
    for (i, (step, ok)) in HISTORY.iter().enumerate() {
        let result = match step {
            Step::Deploy => m.deploy(&db).await.map(drop),
            Step::ResolveRolledBack => m.resolve_rolled_back(&db, BAD).await,
            Step::ResolveApplied => m.resolve_applied(&db, BAD).await,
        };
        match (result, ok) {
            (Ok(()), true) => {}
            (Err(e), false) => {
                assert_eq!(e.code(), Some("P3018"), "ours, step {i}: {e}");
                assert!(e.to_string().contains(BAD), "ours, step {i}: {e}");
            }
            (r, _) => panic!("ours, step {i}: expected {}, got {r:?}", if *ok { "success" } else { "P3018" }),
        }
    }
    db.close().await;
}

async fn both_tools_write_the_same_rows(theirs: Target, ours: Target) {
    let dir = with_failure(theirs.provider());
    play_with_prisma(&theirs, &dir);
    play_with_ours(&ours, &dir).await;
    let (prisma_rows, our_rows) = (theirs.rows().await, ours.rows().await);
    assert_eq!(our_rows, prisma_rows, "rows written by ours (left) and by Prisma (right)");
    // The history really has every kind of row: applied, failed then rolled back (twice), resolved applied.
    let bad: Vec<&Shape> = our_rows.iter().filter(|r| r.name == BAD).collect();
    assert_eq!(bad.len(), 3, "{our_rows:?}");
    assert!(bad[2].finished && bad[2].started_is_finished && bad[2].logs == Some("") && bad[2].steps == 0);
    assert_eq!(ours.table_definition().await, theirs.table_definition().await, "the table ours creates");
    if let Db::Lite(_) = ours.db {
        let integer = our_rows.iter().filter(|r| r.types.starts_with("integer,")).count();
        assert_eq!(integer, our_rows.len(), "started_at is INTEGER epoch milliseconds: {our_rows:?}");
    }
    // Each tool then reads the other's history as its own.
    let migrations = dir.load();
    for t in [&theirs, &ours] {
        assert_prisma(&t.prisma(&dir, &["migrate", "status"]), 0, &[UP_TO_DATE]);
        let db = t.ours().await;
        Migrator::new(&migrations).verify(&db).await.unwrap();
        db.close().await;
    }
}

// ---------------------------------------------------------------------------------------------------------
// The lock (PostgreSQL: both take pg_advisory_lock 72707369). Had the second tool not waited, it would have
// seen the first one's unfinished row as a failed migration (P3009).

const SLOW: &str = "20250102120000_stop_at_the_gate";

/// `SLOW` stops at `gate` until the test opens it, so whoever deploys first holds the lock meanwhile.
fn slow_folder(gate: &Gate) -> MigrationsDir {
    MigrationsDir::new()
        .provider("postgresql")
        .add(INIT, "CREATE TABLE \"users\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n")
        .add(SLOW, &gate.sql())
}

/// Sessions of the database waiting for (Prisma: blocked in `pg_advisory_lock`) or trying (ours:
/// `pg_try_advisory_lock`, polled) the migration lock 72707369.
async fn lock_waiters(db: &TestDatabase) -> (i64, i64) {
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    let blocked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 0 \
         AND objid = 72707369 AND objsubid = 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let polling: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND query LIKE 'SELECT pg_try_advisory_lock(%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    (blocked, polling)
}

/// Waits (hang guard: [`REACH_DEADLINE`]) until `seen` holds for the lock waiters.
async fn wait_for_waiter(db: &TestDatabase, seen: impl Fn((i64, i64)) -> bool) {
    let start = Instant::now();
    while !seen(lock_waiters(db).await) {
        assert!(start.elapsed() < REACH_DEADLINE, "no one waited for the migration lock");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Ours stops at the gate holding the lock; Prisma is seen blocked on it in `pg_locks`; then the gate opens.
async fn prisma_waits_for_our_lock_then_finds_nothing_to_apply(t: Target) {
    let db = t.pg_db();
    let gate = Gate::postgres(db.url()).await;
    let dir = slow_folder(&gate);
    let migrations = dir.load();
    let ours = t.ours().await;
    let deploying = {
        let (ours, migrations) = (ours.clone(), migrations.clone());
        tokio::spawn(async move { Migrator::new(&migrations).deploy(&ours).await })
    };
    gate.wait_reached().await;
    let (url, path, v) = (t.url(), dir.path(), t.prisma);
    let prisma = tokio::task::spawn_blocking(move || oracle_of(v).run(&url, &path, &["migrate", "deploy"]));
    wait_for_waiter(db, |(blocked, _)| blocked > 0).await;
    gate.open().await;
    let report = deploying.await.unwrap();
    assert_eq!(names(&report.unwrap()), [INIT, SLOW]);
    assert_prisma(&prisma.await.unwrap(), 0, &[NOTHING_PENDING]);
    ours.close().await;
    assert_eq!(t.rows().await.len(), 2);
}

/// Prisma stops at the gate holding the lock; ours is seen polling it; then the gate opens.
async fn ours_waits_for_prismas_lock_then_finds_nothing_to_apply(t: Target) {
    let db = t.pg_db();
    let gate = Gate::postgres(db.url()).await;
    let dir = slow_folder(&gate);
    let (url, path, v) = (t.url(), dir.path(), t.prisma);
    let prisma = tokio::task::spawn_blocking(move || oracle_of(v).run(&url, &path, &["migrate", "deploy"]));
    gate.wait_reached().await;
    let migrations = dir.load();
    let ours = t.ours().await;
    let deploying = {
        let (ours, migrations) = (ours.clone(), migrations.clone());
        tokio::spawn(async move { Migrator::new(&migrations).deploy(&ours).await })
    };
    wait_for_waiter(db, |(_, polling)| polling > 0).await;
    gate.open().await;
    let report = deploying.await.unwrap().unwrap();
    assert!(report.applied.is_empty(), "ours found nothing to apply: {report:?}");
    Migrator::new(&migrations).verify(&ours).await.unwrap();
    ours.close().await;
    assert_prisma(&prisma.await.unwrap(), 0, &[ALL_APPLIED, SLOW]);
    let rows = t.rows().await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.finished && r.steps == 1), "{rows:?}");
}

// ---------------------------------------------------------------------------------------------------------
// Hand-edited histories: two applied rows of one name (neither tool writes that; Prisma's resolve --applied
// refuses with P3008). The first one by `started_at` decides, in `status` and `verify` alike, whatever order
// the server returns the rows in.

#[tokio::test(flavor = "multi_thread")]
async fn verify_and_status_agree_on_a_name_applied_twice() {
    let t = Target::pg(PrismaVersion::V6).await; // Prisma plays no part here
    let db = t.pg_db();
    let dir = three("postgresql");
    let migrations = dir.load();
    let ours = t.ours().await;
    Migrator::new(&migrations).deploy(&ours).await.unwrap();
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    for (offset, edited) in [("-1 hour", true), ("+1 hour", false)] {
        sqlx::query("DELETE FROM _prisma_migrations WHERE checksum = $1")
            .bind("0".repeat(64))
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO _prisma_migrations (id, checksum, started_at, finished_at, migration_name, applied_steps_count) \
             VALUES ($1, $2, now() + $3::interval, now() + $3::interval, $4, 1)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind("0".repeat(64))
        .bind(offset)
        .bind(SECOND)
        .execute(&pool)
        .await
        .unwrap();
        let m = Migrator::new(&migrations);
        let status = m.status(&ours).await.unwrap();
        let verdict = m.verify(&ours).await;
        if edited {
            assert_eq!(status.edited().iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), [SECOND]);
            let err = verdict.unwrap_err().to_string();
            assert!(err.contains("edited") && err.contains(SECOND), "{err}");
        } else {
            assert!(status.is_up_to_date(), "{status:?}");
            verdict.unwrap();
        }
    }
    pool.close().await;
    ours.close().await;
}

// SQLite: Prisma holds `PRAGMA main.locking_mode=EXCLUSIVE` while it deploys; ours polls `BEGIN EXCLUSIVE` until
// it is free. (The other way round, Prisma waits only for SQLite's busy timeout, 5 s: a migration of ours that
// runs longer makes Prisma's deploy fail — observed with the oracle, whose adapter then reports the busy error
// as "unknown variant `SocketTimeout`".) Prisma stops at a gate holding the lock; a `pm-deployer` of ours logs
// that it waits for the lock; then the gate opens.
async fn ours_waits_for_prismas_lock_on_sqlite(t: Target) {
    let Db::Lite(file) = &t.db else { panic!("a SQLite scenario got a PostgreSQL target") };
    let gate = Gate::sqlite(file.path().parent().expect("scratch dir")).await;
    let slow = "20250102120000_stop_at_the_gate";
    let dir = MigrationsDir::new()
        .provider("sqlite")
        .add(INIT, "CREATE TABLE \"users\" (\"id\" INTEGER NOT NULL PRIMARY KEY);\n")
        .add(slow, &gate.sql());
    let (url, path, v) = (t.url(), dir.path(), t.prisma);
    let prisma = tokio::task::spawn_blocking(move || oracle_of(v).run(&url, &path, &["migrate", "deploy"]));
    gate.wait_reached().await;
    let mut ours = stress_support::Watched::new(stress_support::spawn(
        &t.url(),
        &dir.path(),
        &["deploy"],
        &[("PM_DEPLOYER_LOG", "1")],
    ));
    ours.wait_lines("waiting for the migration lock", 1, REACH_DEADLINE).await;
    gate.open().await;
    let (status, stdout, stderr) = tokio::task::spawn_blocking(move || ours.finish(REACH_DEADLINE)).await.unwrap();
    assert!(status.success(), "{stderr}");
    assert_eq!(stdout.trim(), "deploy: applied 0 of 2 migration(s)", "ours found nothing to apply");
    assert_prisma(&prisma.await.unwrap(), 0, &[ALL_APPLIED, slow]);
    let ours = t.ours().await;
    Migrator::new(&dir.load()).verify(&ours).await.unwrap();
    ours.close().await;
    let rows = t.rows().await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.finished && r.steps == 1), "{rows:?}");
}

// ---------------------------------------------------------------------------------------------------------
// Every scenario above, once per Prisma release: `prisma6::…`, `prisma7::…`.

macro_rules! per_prisma_release {
    ($($module:ident => $version:ident),*) => {$(
        mod $module {
            use super::{PrismaVersion, Target};

            const V: PrismaVersion = PrismaVersion::$version;

            #[tokio::test(flavor = "multi_thread")]
            async fn prisma_deploys_then_ours_is_up_to_date_postgres() {
                super::prisma_deploys_then_ours_is_up_to_date(Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn prisma_deploys_then_ours_is_up_to_date_sqlite() {
                super::prisma_deploys_then_ours_is_up_to_date(Target::lite(V)).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_deploys_then_prisma_is_up_to_date_postgres() {
                super::ours_deploys_then_prisma_is_up_to_date(Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_deploys_then_prisma_is_up_to_date_sqlite() {
                super::ours_deploys_then_prisma_is_up_to_date(Target::lite(V)).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn tools_take_turns_on_one_history_postgres() {
                super::tools_take_turns(Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn tools_take_turns_on_one_history_sqlite() {
                super::tools_take_turns(Target::lite(V)).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_fails_resolves_rolled_back_then_prisma_deploys_the_fix_postgres() {
                super::ours_fails_then_resolves_rolled_back(Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_fails_resolves_rolled_back_then_prisma_deploys_the_fix_sqlite() {
                super::ours_fails_then_resolves_rolled_back(Target::lite(V)).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_fails_resolves_applied_then_prisma_deploys_the_rest_postgres() {
                super::ours_fails_then_resolves_applied(Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_fails_resolves_applied_then_prisma_deploys_the_rest_sqlite() {
                super::ours_fails_then_resolves_applied(Target::lite(V)).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_rolls_back_then_prisma_sees_it_pending_postgres() {
                super::ours_rolls_back_then_prisma_sees_it_pending(Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_rolls_back_then_prisma_sees_it_pending_sqlite() {
                super::ours_rolls_back_then_prisma_sees_it_pending(Target::lite(V)).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn prisma_fails_then_ours_refuses_until_prisma_resolves_postgres() {
                super::prisma_fails_then_ours_refuses_until_resolved(Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn prisma_fails_then_ours_refuses_until_prisma_resolves_sqlite() {
                super::prisma_fails_then_ours_refuses_until_resolved(Target::lite(V)).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn both_tools_write_the_same_rows_postgres() {
                super::both_tools_write_the_same_rows(Target::pg(V).await, Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn both_tools_write_the_same_rows_sqlite() {
                super::both_tools_write_the_same_rows(Target::lite(V), Target::lite(V)).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn prisma_waits_for_our_lock_then_finds_nothing_to_apply() {
                super::prisma_waits_for_our_lock_then_finds_nothing_to_apply(Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_waits_for_prismas_lock_then_finds_nothing_to_apply() {
                super::ours_waits_for_prismas_lock_then_finds_nothing_to_apply(Target::pg(V).await).await;
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn ours_waits_for_prismas_lock_on_sqlite() {
                super::ours_waits_for_prismas_lock_on_sqlite(Target::lite(V)).await;
            }
        }
    )*};
}

per_prisma_release!(prisma6 => V6, prisma7 => V7);
