//! The per-database SQL behind one interface, [`Driver`]; [`Conn`] is the connection the migrator drives. The
//! algorithm lives in `migrator.rs`; each module here only knows how its database stores `_prisma_migrations`,
//! takes the lock and runs a script, and they share the connection handling (`connection.rs`).

/// The bookkeeping writes of the databases whose placeholders are `?` (MySQL, SQLite): the same statements, bound
/// with `$time`, the function that encodes a timestamp as that database stores it (`DATETIME(3)` for MySQL,
/// epoch milliseconds for SQLite). Expands to [`Driver`] methods of a connection type that has `fn c(&mut self)`.
#[cfg(any(feature = "mysql", feature = "sqlite"))]
macro_rules! question_mark_bookkeeping {
    ($time:path) => {
        async fn insert_row(&mut self, row: &NewRow<'_>) -> Result<(), Error> {
            sqlx::query(
                "INSERT INTO _prisma_migrations (id, checksum, started_at, finished_at, migration_name, logs, applied_steps_count) \
                 VALUES (?, ?, ?, ?, ?, ?, 0)",
            )
            .bind(row.id)
            .bind(row.checksum)
            .bind($time(row.started_at))
            .bind(row.finished_at.map($time))
            .bind(row.name)
            .bind(row.logs)
            .execute(self.c())
            .await
            .map(drop)
            .map_err(|e| Error::db("recording the migration start", &e))
        }

        async fn add_step(&mut self, id: &str) -> Result<(), Error> {
            sqlx::query("UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = ?")
                .bind(id)
                .execute(self.c())
                .await
                .map(drop)
                .map_err(|e| Error::db("updating _prisma_migrations", &e))
        }

        async fn set_finished(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), Error> {
            sqlx::query("UPDATE _prisma_migrations SET finished_at = ? WHERE id = ?")
                .bind($time(at))
                .bind(id)
                .execute(self.c())
                .await
                .map(drop)
                .map_err(|e| Error::db("updating _prisma_migrations", &e))
        }

        async fn set_rolled_back(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), Error> {
            sqlx::query("UPDATE _prisma_migrations SET rolled_back_at = ? WHERE id = ?")
                .bind($time(at))
                .bind(id)
                .execute(self.c())
                .await
                .map(drop)
                .map_err(|e| Error::db("updating _prisma_migrations", &e))
        }

        async fn delete_rows(&mut self, name: &str) -> Result<(), Error> {
            sqlx::query("DELETE FROM _prisma_migrations WHERE migration_name = ?")
                .bind(name)
                .execute(self.c())
                .await
                .map(drop)
                .map_err(|e| Error::db("deleting the migration's rows from _prisma_migrations", &e))
        }

        async fn set_logs(&mut self, id: &str, logs: &str) -> Result<(), Error> {
            sqlx::query("UPDATE _prisma_migrations SET logs = ? WHERE id = ?")
                .bind(logs)
                .bind(id)
                .execute(self.c())
                .await
                .map(drop)
                .map_err(|e| Error::db("recording the failure", &e))
        }
    };
}

#[cfg(any(feature = "postgres", feature = "mysql", feature = "sqlite"))]
mod connection;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
mod postgres_session;
#[cfg(feature = "sqlite")]
mod sqlite;

use chrono::{DateTime, Utc};
use prisma_migrations_build::Provider;

use crate::Error;
use crate::connect::Pool;
use crate::report::MigrationRecord;
use crate::url::Target;

/// A row to insert.
pub(crate) struct NewRow<'a> {
    pub id: &'a str,
    pub checksum: &'a str,
    pub name: &'a str,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub logs: Option<&'a str>,
}

/// The state-deciding columns of a row of `_prisma_migrations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowState {
    pub name: String,
    pub checksum: String,
    pub finished: bool,
    pub rolled_back: bool,
}

impl From<MigrationRecord> for RowState {
    fn from(r: MigrationRecord) -> Self {
        Self {
            finished: r.finished_at.is_some(),
            rolled_back: r.rolled_back_at.is_some(),
            name: r.migration_name,
            checksum: r.checksum,
        }
    }
}

/// What became of a migration's script in deploy.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// It ran and its row is finished.
    Applied,
    /// It failed; its row is not finished.
    Failed(ScriptError),
}

