//! The examples package as a user runs it: the built `quickstart`, `startup_verify` and `fleet` binaries in a
//! scratch directory, checked by their exit codes, their output and the database they leave.
//!
//! `CARGO_BIN_EXE_*` covers only this package's binaries, so the first test builds the examples package once
//! per test binary (`cargo build -p prisma-migrations-examples --bins`) into the target directory and profile
//! this test was built in; cargo makes that a no-op when they are fresh.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use prisma_migrations_tests::{ScratchDir, postgres, workspace_dir};

const NAMES: [&str; 5] = [
    "20250106093000_create_users_and_sessions",
    "20250114161500_add_two_factor_auth",
    "20250203110000_add_organizations",
    "20250219142000_add_api_keys",
    "20250310080000_add_audit_log_indexes",
];

/// `<target>/<profile>`, with the examples built in it.
fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| prisma_migrations_tests::cargo_build(&["-p", "prisma-migrations-examples", "--bins"]))
}

/// What a run printed and how it exited.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    fn has(&self, texts: &[&str]) -> &Self {
        for t in texts {
            assert!(
                self.stdout.contains(t) || self.stderr.contains(t),
                "expected {t:?} in\n--- stdout\n{}\n--- stderr\n{}",
                self.stdout,
                self.stderr
            );
        }
        self
    }

    /// The status table: from its header line to the end of stdout.
    fn table(&self) -> String {
        let start = self.stdout.find("MIGRATION ").unwrap_or_else(|| panic!("no status table in\n{}", self.stdout));
        self.stdout[start..].to_owned()
    }
}

/// Runs an example in `cwd` with `DATABASE_URL` set to `url` (or unset).
fn run(bin: &str, cwd: &Path, url: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = Command::new(bin_dir().join(format!("{bin}{}", std::env::consts::EXE_SUFFIX)));
    cmd.current_dir(cwd).args(args).env_remove("DATABASE_URL").stdin(Stdio::null());
    if let Some(url) = url {
        cmd.env("DATABASE_URL", url);
    }
    let out: Output = cmd.output().unwrap_or_else(|e| panic!("run {bin}: {e}"));
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    eprintln!("$ {bin} {}\n{}{}", args.join(" "), r.stdout, r.stderr);
    r
}

async fn sqlite(path: &Path) -> sqlx::SqlitePool {
    sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(path)).await.unwrap()
}

