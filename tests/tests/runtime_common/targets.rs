//! Typed targets and rolling deploys on every database: `deploy_to`, `is_applied`, `resolve_*` and `rollback`
//! named by the consts of a `#[derive(Migrations)]`, and `allow_newer`. Checked against the rows and the
//! database's own catalog (`Env`), not against the library's reading of them.

use prisma_migrations::{Error, MigrationState, Migrator};
use prisma_migrations_tests::MigrationsDir;

use super::scenarios::{M1, M2, M3, S1, S2, S3_FIXED};
use super::{Env, Kind, RawRow};

/// The fixture the consts come from: three portable migrations, the last two with a `down.sql`.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/typed-targets")]
pub struct Db;

/// Another history: `CREATE_ACCOUNTS` is the same migration as `Db`'s (same name, same script),
/// `ADD_PROJECTS` has the same name and another script, `ADD_REPORTS` is not in `Db`.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/typed-targets-other")]
pub struct Other;

fn names(report: &prisma_migrations::DeployReport) -> Vec<&str> {
    report.applied.iter().map(|a| a.name.as_str()).collect()
}

/// `deploy_to` a const applies up to and including it; an applied target is a reported no-op; an unknown name
/// is P3017 naming it; an id of another history is refused when its migration differs, accepted when it is
/// the same migration. `is_applied` answers per migration for consts, names and `String`s.
pub async fn deploy_to_typed_target(kind: Kind) {
    let env = Env::new(kind).await;
    let db = env.connect().await;
    let mig = Migrator::new(Db::ALL);

    let report = mig.deploy_to(&db, Db::ADD_PROJECTS).await.unwrap();
    assert_eq!(names(&report), [Db::CREATE_ACCOUNTS.name(), Db::ADD_PROJECTS.name()]);
    let target = report.target.expect("deploy_to reports its target");
    assert_eq!((target.name.as_str(), target.already_applied), (Db::ADD_PROJECTS.name(), false));
    assert!(env.has_table("accounts").await && env.has_table("projects").await);
    assert!(!env.has_table("invoices").await, "the migration after the target is not applied");
    let rows: Vec<String> = env.rows().await.into_iter().map(|r| r.name).collect();
    assert_eq!(rows, [Db::CREATE_ACCOUNTS.name(), Db::ADD_PROJECTS.name()]);

    // Already passed: nothing runs, and the report says so.
    let report = mig.deploy_to(&db, Db::CREATE_ACCOUNTS).await.unwrap();
    assert!(report.applied.is_empty());
    assert!(report.target.expect("target").already_applied);
    assert_eq!(env.rows().await.len(), 2);

    let e = mig.deploy_to(&db, "20250302100000_add_project").await.unwrap_err();
    assert_eq!(e.code(), Some("P3017"));
    assert!(e.to_string().contains("`20250302100000_add_project`"), "{e}");

    // An id of another derive: the same migration is accepted (already applied); other content is refused
    // before anything runs; a migration this list does not have is P3017.
    assert!(mig.deploy_to(&db, Other::CREATE_ACCOUNTS).await.unwrap().target.expect("target").already_applied);
    let e = mig.deploy_to(&db, Other::ADD_PROJECTS).await.unwrap_err();
    assert!(
        matches!(&e, Error::ForeignMigrationId { name, expected, found }
            if name == Db::ADD_PROJECTS.name() && expected == Other::ADD_PROJECTS.checksum() && found == Db::ADD_PROJECTS.checksum()),
        "{e:?}"
    );
    assert!(e.to_string().contains("another migrations list"), "{e}");
    assert_eq!(mig.deploy_to(&db, Other::ADD_REPORTS).await.unwrap_err().code(), Some("P3017"));
    assert_eq!(env.rows().await.len(), 2, "refused targets ran nothing");

    let status = mig.status(&db).await.unwrap();
    assert!(status.is_applied(Db::CREATE_ACCOUNTS) && status.is_applied(Db::ADD_PROJECTS));
    assert!(!status.is_applied(Db::ADD_INVOICES) && !status.is_applied(Db::LATEST));
    assert!(status.is_applied("20250302100000_add_projects"));
    let name = String::from(Db::ADD_INVOICES.name());
    assert!(!status.is_applied(&name) && !status.is_applied(name.clone()));
    assert!(!status.is_applied("20990101000000_unknown"));

    let report = mig.deploy_to(&db, Db::LATEST).await.unwrap();
    assert_eq!(names(&report), [Db::ADD_INVOICES.name()]);
    assert!(env.has_table("invoices").await);
    assert!(mig.status(&db).await.unwrap().is_applied(Db::LATEST));
    mig.verify(&db).await.unwrap();
    db.close().await;
}

