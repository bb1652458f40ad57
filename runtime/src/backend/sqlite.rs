//! SQLite: timestamps as INTEGER Unix epoch milliseconds, lock = `PRAGMA main.locking_mode=EXCLUSIVE` plus a
//! write, scripts statement by statement in autocommit.
//!
//! Prisma's engine: `flavour/sqlite.rs` (`acquire_lock` runs `PRAGMA main.locking_mode=EXCLUSIVE`) and
//! `flavour/sqlite/connector/native/mod.rs` (`execute_batch`, error code = SQLite extended code).

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeZone as _, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Connection as _, Executor as _, Row as _, Sqlite};

use super::Driver;
use super::connection::Connection;
use super::{NewRow, ScriptError, run_counting};
use crate::Error;
use crate::report::MigrationRecord;

const CREATE_TABLE: &str = r#"CREATE TABLE "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)"#;

/// sqlx's default busy timeout, restored once the lock is held.
const BUSY_TIMEOUT_MS: u64 = 5_000;

pub(crate) struct Conn {
    link: Connection<Sqlite>,
}

impl Conn {
    pub async fn dedicated(pool: &SqlitePool) -> Result<Self, Error> {
        Ok(Self { link: Connection::dedicated(pool).await? })
    }

    pub async fn pooled(pool: &SqlitePool) -> Result<Self, Error> {
        Ok(Self { link: Connection::pooled(pool).await? })
    }

    fn c(&mut self) -> &mut SqliteConnection {
        self.link.c()
    }
}

impl Driver for Conn {
    fn lock_name(&self) -> &'static str {
        "exclusive lock on the SQLite database file"
    }

    /// Exclusive locking mode takes effect at the next write; `BEGIN EXCLUSIVE; COMMIT;` is that write. With a
    /// zero busy timeout a held lock answers `SQLITE_BUSY` at once and the caller polls with backoff.
    async fn try_lock(&mut self) -> Result<bool, Error> {
        let setup = "PRAGMA main.locking_mode=EXCLUSIVE; PRAGMA busy_timeout = 0;";
        self.c().execute(setup).await.map_err(|e| Error::db("taking the migration lock", &e))?;
        let taken = match self.c().execute("BEGIN EXCLUSIVE; COMMIT;").await {
            Ok(_) => true,
            Err(sqlx::Error::Database(d)) if is_busy(d.code().as_deref()) => {
                // In exclusive mode a connection keeps every lock it took, including the SHARED lock a failed
                // `BEGIN EXCLUSIVE` got on its way: two waiters that each kept one blocked each other until the
                // lock timeout (tests/tests/contention.rs). Back to normal mode and one read, which ends by
                // releasing it; the next attempt starts with no lock held.
                let release = "PRAGMA main.locking_mode=NORMAL; SELECT count(*) FROM sqlite_master;";
                let _ = self.c().execute(release).await;
                false
            }
            Err(e) => return Err(Error::db("taking the migration lock", &e)),
        };
        let restore = format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};");
        self.c().execute(sqlx::AssertSqlSafe(restore)).await.map_err(|e| Error::db("taking the migration lock", &e))?;
        Ok(taken)
    }

    /// Back to normal locking; the exclusive lock goes at the next access (and with the connection anyway).
    async fn unlock(&mut self) -> Result<(), Error> {
        self.c()
            .execute("PRAGMA main.locking_mode=NORMAL; SELECT count(*) FROM sqlite_master;")
            .await
            .map(drop)
            .map_err(|e| Error::db("releasing the migration lock", &e))
    }

    async fn user_tables(&mut self) -> Result<Vec<String>, Error> {
        sqlx::query_scalar::<_, String>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' \
             AND name <> '_prisma_migrations' ORDER BY name",
        )
        .fetch_all(self.c())
        .await
        .map_err(|e| Error::db("listing the tables of the database", &e))
    }

    async fn create_table(&mut self) -> Result<(), Error> {
        self.c().execute(CREATE_TABLE).await.map(drop).map_err(|e| Error::db("creating _prisma_migrations", &e))
    }

    /// Timestamps are read as text (an INTEGER casts to its digits) and parsed in Rust: Prisma writes epoch
    /// milliseconds, driver adapters ISO-8601 text, and `current_timestamp` `YYYY-MM-DD HH:MM:SS`.
    async fn load_rows(&mut self) -> Result<Option<Vec<MigrationRecord>>, Error> {
        let rows = sqlx::query(
            "SELECT id, checksum, CAST(finished_at AS TEXT) AS finished_at, migration_name, logs, \
             CAST(rolled_back_at AS TEXT) AS rolled_back_at, CAST(started_at AS TEXT) AS started_at, \
             applied_steps_count FROM _prisma_migrations",
        )
        .fetch_all(self.c())
        .await;
        match rows {
            Ok(rows) => rows.iter().map(record).collect::<Result<Vec<_>, _>>().map(Some),
            Err(sqlx::Error::Database(d)) if d.message().contains("no such table") => Ok(None),
            Err(e) => Err(Error::db("reading _prisma_migrations", &e)),
        }
    }

    question_mark_bookkeeping!(millis);

    /// Statement by statement in autocommit, never inside a transaction: Prisma's table redefinitions rely on
    /// `PRAGMA foreign_keys=OFF`, which a transaction would turn into a no-op (SQLX-NOTES.md).
    async fn run_script(&mut self, sql: &str) -> Result<(), ScriptError> {
        run_counting(&mut *self.c(), sql).await
    }

    async fn close(self) {
        self.link.close().await;
    }
}

