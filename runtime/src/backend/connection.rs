//! The connection every database module works on, written once: a connection of its own (commands that lock and
//! write: a lock must never go back into the pool) or one from the pool (read-only commands).

use sqlx::pool::PoolConnection;
use sqlx::{Connection as _, Database as SqlxDatabase, Pool};

use crate::Error;

enum Handle<DB: SqlxDatabase> {
    Own(DB::Connection),
    Pooled(PoolConnection<DB>),
}

pub(crate) struct Connection<DB: SqlxDatabase> {
    handle: Handle<DB>,
    /// The pool, while the pooled connection has not been tested (see [`Connection::pooled`]).
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(dead_code, reason = "a file does not go away")
    )]
    untested: Option<Pool<DB>>,
}

impl<DB: SqlxDatabase> Connection<DB> {
    /// A new connection with the pool's connect options, not one of the pool's (SQLite's; the servers' migration
    /// connections set up their session themselves, `dedicated_with`).
    #[cfg(feature = "sqlite")]
    pub async fn dedicated(pool: &Pool<DB>) -> Result<Self, Error> {
        let conn = Self::connect(pool, "opening the migration connection").await?;
        Ok(Self { handle: Handle::Own(conn), untested: None })
    }

    /// An idle connection as it is, without sqlx's test ping, so a read is one round trip (`verify`); if it
    /// turns out dead, [`Connection::reconnect`] gives one retry. No idle connection: a tested (or new) one.
    pub async fn pooled(pool: &Pool<DB>) -> Result<Self, Error> {
        if let Some(conn) = pool.try_acquire() {
            return Ok(Self { handle: Handle::Pooled(conn), untested: Some(pool.clone()) });
        }
        let conn = pool.acquire().await.map_err(|e| Error::db("acquiring a connection", &e))?;
        Ok(Self { handle: Handle::Pooled(conn), untested: None })
    }

    /// A new connection with `options` (the pool's, adjusted for the migration session), not one of the pool's.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(dead_code, reason = "SQLite has no session to adjust")
    )]
    pub async fn dedicated_with(options: &<DB::Connection as sqlx::Connection>::Options) -> Result<Self, Error> {
        let conn = DB::Connection::connect_with(options)
            .await
            .map_err(|e| Error::db("opening the migration connection", &e))?;
        Ok(Self { handle: Handle::Own(conn), untested: None })
    }

    async fn connect(pool: &Pool<DB>, action: &'static str) -> Result<DB::Connection, Error> {
        DB::Connection::connect_with(&pool.connect_options()).await.map_err(|e| Error::db(action, &e))
    }

    pub fn c(&mut self) -> &mut DB::Connection {
        match &mut self.handle {
            Handle::Own(c) => c,
            Handle::Pooled(c) => c,
        }
    }

    /// After `e` on an untested pooled connection that turns out dead (server restarted, session killed): a
    /// new connection of its own replaces it (the dead one still holds its pool slot, and a one-connection pool
    /// would wait forever) and the caller retries once. False when there is nothing to retry.
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    pub async fn reconnect(&mut self, e: &sqlx::Error) -> Result<bool, Error> {
        if !crate::error::connection_lost(e) {
            return Ok(false);
        }
        let Some(pool) = self.untested.take() else { return Ok(false) };
        self.handle = Handle::Own(Self::connect(&pool, "reconnecting").await?);
        Ok(true)
    }

    /// Closes a connection of its own; returns a pooled one.
    pub async fn close(self) {
        match self.handle {
            Handle::Own(c) => {
                let _ = c.close().await;
            }
            Handle::Pooled(c) => drop(c),
        }
    }
}
