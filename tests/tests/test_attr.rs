//! `#[prisma_migrations::test]` end to end, on PostgreSQL, MySQL/MariaDB and SQLite: the `tests/test-attr-fixture`
//! crate's tests are built once (in a scratch copy with its own target directory, as `rebuild.rs` does) and run as
//! a user runs them, with `DATABASE_URL` set; the servers' own catalogs (or the directory, for SQLite) say what was
//! created, kept and dropped. The template's name is recomputed here from `sha256sum` of each migration.sql.
//!
//! Per database: isolation (two tests writing the same row at the same time), `at =`, fixtures, the pool argument,
//! cleanup after a passing run, a failing test's database kept and named then dropped by the next run, a killed
//! run's leftover dropped, template reuse, errors (no `DATABASE_URL`, a refused server, a failing history), then
//! the history changes: a new template is built once while two test binaries wait for its lock. Then the
//! `transaction` tests: one shared database per history, nothing per test, rolled back; a commit caught.

use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use prisma_migrations_tests::{ScratchDir, mysql_server_url, postgres_server_url, with_path};
use sqlx::Connection as _;

const HISTORY: [&str; 3] = ["20250101120000_create_users", "20250102090000_add_2fa", "20250103090000_backfill_2fa"];
const TAGS: &str = "20250104090000_create_tags";
const HANG_GUARD: Duration = Duration::from_mins(3);

struct Fixture {
    dir: PathBuf,
    exes: Vec<(String, PathBuf)>,
}

/// Copies the fixture crate to `<target>/<name>`, with `extra` migrations added, and builds its tests.
fn build(name: &str, extra: &[(&str, &str)]) -> Fixture {
    let target_root = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").to_owned();
    let dir = target_root.join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).expect("clear scratch crate");
    }
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("test-attr-fixture"), &dir);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repo root");
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("read fixture manifest");
    let mut manifest = manifest.replace("path = \"../../", &format!("path = \"{}/", repo.display()));
    if !extra.is_empty() {
        // Cargo names a package's executables by name and version, not path: the other copy must not overwrite
        // this one's in the shared target directory.
        manifest = manifest.replacen("version = \"0.0.0\"", "version = \"0.0.1\"", 1);
    }
    fs::write(dir.join("Cargo.toml"), manifest).expect("write fixture manifest");
    fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    for (folder, sql) in extra {
        let d = dir.join("prisma/migrations").join(folder);
        fs::create_dir_all(&d).expect("create migration folder");
        fs::write(d.join("migration.sql"), sql).expect("write migration");
    }
    let out = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--no-run", "--message-format=json"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", target_root.join("test-attr-fixture-target"))
        .env_remove("PRISMA_MIGRATIONS_MANIFEST_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("DATABASE_URL")
        .stderr(Stdio::inherit())
        .output()
        .expect("run cargo test --no-run");
    assert!(out.status.success(), "building the fixture's tests failed");
    let mut exes = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let (Some(exe), Some(target)) = (field(line, "\"executable\":\""), field(line, "\"target\":{")) else {
            continue;
        };
        if let Some(name) = field(target, "\"name\":\"") {
            exes.push((name.to_owned(), PathBuf::from(exe)));
        }
    }
    Fixture { dir, exes }
}

/// The JSON string value after `key` (no escapes in the paths and names used here), or the rest after `{`.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = &line[line.find(key)? + key.len()..];
    if key.ends_with('{') { Some(rest) } else { rest.split('"').next() }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let path = entry.path();
        if entry.file_type().expect("file type").is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&path, &to.join(entry.file_name()));
            }
        } else {
            fs::copy(&path, to.join(entry.file_name())).expect("copy file");
        }
    }
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| build("test-attr-fixture-work", &[]))
}

/// The same crate with a fourth migration: another history.
fn fixture_with_tags() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        build("test-attr-fixture-tags", &[(TAGS, "CREATE TABLE tags (id INTEGER NOT NULL PRIMARY KEY);\n")])
    })
}

impl Fixture {
    fn exe(&self, test: &str) -> &Path {
        &self.exes.iter().find(|(n, _)| n == test).unwrap_or_else(|| panic!("no test target `{test}`")).1
    }

