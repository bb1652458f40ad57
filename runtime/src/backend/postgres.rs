//! PostgreSQL (and CockroachDB): `_prisma_migrations` in the `search_path` schema, advisory lock 72707369.
//!
//! DDL, lock key and script handling follow prisma-engines
//! `schema-engine/connectors/sql-schema-connector/src/flavour/postgres.rs` and `sql_migration_persistence.rs`.

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::{Connection as _, Executor as _, Postgres, Row as _};

use super::Driver;
use super::connection::Connection;
use super::postgres_session::{self, Server};
use super::{NewRow, Outcome, RowState, ScriptError, run_counting};
use crate::Error;
use crate::report::MigrationRecord;
use crate::url::quote_ident;
use prisma_migrations_build::Provider;

mod split;

/// Prisma's advisory lock key (`pg_advisory_lock(72707369)`), shared so Prisma and this crate exclude each other.
const LOCK_KEY: i64 = 72_707_369;

const CREATE_TABLE: &str = r#"CREATE TABLE "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)"#;

pub(crate) struct Conn {
    link: Connection<Postgres>,
    schema: Option<String>,
    /// `SET search_path`, for connections whose options do not carry it (see [`set_search_path`]).
    search_path: Option<String>,
    /// Deploy's start rows commit without waiting for the WAL flush (see [`Conn::defer_flush`]).
    deferred: bool,
    /// The server, as `version()` told the migration connection; `None` on a pooled (read-only) connection.
    server: Option<(Server, String)>,
}

impl Conn {
    /// The migration connection, in the session Prisma's engine would give the script (`postgres_session`).
    pub async fn dedicated(pool: &PgPool, schema: Option<String>) -> Result<Self, Error> {
        let options = pool.connect_options();
        let search_path = set_search_path(&options, schema.as_deref());
        // Prisma's engine does not send `extra_float_digits`: the role's, database's or server's value applies.
        let options = (*options).clone().extra_float_digits(None);
        let link = Connection::dedicated_with(&options).await?;
        let mut this = Self { link, schema, search_path, deferred: false, server: None };
        let server = postgres_session::prepare(this.c()).await?;
        this.server = Some(server);
        // A deployer killed mid-script would keep the lock until its statement ends (a 30 s script: 30 s), since
        // the server notices a vanished client only when it next writes to it. PostgreSQL ≥ 14 can poll the
        // socket: the script is then rolled back and the lock freed within a second. Older servers (and
        // platforms without the check) refuse the setting, which changes nothing: ignore the error.
        let _ = this.c().execute("SET client_connection_check_interval = 1000").await;
        this.set_search_path().await?;
        Ok(this)
    }

    pub async fn pooled(pool: &PgPool, schema: Option<String>) -> Result<Self, Error> {
        let search_path = set_search_path(&pool.connect_options(), schema.as_deref());
        Ok(Self { link: Connection::pooled(pool).await?, schema, search_path, deferred: false, server: None })
    }

    async fn set_search_path(&mut self) -> Result<(), Error> {
        if let Some(set) = self.search_path.clone() {
            self.c().execute(sqlx::AssertSqlSafe(set)).await.map_err(|e| Error::db("setting the search_path", &e))?;
        }
        Ok(())
    }

    /// A read-only simple query, retried once on a new connection when an untested pooled one turns out dead.
    /// On the migration connection a prepared statement instead: its results are binary, so the session's
    /// `DateStyle` (the database's own, which may be `SQL, DMY`) cannot change how timestamps are decoded.
    async fn read(&mut self, sql: &'static str) -> Result<Result<Vec<PgRow>, sqlx::Error>, Error> {
        if self.server.is_some() {
            return Ok(sqlx::query(sql).persistent(false).fetch_all(self.c()).await);
        }
        let mut rows = sqlx::raw_sql(sql).fetch_all(self.c()).await;
        if let Err(e) = &rows
            && self.link.reconnect(e).await?
        {
            self.set_search_path().await?;
            rows = sqlx::raw_sql(sql).fetch_all(self.c()).await;
        }
        Ok(rows)
    }

