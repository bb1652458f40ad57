//! Event gates: a statement a test puts in a migration that blocks until the test opens the gate, so "the
//! deployer is in the middle of migration k" is an event the test waits for, never a sleep or a CPU-calibrated
//! loop.
//!
//! - PostgreSQL: the test holds `pg_advisory_lock(key)` in the target database; the migration runs
//!   `pg_advisory_xact_lock(key)` (released with the script's transaction). Reached = a waiting advisory lock
//!   on that key in `pg_locks`. (A killed deployer's backend notices the lost client while it waits there
//!   because the library sets `client_connection_check_interval` on its migration connection.)
//! - MySQL/MariaDB: the test holds `GET_LOCK(name)`; the migration calls `GET_LOCK(name, 3600)` and releases it.
//!   Reached = a session in `information_schema.processlist` waiting on that `GET_LOCK`.
//! - SQLite: the test holds `BEGIN EXCLUSIVE` on a separate `gate.db`; the migration writes to it through
//!   `ATTACH`, with a busy timeout of an hour (SQLite's only blocking wait is the busy handler). SQLite shows no
//!   lock waiters, so just before the write the migration creates a table in another attached file,
//!   `reached.db`, which the test watches.
//!
//! `Gate::sql` goes into the migration, `Gate::wait_reached` returns once a deployer is blocked at it,
//! `Gate::open` lets it through. A migration passes the gate freely once it is open or its holder is gone (a
//! re-run after a crash). Deadlines here only guard against hangs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sqlx::Connection as _;

/// How long a test waits for a deployer to reach a gate before failing (a hang guard).
pub const REACH_DEADLINE: Duration = Duration::from_mins(2);

/// A closed gate, held by the test.
#[derive(Debug)]
pub struct Gate {
    holder: Holder,
    id: u32,
}

#[derive(Debug)]
enum Holder {
    Pg { conn: sqlx::PgConnection, url: String },
    My { conn: sqlx::MySqlConnection, url: String },
    Lite { conn: sqlx::SqliteConnection, gate: PathBuf, reached: PathBuf },
}

fn random_id() -> u32 {
    let n = uuid::Uuid::new_v4().as_u128();
    // Positive and far from the migration lock's key (72707369).
    u32::try_from(n % 1_000_000_000).unwrap_or(1) + 1_000_000_000
}

/// The SQL path literal of a file (single quotes doubled).
fn sql_path(p: &Path) -> String {
    p.display().to_string().replace('\'', "''")
}

impl Gate {
    /// The session ids of the MySQL sessions blocked at the gate (empty elsewhere).
    ///
    /// # Panics
    /// When the server cannot be queried.
    pub async fn mysql_waiter_ids(&self) -> Vec<i64> {
        let Holder::My { url, .. } = &self.holder else { return Vec::new() };
        let mut c = sqlx::MySqlConnection::connect(url).await.expect("gate: connect");
        let sql = format!(
            "SELECT CAST(id AS SIGNED) FROM information_schema.processlist \
             WHERE id <> CONNECTION_ID() AND info LIKE '%GET_LOCK(''pm_gate_{}'', 3600)%'",
            self.id
        );
        let ids = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(&mut c).await.expect("processlist");
        let _ = c.close().await;
        ids
    }

    /// A closed gate in the PostgreSQL database at `url` (advisory locks are per database: the migration must
    /// run in the same one).
    ///
    /// # Panics
    /// When the database cannot be reached.
    pub async fn postgres(url: &str) -> Self {
        let id = random_id();
        let mut conn = sqlx::PgConnection::connect(url).await.expect("gate: connect to PostgreSQL");
        let sql = sqlx::AssertSqlSafe(format!("SELECT pg_advisory_lock({id})"));
        sqlx::raw_sql(sql).execute(&mut conn).await.expect("gate: pg_advisory_lock");
        Self { holder: Holder::Pg { conn, url: url.to_owned() }, id }
    }

    /// A closed gate on the MySQL/MariaDB server of `url` (`GET_LOCK` names are server-wide).
    ///
    /// # Panics
    /// When the server cannot be reached.
    pub async fn mysql(url: &str) -> Self {
        let id = random_id();
        let mut conn = sqlx::MySqlConnection::connect(url).await.expect("gate: connect to MySQL");
        let got: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT GET_LOCK('pm_gate_{id}', 10)")))
            .fetch_one(&mut conn)
            .await
            .expect("gate: GET_LOCK");
        assert_eq!(got, Some(1), "gate: GET_LOCK('pm_gate_{id}')");
        Self { holder: Holder::My { conn, url: url.to_owned() }, id }
    }