/// Prisma's SQLite timestamps: INTEGER Unix epoch milliseconds.
fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// `SQLITE_BUSY` (5) and `SQLITE_LOCKED` (6), with their extended codes.
fn is_busy(code: Option<&str>) -> bool {
    code.and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

fn record(row: &SqliteRow) -> Result<MigrationRecord, Error> {
    let get = |e: sqlx::Error| Error::db("reading _prisma_migrations", &e);
    let time = |col: &str| -> Result<Option<DateTime<Utc>>, Error> {
        let text: Option<String> = row.try_get(col).map_err(get)?;
        text.map(|t| {
            parse_time(&t).ok_or_else(|| Error::Database {
                action: "reading _prisma_migrations",
                code: None,
                message: format!("column `{col}` holds `{t}`, which is not a timestamp"),
            })
        })
        .transpose()
    };
    let started_at = time("started_at")?.ok_or_else(|| Error::Database {
        action: "reading _prisma_migrations",
        code: None,
        message: "a row has no `started_at`".to_owned(),
    })?;
    Ok(MigrationRecord {
        id: row.try_get("id").map_err(get)?,
        checksum: row.try_get("checksum").map_err(get)?,
        finished_at: time("finished_at")?,
        migration_name: row.try_get("migration_name").map_err(get)?,
        logs: row.try_get("logs").map_err(get)?,
        rolled_back_at: time("rolled_back_at")?,
        started_at,
        applied_steps_count: u32::try_from(row.try_get::<i64, _>("applied_steps_count").map_err(get)?).unwrap_or(0),
    })
}

/// Epoch milliseconds (Prisma), or text: `YYYY-MM-DD HH:MM:SS[.fff]` (SQLite's `current_timestamp`), RFC 3339
/// or ISO-8601 without offset (driver adapters). Naive text is UTC.
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(ms) = t.parse::<i64>() {
        return Utc.timestamp_millis_opt(ms).single();
    }
    if let Ok(f) = t.parse::<f64>() {
        #[allow(clippy::cast_possible_truncation, reason = "a REAL epoch in ms fits an i64")]
        return Utc.timestamp_millis_opt(f as i64).single();
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f%:z"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .map(|n| n.and_utc())
        .or_else(|| DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f%:z").ok().map(|d| d.with_timezone(&Utc)))
}

/// Creates the file and, as Prisma does, its directory (prisma-engines `sqlite/connector/native/mod.rs`,
/// `create_database`).
pub(crate) async fn create_if_missing(
    url: &str,
    options: SqliteConnectOptions,
    path: Option<PathBuf>,
) -> Result<bool, Error> {
    let Some(path) = path else { return Ok(false) };
    if std::fs::metadata(&path).is_ok() {
        return Ok(false);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::CreateDir { path: dir.to_owned(), message: e.to_string() })?;
    }
    let conn = SqliteConnection::connect_with(&options.create_if_missing(true).busy_timeout(Duration::from_secs(5)))
        .await
        .map_err(|e| crate::connect::connect_error(url, &path.display().to_string(), &e))?;
    let _ = conn.close().await;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_format() {
        let want =
            Utc.with_ymd_and_hms(2024, 11, 24, 3, 4, 5).single().map(|t| t + chrono::Duration::milliseconds(678));
        assert_eq!(parse_time("1732417445678"), want);
        assert_eq!(parse_time("2024-11-24 03:04:05.678"), want);
        assert_eq!(parse_time("2024-11-24T03:04:05.678Z"), want);
        assert_eq!(parse_time("2024-11-24T03:04:05.678+00:00"), want);
        assert_eq!(parse_time("2024-11-24T03:04:05.678"), want);
        assert_eq!(parse_time("2024-11-24 03:04:05"), want.map(|t| t - chrono::Duration::milliseconds(678)));
        assert_eq!(parse_time("yesterday"), None);
    }
}
