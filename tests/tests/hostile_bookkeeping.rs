//! Hostile input that reaches the database: migration names with quotes, backslashes, `;`, `--`, `%`, `$1`
//! and non-ASCII letters are stored verbatim (every bookkeeping statement binds its values), and migrations
//! whose SQL tampers with `_prisma_migrations` (deletes its own or an earlier row, drops a column, inserts a
//! garbage row) leave a state that `status` and `deploy` describe, or refuse with a clear error; never a panic.
//! On PostgreSQL, MySQL and SQLite.

mod stress_support;

use prisma_migrations::{Error, MigrationState, Migrations, Migrator};
use prisma_migrations_build::Options;
use prisma_migrations_tests::MigrationsDir;
use stress_support::{Kind, Target};

const N1: &str = "20250101120000_it's_\"quoted\"";
const N2: &str = "20250101120001_semi;colon -- dash";
const N3: &str = "20250101120002_back\\slash_%_$1_?";
const N4: &str = "20250101120003_ünïcödé_名前";

/// Names outside the naming rules need `exempt_until` (an existing history).
fn load_exempt(dir: &MigrationsDir) -> Migrations {
    let options = Options { exempt_until: Some(N4.to_owned()), ..Options::default() };
    Migrations::load(dir.path(), &options).unwrap_or_else(|e| panic!("{e}"))
}