    /// A closed gate made of files in `dir` (`gate_<id>.db`, `reached_<id>.db`).
    ///
    /// # Panics
    /// When the files cannot be written.
    pub async fn sqlite(dir: &Path) -> Self {
        let id = random_id();
        let gate = dir.join(format!("gate_{id}.db"));
        let reached = dir.join(format!("reached_{id}.db"));
        // The deployer's connection may not create files (ATTACH opens with its flags): both exist beforehand;
        // SQLite takes an empty file as an empty database.
        std::fs::write(&reached, b"").expect("gate: create reached.db");
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&gate).create_if_missing(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&opts).await.expect("gate: open gate.db");
        sqlx::raw_sql("CREATE TABLE g (x INTEGER); BEGIN EXCLUSIVE;")
            .execute(&mut conn)
            .await
            .expect("gate: BEGIN EXCLUSIVE on gate.db");
        Self { holder: Holder::Lite { conn, gate, reached }, id }
    }

    /// The statements to put in a migration where it must stop until the gate opens.
    pub fn sql(&self) -> String {
        let id = self.id;
        match &self.holder {
            Holder::Pg { .. } => {
                format!("SELECT pg_advisory_xact_lock({id});\n")
            }
            Holder::My { .. } => {
                format!("SELECT GET_LOCK('pm_gate_{id}', 3600);\nSELECT RELEASE_LOCK('pm_gate_{id}');\n")
            }
            Holder::Lite { gate, reached, .. } => format!(
                "PRAGMA busy_timeout = 3600000;\n\
                 ATTACH '{r}' AS pm_reached;\nCREATE TABLE IF NOT EXISTS pm_reached.reached (x INTEGER);\nDETACH pm_reached;\n\
                 ATTACH '{g}' AS pm_gate;\nINSERT INTO pm_gate.g VALUES (1);\nDETACH pm_gate;\n\
                 PRAGMA busy_timeout = 5000;\n",
                r = sql_path(reached),
                g = sql_path(gate)
            ),
        }
    }

    /// Whether a deployer is blocked at the gate now.
    ///
    /// # Panics
    /// When the database cannot be queried.
    pub async fn is_reached(&self) -> bool {
        self.waiters().await > 0
    }

    /// How many sessions are blocked at the gate now (SQLite: 1 once a deployer reached it).
    ///
    /// # Panics
    /// When the database cannot be queried.
    pub async fn waiters(&self) -> i64 {
        match &self.holder {
            Holder::Pg { url, .. } => {
                let mut c = sqlx::PgConnection::connect(url).await.expect("gate: connect");
                let sql = format!(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
                     AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                     AND classid = 0 AND objid = {} AND objsubid = 1",
                    self.id
                );
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&mut c).await.expect("pg_locks");
                let _ = c.close().await;
                n
            }
            Holder::My { url, .. } => {
                let mut c = sqlx::MySqlConnection::connect(url).await.expect("gate: connect");
                let sql = format!(
                    "SELECT CAST(count(*) AS SIGNED) FROM information_schema.processlist \
                     WHERE id <> CONNECTION_ID() AND info LIKE '%GET_LOCK(''pm_gate_{}'', 3600)%'",
                    self.id
                );
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&mut c).await.expect("processlist");
                let _ = c.close().await;
                n
            }
            Holder::Lite { reached, .. } => i64::from(std::fs::metadata(reached).is_ok_and(|m| m.len() > 0)),
        }
    }

    /// Waits until a deployer is blocked at the gate.
    ///
    /// # Panics
    /// After [`REACH_DEADLINE`] (a hang guard), naming what never happened.
    pub async fn wait_reached(&self) {
        let start = Instant::now();
        while !self.is_reached().await {
            assert!(start.elapsed() < REACH_DEADLINE, "no deployer reached the gate within {REACH_DEADLINE:?}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Opens the gate: a deployer blocked at it goes on.
    ///
    /// # Panics
    /// When the release fails.
    pub async fn open(self) {
        match self.holder {
            Holder::Pg { mut conn, .. } => {
                let sql = sqlx::AssertSqlSafe(format!("SELECT pg_advisory_unlock({})", self.id));
                sqlx::raw_sql(sql).execute(&mut conn).await.expect("gate: pg_advisory_unlock");
                let _ = conn.close().await;
            }
            Holder::My { mut conn, .. } => {
                let sql = sqlx::AssertSqlSafe(format!("SELECT RELEASE_LOCK('pm_gate_{}')", self.id));
                sqlx::raw_sql(sql).execute(&mut conn).await.expect("gate: RELEASE_LOCK");
                let _ = conn.close().await;
            }
            Holder::Lite { mut conn, .. } => {
                sqlx::raw_sql("COMMIT").execute(&mut conn).await.expect("gate: COMMIT");
                let _ = conn.close().await;
            }
        }
    }
}
