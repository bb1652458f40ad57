//! Broken and hostile migration folders through the run-time loader (`Migrations::load`, the same build-support
//! code the macro runs at compile time; the macro's own compile-fail cases are in tests/ui). No panic; every
//! problem reported at once, naming the folder or file at fault; what Prisma accepts loads, and a symlinked
//! folder, which Prisma does not list, is left out with a warning (the build refuses it). Also: a 10 MB
//! migration (loads, correct checksum, deploys on SQLite in bounded time) and 5,000 migrations (load in bounded
//! time). Timings are printed.
//!
//! SQLite runs a script statement by statement in autocommit (as Prisma), so each statement is a commit and an
//! fsync: the 10 MB script is written as ~100 statements of 1,000 rows. The same bytes as ~1,000 statements of
//! 100 rows took 19 s here, the `sqlite3` shell 18 s: the disk's fsync, not the library.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use prisma_migrations::{Error, Migrations, Migrator};
use prisma_migrations_build::{Options, ProblemKind};
use prisma_migrations_tests::{MigrationsDir, ScratchDir, sqlite};

const SQL: &str = "CREATE TABLE \"t\" (\"id\" INTEGER);\n";

fn load(dir: &Path) -> Result<Migrations, Error> {
    Migrations::load(dir, &Options::default())
}

/// The problems of a folder that must fail.
fn problems(dir: &Path) -> Vec<prisma_migrations_build::Problem> {
    match load(dir) {
        Ok(m) => panic!("expected problems, loaded {} migration(s)", m.len()),
        Err(Error::Folder { problems, .. }) => problems,
        Err(e) => panic!("expected a folder error, got {e}"),
    }
}

/// `sha256sum`'s answer for a file: an implementation independent of the one under test.
fn sha256sum(path: &Path) -> String {
    let out = std::process::Command::new("sha256sum").arg(path).output().expect("run sha256sum");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().expect("a digest").to_owned()
}

/// The problems the build (`migrations!`, build-support's `load`) reports for a folder.
fn build_problems(dir: &Path) -> Vec<prisma_migrations_build::Problem> {
    match prisma_migrations_build::load(dir, &Options::default()) {
        Ok(f) => panic!("expected the build to fail, it read {} migration(s)", f.migrations.len()),
        Err(p) => p,
    }
}

/// Prisma lists only real directories (`readdir(withFileTypes)` + `isDirectory()`; PRISMA.md, measured with
/// the CLI: one real folder + one symlinked → 1 found, 1 applied). At run time the linked folder is left out
/// with a warning naming it, so a deploy applies what Prisma applies; the build refuses it. A symlinked
/// `migration.sql` inside a real folder is read through the link, as Prisma's `readFile` does.
#[test]
fn symlinked_folder_is_left_out_with_a_warning_and_refused_by_the_build() {
    let outside = ScratchDir::new();
    std::fs::create_dir_all(outside.path().join("real_init")).unwrap();
    std::fs::write(outside.path().join("real_init/migration.sql"), SQL).unwrap();
    std::fs::write(outside.path().join("posts.sql"), "CREATE TABLE \"posts\" (\"id\" INTEGER);\n").unwrap();
    let dir = MigrationsDir::new();
    std::os::unix::fs::symlink(outside.path().join("real_init"), dir.path().join("20250101120000_init")).unwrap();
    std::fs::create_dir_all(dir.path().join("20250102120000_add_posts")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("posts.sql"),
        dir.path().join("20250102120000_add_posts/migration.sql"),
    )
    .unwrap();
    let (m, warnings) =
        Migrations::load_with_warnings(dir.path(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = m.iter().map(prisma_migrations::Migration::name).collect();
    assert_eq!(names, ["20250102120000_add_posts"]);
    assert_eq!(
        m.get("20250102120000_add_posts").map(prisma_migrations::Migration::checksum),
        Some(sha256sum(&outside.path().join("posts.sql")).as_str())
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, ProblemKind::SymlinkedFolder);
    assert!(warnings[0].message.contains("`20250101120000_init` is a symbolic link"), "{}", warnings[0].message);
    let p = build_problems(&dir.path());
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].kind, ProblemKind::SymlinkedFolder);
}