async fn quoted_names(kind: Kind) {
    let target = Target::new(kind).await;
    let create = |t: &str| format!("CREATE TABLE {} ({} INTEGER);\n", kind.q(t), kind.q("id"));
    let dir = MigrationsDir::new()
        .provider(kind.provider())
        .add(N1, &create("t1"))
        .add(N2, &create("t2"))
        .add(N3, "SELECT * FROM no_such_table_anywhere;\n")
        .add(N4, &create("t4"));
    let db = target.database().await;
    let m = load_exempt(&dir);
    let names: Vec<&str> = m.iter().map(prisma_migrations::Migration::name).collect();
    assert_eq!(names, [N1, N2, N3, N4]);
    // N3 fails: P3018 names it exactly, and its logs row carries the name.
    let err = Migrator::new(&m).deploy(&db).await.expect_err("N3 fails");
    assert_eq!(err.code(), Some("P3018"), "{err}");
    let Error::MigrationFailed { name, .. } = &err else { panic!("{err:?}") };
    assert_eq!(name, N3);
    let status = Migrator::new(&m).status(&db).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.failed().iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), [N3]);
    assert!(status.migrations[2].logs.as_deref().is_some_and(|l| l.contains(N3)), "{status:?}");
    // Resolve it by its hostile name, fix the file, deploy the rest.
    Migrator::new(&m).resolve_rolled_back(&db, N3).await.unwrap_or_else(|e| panic!("{e}"));
    dir.write(N3, &create("t3"));
    let m = load_exempt(&dir);
    Migrator::new(&m).deploy(&db).await.unwrap_or_else(|e| panic!("{e}"));
    Migrator::new(&m).verify(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let err = Migrator::new(&m).resolve_applied(&db, N1).await.expect_err("already applied");
    assert_eq!(err.code(), Some("P3008"), "{err}");
    db.close().await;
    // Stored verbatim.
    let raw = target.raw().await;
    let rows = raw.rows().await.expect("table");
    let stored: Vec<(&str, bool, bool)> = rows.iter().map(|r| (r.name.as_str(), r.finished, r.rolled_back)).collect();
    assert_eq!(
        stored,
        [(N1, true, false), (N2, true, false), (N3, false, true), (N3, true, false), (N4, true, false)],
        "{kind:?}"
    );
    assert_eq!(raw.tables().await, ["_prisma_migrations", "t1", "t2", "t3", "t4"]);
    raw.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_names_are_stored_verbatim_on_postgres() {
    quoted_names(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_names_are_stored_verbatim_on_mysql() {
    quoted_names(Kind::MySql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_names_are_stored_verbatim_on_sqlite() {
    quoted_names(Kind::Sqlite).await;
}

const M1: &str = "20250101120000_create_t1";
const M2: &str = "20250102120000_tamper_with_history";

/// Deploys `M1` (creates t1) and `M2` (creates t2, then runs `tamper`), returning the deploy's result.
async fn tampered(kind: Kind, tamper: &str) -> (Target, MigrationsDir, Result<(), Error>) {
    let target = Target::new(kind).await;
    let create = |t: &str| format!("CREATE TABLE {} ({} INTEGER);\n", kind.q(t), kind.q("id"));
    let dir = MigrationsDir::new()
        .provider(kind.provider())
        .add(M1, &create("t1"))
        .add(M2, &format!("{}{tamper}\n", create("t2")));
    let db = target.database().await;
    let result = Migrator::new(&dir.load()).deploy(&db).await.map(drop);
    db.close().await;
    (target, dir, result)
}

async fn status_and_deploy(
    target: &Target,
    dir: &MigrationsDir,
) -> (Result<prisma_migrations::StatusReport, Error>, Result<(), Error>) {
    let db = target.database().await;
    let m = dir.load();
    let status = Migrator::new(&m).status(&db).await;
    let deploy = Migrator::new(&m).deploy(&db).await.map(drop);
    db.close().await;
    (status, deploy)
}

fn states(status: &prisma_migrations::StatusReport) -> Vec<MigrationState> {
    status.migrations.iter().map(|m| m.state).collect()
}

/// The migration deletes its own row: deploy cannot notice (its UPDATE matches nothing), status then shows it
/// pending although its table exists, and the next deploy runs it again, which fails on the existing table.
async fn deletes_its_own_row(kind: Kind) {
    let (target, dir, first) =
        tampered(kind, &format!("DELETE FROM _prisma_migrations WHERE migration_name = '{M2}';")).await;
    first.unwrap_or_else(|e| panic!("{e}"));
    let (status, deploy) = status_and_deploy(&target, &dir).await;
    let status = status.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(states(&status), [MigrationState::Applied, MigrationState::Pending], "{status:?}");
    let err = deploy.expect_err("the script runs again and fails");
    assert_eq!(err.code(), Some("P3018"), "{err}");
    assert!(err.to_string().contains(M2), "{err}");
}

/// The migration deletes an earlier migration's row: status shows that one pending, the tamperer applied.
async fn deletes_an_earlier_row(kind: Kind) {
    let (target, dir, first) =
        tampered(kind, &format!("DELETE FROM _prisma_migrations WHERE migration_name = '{M1}';")).await;
    first.unwrap_or_else(|e| panic!("{e}"));
    let (status, deploy) = status_and_deploy(&target, &dir).await;
    let status = status.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(states(&status), [MigrationState::Pending, MigrationState::Applied], "{status:?}");
    assert_eq!(status.last_common_migration, None);
    let err = deploy.expect_err("M1 runs again and fails");
    assert_eq!(err.code(), Some("P3018"), "{err}");
    assert!(err.to_string().contains(M1), "{err}");
}

/// Dropping a column the bookkeeping reads (`logs`) or writes (`finished_at`): clear errors naming the table.
async fn drops_a_column(kind: Kind) {
    let drop = |c: &str| format!("ALTER TABLE _prisma_migrations DROP COLUMN {};", kind.q(c));
    let (target, dir, first) = tampered(kind, &drop("logs")).await;
    first.unwrap_or_else(|e| panic!("the deploy itself does not read `logs`: {e}"));
    let (status, deploy) = status_and_deploy(&target, &dir).await;
    for e in [status.map(drop_report).expect_err("status"), deploy.expect_err("deploy")] {
        let shown = e.to_string();
        assert!(shown.contains("_prisma_migrations") && shown.contains("logs"), "{kind:?}: {shown}");
    }
    let (_target, _dir, first) = tampered(kind, &drop("finished_at")).await;
    let e = first.expect_err("marking M2 finished fails");
    assert!(e.to_string().contains("_prisma_migrations"), "{kind:?}: {e}");
}

fn drop_report(_: prisma_migrations::StatusReport) {}

/// A garbage row (unknown name, bad checksum, never finished): status lists it as missing locally; deploy
/// refuses with P3009 naming it, as Prisma would.
async fn inserts_a_garbage_row(kind: Kind) {
    let now = match kind {
        Kind::Postgres => "now()",
        Kind::MySql => "CURRENT_TIMESTAMP(3)",
        Kind::Sqlite => "1700000000000",
    };
    let insert = format!(
        "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) \
         VALUES ('garbage-id', 'not a checksum', 'garbage_row', {now}, 0);"
    );
    let (target, dir, first) = tampered(kind, &insert).await;
    first.unwrap_or_else(|e| panic!("{e}"));
    let (status, deploy) = status_and_deploy(&target, &dir).await;
    let status = status.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(states(&status), [MigrationState::Applied, MigrationState::Applied], "{status:?}");
    assert_eq!(status.missing_locally.iter().map(|r| r.migration_name.as_str()).collect::<Vec<_>>(), ["garbage_row"]);
    let err = deploy.expect_err("P3009");
    assert_eq!(err.code(), Some("P3009"), "{err}");
    assert!(err.to_string().contains("garbage_row"), "{err}");
}

/// SQLite stores timestamps without a type: a row whose `started_at` is not a time is an error naming the
/// column and the value.
#[tokio::test(flavor = "multi_thread")]
async fn sqlite_row_with_a_text_timestamp_that_is_not_a_time() {
    let insert = "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) \
                  VALUES ('garbage-id', 'x', 'garbage_row', 'yesterday');";
    let (target, dir, first) = tampered(Kind::Sqlite, insert).await;
    first.unwrap_or_else(|e| panic!("{e}"));
    let (status, deploy) = status_and_deploy(&target, &dir).await;
    for e in [status.map(drop_report).expect_err("status"), deploy.expect_err("deploy")] {
        assert!(e.to_string().contains("started_at") && e.to_string().contains("yesterday"), "{e}");
    }
}

macro_rules! on_every_database {
    ($($scenario:ident),*) => {
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread")] async fn $scenario() { super::$scenario(super::Kind::Postgres).await; } )*
        }
        mod mysql {
            $( #[tokio::test(flavor = "multi_thread")] async fn $scenario() { super::$scenario(super::Kind::MySql).await; } )*
        }
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread")] async fn $scenario() { super::$scenario(super::Kind::Sqlite).await; } )*
        }
    };
}

on_every_database!(deletes_its_own_row, deletes_an_earlier_row, drops_a_column, inserts_a_garbage_row);
