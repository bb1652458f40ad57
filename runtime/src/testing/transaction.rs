//! `#[prisma_migrations::test(transaction)]`: the test gets one connection inside a transaction that is rolled
//! back after it, on a database migrated once per history and shared by every `transaction` test (of every test
//! binary) — no database is created per test, which is what makes it an order of magnitude cheaper than a clone
//! (BENCHMARKS.md).
//!
//! Per database:
//! - PostgreSQL: `pm_tx_<hex>`, cloned once from the template. After the test, the connection must still be in the
//!   transaction it was given (`txid_current_if_assigned()` is the xid taken at the start): a test that committed
//!   (a `COMMIT` of its own) fails, and the database is marked (`COMMENT ON DATABASE`) so the next test binary
//!   drops and rebuilds it.
//! - MySQL/MariaDB: `pm_tx_<hex>`, migrated once. DDL commits implicitly there: a test that ran DDL or `COMMIT`
//!   is detected on MariaDB (`@@in_transaction`) and fails; the database is marked (a `_pm_dirty` table) and
//!   rebuilt by the next test binary. MySQL has no way to tell (`information_schema.innodb_trx` omits a
//!   transaction that has not written yet): there a warning says once that the check is not made.
//! - SQLite: writers exclude each other on one file, so each test gets its own copy of the template (as without
//!   `transaction`, already cheap) and the transaction on it; a commit there harms nothing.
//!
//! What a rolled-back transaction cannot undo: sequences (`SERIAL`, `IDENTITY`, `AUTO_INCREMENT`) advance, so a
//! test must not expect the first id to be 1; two tests writing the same unique key wait for each other (the
//! second proceeds when the first rolls back).

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::{Config, Fresh, History, TestOutcome, dispose, runtime};
use crate::{Database, DatabaseKind};

/// The connection a `transaction` test takes by `&mut`: `sqlx::PgConnection`, `sqlx::MySqlConnection` or
/// `sqlx::SqliteConnection`, matching `DATABASE_URL`.
#[diagnostic::on_unimplemented(
    message = "a `#[prisma_migrations::test(transaction)]` function takes `&mut sqlx::PgConnection`, \
               `&mut sqlx::MySqlConnection` or `&mut sqlx::SqliteConnection`, not `&mut {Self}`",
    label = "not a connection of a database prisma-migrations supports (or its feature is off)"
)]
pub trait TestConnection: Sized {
    /// The kind `DATABASE_URL` must name.
    #[doc(hidden)]
    const KIND: DatabaseKind;
    /// What the test signature says, for the mismatch message.
    #[doc(hidden)]
    const NAME: &'static str;
    /// A connection of the database's pool, detached from it.
    #[doc(hidden)]
    fn take(db: &Database) -> impl Future<Output = Result<Self, String>>;
    /// Starts the transaction; returns what [`TestConnection::still_open`] compares.
    #[doc(hidden)]
    fn begin(&mut self) -> impl Future<Output = Result<Option<i64>, String>>;
    /// Runs a fixture inside the transaction.
    #[doc(hidden)]
    fn run_script(&mut self, sql: &'static str) -> impl Future<Output = Result<(), String>>;
    /// Whether the transaction begun is still the one open (`Ok(None)`: it cannot be told here).
    #[doc(hidden)]
    fn still_open(&mut self, token: Option<i64>) -> impl Future<Output = Result<Option<bool>, String>>;
    /// Rolls back and closes.
    #[doc(hidden)]
    fn rollback(self) -> impl Future<Output = Result<(), String>>;
    /// Marks the shared database so that the next test binary rebuilds it.
    #[doc(hidden)]
    fn mark_dirty(&mut self, test: &str) -> impl Future<Output = Result<(), String>>;
}

/// The shared database (or, for SQLite, this test's copy) and what to do with it afterwards.
struct Prepared {
    db: Database,
    /// `pm_tx_<hex>` or the SQLite copy's path.
    shown: String,
    /// SQLite's copy, removed after the test.
    copy: Option<Fresh>,
}

/// Runs one `transaction` test: the connection is in a transaction on the shared migrated database (fixtures
/// applied inside it), rolled back after the test whatever its outcome.
pub fn run_in_transaction<C, F, T>(config: Config, test: F)
where
    C: TestConnection,
    F: AsyncFnOnce(&mut C) -> T,
    T: TestOutcome,
{
    let rt = runtime();
    let url = super::database_url();
    let prepared = rt
        .block_on(prepare::<C>(&config, &url))
        .unwrap_or_else(|e| panic!("#[prisma_migrations::test] `{}`: {e}", config.test_name));
    let Prepared { db, shown, copy } = prepared;
    let started = rt.block_on(async {
        let conn = C::take(&db).await;
        db.close().await;
        let mut conn = conn?;
        let token = conn.begin().await?;
        for (fixture, sql) in config.fixtures {
            if let Err(e) = conn.run_script(sql).await {
                let _ = conn.rollback().await;
                return Err(format!("fixture `{fixture}` failed: {e}"));
            }
        }
        Ok::<_, String>((conn, token))
    });
    let (mut conn, token) = match started {
        Ok(started) => started,
        Err(e) => {
            if let Some(copy) = copy {
                let _ = rt.block_on(dispose(copy));
            }
            panic!("#[prisma_migrations::test] `{}`: {e}", config.test_name);
        }
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| rt.block_on(async { test(&mut conn).await.into_outcome() })));
    let finish = rt.block_on(async {
        let open = conn.still_open(token).await;
        if let Ok(Some(false)) = open {
            let _ = conn.mark_dirty(config.test_name).await;
        }
        // A connection the test left mid-query or broken is dropped: the server rolls back when it goes.
        let _ = conn.rollback().await;
        if let Some(copy) = copy {
            let _ = dispose(copy).await;
        }
        open
    });
    if let Ok(Some(false)) = finish {
        panic!(
            "#[prisma_migrations::test] `{}` committed its transaction (a `COMMIT`, or DDL that commits implicitly \
             on MySQL) into the shared database `{shown}`: a `transaction` test must leave its transaction open. \
             The database is marked and is rebuilt by the next test run; tests running beside this one may fail \
             too. Take a `prisma_migrations::Database` (a database of its own) for a test that must commit.",
            config.test_name
        );
    }
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(message)) => panic!("{message} (its transaction on `{shown}` was rolled back)"),
        Err(panic) => {
            eprintln!(
                "#[prisma_migrations::test] `{}` failed; its transaction on `{shown}` was rolled back",
                config.test_name
            );
            resume_unwind(panic);
        }
    }
}