    fn command(&self, test: &str, url: Option<&str>, args: &[&str]) -> Command {
        let mut cmd = Command::new(self.exe(test));
        cmd.current_dir(&self.dir).args(["--test-threads=4", "--show-output"]).args(args);
        cmd.env_remove("DATABASE_URL");
        if let Some(url) = url {
            cmd.env("DATABASE_URL", url);
        }
        cmd
    }

    fn run(&self, test: &str, url: Option<&str>, args: &[&str]) -> Output {
        let out = self.command(test, url, args).output().expect("run the fixture's test binary");
        eprintln!("--- {test} {args:?}: {}\n{}", out.status, text(&out));
        out
    }

    /// Template name from an independent computation: `sha256sum` of each migration.sql, then of
    /// `"<name> <checksum>\n"` lines.
    fn template(&self, names: &[&str]) -> String {
        let mut key = String::new();
        for name in names {
            let file = self.dir.join("prisma/migrations").join(name).join("migration.sql");
            let _ = writeln!(key, "{name} {}", sha256sum(&fs::read(file).expect("read migration")));
        }
        format!("pm_tpl_{}", &sha256sum(key.as_bytes())[..16])
    }
}

fn sha256sum(bytes: &[u8]) -> String {
    use std::io::Write as _;
    let mut child = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run sha256sum (coreutils)");
    child.stdin.take().expect("stdin").write_all(bytes).expect("write to sha256sum");
    let out = child.wait_with_output().expect("sha256sum");
    String::from_utf8(out.stdout).expect("utf-8").split_whitespace().next().expect("a hash").to_owned()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The `database: <name>` lines the fixture's tests print.
fn printed_databases(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("database: "))
        .map(|n| Path::new(n).file_stem().and_then(|s| s.to_str()).unwrap_or(n).to_owned())
        .collect()
}

/// The name after "kept for inspection: " (a database name, or a file path for SQLite).
fn kept_name(out: &Output) -> String {
    let all = text(out);
    let rest = all.split("its database is kept for inspection: ").nth(1).expect("the kept database is named");
    let word = rest.split_whitespace().next().expect("a name");
    Path::new(word).file_stem().and_then(|s| s.to_str()).unwrap_or(word).to_owned()
}

/// One server's view, from its own catalog.
enum Server {
    Postgres(String),
    MySql(String),
    Sqlite(ScratchDir),
}

impl Server {
    fn url(&self) -> String {
        match self {
            Self::Postgres(u) | Self::MySql(u) => u.clone(),
            Self::Sqlite(d) => format!("file:{}/test.db", d.path().display()),
        }
    }

    /// Databases (or SQLite files, by stem) whose name starts `pm`.
    async fn databases(&self) -> Vec<String> {
        match self {
            Self::Postgres(u) => {
                let mut c = sqlx::PgConnection::connect(u).await.expect("connect");
                sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'pm%' ORDER BY 1")
                    .fetch_all(&mut c)
                    .await
                    .expect("pg_database")
            }
            Self::MySql(u) => {
                let mut c = sqlx::MySqlConnection::connect(u).await.expect("connect");
                sqlx::query_scalar(
                    "SELECT CAST(schema_name AS CHAR) FROM information_schema.schemata WHERE schema_name LIKE 'pm%'",
                )
                .fetch_all(&mut c)
                .await
                .expect("schemata")
            }
            Self::Sqlite(d) => fs::read_dir(d.path())
                .expect("read dir")
                .filter_map(|e| {
                    let p = e.expect("entry").path();
                    (p.extension().is_some_and(|x| x == "sqlite"))
                        .then(|| p.file_stem().expect("stem").to_string_lossy().into_owned())
                })
                .collect(),
        }
    }