/// `resolve_applied`, `resolve_rolled_back` and `rollback` named by consts, with a foreign id refused.
pub async fn resolve_and_rollback_typed(kind: Kind) {
    let env = Env::new(kind).await;
    let db = env.connect().await;
    let mig = Migrator::new(Db::ALL);

    // Baseline the first migration: a row, no table.
    mig.resolve_applied(&db, Db::CREATE_ACCOUNTS).await.unwrap();
    assert!(!env.has_table("accounts").await);
    let rows = env.rows().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].name.as_str(), rows[0].checksum.as_str()),
        (Db::CREATE_ACCOUNTS.name(), Db::CREATE_ACCOUNTS.checksum())
    );
    assert!(rows[0].finished.is_some());
    let e = mig.resolve_applied(&db, Other::ADD_PROJECTS).await.unwrap_err();
    assert!(matches!(e, Error::ForeignMigrationId { .. }), "{e:?}");
    assert_eq!(mig.resolve_applied(&db, Db::CREATE_ACCOUNTS).await.unwrap_err().code(), Some("P3008"));

    // A failed attempt of ADD_INVOICES (a broken script of that name), then resolve --rolled-back by const.
    let broken = MigrationsDir::new()
        .add(Db::CREATE_ACCOUNTS.name(), "CREATE TABLE accounts (id INTEGER PRIMARY KEY);\n")
        .add(Db::ADD_PROJECTS.name(), "CREATE TABLE projects (id INTEGER PRIMARY KEY);\n")
        .add(Db::ADD_INVOICES.name(), "INSERT INTO no_such_table (id) VALUES (1);\n");
    assert_eq!(Migrator::new(&broken.load()).deploy(&db).await.unwrap_err().code(), Some("P3018"));
    assert_eq!(mig.status(&db).await.unwrap().migrations[2].state, MigrationState::Failed);
    let e = mig.resolve_rolled_back(&db, Other::ADD_PROJECTS).await.unwrap_err();
    assert!(matches!(e, Error::ForeignMigrationId { .. }), "{e:?}");
    mig.resolve_rolled_back(&db, Db::ADD_INVOICES).await.unwrap();
    let rows = env.rows().await;
    let failed = RawRow::rows_named(&rows, Db::ADD_INVOICES.name());
    assert_eq!(failed.len(), 1);
    assert!(failed[0].rolled_back.is_some() && failed[0].finished.is_none());

    mig.deploy_to(&db, Db::ADD_INVOICES).await.unwrap();
    assert!(env.has_table("invoices").await);

    // rollback by const: only the latest unless forced; down.sql runs; the row is marked rolled back.
    let e = mig.rollback(&db, Db::ADD_PROJECTS, false).await.unwrap_err();
    assert!(matches!(&e, Error::NotLatest { latest, .. } if latest == Db::ADD_INVOICES.name()), "{e:?}");
    assert!(matches!(
        mig.rollback(&db, Other::ADD_PROJECTS, true).await.unwrap_err(),
        Error::ForeignMigrationId { .. }
    ));
    assert_eq!(mig.rollback(&db, Other::ADD_REPORTS, true).await.unwrap_err().code(), Some("P3017"));
    mig.rollback(&db, Db::LATEST, false).await.unwrap();
    assert!(!env.has_table("invoices").await, "down.sql ran");
    let rows = env.rows().await;
    let own: Vec<&RawRow> = RawRow::rows_named(&rows, Db::ADD_INVOICES.name());
    assert!(own.iter().all(|r| r.rolled_back.is_some()), "{own:?}");
    assert!(!mig.status(&db).await.unwrap().is_applied(Db::LATEST));
    db.close().await;
}

