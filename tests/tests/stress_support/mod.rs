//! Shared by the `stress_*` tests: trial counts (small by default, `PM_STRESS_FULL=1` for the full run), a
//! seeded random generator (`PM_STRESS_SEED` replays a run), fresh databases of each kind, pm-deployer
//! processes, and raw access to the schema and `_prisma_migrations` that does not go through the library.

#![allow(dead_code, reason = "each stress test binary uses a part")]

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use prisma_migrations_tests::{TestDatabase, TestSqlite};

/// The test-only deployer process (tests/src/bin/pm-deployer.rs).
pub const DEPLOYER: &str = env!("CARGO_BIN_EXE_pm-deployer");

/// Whether this is the full run (`PM_STRESS_FULL=1`), with the numbers the issue asks for.
pub fn full() -> bool {
    std::env::var_os("PM_STRESS_FULL").is_some_and(|v| !v.is_empty() && v != "0")
}

/// `small` by default, `large` in the full run.
pub fn scale(small: usize, large: usize) -> usize {
    if full() { large } else { small }
}

/// A xorshift64* generator: enough to spread kill delays, and reproducible from the seed it prints.
#[derive(Debug)]
pub struct Rng(u64);

impl Rng {
    /// Seeded from `PM_STRESS_SEED`, else from the clock; the seed is printed so a failure can be replayed.
    pub fn new(what: &str) -> Self {
        Self::from_var("PM_STRESS_SEED", what)
    }

    /// Seeded from the environment variable `var`, else from the clock; prints `var=<seed>`.
    pub fn from_var(var: &str, what: &str) -> Self {
        let seed = std::env::var(var).ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            u64::try_from(nanos.as_nanos() & u128::from(u64::MAX)).unwrap_or(1) | 1
        });
        eprintln!("{what}: {var}={seed}");
        Self(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A duration uniformly in `[0, max]`.
    pub fn below(&mut self, max: Duration) -> Duration {
        let ms = u64::try_from(max.as_micros()).unwrap_or(u64::MAX).max(1);
        Duration::from_micros(self.next_u64() % ms)
    }
}

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Postgres,
    MySql,
    Sqlite,
}

impl Kind {
    /// `migration_lock.toml`'s provider.
    pub fn provider(self) -> &'static str {
        match self {
            Self::Postgres => "postgresql",
            Self::MySql => "mysql",
            Self::Sqlite => "sqlite",
        }
    }

    /// Quotes an identifier.
    pub fn q(self, name: &str) -> String {
        match self {
            Self::MySql => format!("`{name}`"),
            _ => format!("\"{name}\""),
        }
    }
}

/// A fresh database (dropped with this value) and its URL.
#[derive(Debug)]
pub struct Target {
    pub kind: Kind,
    pub url: String,
    pub name: String,
    _server: Option<TestDatabase>,
    _file: Option<TestSqlite>,
}

impl Target {
    pub async fn new(kind: Kind) -> Self {
        match kind {
            Kind::Postgres | Kind::MySql => {
                let db = if kind == Kind::Postgres {
                    prisma_migrations_tests::postgres().await
                } else {
                    prisma_migrations_tests::mysql().await
                };
                Self { kind, url: db.url().to_owned(), name: db.name().to_owned(), _server: Some(db), _file: None }
            }
            Kind::Sqlite => {
                let f = prisma_migrations_tests::sqlite();
                Self { kind, url: f.url(), name: f.path().display().to_string(), _server: None, _file: Some(f) }
            }
        }
    }

