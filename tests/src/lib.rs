//! Test support for prisma-migrations: real database servers, one fresh database per test, scratch migration
//! folders, and the real Prisma CLI as an oracle.
//!
//! Servers: `PM_TEST_POSTGRES_URL` / `PM_TEST_MYSQL_URL` (a server URL whose user may create databases) when
//! set; otherwise a private server is started from the installed binaries (`initdb`/`pg_ctl`,
//! `mariadb-install-db`/`mariadbd`) on a free loopback port, once per test binary, and stopped when the test
//! binary exits. With neither, the test fails saying what to install.
//!
//! ```no_run
//! # async fn f() {
//! let db = prisma_migrations_tests::postgres().await; // CREATE DATABASE pm_<random>; dropped with `db`
//! let url = db.url();                                  // postgresql://…/pm_<random>
//! # }
//! ```

mod crash;
mod folder;
mod gate;
mod oracle;
mod servers;

use std::path::{Path, PathBuf};

pub use crash::{Crash, CrashServer};
pub use folder::MigrationsDir;
pub use gate::{Gate, REACH_DEADLINE};
pub use oracle::{Oracle, OracleOutput, PrismaVersion, oracle, oracle_of};
pub use servers::{
    TlsServer, mysql_plain_server_url, mysql_server_url, mysql_tls_server, postgres_plain_server_url,
    postgres_private_server_url, postgres_server_url, postgres_tls_server,
};

/// A database created for one test, dropped (with everything in it) when this guard is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    admin_url: String,
    name: String,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Postgres,
    MySql,
}

impl TestDatabase {
    /// The URL of the fresh database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL of the same database with `?schema=NAME` (PostgreSQL).
    pub fn url_with_schema(&self, schema: &str) -> String {
        format!("{}?schema={schema}", self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin, name, kind) = (self.admin_url.clone(), self.name.clone(), self.kind);
        // Drop runs inside or outside a runtime: use a thread with its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
            rt.block_on(async move {
                match kind {
                    Kind::Postgres => {
                        let pool = sqlx::PgPool::connect(&admin).await?;
                        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await?;
                        pool.close().await;
                    }
                    Kind::MySql => {
                        let pool = sqlx::MySqlPool::connect(&admin).await?;
                        let sql = format!("DROP DATABASE IF EXISTS `{name}`");
                        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await?;
                        pool.close().await;
                    }
                }
                Ok::<_, sqlx::Error>(())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

/// A random lowercase name with a prefix: `pm_3f9a1c…`.
pub fn random_name(prefix: &str) -> String {
    format!("{prefix}_{}", &uuid::Uuid::new_v4().simple().to_string()[..16])
}

/// The server URL with another database (its path replaced).
///
/// # Panics
/// When `url` is not a URL.
pub fn with_path(url: &str, db: &str) -> String {
    let mut u = url::Url::parse(url).expect("server URL");
    u.set_path(&format!("/{db}"));
    u.to_string()
}

/// A fresh PostgreSQL database on the test server.
pub async fn postgres() -> TestDatabase {
    let admin_url = postgres_server_url().to_owned();
    let name = random_name("pm");
    let pool = sqlx::PgPool::connect(&admin_url).await.expect("connect to the PostgreSQL test server");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&pool)
        .await
        .expect("CREATE DATABASE");
    pool.close().await;
    TestDatabase { url: with_path(&admin_url, &name), admin_url, name, kind: Kind::Postgres }
}

/// A fresh MySQL/MariaDB database on the test server, `utf8mb4`.
pub async fn mysql() -> TestDatabase {
    let admin_url = mysql_server_url().to_owned();
    let name = random_name("pm");
    let pool = sqlx::MySqlPool::connect(&admin_url).await.expect("connect to the MySQL test server");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )))
    .execute(&pool)
    .await
    .expect("CREATE DATABASE");
    pool.close().await;
    TestDatabase { url: with_path(&admin_url, &name), admin_url, name, kind: Kind::MySql }
}

/// A scratch directory, removed when dropped.
#[derive(Debug)]
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// A new empty directory under the system temp dir.
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join("pm-tests").join(random_name("d"));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Self(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Default for ScratchDir {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh SQLite database file (not yet created) in its own scratch directory.
#[derive(Debug)]
pub struct TestSqlite {
    dir: ScratchDir,
}

impl TestSqlite {
    /// Path of the database file.
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("test.db")
    }

    /// Prisma-style URL: `file:/abs/path/test.db`.
    pub fn url(&self) -> String {
        format!("file:{}", self.path().display())
    }
}

/// A fresh SQLite database file path.
pub fn sqlite() -> TestSqlite {
    TestSqlite { dir: ScratchDir::new() }
}

/// The workspace root (the parent of the tests package).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_owned()
}

/// The workspace's target directory (`CARGO_TARGET_DIR` when set).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace_dir().join("target"), PathBuf::from)
}

/// Builds binaries of another workspace package (`CARGO_BIN_EXE_*` covers only the tests package's own) into the
/// target directory and profile of the running test executable, found from its path
/// (`<target>/<profile>/deps/<test>`), and returns `<target>/<profile>`, where the binaries are. Cargo makes it a
/// no-op when they are fresh; `cargo test` releases its build lock before running tests, so this does not wait.
///
/// # Panics
/// When the build fails (with cargo's output).
pub fn cargo_build(args: &[&str]) -> PathBuf {
    let exe = std::env::current_exe().expect("path of the test executable");
    let profile_dir = exe.parent().and_then(Path::parent).expect("<target>/<profile>/deps/<test>").to_owned();
    let target_dir = profile_dir.parent().expect("<target>/<profile>").to_owned();
    let profile = profile_dir.file_name().and_then(|n| n.to_str()).unwrap_or("debug").to_owned();
    let mut cmd = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(workspace_dir()).args(["build", "--quiet"]).args(args).arg("--target-dir").arg(&target_dir);
    match profile.as_str() {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let out = cmd.output().expect("run cargo build");
    assert!(out.status.success(), "cargo build {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    profile_dir
}