/// `(migration_name, checksum)` of the finished, not rolled back rows, in order.
async fn applied_rows(path: &Path) -> Vec<(String, String)> {
    let pool = sqlite(path).await;
    let rows = sqlx::query_as(
        "SELECT migration_name, checksum FROM _prisma_migrations \
         WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY started_at",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

fn checksum_of(name: &str) -> String {
    let path = workspace_dir().join("examples/prisma/migrations").join(name).join("migration.sql");
    prisma_migrations_build::checksum::checksum(&std::fs::read_to_string(path).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn quickstart_twice() {
    let dir = ScratchDir::new();
    let first = run("quickstart", dir.path(), None, &[]);
    first.expect(0).has(&[
        "5 migrations embedded",
        "Database: file:./quickstart.db (new: deploy creates it)",
        "Applied 5 migration(s) in",
        "MIGRATION",
        "STATE",
        "APPLIED AT",
        "The database is up to date.",
    ]);
    let applied: Vec<&str> = first.stdout.lines().filter(|l| l.starts_with("  2025")).collect();
    assert_eq!(applied.len(), 5, "one applied line per migration:\n{}", first.stdout);
    for (line, name) in applied.iter().zip(NAMES) {
        assert!(line.trim_start().starts_with(name) && line.ends_with(" ms"), "{line}");
    }
    let table = first.table();
    for name in NAMES {
        let row = table.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name} in\n{table}"));
        assert!(row.contains(" applied ") && row.ends_with(" UTC"), "{row}");
    }

    let db = dir.path().join("quickstart.db");
    let rows = applied_rows(&db).await;
    let want: Vec<(String, String)> = NAMES.iter().map(|n| ((*n).to_owned(), checksum_of(n))).collect();
    assert_eq!(rows, want);

    let second = run("quickstart", dir.path(), None, &[]);
    second.expect(0).has(&["Database: file:./quickstart.db\n", "Nothing to apply: the database already has all 5"]);
    assert!(!second.stdout.contains("(new") && !second.stdout.contains("Applied "), "{}", second.stdout);
    assert_eq!(second.table(), table, "the same status table");
    assert_eq!(applied_rows(&db).await, want, "no new rows");

    // The schema the migrations describe is there.
    let pool = sqlite(&db).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    let want_tables =
        ["ApiKey", "AuditLog", "Membership", "Organization", "RecoveryCode", "Session", "User", "_prisma_migrations"];
    assert_eq!(tables, want_tables);
}

#[tokio::test(flavor = "multi_thread")]
async fn quickstart_uses_database_url() {
    let dir = ScratchDir::new();
    run("quickstart", dir.path(), Some("file:./data/app.db"), &[])
        .expect(0)
        .has(&["Database: file:./data/app.db (new: deploy creates it)", "Applied 5 migration(s)"]);
    assert_eq!(applied_rows(&dir.path().join("data/app.db")).await.len(), 5);
    assert!(!dir.path().join("quickstart.db").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn startup_verify_refuses_then_serves() {
    let dir = ScratchDir::new();
    // No database at all: refused, and not created.
    run("startup_verify", dir.path(), None, &[]).expect(1).has(&["refusing to start: P1003", "remedy: apply"]);
    assert!(!dir.path().join("quickstart.db").exists());

    // An empty database: every migration pending.
    std::fs::write(dir.path().join("empty.db"), b"").unwrap();
    let empty = run("startup_verify", dir.path(), Some("file:./empty.db"), &[]);
    empty.expect(1).has(&["refusing to start: the database is not up to date", "pending:", "remedy: apply"]);
    for name in NAMES {
        empty.has(&[name]);
    }
    assert!(empty.stdout.is_empty(), "nothing served: {}", empty.stdout);

    // Up to date: serves.
    run("quickstart", dir.path(), None, &[]).expect(0);
    run("startup_verify", dir.path(), None, &[])
        .expect(0)
        .has(&["database file:./quickstart.db is up to date with all 5 migrations; serving"]);

    // A failed migration recorded: refused, with the resolve commands.
    let pool = sqlite(&dir.path().join("quickstart.db")).await;
    sqlx::query(
        "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) \
         VALUES ('00000000-0000-4000-8000-000000000001', 'x', '20250310080000_add_audit_log_indexes', 1, 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    run("startup_verify", dir.path(), None, &[])
        .expect(1)
        .has(&["failed: `20250310080000_add_audit_log_indexes`", "migrate resolve --rolled-back"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn fleet_example_over_sqlite_files_and_postgres_schemas() {
    let dir = ScratchDir::new();
    run("fleet", dir.path(), None, &["--targets", "6", "--concurrency", "3"]).expect(0).has(&[
        "Deploying 5 migrations to 6 SQLite files",
        "6 of 6 target(s) up to date, 0 failed",
        "concurrency 3",
    ]);

    let db = postgres().await;
    let r = run("fleet", dir.path(), None, &[db.url(), "--targets", "5"]);
    r.expect(0).has(&["Deploying 3 migrations to 5 schemas", "5 of 5 target(s) up to date", "schema=tenant_05"]);
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    for i in 1..=5 {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM tenant_{i:02}._prisma_migrations WHERE finished_at IS NOT NULL"
        )))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(n, 3, "tenant_{i:02}");
    }
    pool.close().await;
    // Again: nothing to apply.
    let again = run("fleet", dir.path(), None, &[db.url(), "--targets", "5"]);
    again.expect(0);
    let applied: Vec<&str> = again.stdout.lines().filter(|l| l.starts_with("postgresql://")).collect();
    assert_eq!(applied.len(), 5);
    assert!(applied.iter().all(|l| l.contains("  0  ")), "{}", again.stdout);

    run("fleet", dir.path(), None, &["--targets", "zero"]).expect(2).has(&["not a positive number", "usage: fleet"]);
}