    fn c(&mut self) -> &mut PgConnection {
        self.link.c()
    }

    fn deferred(&self, sql: &'static str, deferred_sql: &'static str) -> &'static str {
        if self.deferred { deferred_sql } else { sql }
    }

    /// The `SET LOCAL` of a deferred flush, first in a simple-query message (one implicit transaction).
    fn deferred_prefix(&self) -> &'static str {
        if self.deferred { "SELECT set_config('synchronous_commit', 'off', true);\n" } else { "" }
    }

    /// Deploy's start row (no `finished_at`, no `logs`) as a literal INSERT, for a simple query: one round trip
    /// instead of two (a prepared statement). Only when every text value needs no escaping: our UUID, the hex
    /// checksum, a folder name of `[A-Za-z0-9_.-]` (which the naming rules guarantee); otherwise `None`.
    fn start_row_sql(row: &NewRow<'_>) -> Option<String> {
        if row.finished_at.is_some() || row.logs.is_some() {
            return None;
        }
        if !plain(row.id, b"-") || !plain(row.checksum, b"") || !plain(row.name, b"_.-") {
            return None;
        }
        let at = row.started_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        Some(format!(
            "INSERT INTO _prisma_migrations (id, checksum, started_at, finished_at, migration_name, logs, applied_steps_count) \
             VALUES ('{id}', '{checksum}', '{at}'::timestamptz, NULL, '{name}', NULL, 0);\n",
            id = row.id,
            checksum = row.checksum,
            name = row.name,
        ))
    }

    /// Prisma's two UPDATEs after a script (`applied_steps_count + 1`, then `finished_at`) as literal SQL, for
    /// our own UUID ids only. `finished_at` is read from the server's clock when the UPDATE runs, i.e. after
    /// the script (`clock_timestamp()`, not `now()`, which is the start of the transaction), and never before
    /// the row's own `started_at`, which the client's clock wrote.
    fn finish_sql(id: &str) -> Option<String> {
        if !plain(id, b"-") {
            return None;
        }
        Some(format!(
            "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = '{id}';\n\
             UPDATE _prisma_migrations SET finished_at = GREATEST(clock_timestamp(), started_at) WHERE id = '{id}';\n"
        ))
    }

    /// The script as one simple-query message: one implicit transaction. A script that failed inside its own
    /// `BEGIN` leaves the session in an aborted transaction: `ROLLBACK` before anything else (a warning when
    /// there is none).
    async fn run_whole(&mut self, sql: &str) -> Result<(), ScriptError> {
        let result = run_counting(&mut *self.c(), sql).await;
        if result.is_err() {
            let _ = self.c().execute("ROLLBACK").await;
        }
        result
    }

    async fn simple(&mut self, sql: String, action: &'static str) -> Result<(), Error> {
        self.c().execute(sqlx::AssertSqlSafe(sql)).await.map(drop).map_err(|e| Error::db(action, &e))
    }

    async fn update(&mut self, sql: &'static str, id: &str, at: Option<DateTime<Utc>>) -> Result<(), Error> {
        let mut q = sqlx::query(sql).bind(id);
        if let Some(at) = at {
            q = q.bind(at);
        }
        q.persistent(false).execute(self.c()).await.map(drop).map_err(|e| Error::db("updating _prisma_migrations", &e))
    }

    /// The script (the start row already committed) and its finish in one message, so the finish commits with
    /// the script; a script that cannot run in a transaction block runs alone, its finish committed after it.
    async fn run_and_finish(&mut self, id: &str, sql: &str) -> Result<Outcome, Error> {
        crash_point!("start-row");
        let Some(finish) = Self::finish_sql(id) else {
            if let Err(e) = self.run_script(sql).await {
                return Ok(Outcome::Failed(e));
            }
            self.add_step(id).await?;
            self.set_finished(id, Utc::now()).await?;
            return Ok(Outcome::Applied);
        };
        let script = prisma_migrations_build::script::postgres(sql);
        if script.must_split() {
            return self.run_split_and_finish(id, &script).await;
        }
        // The newline ends a trailing `-- comment` of the script; the `;` its last statement.
        match self.run_whole(&format!("{sql}\n;\n{finish}")).await {
            Ok(()) => Ok(Outcome::Applied),
            Err(e) if split::retry_split(&e, &script) || (e.code == "25001" && e.statement == Some(1)) => {
                self.run_split_and_finish(id, &script).await
            }
            Err(e) => Ok(Outcome::Failed(e)),
        }
    }
}