    /// A raw connection (not the library), creating the SQLite file when needed.
    pub async fn raw(&self) -> Raw {
        match self.kind {
            // One connection: `other_sessions` counts every session but this one.
            Kind::Postgres => {
                Raw::Pg(sqlx::pool::PoolOptions::new().max_connections(1).connect(&self.url).await.expect("connect"))
            }
            Kind::MySql => {
                Raw::My(sqlx::pool::PoolOptions::new().max_connections(1).connect(&self.url).await.expect("connect"))
            }
            Kind::Sqlite => {
                let path = self.url.strip_prefix("file:").unwrap_or(&self.url);
                let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path).create_if_missing(true);
                Raw::Lite(sqlx::pool::PoolOptions::new().max_connections(1).connect_with(opts).await.expect("connect"))
            }
        }
    }

    /// The library's view, creating the database when missing (as `deploy` does).
    pub async fn database(&self) -> prisma_migrations::Database {
        let db = prisma_migrations::Database::connect(&self.url).await.unwrap_or_else(|e| panic!("connect: {e}"));
        db.create_if_missing().await.unwrap_or_else(|e| panic!("create: {e}"));
        db
    }
}

/// One row of `_prisma_migrations`, read without the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    pub finished: bool,
    pub rolled_back: bool,
    pub steps: i64,
}

/// A raw pool on one database.
#[derive(Debug)]
pub enum Raw {
    Pg(sqlx::PgPool),
    My(sqlx::MySqlPool),
    Lite(sqlx::SqlitePool),
}

const ROWS_SQL: &str = "SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, \
    CAST(applied_steps_count AS SIGNED) FROM _prisma_migrations ORDER BY started_at, migration_name";