    /// A number read from one database (`sql` yields one 64-bit integer).
    async fn scalar(&self, db: &str, sql: &str) -> i64 {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self {
            Self::Postgres(u) if db.starts_with("pm_tpl_") => {
                // A template takes no connections (ALLOW_CONNECTIONS false): read a clone of it.
                let clone = prisma_migrations_tests::random_name("check");
                let mut admin = sqlx::PgConnection::connect(u).await.expect("connect");
                let create = format!("CREATE DATABASE \"{clone}\" TEMPLATE \"{db}\"");
                sqlx::raw_sql(sqlx::AssertSqlSafe(create)).execute(&mut admin).await.expect("clone the template");
                let mut c = sqlx::PgConnection::connect(&with_path(u, &clone)).await.expect("connect");
                let n = sqlx::query_scalar(sql).fetch_one(&mut c).await.expect("query");
                c.close().await.expect("close");
                let drop = format!("DROP DATABASE \"{clone}\"");
                sqlx::raw_sql(sqlx::AssertSqlSafe(drop)).execute(&mut admin).await.expect("drop the clone");
                n
            }
            Self::Postgres(u) => {
                let mut c = sqlx::PgConnection::connect(&with_path(u, db)).await.expect("connect");
                sqlx::query_scalar(sql).fetch_one(&mut c).await.expect("query")
            }
            Self::MySql(u) => {
                let mut c = sqlx::MySqlConnection::connect(&with_path(u, db)).await.expect("connect");
                sqlx::query_scalar(sql).fetch_one(&mut c).await.expect("query")
            }
            Self::Sqlite(d) => {
                let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(d.path().join(format!("{db}.sqlite")));
                let mut c = sqlx::SqliteConnection::connect_with(&opts).await.expect("open");
                sqlx::query_scalar(sql).fetch_one(&mut c).await.expect("query")
            }
        }
    }

    /// What identifies one build of a database: its OID, the template's first `started_at`, or the file's inode.
    async fn identity(&self, db: &str) -> String {
        match self {
            Self::Postgres(u) => {
                let mut c = sqlx::PgConnection::connect(u).await.expect("connect");
                let oid: i64 = sqlx::query_scalar("SELECT oid::bigint FROM pg_database WHERE datname = $1")
                    .bind(db)
                    .fetch_one(&mut c)
                    .await
                    .expect("oid");
                oid.to_string()
            }
            Self::MySql(u) => {
                let mut c = sqlx::MySqlConnection::connect(&with_path(u, db)).await.expect("connect");
                sqlx::query_scalar("SELECT CAST(MIN(started_at) AS CHAR) FROM _prisma_migrations")
                    .fetch_one(&mut c)
                    .await
                    .expect("started_at")
            }
            Self::Sqlite(d) => {
                fs::metadata(d.path().join(format!("{db}.sqlite"))).expect("template file").ino().to_string()
            }
        }
    }

    /// Creates a database (or file) named as a process that no longer runs would have named it.
    async fn create_leftover(&self, name: &str) {
        match self {
            Self::Postgres(u) => {
                let mut c = sqlx::PgConnection::connect(u).await.expect("connect");
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut c)
                    .await
                    .expect("create");
            }
            Self::MySql(u) => {
                let mut c = sqlx::MySqlConnection::connect(u).await.expect("connect");
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
                    .execute(&mut c)
                    .await
                    .expect("create");
            }
            Self::Sqlite(d) => fs::write(d.path().join(format!("{name}.sqlite")), b"").expect("create file"),
        }
    }
}

/// A pid that no longer runs: a child that has exited and been reaped.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("run true");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}

/// The per-database runs are sequential: they share the fixture's binaries and the concurrency check counts
/// lock waiters.
static SEQUENTIAL: Mutex<()> = Mutex::new(());