impl Driver for Conn {
    fn lock_name(&self) -> &'static str {
        "PostgreSQL advisory lock pg_advisory_lock(72707369)"
    }

    fn has_lock(&self) -> bool {
        self.server.as_ref().is_none_or(|(server, _)| server.has_advisory_lock())
    }

    fn check_provider(&self, provider: Option<Provider>) -> Result<(), Error> {
        match &self.server {
            Some((server, version)) => server.check_provider(provider, version),
            None => Ok(()),
        }
    }

    /// `pg_try_advisory_lock`, never the blocking `pg_advisory_lock`: a session blocked there keeps a
    /// snapshot open, and the holder's `CREATE INDEX CONCURRENTLY` waits for every open snapshot.
    async fn try_lock(&mut self) -> Result<bool, Error> {
        sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_lock($1)")
            .bind(LOCK_KEY)
            .persistent(false)
            .fetch_one(self.c())
            .await
            .map_err(|e| Error::db("taking the migration lock", &e))
    }

    async fn unlock(&mut self) -> Result<(), Error> {
        sqlx::query_scalar::<_, bool>("SELECT pg_advisory_unlock($1)")
            .bind(LOCK_KEY)
            .persistent(false)
            .fetch_one(self.c())
            .await
            .map(drop)
            .map_err(|e| Error::db("releasing the migration lock", &e))
    }

    async fn ensure_schema(&mut self) -> Result<(), Error> {
        let Some(schema) = self.schema.clone() else { return Ok(()) };
        let sql = format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(&schema));
        match self.c().execute(sqlx::AssertSqlSafe(sql)).await {
            // Two deployers creating it at once: 23505/42P06 for the loser, the schema exists either way.
            Err(sqlx::Error::Database(d)) if matches!(d.code().as_deref(), Some("23505" | "42P06")) => Ok(()),
            Err(e) => Err(Error::db("creating the schema", &e)),
            Ok(_) => Ok(()),
        }
    }

    /// Ordinary and partitioned tables of the current schema, except those an extension owns (PostGIS's
    /// `spatial_ref_sys` …), as Prisma's emptiness check skips them.
    async fn user_tables(&mut self) -> Result<Vec<String>, Error> {
        sqlx::query_scalar::<_, String>(
            "SELECT c.relname::text FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
             AND c.relname <> '_prisma_migrations' \
             AND c.relname NOT IN ('spatial_ref_sys', 'geometry_columns', 'geography_columns', 'raster_columns', 'raster_overviews') \
             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') \
             ORDER BY 1",
        )
        .persistent(false)
        .fetch_all(self.c())
        .await
        .map_err(|e| Error::db("listing the tables of the schema", &e))
    }

    async fn create_table(&mut self) -> Result<(), Error> {
        self.c().execute(CREATE_TABLE).await.map(drop).map_err(|e| Error::db("creating _prisma_migrations", &e))
    }

    /// The simple-query protocol: one round trip (a prepared statement would take two), which is what makes
    /// `verify` a single SELECT.
    async fn load_rows(&mut self) -> Result<Option<Vec<MigrationRecord>>, Error> {
        let rows = self
            .read(
                "SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, \
                 applied_steps_count FROM _prisma_migrations",
            )
            .await?;
        match rows {
            Ok(rows) => rows.iter().map(record).collect::<Result<Vec<_>, _>>().map(Some),
            // 42P01 undefined_table (also when the search_path schema does not exist).
            Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42P01") => Ok(None),
            Err(e) => Err(Error::db("reading _prisma_migrations", &e)),
        }
    }

    /// The narrow SELECT of `verify`: booleans and two strings, unsorted (`verify` sorts only when the order matters).
    async fn load_states(&mut self) -> Result<Option<Vec<RowState>>, Error> {
        let rows = self
            .read(
                "SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL \
                 FROM _prisma_migrations",
            )
            .await?;
        let get = |e: sqlx::Error| Error::db("reading _prisma_migrations", &e);
        match rows {
            Ok(rows) => rows
                .iter()
                .map(|r| {
                    Ok(RowState {
                        name: r.try_get(0).map_err(get)?,
                        checksum: r.try_get(1).map_err(get)?,
                        finished: r.try_get(2).map_err(get)?,
                        rolled_back: r.try_get(3).map_err(get)?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42P01") => Ok(None),
            Err(e) => Err(get(e)),
        }
    }

    /// While on, deploy's start row (`insert_row`) commits without waiting for its WAL to reach disk, so it
    /// costs no flush of its own: the migration's script commits right after it on the same connection, and
    /// PostgreSQL writes WAL in order, so that flush makes the start row durable too. A crash in between loses
    /// only the start row of a migration whose script never committed — it is then simply pending. The finish
    /// of a migration is never deferred (see [`Conn::run_and_finish`]).
    fn defer_flush(&mut self, on: bool) {
        // CockroachDB has no such WAL setting to defer: every write stays as it is.
        self.deferred = on && self.server.as_ref().is_none_or(|(server, _)| *server == Server::Postgres);
    }

    async fn insert_row(&mut self, row: &NewRow<'_>) -> Result<(), Error> {
        if let Some(insert) = Self::start_row_sql(row) {
            let sql = format!("{}{insert}", self.deferred_prefix());
            return self.simple(sql, "recording the migration start").await;
        }
        let sql = self.deferred(
            "INSERT INTO _prisma_migrations (id, checksum, started_at, finished_at, migration_name, logs, applied_steps_count) \
             VALUES ($1, $2, $3, $4, $5, $6, 0)",
            "WITH deferred AS (SELECT set_config('synchronous_commit', 'off', true)) \
             INSERT INTO _prisma_migrations (id, checksum, started_at, finished_at, migration_name, logs, applied_steps_count) \
             SELECT $1, $2, $3, $4, $5, $6, 0 FROM deferred",
        );
        sqlx::query(sql)
            .bind(row.id)
            .bind(row.checksum)
            .bind(row.started_at)
            .bind(row.finished_at)
            .bind(row.name)
            .bind(row.logs)
            .persistent(false)
            .execute(self.c())
            .await
            .map(drop)
            .map_err(|e| Error::db("recording the migration start", &e))
    }

    async fn add_step(&mut self, id: &str) -> Result<(), Error> {
        self.update(
            "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = $1",
            id,
            None,
        )
        .await
    }

    async fn set_finished(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), Error> {
        self.update("UPDATE _prisma_migrations SET finished_at = $2 WHERE id = $1", id, Some(at)).await
    }

    /// Deploy's start row, script and finish in one simple-query message, so one implicit transaction and one
    /// synchronous commit, one round trip: the script's changes and its recorded success reach disk together or
    /// not at all (Prisma commits the finish after the script, so a crash in between leaves a false failure; here
    /// that state cannot happen, and a crash mid-script leaves the migration pending, its script rolled back).
    /// The finish never shares a transaction with a later migration's writes. When the script fails, the
    /// transaction rolls back and the start row is written again on its own (unless a `COMMIT` in the script
    /// already committed it), for the caller to record the error.
    ///
    /// A script with a statement PostgreSQL refuses in a transaction block (`CREATE INDEX CONCURRENTLY`,
    /// `VACUUM` …, found by `prisma_migrations_build::script`), or one that fails as a whole because it uses an
    /// enum value it adds (55P04), runs statement by statement after its start row commits, its finish committed
    /// right after (see `split`). A script with its own `BEGIN … COMMIT` commits the start row with it; the
    /// finish then commits right after, durably, in the same message.
    async fn apply(&mut self, row: &NewRow<'_>, sql: &str) -> Result<Outcome, Error> {
        let script = prisma_migrations_build::script::postgres(sql);
        if script.must_split() {
            self.insert_row(row).await?;
            return self.run_split_and_finish(row.id, &script).await;
        }
        let (Some(insert), Some(finish)) = (Self::start_row_sql(row), Self::finish_sql(row.id)) else {
            self.insert_row(row).await?;
            return self.run_and_finish(row.id, sql).await;
        };
        let deferred = std::mem::replace(&mut self.deferred, false);
        // The newline ends a trailing `-- comment` of the script; the `;` its last statement.
        let outcome = self.run_whole(&format!("{insert}{sql}\n;\n{finish}")).await;
        let result = match outcome.map_err(|mut e| {
            // Statement 1 is the start row: the script's statements are numbered from the next one.
            e.statement = e.statement.map(|s| s - 1);
            e
        }) {
            Ok(()) => Ok(Outcome::Applied),
            // The start row failed: a bookkeeping failure, not the script's.
            Err(e) if e.statement == Some(0) => {
                Err(Error::Database { action: "recording the migration start", code: Some(e.code), message: e.message })
            }
            // Rolled back as a whole (start row too): again, statement by statement.
            Err(e) if split::retry_split(&e, &script) => {
                self.deferred = deferred;
                self.insert_row(row).await?;
                self.run_split_and_finish(row.id, &script).await
            }
            Err(e) => {
                // The start row is usually rolled back with the script; a script that committed part of itself
                // (`BEGIN … COMMIT`) committed it too, and that row is the one to record the failure on.
                let again = format!("{} ON CONFLICT (id) DO NOTHING;\n", insert.trim_end().trim_end_matches(';'));
                self.simple(again, "recording the migration start").await?;
                Ok(Outcome::Failed(e))
            }
        };
        self.deferred = deferred;
        result
    }

    async fn set_rolled_back(&mut self, id: &str, at: DateTime<Utc>) -> Result<(), Error> {
        self.update("UPDATE _prisma_migrations SET rolled_back_at = $2 WHERE id = $1", id, Some(at)).await
    }

    async fn delete_rows(&mut self, name: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM _prisma_migrations WHERE migration_name = $1")
            .bind(name)
            .persistent(false)
            .execute(self.c())
            .await
            .map(drop)
            .map_err(|e| Error::db("deleting the migration's rows from _prisma_migrations", &e))
    }

    async fn set_logs(&mut self, id: &str, logs: &str) -> Result<(), Error> {
        sqlx::query("UPDATE _prisma_migrations SET logs = $2 WHERE id = $1")
            .bind(id)
            .bind(logs)
            .persistent(false)
            .execute(self.c())
            .await
            .map(drop)
            .map_err(|e| Error::db("recording the failure", &e))
    }

    /// One message, one implicit transaction, as Prisma 6 sends it, unless PostgreSQL cannot run the script in
    /// one transaction: then statement by statement, as Prisma ≥ 7.4 (see `split`).
    async fn run_script(&mut self, sql: &str) -> Result<(), ScriptError> {
        let script = prisma_migrations_build::script::postgres(sql);
        if script.must_split() {
            return self.run_split(&script.statements).await;
        }
        let result = self.run_whole(sql).await;
        match result {
            Err(e) if split::retry_split(&e, &script) => self.run_split(&script.statements).await,
            other => other,
        }
    }

    async fn close(self) {
        self.link.close().await;
    }
}

/// `SET search_path` for connections whose options do not carry it as a startup parameter (`pgbouncer=true`).
pub(crate) fn set_search_path(options: &sqlx::postgres::PgConnectOptions, schema: Option<&str>) -> Option<String> {
    let schema = schema?;
    let in_startup = options.get_options().is_some_and(|o| o.contains("search_path"));
    (!in_startup).then(|| format!("SET search_path TO {}", quote_ident(schema)))
}

fn record(row: &PgRow) -> Result<MigrationRecord, Error> {
    let get = |e: sqlx::Error| Error::db("reading _prisma_migrations", &e);
    Ok(MigrationRecord {
        id: row.try_get("id").map_err(get)?,
        checksum: row.try_get("checksum").map_err(get)?,
        finished_at: row.try_get("finished_at").map_err(get)?,
        migration_name: row.try_get("migration_name").map_err(get)?,
        logs: row.try_get("logs").map_err(get)?,
        rolled_back_at: row.try_get("rolled_back_at").map_err(get)?,
        started_at: row.try_get("started_at").map_err(get)?,
        applied_steps_count: u32::try_from(row.try_get::<i32, _>("applied_steps_count").map_err(get)?).unwrap_or(0),
    })
}

/// The databases `CREATE DATABASE` may run on, in Prisma's order: prisma-engines
/// `schema-engine/connectors/sql-schema-connector/src/flavour/postgres/connector/native/mod.rs`,
/// `create_postgres_admin_conn` (`postgres` on most servers, `template1` always exists, `defaultdb` on
/// `DigitalOcean`), moving on only when one does not exist or refuses this role (Prisma's P1003 and P1010).
const MAINTENANCE_DATABASES: [&str; 3] = ["postgres", "template1", "defaultdb"];

/// The target first: a role that may connect only to its own database (managed hosts) needs nothing else when
/// it exists, as Prisma's CLI probes it first (`ensureDatabaseExists`). Only when it is missing (3D000),
/// `CREATE DATABASE` through a maintenance database; then the `?schema=` schema, as Prisma's `create_database`.
pub(crate) async fn create_if_missing(
    url: &str,
    options: sqlx::postgres::PgConnectOptions,
    schema: Option<String>,
    database: &str,
    connect_timeout: Option<std::time::Duration>,
) -> Result<bool, Error> {
    let mut created = false;
    let target = crate::connect::connect_within(url, database, &options, connect_timeout).await;
    let mut conn = match target {
        Ok(conn) => conn,
        Err(Error::DatabaseMissing { .. }) => {
            let mut admin = admin_connection(url, &options, connect_timeout).await?;
            let sql = format!("CREATE DATABASE {}", quote_ident(database));
            match admin.execute(sqlx::AssertSqlSafe(sql)).await {
                Ok(_) => created = true,
                // 42P04 duplicate_database: someone else created it meanwhile.
                Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42P04") => {}
                Err(e) => return Err(Error::db("creating the database", &e)),
            }
            let _ = admin.close().await;
            crate::connect::connect_within(url, database, &options, connect_timeout).await?
        }
        Err(e) => return Err(e),
    };
    if let Some(schema) = schema {
        let sql = format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(&schema));
        conn.execute(sqlx::AssertSqlSafe(sql)).await.map_err(|e| Error::db("creating the schema", &e))?;
    }
    let _ = conn.close().await;
    Ok(created)
}

/// A connection to the first maintenance database that exists and lets this role in.
async fn admin_connection(
    url: &str,
    options: &sqlx::postgres::PgConnectOptions,
    connect_timeout: Option<std::time::Duration>,
) -> Result<PgConnection, Error> {
    let mut refused = Vec::new();
    for name in MAINTENANCE_DATABASES {
        let admin = options.clone().database(name);
        match crate::connect::connect_within(url, name, &admin, connect_timeout).await {
            Ok(conn) => return Ok(conn),
            // 42501: no CONNECT privilege on it.
            Err(Error::DatabaseMissing { .. }) => refused.push(format!("`{name}` does not exist")),
            Err(Error::Database { code: Some(code), message, .. }) if code == "42501" => {
                refused.push(format!("`{name}`: {message}"));
            }
            Err(e) => return Err(e),
        }
    }
    Err(Error::Database {
        action: "creating the database",
        code: None,
        message: format!(
            "no maintenance database to run CREATE DATABASE on ({}); create the database yourself, or grant this \
             role CONNECT on `postgres`",
            refused.join("; ")
        ),
    })
}

/// Non-empty and only ASCII letters, digits and the given bytes: safe inside a SQL string literal as is.
fn plain(s: &str, extra: &[u8]) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}