async fn prepare<C: TestConnection>(config: &Config, url: &str) -> Result<Prepared, String> {
    let kind = DatabaseKind::of_url(url);
    if kind != Some(C::KIND) {
        if kind.is_none() {
            return Err(super::url_error(url).await);
        }
        return Err(format!(
            "the test takes {} but DATABASE_URL is a {} URL",
            C::NAME,
            kind.map_or_else(String::new, |k| k.to_string())
        ));
    }
    let history = History::of(config)?;
    match C::KIND {
        #[cfg(any(feature = "postgres", feature = "mysql"))]
        DatabaseKind::Postgres | DatabaseKind::MySql => shared(url, &history).await,
        #[cfg(feature = "sqlite")]
        DatabaseKind::Sqlite => {
            let name = super::test_db_name(config);
            let mut fresh = super::sqlite::fresh(url, &history, &name).await?;
            let db = fresh.db.clone();
            let shown = std::mem::take(&mut fresh.shown);
            Ok(Prepared { db, shown, copy: Some(fresh) })
        }
        #[allow(unreachable_patterns, reason = "a build without every database")]
        _ => Err(format!("this build of prisma-migrations has no {} support", C::NAME)),
    }
}

/// The database `transaction` tests share on a server, `pm_tx_<hex>`, made (or made again after a test committed
/// into it) once per process under the template's lock, and a pool to it.
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn shared(url: &str, history: &History) -> Result<Prepared, String> {
    let name = history.shared_name();
    let ready = format!("shared {} {name}", crate::redact_url(url));
    if !super::seen(&ready) {
        let admin = Database::connect(url).await.map_err(super::failed("connecting to DATABASE_URL"))?;
        let ensured = match admin.kind() {
            #[cfg(feature = "postgres")]
            DatabaseKind::Postgres => super::postgres::ensure_shared(url, &admin, history).await,
            #[cfg(feature = "mysql")]
            DatabaseKind::MySql => super::mysql::ensure_shared(url, &admin, history).await,
            #[allow(unreachable_patterns, reason = "a build without one of the servers")]
            _ => Ok(()),
        };
        admin.close().await;
        ensured?;
        super::first_time(&ready);
    }
    let shared_url = super::url_for(url, &name).map_err(super::failed("DATABASE_URL"))?;
    let db = Database::connect(&shared_url).await.map_err(super::failed(format!("connecting to `{name}`")))?;
    Ok(Prepared { db, shown: name, copy: None })
}

/// The methods that are the same for every connection: a pool's connection detached, a fixture run, the rollback.
macro_rules! connection_common {
    ($pool:ident) => {
        async fn take(db: &Database) -> Result<Self, String> {
            let pool = db.$pool().ok_or_else(|| format!("DATABASE_URL is not a database for {}", Self::NAME))?;
            Ok(pool.acquire().await.map_err(|e| format!("connecting: {e}"))?.detach())
        }

        async fn run_script(&mut self, sql: &'static str) -> Result<(), String> {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *self).await.map(drop).map_err(|e| e.to_string())
        }

        async fn rollback(mut self) -> Result<(), String> {
            let rolled = sqlx::raw_sql("ROLLBACK").execute(&mut self).await.map(drop).map_err(|e| e.to_string());
            let _ = sqlx::Connection::close(self).await;
            rolled
        }
    };
}

