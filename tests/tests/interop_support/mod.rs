//! The harness of interop.rs: one database both tools use, and the rows of `_prisma_migrations` reduced to
//! what both tools must agree on.

use prisma_migrations::Database;
use prisma_migrations_tests::{
    MigrationsDir, OracleOutput, PrismaVersion, TestDatabase, TestSqlite, oracle_of, postgres, sqlite,
};

/// One database both tools use, and the Prisma release that plays the other tool.
pub struct Target {
    pub db: Db,
    pub prisma: PrismaVersion,
}

pub enum Db {
    Pg(TestDatabase),
    Lite(TestSqlite),
}

impl Target {
    pub async fn pg(prisma: PrismaVersion) -> Self {
        Self { db: Db::Pg(postgres().await), prisma }
    }

    pub fn lite(prisma: PrismaVersion) -> Self {
        Self { db: Db::Lite(sqlite()), prisma }
    }

    pub fn provider(&self) -> &'static str {
        match self.db {
            Db::Pg(_) => "postgresql",
            Db::Lite(_) => "sqlite",
        }
    }

    /// The same URL for both tools (`file:/abs/path` for SQLite).
    pub fn url(&self) -> String {
        match &self.db {
            Db::Pg(db) => db.url().to_owned(),
            Db::Lite(db) => db.url(),
        }
    }

    /// The PostgreSQL test database (the lock scenarios run there only).
    pub fn pg_db(&self) -> &TestDatabase {
        match &self.db {
            Db::Pg(db) => db,
            Db::Lite(_) => panic!("a PostgreSQL scenario got a SQLite target"),
        }
    }

    /// Ours, creating the database when missing as `prisma migrate deploy` does.
    pub async fn ours(&self) -> Database {
        let db = Database::connect(&self.url()).await.expect("connect");
        db.create_if_missing().await.expect("create");
        db
    }

    /// The real Prisma CLI (blocking: ~1 s of Node start-up per call).
    pub fn prisma(&self, dir: &MigrationsDir, args: &[&str]) -> OracleOutput {
        oracle_of(self.prisma).run(&self.url(), &dir.path(), args)
    }

    /// Every row of `_prisma_migrations`, in `started_at` order, reduced to what both tools must agree on.
    pub async fn rows(&self) -> Vec<Shape> {
        match &self.db {
            Db::Pg(db) => {
                let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
                let rows: Vec<RawRow> = sqlx::query_as(
                    "SELECT id, checksum, migration_name, logs, applied_steps_count::int8, \
                     (finished_at IS NOT NULL)::int::int8, (rolled_back_at IS NOT NULL)::int::int8, \
                     COALESCE(started_at = finished_at, false)::int::int8, 'timestamptz', \
                     (abs(extract(epoch FROM started_at - now())) < 600)::int::int8 \
                     FROM _prisma_migrations ORDER BY started_at, migration_name",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                pool.close().await;
                rows.into_iter().map(Shape::from).collect()
            }
            Db::Lite(db) => {
                let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(db.path());
                let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
                let rows: Vec<RawRow> = sqlx::query_as(
                    "SELECT id, checksum, migration_name, logs, applied_steps_count, \
                     finished_at IS NOT NULL, rolled_back_at IS NOT NULL, COALESCE(started_at = finished_at, 0), \
                     typeof(started_at) || ',' || typeof(finished_at) || ',' || typeof(rolled_back_at), \
                     abs(started_at - CAST(strftime('%s', 'now') AS INTEGER) * 1000) < 600000 \
                     FROM _prisma_migrations ORDER BY started_at, rowid",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                pool.close().await;
                rows.into_iter().map(Shape::from).collect()
            }
        }
    }

    /// How `_prisma_migrations` is defined: the columns (PostgreSQL) or the CREATE statement (SQLite).
    pub async fn table_definition(&self) -> String {
        match &self.db {
            Db::Pg(db) => {
                let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
                let cols: Vec<Column> = sqlx::query_as(
                    "SELECT column_name::text, data_type::text, character_maximum_length::int4, is_nullable::text, \
                     column_default::text FROM information_schema.columns \
                     WHERE table_name = '_prisma_migrations' AND table_schema = current_schema() \
                     ORDER BY ordinal_position",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                let pk: Vec<String> = sqlx::query_scalar(
                    "SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid \
                     AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '_prisma_migrations'::regclass AND i.indisprimary",
                )
                .fetch_all(&pool)
                .await
                .unwrap();
                pool.close().await;
                format!("{cols:?} primary key {pk:?}")
            }
            Db::Lite(db) => {
                let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(db.path());
                let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
                let sql: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = '_prisma_migrations'")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                sql
            }
        }
    }
}

/// name, type, length, nullable, default
pub type Column = (String, String, Option<i32>, String, Option<String>);

pub type RawRow = (String, String, String, Option<String>, i64, i64, i64, i64, String, i64);

/// A row as both tools must write it. The id is checked (a lowercase UUID v4) and dropped; a failure's
/// `logs` text is each tool's own wording, so only "none", "empty" or "some text" is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub name: String,
    pub checksum: String,
    pub logs: Option<&'static str>,
    pub steps: i64,
    pub finished: bool,
    pub rolled_back: bool,
    pub started_is_finished: bool,
    /// SQLite: the storage class of `started_at`, `finished_at`, `rolled_back_at`.
    pub types: String,
}

impl From<RawRow> for Shape {
    fn from(r: RawRow) -> Self {
        let (id, checksum, name, logs, steps, finished, rolled_back, same, types, recent) = r;
        let uuid = uuid::Uuid::parse_str(&id).unwrap_or_else(|e| panic!("id `{id}` is not a UUID: {e}"));
        assert_eq!(uuid.get_version_num(), 4, "id `{id}` is a v4 UUID");
        assert_eq!(id, uuid.hyphenated().to_string(), "id is lowercase and hyphenated");
        assert_eq!(recent, 1, "started_at of `{name}` is the current time (client clock, UTC)");
        let logs = logs.map(|l| if l.is_empty() { "" } else { "<error text>" });
        Self {
            name,
            checksum,
            logs,
            steps,
            finished: finished != 0,
            rolled_back: rolled_back != 0,
            started_is_finished: same != 0,
            types,
        }
    }
}