/// `allow_newer`: a database ahead of the list (a newer release deployed) passes `verify`, `status` and an
/// empty `deploy`; a deleted or renamed migration (an unknown row before the latest), an edited one, a
/// pending local migration beside newer rows and a failed newer row are still refused. Strict stays the
/// default, and `lax()` does not turn it on.
#[allow(clippy::too_many_lines, reason = "one story, step by step")]
pub async fn allow_newer(kind: Kind) {
    let env = Env::new(kind).await;
    let db = env.connect().await;
    let old_dir = MigrationsDir::new().add(M1, S1).add(M2, S2);
    let new_dir = MigrationsDir::new().add(M1, S1).add(M2, S2).add(M3, S3_FIXED);
    let (old, new) = (old_dir.load(), new_dir.load());
    Migrator::new(&new).deploy(&db).await.unwrap();

    // Strict (the default): the old release refuses the row it does not know.
    let Error::NotUpToDate { missing_locally, pending, .. } = Migrator::new(&old).verify(&db).await.unwrap_err() else {
        panic!("strict verify")
    };
    assert_eq!((missing_locally, pending.len()), (vec![M3.to_owned()], 0));
    assert!(matches!(Migrator::new(&old).deploy(&db).await.unwrap_err(), Error::MissingMigrations { .. }));
    assert!(!Migrator::new(&old).status(&db).await.unwrap().is_up_to_date());
    assert!(
        Migrator::new(&old).lax().status(&db).await.unwrap().newer_in_database.is_empty(),
        "lax is not allow_newer"
    );

    let newer = Migrator::new(&old).allow_newer(true);
    newer.verify(&db).await.unwrap();
    let rows_before = env.rows().await.len();
    let report = newer.deploy(&db).await.unwrap();
    assert!(report.applied.is_empty());
    assert_eq!(report.newer_in_database, [M3]);
    assert_eq!(env.rows().await.len(), rows_before, "deploy wrote nothing");
    let status = newer.status(&db).await.unwrap();
    assert!(status.is_up_to_date() && status.missing_locally.is_empty());
    assert_eq!(status.newer_in_database.iter().map(|r| r.migration_name.as_str()).collect::<Vec<_>>(), [M3]);
    assert!(status.is_applied(M3));
    assert!(newer.plan(&db).await.unwrap().migrations.is_empty());

    // An edited migration is refused even so.
    let edited = MigrationsDir::new().add(M1, S1).add(M2, "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n").load();
    let e = Migrator::new(&edited).allow_newer(true).verify(&db).await.unwrap_err();
    assert!(matches!(&e, Error::NotUpToDate { edited, .. } if edited == &[M2]), "{e:?}");

    // A migration this release lacks that sorts *before* its latest: deleted (or renamed) here, refused.
    let deleted = MigrationsDir::new().add(M1, S1).add(M3, S3_FIXED).load();
    let e = Migrator::new(&deleted).allow_newer(true).verify(&db).await.unwrap_err();
    assert!(
        matches!(&e, Error::NotUpToDate { missing_locally, pending, .. } if missing_locally == &[M2] && pending.is_empty()),
        "{e:?}"
    );
    let e = Migrator::new(&deleted).allow_newer(true).deploy(&db).await.unwrap_err();
    assert!(matches!(&e, Error::MissingMigrations { names } if names == &[M2]), "{e:?}");
    assert!(!Migrator::new(&deleted).allow_newer(true).status(&db).await.unwrap().is_up_to_date());

    // A local migration still pending beside newer rows: the histories diverge, refused.
    let only_first = MigrationsDir::new().add(M1, S1).add("20250101120000_between", "SELECT 1;\n").load();
    let e = Migrator::new(&only_first).allow_newer(true).verify(&db).await.unwrap_err();
    assert!(matches!(&e, Error::NotUpToDate { pending, .. } if !pending.is_empty()), "{e:?}");
    let e = Migrator::new(&only_first).allow_newer(true).deploy(&db).await.unwrap_err();
    assert!(matches!(e, Error::MissingMigrations { .. }), "{e:?}");

    // A newer migration that failed: the database is not "ahead", it is broken.
    let failing = MigrationsDir::new()
        .add(M1, S1)
        .add(M2, S2)
        .add(M3, S3_FIXED)
        .add("20250104000000_broken", "INSERT INTO no_such_table (id) VALUES (1);\n");
    assert_eq!(Migrator::new(&failing.load()).deploy(&db).await.unwrap_err().code(), Some("P3018"));
    assert!(newer.verify(&db).await.is_err());
    assert_eq!(newer.deploy(&db).await.unwrap_err().code(), Some("P3009"));
    assert!(!newer.status(&db).await.unwrap().is_up_to_date());
    db.close().await;
}
