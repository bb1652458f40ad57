//! The pools behind a [`Database`](crate::Database) and the one-connection helpers that turn driver errors into
//! Prisma's P1000/P1001/P1003. Below both `database` and `backend`, which use them.

use crate::Error;
use crate::url;

/// The sqlx pool of one database.
#[derive(Clone)]
pub(crate) enum Pool {
    #[cfg(feature = "postgres")]
    Postgres { pool: sqlx::PgPool, schema: Option<String> },
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
    /// No database feature enabled: no value exists.
    #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
    Never(std::convert::Infallible),
}

/// One connection, within Prisma's `connect_timeout` (a server that never answers gives P1001 then, not after
/// the operating system's TCP timeout).
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) async fn connect_within<O>(
    url: &str,
    database: &str,
    options: &O,
    timeout: Option<std::time::Duration>,
) -> Result<O::Connection, Error>
where
    O: sqlx::ConnectOptions,
    O::Connection: Sized,
{
    let connecting = options.connect();
    match timeout {
        Some(t) => tokio::time::timeout(t, connecting).await.map_err(|_| Error::CannotReach {
            url: url::redact_url(url),
            message: format!("no connection within {t:?} (`connect_timeout`)"),
        })?,
        None => connecting.await,
    }
    .map_err(|e| connect_error(url, database, &e))
}

/// One direct connection, within Prisma's `connect_timeout`, so a bad URL fails at once with the real cause
/// (a pool would retry a refused connection until its acquire timeout). `Some(database)` when the server says
/// the database does not exist.
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub(crate) async fn probe<O>(
    url: &str,
    database: &str,
    options: &O,
    timeout: Option<std::time::Duration>,
) -> Result<Option<String>, Error>
where
    O: sqlx::ConnectOptions,
    O::Connection: Sized,
{
    match connect_within(url, database, options, timeout).await {
        Ok(conn) => {
            let _ = sqlx::Connection::close(conn).await;
            Ok(None)
        }
        Err(Error::DatabaseMissing { database }) => Ok(Some(database)),
        Err(e) => Err(e),
    }
}

/// Turns a connection error into P1000/P1001/P1003, password scrubbed.
pub(crate) fn connect_error(url: &str, database: &str, e: &sqlx::Error) -> Error {
    let redacted = url::redact_url(url);
    if let sqlx::Error::Database(d) = e {
        let code = d.code().map(std::borrow::Cow::into_owned).unwrap_or_default();
        let message = url::scrub(d.message(), url);
        // 3D000 invalid_catalog_name; MySQL 1049 unknown database.
        if code == "3D000" || code == "42000" && message.contains("Unknown database") {
            return Error::DatabaseMissing { database: database.to_owned() };
        }
        // 28P01/28000 PostgreSQL; 1045 access denied (sqlx reports SQLSTATE 28000 for MySQL too).
        if code.starts_with("28") {
            return Error::AuthenticationFailed { url: redacted, message };
        }
        return Error::Database { action: "connecting", code: Some(code), message };
    }
    let message = url::scrub(&e.to_string(), url);
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::Tls(_) => {
            Error::CannotReach { url: redacted, message }
        }
        _ => Error::Database { action: "connecting", code: None, message },
    }
}