#[test]
fn broken_symlink_is_named_a_warning_at_run_time_and_an_error_for_the_build() {
    let dir = MigrationsDir::new().add("20250101120000_init", SQL);
    std::os::unix::fs::symlink("/nonexistent/pm-stress", dir.path().join("20250102120000_gone")).unwrap();
    let (m, warnings) =
        Migrations::load_with_warnings(dir.path(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.len(), 1);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let p = build_problems(&dir.path());
    assert_eq!(p, warnings);
    assert_eq!(p[0].kind, ProblemKind::SymlinkedFolder);
    assert!(
        p[0].message.contains("20250102120000_gone") && p[0].message.contains("broken symbolic link"),
        "{}",
        p[0].message
    );
}

#[test]
fn broken_symlinked_script_is_an_error_naming_it() {
    let dir = MigrationsDir::new();
    std::fs::create_dir_all(dir.path().join("20250101120000_init")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/pm-stress.sql", dir.path().join("20250101120000_init/migration.sql"))
        .unwrap();
    let p = problems(&dir.path());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("20250101120000_init"), "{}", p[0].message);
}

/// chmod 000: a user who may not read the script gets an error naming it. Root reads it anyway, and CI runs
/// as root: there the check runs in a `pm-deployer verify` process that `setpriv` (util-linux) starts as
/// `nobody`, so the error path runs in CI too.
#[test]
fn unreadable_script() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = MigrationsDir::new().add("20250101120000_init", SQL);
    let script = dir.path().join("20250101120000_init/migration.sql");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o000)).unwrap();
    let message = if std::fs::read(&script).is_ok() {
        message_as_nobody(&dir)
    } else {
        let Err(Error::Folder { problems, .. }) = load(&dir.path()) else { panic!("expected a folder error") };
        assert_eq!(problems[0].kind, ProblemKind::Unreadable);
        problems[0].message.clone()
    };
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(message.contains("20250101120000_init/migration.sql"), "{message}");
    assert!(message.contains("Permission denied") || message.contains("permission denied"), "{message}");
}

/// The loader's message for the folder, from a `pm-deployer verify` run as `nobody` (we are root).
fn message_as_nobody(dir: &MigrationsDir) -> String {
    let Some(setpriv) = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| Path::new(p).is_file()) else {
        panic!(
            "running as root, chmod 000 does not stop reads: the unreadable-file check runs as `nobody` through \
             `setpriv`, which is missing (Debian: apt-get install util-linux)"
        );
    };
    let url = format!("file:{}", dir.root().join("never-created.db").display());
    let out = std::process::Command::new(setpriv)
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", env!("CARGO_BIN_EXE_pm-deployer")])
        .arg(url)
        .arg(dir.path())
        .arg("verify")
        .output()
        .expect("run pm-deployer through setpriv");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "pm-deployer as nobody: {stderr}");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("pm-deployer: error -: "), "a folder error, not a setpriv failure: {stderr}");
    stderr
}

#[test]
fn migrations_folder_that_is_a_file_or_missing() {
    let scratch = ScratchDir::new();
    let file = scratch.path().join("migrations");
    std::fs::write(&file, "not a folder").unwrap();
    let p = problems(&file);
    assert_eq!(p[0].kind, ProblemKind::FolderMissing);
    assert!(p[0].message.contains("cannot list migrations folder"), "{}", p[0].message);
    let p = problems(&scratch.path().join("nowhere"));
    assert_eq!(p[0].kind, ProblemKind::FolderMissing);
    assert!(p[0].message.contains("does not exist"), "{}", p[0].message);
}

