//! Shared by the `runtime_*` tests: one fresh database of each kind, raw access to `_prisma_migrations` and
//! the schema (independent of the library under test), and migration folders.
//! sqlx sessions use `time_zone = '+00:00'`, so MySQL's `UNIX_TIMESTAMP(DATETIME)` reads the stored UTC as is.

#![allow(dead_code, reason = "each test binary uses a part")]

pub mod first_run;
pub mod proxy;
pub mod scenarios;
pub mod targets;

/// The scenarios every database runs (`scenarios.rs`), as one `#[tokio::test]` each for the given [`Kind`], plus
/// `test_name => scenario` pairs for the scenarios only some databases run.
macro_rules! shared_scenarios {
    ($kind:expr $(, $name:ident => $scenario:ident)* $(,)?) => {
        shared_scenarios!(@tests $kind;
            conformance_deploy_fail_resolve => conformance,
            resolve_applied_on_a_failed_migration => resolve_applied_on_failed,
            schema_not_empty_is_p3005 => schema_not_empty,
            strict_by_default_lax_on_request => strict_and_lax,
            verify_and_plan => verify_and_plan,
            rollback_with_down_sql => rollback,
            two_deployers_in_process => concurrent_deployers,
            provider_mismatch_is_p3019 => provider_mismatch,
            comment_only_migration_applies => comment_only_migration,
            first_run_deploys_a_database_that_does_not_exist => first_run
            $(, $name => $scenario)*);
        shared_scenarios!(@tests $kind, targets;
            deploy_to_a_typed_target => deploy_to_typed_target,
            resolve_and_rollback_by_typed_target => resolve_and_rollback_typed,
            allow_newer_accepts_a_database_ahead_only => allow_newer);
    };
    (@tests $kind:expr; $($name:ident => $scenario:ident),*) => {
        shared_scenarios!(@tests $kind, scenarios; $($name => $scenario),*);
    };
    (@tests $kind:expr, $module:ident; $($name:ident => $scenario:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread")]
            async fn $name() {
                runtime_common::$module::$scenario($kind).await;
            }
        )*
    };
}

use prisma_migrations::{Database, Migrations};
use prisma_migrations_tests::{MigrationsDir, TestDatabase, TestSqlite};
use sqlx::Row as _;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Postgres,
    MySql,
    Sqlite,
}

/// A fresh database (dropped with this value) and its URL.
#[derive(Debug)]
pub struct Env {
    pub kind: Kind,
    pub url: String,
    _pg_or_my: Option<TestDatabase>,
    _lite: Option<TestSqlite>,
}

impl Env {
    pub async fn new(kind: Kind) -> Self {
        match kind {
            Kind::Postgres => {
                let db = prisma_migrations_tests::postgres().await;
                Self { kind, url: db.url().to_owned(), _pg_or_my: Some(db), _lite: None }
            }
            Kind::MySql => {
                let db = prisma_migrations_tests::mysql().await;
                Self { kind, url: db.url().to_owned(), _pg_or_my: Some(db), _lite: None }
            }
            Kind::Sqlite => {
                let db = prisma_migrations_tests::sqlite();
                let url = db.url();
                Self { kind, url, _pg_or_my: None, _lite: Some(db) }
            }
        }
    }

    /// A `Database` for the library (creating the SQLite file as deploy's caller would).
    pub async fn connect(&self) -> Database {
        let db = Database::connect(&self.url).await.unwrap_or_else(|e| panic!("connect: {e}"));
        db.create_if_missing().await.unwrap_or_else(|e| panic!("create: {e}"));
        db
    }