/// How a script failed.
#[derive(Debug)]
pub(crate) struct ScriptError {
    /// SQLSTATE, MySQL error number, SQLite extended code; `none` when the driver gave none.
    pub code: String,
    pub message: String,
    /// 1-based number of the failing statement.
    pub statement: Option<usize>,
}

impl ScriptError {
    fn from_sqlx(e: &sqlx::Error, done: usize) -> Self {
        let (code, message) = crate::error::db_code_and_message(e);
        Self { code: code.unwrap_or_else(|| "none".to_owned()), message, statement: Some(done + 1) }
    }
}

/// What the migrator asks of one database, on one connection: each database module implements it, and the
/// algorithm (`migrator.rs`) is written once over [`Conn`], which dispatches here. The defaults are what a
/// database does unless it has a better way (PostgreSQL overrides `load_states`, `defer_flush` and
/// `apply`).
#[allow(async_fn_in_trait, reason = "crate-private; every implementation is a concrete type, so Send is known")]
pub(crate) trait Driver {
    /// What the lock is, for messages.
    fn lock_name(&self) -> &'static str;

    /// Whether this server has the migration lock (CockroachDB has none; Prisma takes none there).
    fn has_lock(&self) -> bool {
        true
    }

    /// Refuses migrations whose provider the server turns out not to be (a PostgreSQL URL can reach
    /// CockroachDB), as Prisma does when it connects.
    fn check_provider(&self, provider: Option<Provider>) -> Result<(), Error> {
        let _ = provider;
        Ok(())
    }

    /// One attempt at the migration lock, without waiting; true when taken.
    async fn try_lock(&mut self) -> Result<bool, Error>;

    /// Releases the lock.
    async fn unlock(&mut self) -> Result<(), Error>;

    /// Creates the `?schema=` schema when missing (PostgreSQL).
    async fn ensure_schema(&mut self) -> Result<(), Error> {
        Ok(())
    }

    /// The tables of the schema other than `_prisma_migrations` (for P3005).
    async fn user_tables(&mut self) -> Result<Vec<String>, Error>;

    /// `CREATE TABLE _prisma_migrations` with Prisma's DDL.
    async fn create_table(&mut self) -> Result<(), Error>;

    /// Every row, in any order; `None` when the table does not exist. One SELECT.
    async fn load_rows(&mut self) -> Result<Option<Vec<MigrationRecord>>, Error>;

    /// What `verify` needs of every row (name, checksum, finished, rolled back), in any order; `None` when the
    /// table does not exist. One SELECT.
    async fn load_states(&mut self) -> Result<Option<Vec<RowState>>, Error> {
        Ok(self.load_rows().await?.map(|rows| rows.into_iter().map(RowState::from).collect()))
    }

    /// Whether deploy's start rows may commit without waiting for their own flush (the script's commit that
    /// follows flushes them).
    fn defer_flush(&mut self, on: bool) {
        let _ = on;
    }