/// Every broken entry at once: the build reports each, in one error, naming it; at run time the authoring
/// rules (names, dates) are left to warnings and the rest still stop the load.
#[test]
fn a_corpus_of_broken_entries_is_reported_all_at_once() {
    let dir = MigrationsDir::new()
        .add("20250101120000_init", SQL)
        .add("20250102120000_add users", SQL)
        .add("20250103120000_ajouté_les_clés", SQL)
        .add(".20250104120000_hidden", SQL)
        .add("20250105120000_AddPosts", SQL)
        .add("20250106120000_empty_script", "  \n")
        .add("20251332120000_bad_date", SQL);
    std::fs::create_dir_all(dir.path().join("20250107120000_script_is_a_dir/migration.sql")).unwrap();
    std::fs::create_dir_all(dir.path().join("20250108120000_no_script")).unwrap();
    std::fs::create_dir_all(dir.path().join("20250109120000_not_utf8")).unwrap();
    std::fs::write(dir.path().join("20250109120000_not_utf8/migration.sql"), b"SELECT '\xff\xfe';\n").unwrap();
    std::fs::write(dir.path().join("migration_lock.toml"), "provider = \"oracle\"\n").unwrap();
    std::fs::write(dir.path().join("checksums.lock"), "20250101120000_init not-a-checksum\n").unwrap();
    let p = build_problems(&dir.path());
    let expect = [
        ("20250102120000_add users", ProblemKind::BadName),
        ("20250103120000_ajouté_les_clés", ProblemKind::BadName),
        (".20250104120000_hidden", ProblemKind::BadName),
        ("20250105120000_AddPosts", ProblemKind::BadName),
        ("20250106120000_empty_script", ProblemKind::EmptyScript),
        ("20251332120000_bad_date", ProblemKind::BadTimestamp),
        ("20250107120000_script_is_a_dir", ProblemKind::MissingScript),
        ("20250108120000_no_script", ProblemKind::MissingScript),
        ("20250109120000_not_utf8", ProblemKind::NotUtf8),
        ("migration_lock.toml", ProblemKind::BadLockToml),
        ("checksums.lock", ProblemKind::BadChecksumsLock),
    ];
    for (name, kind) in expect {
        assert!(
            p.iter().any(|p| p.kind == kind && p.message.contains(name)),
            "no {kind:?} problem naming `{name}` in:\n{}",
            p.iter().map(|p| format!("{:?}: {}", p.kind, p.message)).collect::<Vec<_>>().join("\n")
        );
    }
    let dir_problem = p.iter().find(|p| p.message.contains("20250107120000_script_is_a_dir")).unwrap();
    assert!(dir_problem.message.contains("is a directory"), "{}", dir_problem.message);
    for problem in &p {
        assert!(!problem.message.contains('\n'), "one line each: {}", problem.message);
    }
    let at_run_time = problems(&dir.path());
    let authoring: Vec<_> = p.iter().filter(|p| p.kind.is_authoring()).cloned().collect();
    assert_eq!(authoring.len(), 5, "{authoring:?}");
    assert_eq!(at_run_time, p.iter().filter(|p| !p.kind.is_authoring()).cloned().collect::<Vec<_>>());
    eprintln!("hostile_folders: the corpus gives {} problems in one error:", p.len());
    for problem in &p {
        eprintln!("  {:?}: {}", problem.kind, problem.message);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_megabyte_migration_loads_checksums_and_deploys_on_sqlite() {
    let mut sql = String::from("CREATE TABLE \"big\" (\"id\" INTEGER NOT NULL, \"v\" TEXT NOT NULL);\n");
    let value = "x".repeat(90);
    let mut id = 0;
    while sql.len() < 10 * 1024 * 1024 {
        sql.push_str("INSERT INTO \"big\" (\"id\", \"v\") VALUES ");
        for i in 0..1000 {
            id += 1;
            let _ = write!(sql, "{}({id}, '{value}')", if i == 0 { "" } else { ", " });
        }
        sql.push_str(";\n");
    }
    let dir = MigrationsDir::new().provider("sqlite").add("20250101120000_load_big_table", &sql);
    let start = Instant::now();
    let m = load(&dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let load_time = start.elapsed();
    let big = m.iter().next().unwrap();
    assert_eq!(big.sql().len(), sql.len());
    assert_eq!(big.checksum(), sha256sum(&dir.path().join("20250101120000_load_big_table/migration.sql")));
    let db_file = sqlite();
    let db = prisma_migrations::Database::connect(&db_file.url()).await.unwrap();
    let start = Instant::now();
    let report = Migrator::new(&m).deploy(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let deploy_time = start.elapsed();
    assert_eq!(report.applied.len(), 1);
    db.close().await;
    let pool = sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(db_file.path()))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM big").fetch_one(&pool).await.unwrap();
    assert_eq!(n, id);
    pool.close().await;
    eprintln!(
        "hostile_folders: {:.1} MB migration ({id} rows in {} statements): load {load_time:?}, deploy on SQLite {deploy_time:?}",
        f64::from(u32::try_from(sql.len()).unwrap_or(u32::MAX)) / 1_048_576.0,
        id / 1000 + 1
    );
    assert!(deploy_time < Duration::from_mins(2), "bounded deploy time: {deploy_time:?}");
}

#[test]
fn five_thousand_migrations_load_in_bounded_time() {
    let dir = MigrationsDir::new();
    for i in 0..5000u32 {
        let name = format!("20250101{:02}{:02}{:02}_create_table_{i}", i / 3600, (i / 60) % 60, i % 60);
        dir.write(&name, &format!("CREATE TABLE \"t{i}\" (\"id\" INTEGER);\n"));
    }
    let start = Instant::now();
    let m = load(&dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let took = start.elapsed();
    assert_eq!(m.len(), 5000);
    assert!(m.iter().zip(m.iter().skip(1)).all(|(a, b)| a.name() < b.name()), "in order");
    eprintln!("hostile_folders: 5,000 migrations loaded in {took:?}");
    assert!(took < Duration::from_secs(30), "bounded load time: {took:?}");
}
