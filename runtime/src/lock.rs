//! Taking the migration lock: poll with backoff until the lock timeout; [`LockGuard`] holds it on a connection
//! of its own, for the migrator's commands and for fleet's shared locks alike.

use std::time::{Duration, Instant};

use prisma_migrations_build::Provider;

use crate::backend::Conn;
use crate::{Database, Error};

const FIRST_DELAY: Duration = Duration::from_millis(50);
const MAX_DELAY: Duration = Duration::from_secs(1);
const LOG_EVERY: Duration = Duration::from_secs(5);

/// The environment variable Prisma reads to skip the lock (for poolers where session locks do not work).
pub const DISABLE_LOCK_ENV: &str = "PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK";

/// Whether `PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK` is set to anything but `""` or `"0"`, as Prisma reads it.
pub fn disabled_by_env() -> bool {
    disables(std::env::var_os(DISABLE_LOCK_ENV).as_deref())
}

fn disables(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0")
}

/// A dedicated connection with the migration lock held (when locking is on). Release it with
/// [`LockGuard::release`]; dropped without it, closing the connection frees the lock anyway.
pub(crate) struct LockGuard {
    pub conn: Conn,
    locked: bool,
    /// How long taking the lock waited for another holder.
    pub waited: Duration,
}

impl LockGuard {
    /// Opens a connection of its own (a lock must never go back into the pool), refuses a server that is not
    /// of the migrations' `provider` and, with `lock` and a server that has one, takes the migration lock,
    /// waiting up to `timeout`.
    ///
    /// Refuses to lock through PgBouncer (`pgbouncer=true`): in transaction mode a session lock excludes no
    /// other deployer (SQLX-NOTES.md), so it would only pretend to serialize deploys.
    pub async fn open(db: &Database, provider: Option<Provider>, lock: bool, timeout: Duration) -> Result<Self, Error> {
        if lock && db.through_pgbouncer() {
            return Err(Error::LockThroughPooler);
        }
        db.require_exists().await?;
        let mut conn = Conn::dedicated(&db.pool).await?;
        if let Err(e) = conn.check_provider(provider) {
            conn.close().await;
            return Err(e);
        }
        if !lock || !conn.has_lock() {
            return Ok(Self { conn, locked: false, waited: Duration::ZERO });
        }
        match acquire(&mut conn, timeout).await {
            Ok(waited) => {
                crash_point!("lock-taken");
                Ok(Self { conn, locked: true, waited })
            }
            Err(e) => {
                conn.close().await;
                Err(e)
            }
        }
    }

    /// Releases the lock explicitly, then closes the connection (which would free it anyway).
    pub async fn release(mut self) {
        if self.locked {
            crash_point!("before-unlock");
            if let Err(e) = self.conn.unlock().await {
                tracing::warn!(error = %e, "could not release the migration lock; closing the connection frees it");
            }
        }
        self.conn.close().await;
    }
}

/// Polls the lock (never blocks in the database: see `backend::postgres`) with a backoff from 50 ms to 1 s;
/// logs every 5 s while waiting. Returns how long it waited.
async fn acquire(conn: &mut Conn, timeout: Duration) -> Result<Duration, Error> {
    let start = Instant::now();
    let mut delay = FIRST_DELAY;
    let mut last_log = start;
    loop {
        if conn.try_lock().await? {
            let waited = start.elapsed();
            if waited >= LOG_EVERY {
                tracing::info!(
                    waited_ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
                    "took the migration lock"
                );
            }
            return Ok(waited);
        }
        let waited = start.elapsed();
        if waited >= timeout {
            return Err(Error::LockTimeout { lock: conn.lock_name(), waited });
        }
        if last_log.elapsed() >= LOG_EVERY {
            tracing::info!(
                lock = conn.lock_name(),
                waited_s = waited.as_secs(),
                "waiting for the migration lock (key 72707369 / 'prisma_migrate'): another deploy is running"
            );
            last_log = Instant::now();
        }
        tokio::time::sleep(delay.min(timeout.saturating_sub(waited))).await;
        delay = (delay * 2).min(MAX_DELAY);
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    #[test]
    fn env_values_as_prisma_reads_them() {
        assert!(!super::disables(None));
        assert!(!super::disables(Some(OsStr::new(""))));
        assert!(!super::disables(Some(OsStr::new("0"))));
        for v in ["1", "true", "yes", "false"] {
            assert!(super::disables(Some(OsStr::new(v))), "{v}");
        }
    }
}