    async fn insert_row(&mut self, row: &NewRow<'_>) -> Result<(), Error>;

    /// `applied_steps_count = applied_steps_count + 1`.
    async fn add_step(&mut self, id: &str) -> Result<(), Error>;

    async fn set_finished(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), Error>;

    /// One migration of deploy: its start row, its script, then Prisma's two finishing writes
    /// (`applied_steps_count + 1`, then `finished_at`) when the script succeeded, each committed on its own as
    /// under Prisma (MySQL and SQLite commit DDL as it goes, so nothing could make them atomic there). Whatever
    /// the outcome, the start row exists afterwards (the caller records a failure in its `logs`).
    async fn apply(&mut self, row: &NewRow<'_>, sql: &str) -> Result<Outcome, Error> {
        self.insert_row(row).await?;
        crash_point!("start-row");
        if let Err(e) = self.run_script(sql).await {
            return Ok(Outcome::Failed(e));
        }
        crash_point!("script-done");
        self.add_step(row.id).await?;
        crash_point!("step-counted");
        self.set_finished(row.id, Utc::now()).await?;
        Ok(Outcome::Applied)
    }

    async fn set_rolled_back(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), Error>;

    /// `rollback`'s write: every row of the migration goes (see `migrator::rollback_locked` for why).
    async fn delete_rows(&mut self, name: &str) -> Result<(), Error>;

    async fn set_logs(&mut self, id: &str, logs: &str) -> Result<(), Error>;

    /// Runs a script as one unit, the way Prisma sends it.
    async fn run_script(&mut self, sql: &str) -> Result<(), ScriptError>;

    /// Closes the connection (returns it, for a pooled one).
    async fn close(self);
}

/// One connection used for a whole command.
pub(crate) enum Conn {
    #[cfg(feature = "postgres")]
    Postgres(postgres::Conn),
    #[cfg(feature = "sqlite")]
    Sqlite(sqlite::Conn),
    #[cfg(feature = "mysql")]
    MySql(mysql::Conn),
    /// No database feature enabled: no value exists.
    #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
    Never(std::convert::Infallible),
}

macro_rules! dispatch {
    ($self:ident, $c:ident => $e:expr) => {
        match $self {
            #[cfg(feature = "postgres")]
            Conn::Postgres($c) => $e,
            #[cfg(feature = "sqlite")]
            Conn::Sqlite($c) => $e,
            #[cfg(feature = "mysql")]
            Conn::MySql($c) => $e,
            #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
            Conn::Never(n) => never(n),
        }
    };
}

impl Conn {
    /// A new connection of its own (not from the pool), for commands that lock and write.
    pub async fn dedicated(pool: &Pool) -> Result<Self, Error> {
        Ok(match pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres { pool, schema } => Self::Postgres(postgres::Conn::dedicated(pool, schema.clone()).await?),
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(pool) => Self::Sqlite(sqlite::Conn::dedicated(pool).await?),
            #[cfg(feature = "mysql")]
            Pool::MySql(pool) => Self::MySql(mysql::Conn::dedicated(pool).await?),
            #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
            Pool::Never(n) => match *n {},
        })
    }

    /// A connection from the pool, for read-only commands (no lock, no new connection).
    pub async fn pooled(pool: &Pool) -> Result<Self, Error> {
        Ok(match pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres { pool, schema } => Self::Postgres(postgres::Conn::pooled(pool, schema.clone()).await?),
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(pool) => Self::Sqlite(sqlite::Conn::pooled(pool).await?),
            #[cfg(feature = "mysql")]
            Pool::MySql(pool) => Self::MySql(mysql::Conn::pooled(pool).await?),
            #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
            Pool::Never(n) => match *n {},
        })
    }

    /// What the lock is, for messages.
    pub fn lock_name(&self) -> &'static str {
        dispatch!(self, c => c.lock_name())
    }

    pub fn has_lock(&self) -> bool {
        dispatch!(self, c => c.has_lock())
    }

    pub fn check_provider(&self, provider: Option<Provider>) -> Result<(), Error> {
        dispatch!(self, c => c.check_provider(provider))
    }

    pub async fn try_lock(&mut self) -> Result<bool, Error> {
        dispatch!(self, c => c.try_lock().await)
    }

    pub async fn unlock(&mut self) -> Result<(), Error> {
        dispatch!(self, c => c.unlock().await)
    }

    pub async fn ensure_schema(&mut self) -> Result<(), Error> {
        dispatch!(self, c => c.ensure_schema().await)
    }

    pub async fn user_tables(&mut self) -> Result<Vec<String>, Error> {
        dispatch!(self, c => c.user_tables().await)
    }

    pub async fn create_table(&mut self) -> Result<(), Error> {
        dispatch!(self, c => c.create_table().await)
    }

    /// Every row, in `started_at` order (sorted here, after parsing: SQLite tables can mix formats);
    /// `None` when the table does not exist. One SELECT.
    pub async fn load_rows(&mut self) -> Result<Option<Vec<MigrationRecord>>, Error> {
        let rows: Result<Option<Vec<MigrationRecord>>, Error> = dispatch!(self, c => c.load_rows().await);
        Ok(rows?.map(|mut rows| {
            rows.sort_by_key(|r| r.started_at);
            rows
        }))
    }

    pub async fn load_states(&mut self) -> Result<Option<Vec<RowState>>, Error> {
        dispatch!(self, c => c.load_states().await)
    }

    pub fn defer_flush(&mut self, on: bool) {
        let () = dispatch!(self, c => c.defer_flush(on));
    }

    pub async fn insert_row(&mut self, row: &NewRow<'_>) -> Result<(), Error> {
        dispatch!(self, c => c.insert_row(row).await)
    }

    pub async fn apply(&mut self, row: &NewRow<'_>, sql: &str) -> Result<Outcome, Error> {
        dispatch!(self, c => c.apply(row, sql).await)
    }

    pub async fn set_logs(&mut self, id: &str, logs: &str) -> Result<(), Error> {
        dispatch!(self, c => c.set_logs(id, logs).await)
    }

    pub async fn set_rolled_back(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), Error> {
        // Typed: in a build without a database the dispatch is a `match` on an empty enum (`!`).
        let written: Result<(), Error> = dispatch!(self, c => c.set_rolled_back(id, at).await);
        written?;
        crash_point!("rolled-back-row");
        Ok(())
    }

    pub async fn delete_rows(&mut self, name: &str) -> Result<(), Error> {
        dispatch!(self, c => c.delete_rows(name).await)
    }

    pub async fn run_script(&mut self, sql: &str) -> Result<(), ScriptError> {
        dispatch!(self, c => c.run_script(sql).await)
    }

    pub async fn close(self) {
        let () = dispatch!(self, c => c.close().await);
    }
}

