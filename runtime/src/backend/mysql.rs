//! MySQL and MariaDB: `DATETIME(3)` timestamps written as naive UTC, lock = `GET_LOCK('prisma_migrate', …)`
//! with its result checked, scripts as one multi-statement text query (no transaction; DDL commits).
//!
//! Prisma's engine: `flavour/mysql.rs` (`acquire_lock`, `CREATE TABLE … DEFAULT CHARACTER SET utf8mb4 COLLATE
//! utf8mb4_unicode_ci`), `flavour/mysql/connection.rs` (`apply_migration_script`, error number as the code).

use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlPool, MySqlRow};
use sqlx::{Connection as _, Executor as _, MySql, Row as _};

use super::Driver;
use super::connection::Connection;
use super::{NewRow, ScriptError, run_counting};
use crate::Error;
use crate::report::MigrationRecord;

const LOCK_NAME: &str = "prisma_migrate";

const CREATE_TABLE: &str = "CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";

pub(crate) struct Conn {
    link: Connection<MySql>,
}

impl Conn {
    /// The migration connection, in the session Prisma's engine gives a script. Prisma's engine (quaint over
    /// `mysql_async`, `quaint/src/connector/mysql/native/mod.rs` `to_opts_builder`) runs nothing on connect, and
    /// `mysql_async` asks for `utf8mb4_general_ci` in its handshake (`src/conn/mod.rs` `handle_handshake`) without
    /// `CLIENT_IGNORE_SPACE` (`src/opts/mod.rs` `get_capabilities`): the server's `time_zone` and global
    /// `sql_mode` apply. sqlx's handshake asks for the same collation, but sqlx then runs `SET time_zone='+00:00',
    /// NAMES utf8mb4` (turned off here; `NAMES` would pick the server's default utf8mb4 collation) and its
    /// handshake always asks for `IGNORE_SPACE`, which the server adds to the session's `sql_mode`: the global
    /// mode is restored. (Its `CLIENT_FOUND_ROWS` cannot be turned off: README.) The bookkeeping does not depend
    /// on the zone: its `DATETIME(3)` values are bound as naive UTC by the client, never `NOW()`.
    pub async fn dedicated(pool: &MySqlPool) -> Result<Self, Error> {
        let options = (*pool.connect_options()).clone().set_names(false).timezone(None);
        let mut this = Self { link: Connection::dedicated_with(&options).await? };
        this.c()
            .execute("SET SESSION sql_mode = @@GLOBAL.sql_mode")
            .await
            .map_err(|e| Error::db("setting the session's sql_mode", &e))?;
        Ok(this)
    }

    pub async fn pooled(pool: &MySqlPool) -> Result<Self, Error> {
        Ok(Self { link: Connection::pooled(pool).await? })
    }

    fn c(&mut self) -> &mut MySqlConnection {
        self.link.c()
    }

    async fn select_rows(&mut self) -> Result<Vec<MySqlRow>, sqlx::Error> {
        sqlx::raw_sql(
            "SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count \
             FROM _prisma_migrations",
        )
        .fetch_all(self.c())
        .await
    }
}

