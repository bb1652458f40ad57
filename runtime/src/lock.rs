//! Taking the migration lock: poll with backoff until the lock timeout.

use std::time::{Duration, Instant};

use crate::Error;
use crate::backend::Conn;

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

/// Polls the lock (never blocks in the database: see `backend::postgres`) with a backoff from 50 ms to 1 s;
/// logs every 5 s while waiting. Returns how long it waited.
pub(crate) async fn acquire(conn: &mut Conn, timeout: Duration) -> Result<Duration, Error> {
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