impl Raw {
    /// Runs SQL (any number of statements).
    pub async fn exec(&self, sql: &str) {
        let s = sqlx::AssertSqlSafe(sql.to_owned());
        let r = match self {
            Self::Pg(p) => sqlx::raw_sql(s).execute(p).await.map(drop),
            Self::My(p) => sqlx::raw_sql(s).execute(p).await.map(drop),
            Self::Lite(p) => sqlx::raw_sql(s).execute(p).await.map(drop),
        };
        r.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// The tables of the database (current schema), sorted.
    pub async fn tables(&self) -> Vec<String> {
        let r = match self {
            Self::Pg(p) => {
                sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()")
                    .fetch_all(p)
                    .await
            }
            Self::My(p) => {
                sqlx::query_scalar(
                    "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE()",
                )
                .fetch_all(p)
                .await
            }
            Self::Lite(p) => {
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .fetch_all(p)
                    .await
            }
        };
        let mut t: Vec<String> = r.expect("list tables");
        t.sort();
        t
    }

    /// Every row of `_prisma_migrations` in `started_at` order; `None` when the table does not exist.
    pub async fn rows(&self) -> Option<Vec<Row>> {
        if !self.tables().await.iter().any(|t| t == "_prisma_migrations") {
            return None;
        }
        let sql = match self {
            Self::My(_) => ROWS_SQL.to_owned(),
            _ => ROWS_SQL.replace("SIGNED", "BIGINT"),
        };
        let sql = sqlx::AssertSqlSafe(sql);
        let rows: Vec<(String, bool, bool, i64)> = match self {
            Self::Pg(p) => sqlx::query_as(sql).fetch_all(p).await,
            Self::My(p) => {
                let r: Result<Vec<(String, i64, i64, i64)>, _> = sqlx::query_as(sql).fetch_all(p).await;
                r.map(|v| v.into_iter().map(|(n, f, r, s)| (n, f != 0, r != 0, s)).collect())
            }
            Self::Lite(p) => sqlx::query_as(sql).fetch_all(p).await,
        }
        .expect("read _prisma_migrations");
        Some(
            rows.into_iter()
                .map(|(name, finished, rolled_back, steps)| Row { name, finished, rolled_back, steps })
                .collect(),
        )
    }

    /// Other sessions connected to this database (PostgreSQL, MySQL); 0 on SQLite.
    pub async fn other_sessions(&self) -> i64 {
        match self {
            Self::Pg(p) => sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .fetch_one(p)
            .await
            .expect("pg_stat_activity"),
            Self::My(p) => sqlx::query_scalar(
                "SELECT CAST(count(*) AS SIGNED) FROM information_schema.processlist \
                 WHERE db = DATABASE() AND id <> CONNECTION_ID()",
            )
            .fetch_one(p)
            .await
            .expect("processlist"),
            Self::Lite(_) => 0,
        }
    }

    /// Waits until no other session is connected (a killed client's session is gone on the server), and
    /// returns how long that took.
    pub async fn wait_sessions_gone(&self, deadline: Duration) -> Duration {
        let start = Instant::now();
        while self.other_sessions().await > 0 {
            assert!(start.elapsed() < deadline, "a dead client's session was still open after {deadline:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        start.elapsed()
    }

    pub async fn close(self) {
        match self {
            Self::Pg(p) => p.close().await,
            Self::My(p) => p.close().await,
            Self::Lite(p) => p.close().await,
        }
    }
}

/// Starts `pm-deployer <url> <dir> <args…>` with extra environment variables, output piped.
pub fn spawn(url: &str, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(DEPLOYER);
    cmd.arg(url).arg(dir).args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.spawn().expect("spawn pm-deployer")
}

/// Waits for every child, killing them all and failing if the deadline passes.
pub fn wait_all(mut children: Vec<Child>, deadline: Duration) -> Vec<Output> {
    let start = Instant::now();
    while children.iter_mut().any(|c| c.try_wait().expect("try_wait").is_none()) {
        if start.elapsed() > deadline {
            for c in &mut children {
                let _ = c.kill();
            }
            panic!("deployer processes still running after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    children.into_iter().map(|c| c.wait_with_output().expect("collect output")).collect()
}

/// Text of an output stream.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Checks that every `pm-deployer deploy` exited 0 and returns how many migrations they applied together (each
/// prints `deploy: applied N of M migration(s)`).
pub fn applied_total(outputs: &[Output]) -> usize {
    let mut applied = 0;
    for (i, out) in outputs.iter().enumerate() {
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(out.status.success(), "deployer {i} failed ({:?}):\n{stdout}{stderr}", out.status);
        let n: usize = stdout
            .strip_prefix("deploy: applied ")
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected output of deployer {i}: {stdout}"));
        applied += n;
    }
    applied
}

/// A child process whose stderr is read line by line as it runs, so a test can wait for a log line.
#[derive(Debug)]
pub struct Watched {
    pub child: Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Watched {
    /// Takes over `child`'s piped stderr.
    pub fn new(mut child: Child) -> Self {
        use std::io::BufRead as _;
        let stderr = child.stderr.take().expect("stderr piped");
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().expect("lines").push(line);
            }
        });
        Self { child, lines, reader: Some(reader) }
    }

    /// How many stderr lines so far contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.lines.lock().expect("lines").iter().filter(|l| l.contains(needle)).count()
    }

    /// Waits until `n` stderr lines contain `needle`; fails after `deadline` (a hang guard) or when the process
    /// exits first.
    pub async fn wait_lines(&mut self, needle: &str, n: usize, deadline: Duration) {
        let start = Instant::now();
        while self.count(needle) < n {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                panic!("the process exited ({status}) before logging {n} × `{needle}`: {}", self.stderr());
            }
            assert!(start.elapsed() < deadline, "no {n} × `{needle}` within {deadline:?}: {}", self.stderr());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The stderr read so far.
    pub fn stderr(&self) -> String {
        self.lines.lock().expect("lines").join("\n")
    }

    /// Waits for the exit (a hang guard kills it after `deadline`) and returns the status, stdout and stderr.
    pub fn finish(mut self, deadline: Duration) -> (std::process::ExitStatus, String, String) {
        let start = Instant::now();
        while self.child.try_wait().expect("try_wait").is_none() {
            if start.elapsed() > deadline {
                let _ = self.child.kill();
                panic!("process still running after {deadline:?}: {}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        let stderr = self.stderr();
        let out = self.child.wait_with_output().expect("collect output");
        (out.status, text(&out.stdout), stderr)
    }
}

/// Waits until `path` exists (a deployer's `PM_DEPLOYER_SIGNAL_FILE`: it has connected); `deadline` is a hang
/// guard.
pub async fn wait_file(path: &Path, deadline: Duration) {
    let start = Instant::now();
    while !path.exists() {
        assert!(start.elapsed() < deadline, "{} never appeared within {deadline:?}", path.display());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