#[cfg(feature = "postgres")]
impl TestConnection for sqlx::PgConnection {
    const KIND: DatabaseKind = DatabaseKind::Postgres;
    const NAME: &'static str = "`&mut sqlx::PgConnection` (PostgreSQL)";

    connection_common!(postgres_pool);

    async fn begin(&mut self) -> Result<Option<i64>, String> {
        sqlx::raw_sql("BEGIN").execute(&mut *self).await.map_err(|e| format!("BEGIN: {e}"))?;
        // An xid now, so that a COMMIT by the test shows as another xid (or none) afterwards.
        let xid: i64 = sqlx::query_scalar("SELECT txid_current()")
            .fetch_one(&mut *self)
            .await
            .map_err(|e| format!("starting the transaction: {e}"))?;
        Ok(Some(xid))
    }

    async fn still_open(&mut self, token: Option<i64>) -> Result<Option<bool>, String> {
        // In a transaction the test aborted with an error, every query fails until ROLLBACK: that is still ours.
        match sqlx::query_scalar::<_, Option<i64>>("SELECT txid_current_if_assigned()").fetch_one(&mut *self).await {
            Ok(xid) => Ok(Some(xid == token)),
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("25P02") => Ok(Some(true)),
            Err(e) => Err(e.to_string()),
        }
    }

    async fn mark_dirty(&mut self, test: &str) -> Result<(), String> {
        let sql = format!(
            "DO $$ BEGIN EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), '{}{}'); END $$",
            super::postgres::DIRTY,
            test.replace('\'', "''")
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *self).await.map(drop).map_err(|e| e.to_string())
    }
}

#[cfg(feature = "mysql")]
impl TestConnection for sqlx::MySqlConnection {
    const KIND: DatabaseKind = DatabaseKind::MySql;
    const NAME: &'static str = "`&mut sqlx::MySqlConnection` (MySQL/MariaDB)";

    connection_common!(mysql_pool);

    async fn begin(&mut self) -> Result<Option<i64>, String> {
        sqlx::raw_sql("START TRANSACTION").execute(&mut *self).await.map_err(|e| format!("START TRANSACTION: {e}"))?;
        Ok(None)
    }

    async fn still_open(&mut self, _token: Option<i64>) -> Result<Option<bool>, String> {
        // MariaDB's `in_transaction` (BIGINT UNSIGNED: cast for the decoder). MySQL has no such variable, and
        // `information_schema.innodb_trx` omits a transaction that has not written yet: there the check is not made.
        match sqlx::query_scalar::<_, i64>("SELECT CAST(@@in_transaction AS SIGNED)").fetch_one(&mut *self).await {
            Ok(open) => Ok(Some(open == 1)),
            // "Unknown system variable 'in_transaction'" (1193).
            Err(sqlx::Error::Database(e)) if e.message().contains("in_transaction") => {
                if super::first_time("in_transaction warning") {
                    tracing::warn!(
                        "#[prisma_migrations::test(transaction)]: this server has no @@in_transaction (MySQL): a test \
                         that commits into the shared database is not detected"
                    );
                }
                Ok(None)
            }
            Err(e) => Err(e.to_string()),
        }
    }

    async fn mark_dirty(&mut self, test: &str) -> Result<(), String> {
        sqlx::raw_sql("CREATE TABLE IF NOT EXISTS `_pm_dirty` (test VARCHAR(255))")
            .execute(&mut *self)
            .await
            .map_err(|e| e.to_string())?;
        sqlx::query("INSERT INTO `_pm_dirty` (test) VALUES (?)")
            .bind(test)
            .execute(&mut *self)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

#[cfg(feature = "sqlite")]
impl TestConnection for sqlx::SqliteConnection {
    const KIND: DatabaseKind = DatabaseKind::Sqlite;
    const NAME: &'static str = "`&mut sqlx::SqliteConnection` (SQLite)";

    connection_common!(sqlite_pool);

    async fn begin(&mut self) -> Result<Option<i64>, String> {
        sqlx::raw_sql("BEGIN").execute(&mut *self).await.map(drop).map_err(|e| format!("BEGIN: {e}"))?;
        Ok(None)
    }

    /// The copy is this test's own: a commit there harms nothing, and is not looked for.
    async fn still_open(&mut self, _token: Option<i64>) -> Result<Option<bool>, String> {
        Ok(None)
    }

    async fn mark_dirty(&mut self, _test: &str) -> Result<(), String> {
        Ok(())
    }
}