async fn scenario(server: Server, pool_test: &str) {
    let f = fixture();
    let url = server.url();
    let template = f.template(&HISTORY);
    let up_to_2fa = f.template(&HISTORY[..2]);

    // A killed run's leftover, and one of a live process (this one), which must stay.
    let leftover = format!("pmt_{}_attr_killed_abc123", dead_pid());
    let alive = format!("pmt_{}_attr_alive_abc123", std::process::id());
    server.create_leftover(&leftover).await;
    server.create_leftover(&alive).await;

    let out = f.run("attr", Some(&url), &[]);
    assert!(out.status.success(), "the fixture's tests pass");
    let used = printed_databases(&out);
    assert_eq!(used.len(), 4, "four tests print their database: {used:?}");
    let dbs = server.databases().await;
    for name in &used {
        assert!(name.starts_with("pmt_") && name.contains("_attr_"), "recognisable name: {name}");
        assert!(!dbs.contains(name), "`{name}` dropped after its test passed: {dbs:?}");
    }
    assert!(dbs.contains(&template) && dbs.contains(&up_to_2fa), "templates {template}, {up_to_2fa} in {dbs:?}");
    assert!(!dbs.contains(&leftover), "the killed run's leftover was dropped: {dbs:?}");
    assert!(dbs.contains(&alive), "a live process's database stays: {dbs:?}");
    assert_eq!(
        server.scalar(&template, "SELECT COUNT(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL").await,
        3
    );
    let before = server.identity(&template).await;

    let out = f.run("pools", Some(&url), &["--exact", pool_test]);
    assert!(out.status.success() && text(&out).contains("1 passed"), "the pool argument");

    // A failing test keeps its database, names it; the next run drops it.
    let out = f.run("failing", Some(&url), &[]);
    assert!(!out.status.success(), "fails on purpose");
    let kept = kept_name(&out);
    assert!(server.databases().await.contains(&kept), "`{kept}` kept");
    assert_eq!(server.scalar(&kept, "SELECT COUNT(*) FROM users WHERE id = 9").await, 1, "with the failing test's row");

    let out = f.run("attr", Some(&url), &["isolation"]);
    assert!(out.status.success());
    let dbs = server.databases().await;
    assert!(!dbs.contains(&kept), "the kept database is dropped by the next run: {dbs:?}");
    assert_eq!(server.identity(&template).await, before, "the template is reused, not rebuilt");

    // Errors a user can act on.
    let out = f.run("attr", None, &["default_history"]);
    assert!(!out.status.success() && text(&out).contains("needs DATABASE_URL: set it to"), "no DATABASE_URL");
    let out = f.run("broken", Some(&url), &[]);
    let all = text(&out);
    assert!(!out.status.success() && all.contains("P3018") && all.contains("20250101120000_insert_into_missing_table"));
}

