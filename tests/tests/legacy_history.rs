//! An existing history as public Prisma projects have them (tests/fixtures/legacy-history): langfuse-like pairs
//! that share a timestamp, mixed case, `_` against digits, vague slugs (`v3`, `fix`), a dashed legacy name and
//! an empty slug. Several of its migrations depend on the one before in Prisma's order (which is not byte
//! order), so applying them in another order fails.
//! - `prisma-migrations migrate deploy` deploys it as it is (authoring rules are warnings), in Prisma's order,
//!   writing the rows the real Prisma CLI writes on another database: names, order, checksums, counts;
//! - `prisma-migrations lock` adopts it, writing exactly the committed `checksums.lock` with which the build
//!   accepts it (tests/tests/agree.rs embeds it; tests/ui/legacy-history-unlocked.rs shows the build without it).

mod cli_support;
mod folder_support;

use std::path::{Path, PathBuf};

use cli_support::pm;
use folder_support::{copy_dir, node_sort, pg_rows};
use prisma_migrations_tests::{ScratchDir, oracle, postgres};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/legacy-history")
}

/// A copy of the fixture at `<scratch>/prisma/migrations`, without its `checksums.lock`: the history as a team
/// that never used this toolkit has it.
fn unadopted_copy() -> ScratchDir {
    let scratch = ScratchDir::new();
    let dir = scratch.path().join("prisma/migrations");
    copy_dir(&fixture(), &dir);
    std::fs::remove_file(dir.join("checksums.lock")).expect("remove checksums.lock");
    scratch
}

fn sha256sum(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum").arg(path).output().expect("run sha256sum (coreutils)");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().expect("a digest").to_owned()
}

fn folder_names() -> Vec<String> {
    std::fs::read_dir(fixture())
        .expect("list fixture")
        .map(|e| e.expect("entry"))
        .filter(|e| e.file_type().expect("file type").is_dir())
        .map(|e| e.file_name().into_string().expect("UTF-8 name"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn deploys_as_it_is_with_the_rows_prisma_writes() {
    let scratch = unadopted_copy();
    let dir = scratch.path().join("prisma/migrations");
    let (prisma_db, our_db) = (postgres().await, postgres().await);

    let run = pm(scratch.path()).run(&["migrate", "deploy", "--database-url", our_db.url()]);
    run.expect(0).has(&["14 migrations found", "All migrations have been successfully applied."]);
    assert!(
        run.stderr.contains("warning: migrations `20250714151410_remove_trace_session_project_id_idx` and"),
        "{}",
        run.stderr
    );
    assert!(!run.all().contains("give the newer one"), "no remedy renames an applied migration:\n{}", run.all());

    let out = oracle().run(prisma_db.url(), &dir, &["migrate", "deploy"]);
    assert_eq!(out.code, Some(0), "prisma migrate deploy:\n{}", out.all());

    let (ours, prisma) = (pg_rows(our_db.url()).await, pg_rows(prisma_db.url()).await);
    assert_eq!(ours, prisma, "rows (name, checksum, logs, finished, rolled back, steps) in started_at order");
    assert_eq!(ours.len(), 14);
    let names: Vec<String> = ours.iter().map(|r| r.name.clone()).collect();
    assert_eq!(names, node_sort(&folder_names()), "the order is localeCompare's");
    let mut bytes = names.clone();
    bytes.sort();
    assert_ne!(names, bytes, "the fixture must tell Prisma's order from byte order");
    for r in &ours {
        assert_eq!(r.checksum, sha256sum(&dir.join(&r.name).join("migration.sql")), "{}", r.name);
        assert!(r.finished && !r.rolled_back && r.logs_null && r.steps == 1, "{r:?}");
    }

    // Each tool sees the other's database as up to date.
    let status = oracle().run(our_db.url(), &dir, &["migrate", "status"]);
    assert_eq!(status.code, Some(0), "prisma migrate status on ours:\n{}", status.all());
    pm(scratch.path()).run(&["verify", "--database-url", prisma_db.url()]).expect(0);

    // Adopting from what a database applied writes the same lock as adopting from the folder.
    pm(scratch.path())
        .run(&["lock", "--from-db", prisma_db.url()])
        .expect(0)
        .has(&["14 migrations locked from the database"]);
    let written = std::fs::read_to_string(dir.join("checksums.lock")).expect("checksums.lock written");
    assert_eq!(written, std::fs::read_to_string(fixture().join("checksums.lock")).expect("committed checksums.lock"));
}

#[test]
fn lock_adopts_it_writing_the_lock_the_build_accepts() {
    let scratch = unadopted_copy();
    let dir = scratch.path().join("prisma/migrations");
    let run = pm(scratch.path()).run(&["lock"]);
    run.expect(0).has(&["14 migrations locked from the folder (14 new)"]);
    let written = std::fs::read_to_string(dir.join("checksums.lock")).expect("checksums.lock written");
    let committed = std::fs::read_to_string(fixture().join("checksums.lock")).expect("committed checksums.lock");
    assert_eq!(written, committed, "the committed lock is what `lock` writes");
    let locked: Vec<(&str, &str)> =
        written.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once(' ')).collect();
    assert_eq!(locked.len(), 14);
    for (name, sum) in &locked {
        assert_eq!(*sum, sha256sum(&dir.join(name).join("migration.sql")), "{name}");
    }
    // Locked, the history loads with no warning at all: the authoring rules are for new migrations.
    let (_, warnings) =
        prisma_migrations::Migrations::load_with_warnings(&dir, &prisma_migrations_build::Options::default())
            .unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(prisma_migrations_build::load(&dir, &prisma_migrations_build::Options::default()).is_ok());
}