/// The arm for the variant that exists when no database feature is enabled.
#[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
fn never<T>(n: impl std::borrow::Borrow<std::convert::Infallible>) -> T {
    match *n.borrow() {}
}

/// Runs a script with the simple/text protocol, counting finished statements so a failure can name its
/// statement (SQLX-NOTES.md: `fetch_many` yields one result per statement on all three databases).
async fn run_counting<'c, DB, E>(executor: E, sql: &str) -> Result<(), ScriptError>
where
    DB: sqlx::Database,
    E: sqlx::Executor<'c, Database = DB>,
{
    use futures_util::StreamExt as _;
    let mut stream = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).fetch_many(executor);
    let mut done = 0usize;
    while let Some(item) = stream.next().await {
        match item {
            Ok(sqlx::Either::Left(_)) => done += 1,
            Ok(sqlx::Either::Right(_)) => {}
            Err(e) => return Err(ScriptError::from_sqlx(&e, done)),
        }
    }
    Ok(())
}

#[cfg(feature = "postgres")]
pub(crate) use postgres::set_search_path as postgres_set_search_path;

/// Whether the database of a URL exists now (asked when connecting found it missing).
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    allow(unused_variables, clippy::unused_async, reason = "only the server databases need the URL and a round trip")
)]
pub(crate) async fn exists(url_str: &str, target: Target) -> Result<bool, Error> {
    match target {
        #[cfg(feature = "postgres")]
        Target::Postgres { options, database, pool, .. } => {
            Ok(crate::connect::probe(url_str, &database, &options, pool.connect_timeout).await?.is_none())
        }
        #[cfg(feature = "mysql")]
        Target::MySql { options, database, pool, .. } => {
            Ok(crate::connect::probe(url_str, &database, &options, pool.connect_timeout).await?.is_none())
        }
        #[cfg(feature = "sqlite")]
        Target::Sqlite { path, .. } => Ok(path.is_none_or(|p| std::fs::metadata(p).is_ok())),
        #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
        Target::Never(n) => match n {},
    }
}

/// `database create` for each kind: true when this call created it.
pub(crate) async fn create_if_missing(url_str: &str, target: Target) -> Result<bool, Error> {
    match target {
        #[cfg(feature = "postgres")]
        Target::Postgres { options, schema, database, pool } => {
            postgres::create_if_missing(url_str, options, schema, &database, pool.connect_timeout).await
        }
        #[cfg(feature = "mysql")]
        Target::MySql { server, database, pool, .. } => {
            mysql::create_if_missing(url_str, server, &database, pool.connect_timeout).await
        }
        #[cfg(feature = "sqlite")]
        Target::Sqlite { options, path, .. } => sqlite::create_if_missing(url_str, options, path).await,
        #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
        Target::Never(n) => match n {},
    }
}