/// `transaction` tests: one shared database per history, nothing created per test, rolled back after each; a
/// test that commits fails, marks the database, and the next run rebuilds it. SQLite: a copy per test.
async fn transaction_scenario(server: &Server, filter: &str) {
    let f = fixture();
    let url = server.url();
    let shared = f.template(&HISTORY).replace("pm_tpl_", "pm_tx_");
    let shared_2fa = f.template(&HISTORY[..2]).replace("pm_tpl_", "pm_tx_");
    let before = server.databases().await;
    let out = f.run("transaction", Some(&url), &[&format!("{filter}::")]);
    assert!(out.status.success() && text(&out).contains("4 passed"), "the transaction tests pass");
    let mut used = printed_databases(&out);
    used.sort();
    let after = server.databases().await;
    let new: Vec<_> = after.iter().filter(|d| !before.contains(d)).collect();
    if matches!(server, Server::Sqlite(_)) {
        assert_eq!(used.len(), 3, "{used:?}");
        assert!(used.iter().all(|d| d.starts_with("pmt_")), "a copy per test: {used:?}");
        used.dedup();
        assert_eq!(used.len(), 3, "each test its own copy");
        assert!(new.iter().all(|d| !d.starts_with("pmt_")), "copies removed after the tests: {new:?}");
        return;
    }
    let mut want = vec![shared.clone(), shared.clone(), shared_2fa];
    want.sort();
    assert_eq!(used, want, "the shared databases, named by history");
    assert!(new.iter().all(|d| d.starts_with("pm_tx_")), "no database per test: {new:?}");
    assert_eq!(server.scalar(&shared, "SELECT COUNT(*) FROM users").await, 0, "every test's rows rolled back");
    let built = server.identity(&shared).await;
    let out = f.run("transaction", Some(&url), &[&format!("{filter}::")]);
    assert!(out.status.success());
    assert_eq!(server.identity(&shared).await, built, "the shared database is reused");

    // A test that commits fails, its row is in the shared database, which is marked and rebuilt by the next run.
    let out = f.run("transaction_commit", Some(&url), &["--exact", filter]);
    let all = text(&out);
    assert!(!out.status.success() && all.contains("committed its transaction"), "the commit is caught");
    assert!(all.contains(&shared), "the message names the shared database");
    assert_eq!(server.scalar(&shared, "SELECT COUNT(*) FROM users").await, 1, "the committed row");
    let marked = match server {
        Server::Postgres(_) => {
            "SELECT COUNT(*) FROM pg_database WHERE datname = current_database() \
             AND shobj_description(oid, 'pg_database') LIKE 'prisma-migrations: dirty, committed by %'"
        }
        _ => "SELECT COUNT(*) FROM _pm_dirty",
    };
    assert_eq!(server.scalar(&shared, marked).await, 1, "the shared database is marked");
    let out = f.run("transaction", Some(&url), &[&format!("{filter}::")]);
    assert!(out.status.success(), "the next run passes");
    assert_ne!(server.identity(&shared).await, built, "on a rebuilt shared database");
    assert_eq!(server.scalar(&shared, "SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
#[allow(clippy::await_holding_lock, reason = "one database at a time on purpose, each test on its own runtime")]
async fn postgres() {
    let _one = SEQUENTIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    scenario(Server::Postgres(postgres_server_url().to_owned()), "postgres").await;
    transaction_scenario(&Server::Postgres(postgres_server_url().to_owned()), "postgres").await;
    let refused = fixture().run("attr", Some("postgresql://pm:s3cr3t@127.0.0.1:1/postgres"), &["default_history"]);
    let all = text(&refused);
    assert!(!refused.status.success() && all.contains("P1001") && all.contains("pm:***@127.0.0.1:1"), "refused");
    assert!(!all.contains("s3cr3t"), "the password is never shown");
    concurrent_binaries(Server::Postgres(postgres_server_url().to_owned())).await;
}

#[tokio::test]
#[allow(clippy::await_holding_lock, reason = "one database at a time on purpose, each test on its own runtime")]
async fn mysql() {
    let _one = SEQUENTIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let url = with_path(mysql_server_url(), "mysql");
    scenario(Server::MySql(url.clone()), "mysql").await;
    transaction_scenario(&Server::MySql(url.clone()), "mysql").await;
    concurrent_binaries(Server::MySql(url)).await;
}

#[tokio::test]
#[allow(clippy::await_holding_lock, reason = "one database at a time on purpose, each test on its own runtime")]
async fn sqlite() {
    let _one = SEQUENTIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    scenario(Server::Sqlite(ScratchDir::new()), "sqlite").await;
    transaction_scenario(&Server::Sqlite(ScratchDir::new()), "sqlite").await;
    // A connection of another database than DATABASE_URL's.
    let url = Server::Sqlite(ScratchDir::new()).url();
    let out = fixture().run("transaction", Some(&url), &["postgres::fixtures_inside"]);
    let all = text(&out);
    assert!(
        !out.status.success()
            && all.contains("takes `&mut sqlx::PgConnection` (PostgreSQL) but DATABASE_URL is a SQLite URL"),
        "a connection of the wrong database"
    );
    concurrent_binaries(Server::Sqlite(ScratchDir::new())).await;
}

/// The history changes (a fourth migration): its template does not exist yet. This test holds the template's
/// lock (computed independently), starts two test binaries, sees both wait for the lock, releases it: the
/// template is built once, with the new migration, and both binaries pass.
async fn concurrent_binaries(server: Server) {
    let f = fixture_with_tags();
    let url = server.url();
    let template = f.template(&[HISTORY[0], HISTORY[1], HISTORY[2], TAGS]);
    assert!(!server.databases().await.contains(&template), "a new history has no template yet");
    let hex = &template["pm_tpl_".len()..];
    let lock = Lock::take(&server, hex).await;
    let mut children: Vec<Child> = (0..2)
        .map(|_| {
            f.command("attr", Some(&url), &["default_history"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let started = Instant::now();
    while lock.waiters(&server).await < 2 {
        assert!(started.elapsed() < HANG_GUARD, "two test binaries never waited for the template lock");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(lock);
    for child in &mut children {
        assert!(child.wait().expect("wait").success(), "both binaries pass");
    }
    assert!(server.databases().await.contains(&template), "the new template was built");
    assert_eq!(server.scalar(&template, "SELECT COUNT(*) FROM _prisma_migrations").await, 4, "built once, whole");
    assert_eq!(server.scalar(&template, "SELECT COUNT(*) FROM tags").await, 0, "with the new migration's table");
}

/// The template lock held by this test; the session (or file) is held only to keep it, closing releases it.
#[allow(dead_code, reason = "the connection is held, never read")]
enum Lock {
    Pg(sqlx::PgConnection, i64),
    My(sqlx::MySqlConnection, String),
    File(fs::File, u64),
}

impl Lock {
    async fn take(server: &Server, hex: &str) -> Self {
        match server {
            Server::Postgres(u) => {
                let key = i64::from_str_radix(&hex[..15], 16).expect("hex");
                let mut c = sqlx::PgConnection::connect(u).await.expect("connect");
                sqlx::query("SELECT pg_advisory_lock($1)").bind(key).execute(&mut c).await.expect("lock");
                Self::Pg(c, key)
            }
            Server::MySql(u) => {
                let name = format!("pm_tpl_{hex}");
                let mut c = sqlx::MySqlConnection::connect(u).await.expect("connect");
                sqlx::query("SELECT GET_LOCK(?, 10)").bind(&name).execute(&mut c).await.expect("lock");
                Self::My(c, name)
            }
            Server::Sqlite(d) => {
                let path = d.path().join(format!("pm_tpl_{hex}.lock"));
                let file =
                    fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).expect("lock file");
                file.lock().expect("flock");
                let ino = file.metadata().expect("metadata").ino();
                Self::File(file, ino)
            }
        }
    }

    /// Sessions (or processes) waiting for this lock now, from the server's lock table (or `/proc/locks`).
    async fn waiters(&self, server: &Server) -> i64 {
        match (self, server) {
            (Self::Pg(_, key), Server::Postgres(u)) => {
                let mut c = sqlx::PgConnection::connect(u).await.expect("connect");
                // A bigint key is (classid, objid) = (high, low) 32 bits, objsubid 1.
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
                     AND classid::bigint = ($1 >> 32) AND objid::bigint = ($1 & 4294967295) AND objsubid = 1",
                )
                .bind(key)
                .fetch_one(&mut c)
                .await
                .expect("pg_locks")
            }
            (Self::My(_, name), Server::MySql(u)) => {
                let mut c = sqlx::MySqlConnection::connect(u).await.expect("connect");
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT CAST(COUNT(*) AS SIGNED) FROM information_schema.processlist \
                     WHERE id <> CONNECTION_ID() AND info LIKE '%GET_LOCK(''{name}''%'"
                )))
                .fetch_one(&mut c)
                .await
                .expect("processlist")
            }
            (Self::File(_, ino), _) => {
                let locks = fs::read_to_string("/proc/locks").expect("/proc/locks (Linux)");
                let suffix = format!(":{ino} ");
                i64::try_from(locks.lines().filter(|l| l.contains("->") && l.contains(&suffix)).count()).expect("count")
            }
            _ => unreachable!("a lock is taken on its own server"),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Closing the session (or the file) releases the lock.
        if let Self::File(f, _) = self {
            let _ = f.unlock();
        }
    }
}

/// The example (`examples/tests/signup.rs`) as its header says to run it, on SQLite.
#[test]
fn example_signup() {
    let dir = ScratchDir::new();
    let exe = std::env::current_exe().expect("path of the test executable");
    let target = exe.ancestors().nth(3).expect("<target>/<profile>/deps/<test>").to_owned();
    let out = Command::new(env!("CARGO"))
        .args(["test", "--offline", "-q", "-p", "prisma-migrations-examples", "--test", "signup", "--target-dir"])
        .arg(&target)
        .current_dir(prisma_migrations_tests::workspace_dir())
        .env("DATABASE_URL", format!("file:{}/test.db", dir.path().display()))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo test");
    let all = text(&out);
    assert!(out.status.success() && all.contains("3 passed"), "the example's tests pass:\n{all}");
    let left: Vec<_> = fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("pmt_"))
        .collect();
    assert!(left.is_empty(), "no test database left: {left:?}");
}