impl Driver for Conn {
    fn lock_name(&self) -> &'static str {
        "MySQL named lock GET_LOCK('prisma_migrate')"
    }

    /// `GET_LOCK(name, 0)`: 1 = taken, 0 = held elsewhere (the caller polls), NULL = error. Prisma ignores the
    /// result and goes on after its 10 s; we never run without the lock.
    async fn try_lock(&mut self) -> Result<bool, Error> {
        let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, 0)")
            .bind(LOCK_NAME)
            .fetch_one(self.c())
            .await
            .map_err(|e| Error::db("taking the migration lock", &e))?;
        match got {
            Some(1) => Ok(true),
            Some(_) => Ok(false),
            None => Err(Error::LockFailed {
                lock: "MySQL named lock GET_LOCK('prisma_migrate')",
                message: "GET_LOCK returned NULL".to_owned(),
            }),
        }
    }

    async fn unlock(&mut self) -> Result<(), Error> {
        sqlx::query_scalar::<_, Option<i64>>("SELECT RELEASE_LOCK(?)")
            .bind(LOCK_NAME)
            .fetch_one(self.c())
            .await
            .map(drop)
            .map_err(|e| Error::db("releasing the migration lock", &e))
    }

    async fn user_tables(&mut self) -> Result<Vec<String>, Error> {
        sqlx::query_scalar::<_, String>(
            "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' \
             ORDER BY 1",
        )
        .fetch_all(self.c())
        .await
        .map_err(|e| Error::db("listing the tables of the database", &e))
    }

    async fn create_table(&mut self) -> Result<(), Error> {
        self.c().execute(CREATE_TABLE).await.map(drop).map_err(|e| Error::db("creating _prisma_migrations", &e))
    }

    /// A text-protocol query: one round trip.
    async fn load_rows(&mut self) -> Result<Option<Vec<MigrationRecord>>, Error> {
        let mut rows = self.select_rows().await;
        if let Err(e) = &rows
            && self.link.reconnect(e).await?
        {
            rows = self.select_rows().await;
        }
        match rows {
            Ok(rows) => rows.iter().map(record).collect::<Result<Vec<_>, _>>().map(Some),
            // 1146 ER_NO_SUCH_TABLE.
            Err(sqlx::Error::Database(d))
                if d.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>().is_some_and(|m| m.number() == 1146) =>
            {
                Ok(None)
            }
            Err(e) => Err(Error::db("reading _prisma_migrations", &e)),
        }
    }

    question_mark_bookkeeping!(naive);

    /// One `COM_QUERY` with every statement, as Prisma sends it; statements before a failure stay.
    /// A script of only comments (`-- This is an empty migration.`) is an empty query to MySQL (error 1065);
    /// Prisma applies such files, so that error on the first statement counts as success.
    async fn run_script(&mut self, sql: &str) -> Result<(), ScriptError> {
        match run_counting(&mut *self.c(), sql).await {
            Err(e) if e.code == "1065" && e.statement == Some(1) => Ok(()),
            other => other,
        }
    }

    async fn close(self) {
        self.link.close().await;
    }
}

/// Naive UTC with microseconds: MariaDB truncates to the column's milliseconds, MySQL 8 rounds (PRISMA.md).
fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

fn record(row: &MySqlRow) -> Result<MigrationRecord, Error> {
    let get = |e: sqlx::Error| Error::db("reading _prisma_migrations", &e);
    let time = |col: &str| -> Result<Option<DateTime<Utc>>, Error> {
        Ok(row.try_get::<Option<NaiveDateTime>, _>(col).map_err(get)?.map(|n| n.and_utc()))
    };
    Ok(MigrationRecord {
        id: row.try_get("id").map_err(get)?,
        checksum: row.try_get("checksum").map_err(get)?,
        finished_at: time("finished_at")?,
        migration_name: row.try_get("migration_name").map_err(get)?,
        logs: row.try_get("logs").map_err(get)?,
        rolled_back_at: time("rolled_back_at")?,
        started_at: time("started_at")?.unwrap_or_default(),
        applied_steps_count: row.try_get::<u32, _>("applied_steps_count").map_err(get)?,
    })
}

/// `CREATE DATABASE … CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`, as Prisma creates it (prisma-engines
/// `flavour/mysql.rs`, `create_database`), on a connection with no database selected: Prisma's engine connects to
/// the `mysql` database for it, which a user limited to its own databases may not use (README, Differences).
pub(crate) async fn create_if_missing(
    url: &str,
    server: MySqlConnectOptions,
    database: &str,
    connect_timeout: Option<std::time::Duration>,
) -> Result<bool, Error> {
    let mut conn = crate::connect::connect_within(url, database, &server, connect_timeout).await?;
    let exists = sqlx::query_scalar::<_, i64>("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")
        .bind(database)
        .fetch_optional(&mut conn)
        .await
        .map_err(|e| Error::db("looking up the database", &e))?
        .is_some();
    if !exists {
        let sql = format!(
            "CREATE DATABASE IF NOT EXISTS `{}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            database.replace('`', "``")
        );
        conn.execute(sqlx::AssertSqlSafe(sql)).await.map_err(|e| Error::db("creating the database", &e))?;
    }
    let _ = conn.close().await;
    Ok(!exists)
}