    /// Runs SQL outside the library.
    pub async fn exec(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match self.kind {
            Kind::Postgres => {
                let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Kind::MySql => {
                let pool = sqlx::MySqlPool::connect(&self.url).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
            Kind::Sqlite => {
                let opts = sqlite_opts(&self.url).create_if_missing(true);
                let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
                sqlx::raw_sql(sql).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    /// Whether a table exists (in the `public` schema on PostgreSQL unless `schema` is given).
    pub async fn has_table(&self, name: &str) -> bool {
        self.has_table_in(None, name).await
    }

    pub async fn has_table_in(&self, schema: Option<&str>, name: &str) -> bool {
        match self.kind {
            Kind::Postgres => {
                let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
                let n: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
                )
                .bind(schema.unwrap_or("public"))
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap();
                pool.close().await;
                n > 0
            }
            Kind::MySql => {
                let pool = sqlx::MySqlPool::connect(&self.url).await.unwrap();
                let n: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
                )
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap();
                pool.close().await;
                n > 0
            }
            Kind::Sqlite => {
                let pool = sqlx::SqlitePool::connect_with(sqlite_opts(&self.url)).await.unwrap();
                let n: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?")
                    .bind(name)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                n > 0
            }
        }
    }

    /// Every row of `_prisma_migrations` (in `schema` on PostgreSQL when given), by `started_at`.
    pub async fn rows(&self) -> Vec<RawRow> {
        self.rows_in(None).await
    }

    pub async fn rows_in(&self, schema: Option<&str>) -> Vec<RawRow> {
        match self.kind {
            Kind::Postgres => {
                let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
                let sql = format!(
                    "SELECT id, checksum, migration_name, logs, applied_steps_count::int8 AS steps, \
                     (extract(epoch from started_at) * 1000)::int8 AS started, \
                     (extract(epoch from finished_at) * 1000)::int8 AS finished, \
                     (extract(epoch from rolled_back_at) * 1000)::int8 AS rolled_back \
                     FROM \"{}\"._prisma_migrations ORDER BY started_at, finished_at NULLS LAST",
                    schema.unwrap_or("public")
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&pool).await.unwrap();
                pool.close().await;
                rows.iter().map(RawRow::from_pg).collect()
            }
            Kind::MySql => {
                let pool = sqlx::MySqlPool::connect(&self.url).await.unwrap();
                let rows = sqlx::query(
                    "SELECT id, checksum, migration_name, logs, CAST(applied_steps_count AS SIGNED) AS steps, \
                     CAST(ROUND(UNIX_TIMESTAMP(started_at) * 1000) AS SIGNED) AS started, \
                     CAST(ROUND(UNIX_TIMESTAMP(finished_at) * 1000) AS SIGNED) AS finished, \
                     CAST(ROUND(UNIX_TIMESTAMP(rolled_back_at) * 1000) AS SIGNED) AS rolled_back \
                     FROM _prisma_migrations ORDER BY started_at, finished_at IS NULL, finished_at",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                pool.close().await;
                rows.iter().map(RawRow::from_my).collect()
            }
            Kind::Sqlite => {
                let pool = sqlx::SqlitePool::connect_with(sqlite_opts(&self.url)).await.unwrap();
                let rows = sqlx::query(
                    "SELECT id, checksum, migration_name, logs, applied_steps_count AS steps, \
                     started_at AS started, finished_at AS finished, rolled_back_at AS rolled_back, \
                     typeof(started_at) AS t1, typeof(finished_at) AS t2, typeof(rolled_back_at) AS t3 \
                     FROM _prisma_migrations ORDER BY started_at, finished_at IS NULL, finished_at",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                pool.close().await;
                rows.iter()
                    .map(|r| {
                        for t in ["t1", "t2", "t3"] {
                            let ty: String = r.get(t);
                            assert!(ty == "integer" || ty == "null", "SQLite timestamps are INTEGER ms, got {ty}");
                        }
                        RawRow::from_lite(r)
                    })
                    .collect()
            }
        }
    }

    /// `(column, type, nullable, default)` of `_prisma_migrations`, in column order, types lowercased.
    pub async fn columns(&self) -> Vec<(String, String, bool, Option<String>)> {
        match self.kind {
            Kind::Postgres => {
                let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
                let rows = sqlx::query(
                    "SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS ty, NOT a.attnotnull AS nullable, \
                     pg_get_expr(d.adbin, d.adrelid) AS def \
                     FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                     WHERE a.attrelid = '_prisma_migrations'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                pool.close().await;
                rows.iter().map(|r| (r.get("name"), r.get("ty"), r.get("nullable"), r.get("def"))).collect()
            }
            Kind::MySql => {
                let pool = sqlx::MySqlPool::connect(&self.url).await.unwrap();
                let rows = sqlx::query(
                    "SELECT CAST(column_name AS CHAR) AS name, CAST(column_type AS CHAR) AS ty, is_nullable = 'YES' AS nullable, \
                     CAST(column_default AS CHAR) AS def FROM information_schema.columns \
                     WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations' ORDER BY ordinal_position",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                pool.close().await;
                rows.iter()
                    .map(|r| {
                        let nullable: i64 = r.get("nullable");
                        (r.get("name"), r.get::<String, _>("ty").to_lowercase(), nullable == 1, r.get("def"))
                    })
                    .collect()
            }
            Kind::Sqlite => {
                let pool = sqlx::SqlitePool::connect_with(sqlite_opts(&self.url)).await.unwrap();
                let rows = sqlx::query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('_prisma_migrations') ORDER BY cid")
                    .fetch_all(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                rows.iter()
                    .map(|r| {
                        let notnull: i64 = r.get("notnull");
                        (r.get("name"), r.get::<String, _>("type").to_lowercase(), notnull == 0, r.get("dflt_value"))
                    })
                    .collect()
            }
        }
    }
}

/// The SQLite options for a `file:/abs` URL.
pub fn sqlite_opts(url: &str) -> sqlx::sqlite::SqliteConnectOptions {
    sqlx::sqlite::SqliteConnectOptions::new().filename(url.trim_start_matches("file:"))
}

/// A row as stored, timestamps as epoch milliseconds.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub id: String,
    pub checksum: String,
    pub name: String,
    pub logs: Option<String>,
    pub steps: i64,
    pub started: i64,
    pub finished: Option<i64>,
    pub rolled_back: Option<i64>,
}

impl RawRow {
    fn from_pg(r: &sqlx::postgres::PgRow) -> Self {
        Self::build(
            r.get("id"),
            r.get("checksum"),
            r.get("migration_name"),
            r.get("logs"),
            r.get("steps"),
            [r.get("started"), r.get("finished"), r.get("rolled_back")],
        )
    }

    fn from_my(r: &sqlx::mysql::MySqlRow) -> Self {
        Self::build(
            r.get("id"),
            r.get("checksum"),
            r.get("migration_name"),
            r.get("logs"),
            r.get("steps"),
            [r.get("started"), r.get("finished"), r.get("rolled_back")],
        )
    }

    fn from_lite(r: &sqlx::sqlite::SqliteRow) -> Self {
        Self::build(
            r.get("id"),
            r.get("checksum"),
            r.get("migration_name"),
            r.get("logs"),
            r.get("steps"),
            [r.get("started"), r.get("finished"), r.get("rolled_back")],
        )
    }

    fn build(
        id: String,
        checksum: String,
        name: String,
        logs: Option<String>,
        steps: i64,
        t: [Option<i64>; 3],
    ) -> Self {
        Self { id, checksum, name, logs, steps, started: t[0].expect("started_at"), finished: t[1], rolled_back: t[2] }
    }

    pub fn rows_named<'a>(rows: &'a [Self], name: &str) -> Vec<&'a Self> {
        rows.iter().filter(|r| r.name == name).collect()
    }
}

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()).unwrap()
}

/// A UUID v4, lowercase, hyphenated.
pub fn assert_uuid_v4(id: &str) {
    let parsed = uuid::Uuid::parse_str(id).unwrap_or_else(|e| panic!("id `{id}` is not a UUID: {e}"));
    assert_eq!(parsed.get_version_num(), 4, "id `{id}` is not v4");
    assert_eq!(id, parsed.hyphenated().to_string(), "id `{id}` is not lowercase hyphenated");
}

/// The SQL dialect bits the scenarios need.
pub fn int_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres | Kind::Sqlite => "INTEGER",
        Kind::MySql => "INT",
    }
}

pub fn load(dir: &MigrationsDir) -> Migrations {
    dir.load()
}

/// sha256 hex of a script, as Prisma records it, computed by `sha256sum` (coreutils): an oracle independent of
/// the code under test.
pub fn checksum(sql: &str) -> String {
    use std::io::Write as _;
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the tests check checksums with `sha256sum` (coreutils): install it");
    child.stdin.take().expect("stdin").write_all(sql.as_bytes()).expect("write to sha256sum");
    let out = child.wait_with_output().expect("sha256sum");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().expect("sha256sum's output").to_owned()
}
