//! The migrator: Prisma Migrate's deploy, status and resolve, plus verify, plan and rollback. The algorithm is
//! written once here; the SQL of each database is in `backend`.
//!
//! Sources: prisma-engines `schema-engine/core/src/commands/{apply_migrations, mark_migration_applied,
//! mark_migration_rolled_back, diagnose_migration_history}.rs` and ../shared/PRISMA.md.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::Utc;
use tracing::Instrument as _;

use crate::backend::{Conn, NewRow, Outcome, ScriptError};
use crate::error::FailedMigration;
use crate::lock::{self, LockGuard};
use crate::report::{
    AppliedMigration, DeployEvent, DeployReport, DeployTarget, MigrationRecord, MigrationState, MigrationStatus, Plan,
    PlannedMigration, StatusReport,
};
use crate::target::{self, Target};
use crate::{Database, Error, Migration, Migrations};

mod history;
mod newer;
mod resolve;

use history::{Row, checksum_matches, migration_status, rows_by_name};
use newer::up_to;
use resolve::{resolve_applied_locked, resolve_rolled_back_locked, rollback_locked};

/// Lock timeout by default: long enough that many replicas starting together all get their turn.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_mins(15);

/// Applies and inspects a list of migrations on a [`Database`], writing `_prisma_migrations` as Prisma does.
///
/// Stricter than Prisma by default: `deploy` refuses applied migrations whose file changed and applied
/// migrations missing from the folder; [`Migrator::lax`] restores Prisma's behaviour.
///
/// ```no_run
/// # async fn f(migrations: &prisma_migrations::Migrations) -> Result<(), prisma_migrations::Error> {
/// let db = prisma_migrations::Database::connect("file:./dev.db").await?;
/// let report = prisma_migrations::Migrator::new(migrations).deploy(&db).await?;
/// for m in &report.applied {
///     println!("applied {} in {:?}", m.name, m.duration);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Migrator<'m> {
    migrations: &'m Migrations,
    lock_timeout: Duration,
    advisory_lock: bool,
    allow: Allow,
}

/// Where deploy and verify relax their strictness: Prisma's laxness (`edited`, `missing`) and rolling deploys
/// (`newer`).
#[derive(Debug, Clone, Copy, Default)]
struct Allow {
    edited: bool,
    missing: bool,
    newer: bool,
}

/// Deploy's list of work after its checks on the rows.
struct Pending<'m> {
    /// Local migrations without an active row, in folder order.
    migrations: Vec<&'m Migration>,
    /// Applied rows newer than every local migration (accepted by `allow_newer`), in `started_at` order.
    newer: Vec<String>,
}

impl<'m> Migrator<'m> {
    /// A migrator with the defaults: 15 min lock timeout, lock on unless `PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK`
    /// is set, strict about edited and missing migrations.
    pub fn new(migrations: &'m Migrations) -> Self {
        Self {
            migrations,
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            advisory_lock: !lock::disabled_by_env(),
            allow: Allow::default(),
        }
    }

    /// How long to wait for another deployer's lock before failing with P1002.
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Whether to take the migration lock (Prisma's advisory lock; none on a CockroachDB server regardless).
    pub fn advisory_lock(mut self, on: bool) -> Self {
        self.advisory_lock = on;
        self
    }

    /// Accept applied migrations whose `migration.sql` changed since (Prisma's deploy does not look).
    pub fn allow_edited(mut self, yes: bool) -> Self {
        self.allow.edited = yes;
        self
    }

    /// Accept applied migrations that are not in the folder (Prisma's deploy ignores them).
    pub fn allow_missing(mut self, yes: bool) -> Self {
        self.allow.missing = yes;
        self
    }

    /// Accept a database that is *ahead* of this list, as an old release meets it during a rolling deploy:
    /// every local migration applied (unedited, unless `allow_edited`), plus applied rows that this list lacks
    /// and that all sort after its latest migration in Prisma's order. Then `verify` passes, `status` reports
    /// them as [`StatusReport::newer_in_database`], and `deploy` applies nothing and succeeds
    /// ([`DeployReport::newer_in_database`]). Rows the list lacks that sort before its latest migration (a
    /// deleted or renamed migration) are still refused, as are failed rows and local migrations still pending
    /// beside newer rows (the histories diverge). Off by default; [`Migrator::lax`] leaves it as it is.
    pub fn allow_newer(mut self, yes: bool) -> Self {
        self.allow.newer = yes;
        self
    }

    /// Both relaxations: behave exactly like `prisma migrate deploy`.
    pub fn lax(self) -> Self {
        self.allow_edited(true).allow_missing(true)
    }

    /// The migrations.
    pub fn migrations(&self) -> &'m Migrations {
        self.migrations
    }

    /// Applies every pending migration, like `prisma migrate deploy`: provider check, create the database when
    /// it does not exist yet ([`Database::create_if_missing`]), lock, create the table
    /// (refusing a non-empty schema), refuse failed migrations, then for each pending migration insert its row,
    /// run its script as one unit and mark it finished, or record the error and stop.
    ///
    /// # Errors
    /// P3019 [`Error::ProviderMismatch`], [`Error::ServerMismatch`] (a CockroachDB server for `postgresql`
    /// migrations or the reverse), P1002 [`Error::LockTimeout`], [`Error::LockThroughPooler`] (a `pgbouncer=true`
    /// URL with the lock on), P3005 [`Error::SchemaNotEmpty`],
    /// P3009 [`Error::FailedMigrations`], [`Error::EditedMigrations`] / [`Error::MissingMigrations`] (strict),
    /// P3018 [`Error::MigrationFailed`], [`Error::Database`]; creating the database as
    /// [`Database::create_if_missing`].
    pub async fn deploy(&self, db: &Database) -> Result<DeployReport, Error> {
        self.deploy_observed(db, |_| {}).await
    }

    /// [`Migrator::deploy`], telling `observer` each step as it happens (a progress line, a metric). The
    /// observer runs on the deploy's task, between database round trips: keep it quick.
    ///
    /// ```no_run
    /// # async fn f(db: &prisma_migrations::Database, m: &prisma_migrations::Migrations) -> Result<(), prisma_migrations::Error> {
    /// use prisma_migrations::{DeployEvent, Migrator};
    ///
    /// Migrator::new(m)
    ///     .deploy_observed(db, |event| match event {
    ///         DeployEvent::Applying { name } => eprint!("{name} … "),
    ///         DeployEvent::Applied(m) => eprintln!("done in {:?}", m.duration),
    ///         DeployEvent::Failed { .. } => eprintln!("failed"),
    ///         _ => {}
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Migrator::deploy`].
    pub async fn deploy_observed(
        &self,
        db: &Database,
        observer: impl FnMut(DeployEvent<'_>) + Send,
    ) -> Result<DeployReport, Error> {
        self.deploy_until(db, None, observer).await
    }

    /// Applies the pending migrations up to and including `target`, in folder order, as
    /// [`Migrator::deploy`] does; the later ones stay pending. A target that is already applied is a no-op:
    /// nothing runs, and [`DeployReport::target`] says so.
    ///
    /// ```no_run
    /// # async fn f(db: &prisma_migrations::Database) -> Result<(), prisma_migrations::Error> {
    /// #[derive(prisma_migrations::Migrations)]
    /// #[migrations(dir = "prisma/migrations")]
    /// struct Db;
    ///
    /// let report = prisma_migrations::Migrator::new(Db::ALL).deploy_to(db, Db::CREATE_USERS).await?;
    /// if report.target.is_some_and(|t| t.already_applied) {
    ///     println!("nothing to do");
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// P3017 [`Error::MigrationNotFound`] when no migration has the target's name, [`Error::ForeignMigrationId`]
    /// for an id of another list, before any database access; then as [`Migrator::deploy`].
    pub async fn deploy_to(&self, db: &Database, target: impl Target) -> Result<DeployReport, Error> {
        self.deploy_to_observed(db, target, |_| {}).await
    }

    /// [`Migrator::deploy_to`] with an observer, as [`Migrator::deploy_observed`].
    ///
    /// # Errors
    /// As [`Migrator::deploy_to`].
    pub async fn deploy_to_observed(
        &self,
        db: &Database,
        target: impl Target,
        observer: impl FnMut(DeployEvent<'_>) + Send,
    ) -> Result<DeployReport, Error> {
        let m = target::find(self.migrations, &target)?;
        self.deploy_until(db, Some(m), observer).await
    }

    async fn deploy_until(
        &self,
        db: &Database,
        target: Option<&'m Migration>,
        mut observer: impl FnMut(DeployEvent<'_>) + Send,
    ) -> Result<DeployReport, Error> {
        let start = Instant::now();
        self.check_provider(db)?;
        db.create_if_missing().await?;
        let mut guard = self.open(db).await?;
        let result = self.deploy_locked(&mut guard.conn, target, &mut observer).await;
        let lock_wait = guard.waited;
        guard.release().await;
        let mut report = result?;
        report.total = start.elapsed();
        report.lock_wait = lock_wait;
        Ok(report)
    }

    async fn deploy_locked(
        &self,
        conn: &mut Conn,
        target: Option<&'m Migration>,
        observer: &mut (impl FnMut(DeployEvent<'_>) + Send),
    ) -> Result<DeployReport, Error> {
        let (rows, created_table) = match conn.load_rows().await? {
            Some(rows) => (rows, false),
            None => {
                init_table(conn, true).await?;
                (Vec::new(), true)
            }
        };
        let Pending { migrations: mut pending, newer } = self.pending(&rows)?;
        let target =
            target.map(|t| DeployTarget { name: t.name().to_owned(), already_applied: !up_to(&mut pending, t) });
        let mut applied = Vec::with_capacity(pending.len());
        for m in pending {
            let span = tracing::info_span!("migration", name = m.name());
            match apply(conn, m, observer).instrument(span).await {
                Ok(duration) => {
                    crash_point!("migration-done");
                    applied.push(AppliedMigration { name: m.name().to_owned(), duration });
                    observer(DeployEvent::Applied(&applied[applied.len() - 1]));
                }
                Err(mut e) => {
                    if let Error::MigrationFailed { applied: before, .. } = &mut e {
                        *before = applied;
                    }
                    return Err(e);
                }
            }
        }
        Ok(DeployReport {
            applied,
            total: Duration::ZERO,
            lock_wait: Duration::ZERO,
            found: self.migrations.len(),
            created_table,
            target,
            newer_in_database: newer,
        })
    }

    /// Deploy's checks on the rows, then the pending migrations in folder order.
    fn pending(&self, rows: &[MigrationRecord]) -> Result<Pending<'m>, Error> {
        let failed: Vec<FailedMigration> = rows
            .iter()
            .filter(|r| r.is_failed())
            .map(|r| FailedMigration { name: r.migration_name.clone(), started_at: r.started_at, logs: r.logs.clone() })
            .collect();
        if !failed.is_empty() {
            return Err(Error::FailedMigrations { failed });
        }
        if !self.allow.edited {
            let names = self.edited(rows);
            if !names.is_empty() {
                return Err(Error::EditedMigrations { names });
            }
        }
        let active: HashSet<&str> =
            rows.iter().filter(|r| r.rolled_back_at.is_none()).map(|r| r.migration_name.as_str()).collect();
        let pending: Vec<&'m Migration> = self.migrations.iter().filter(|m| !active.contains(m.name())).collect();
        let mut newer = Vec::new();
        if !self.allow.missing {
            let names = self.missing(rows);
            if !names.is_empty() {
                if !(pending.is_empty() && self.accepts_newer(rows, &names)) {
                    return Err(Error::MissingMigrations { names });
                }
                newer = names;
            }
        }
        Ok(Pending { migrations: pending, newer })
    }

    /// Local migrations with an applied row whose checksum does not match the file (Prisma's tolerant match).
    fn edited(&self, rows: &[MigrationRecord]) -> Vec<String> {
        let by_name = rows_by_name(rows);
        self.migrations
            .iter()
            .filter(|m| {
                by_name
                    .get(m.name())
                    .is_some_and(|own| own.iter().any(|r| r.is_applied() && !checksum_matches(&r.checksum, m)))
            })
            .map(|m| m.name().to_owned())
            .collect()
    }

    /// Names with a row that is not rolled back and no local migration, in `started_at` order.
    fn missing<R: Row>(&self, rows: &[R]) -> Vec<String> {
        let local: HashSet<&str> = self.migrations.iter().map(Migration::name).collect();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut names: Vec<String> = Vec::new();
        for r in rows.iter().filter(|r| !r.rolled_back()) {
            let name = r.name();
            if !local.contains(name) && seen.insert(name) {
                names.push(name.to_owned());
            }
        }
        names
    }

    /// Like `prisma migrate status`: no lock, writes nothing. A missing table is not an error
    /// (`table_exists == false`, every migration pending).
    ///
    /// # Errors
    /// P3019 [`Error::ProviderMismatch`], P1003 [`Error::DatabaseMissing`] (as Prisma), [`Error::Database`].
    pub async fn status(&self, db: &Database) -> Result<StatusReport, Error> {
        self.check_provider(db)?;
        let rows = read_rows(db).await?;
        Ok(self.status_of(rows))
    }

    fn status_of(&self, rows: Option<Vec<MigrationRecord>>) -> StatusReport {
        let table_exists = rows.is_some();
        let rows = rows.unwrap_or_default();
        let by_name = rows_by_name(&rows);
        let migrations: Vec<MigrationStatus> = self
            .migrations
            .iter()
            .map(|m| migration_status(m, by_name.get(m.name()).map_or(&[][..], Vec::as_slice)))
            .collect();
        let mut missing_locally: Vec<MigrationRecord> = Vec::new();
        let missing = self.missing(&rows);
        for name in &missing {
            if let Some(first) = rows.iter().find(|r| &r.migration_name == name) {
                missing_locally.push(first.clone());
            }
        }
        let all_applied =
            migrations.iter().all(|m| matches!(m.state, MigrationState::Applied | MigrationState::Edited));
        let newer_in_database = if all_applied && !missing.is_empty() && self.accepts_newer(&rows, &missing) {
            std::mem::take(&mut missing_locally)
        } else {
            Vec::new()
        };
        let first_not_applied =
            migrations.iter().position(|m| matches!(m.state, MigrationState::Pending | MigrationState::RolledBack));
        let last_common_migration = match first_not_applied {
            Some(0) => None,
            Some(i) => Some(migrations[i - 1].name.clone()),
            None => migrations.last().map(|m| m.name.clone()),
        };
        StatusReport { table_exists, migrations, missing_locally, last_common_migration, newer_in_database }
    }

    /// A start-up guard: one SELECT, then fails unless every local migration is applied, none failed, none
    /// edited and none missing locally (the last two subject to `allow_edited`/`allow_missing`). No lock.
    ///
    /// ```no_run
    /// # async fn f(db: &prisma_migrations::Database, m: &prisma_migrations::Migrations) -> Result<(), prisma_migrations::Error> {
    /// prisma_migrations::Migrator::new(m).verify(db).await?; // refuse to start on an outdated schema
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotUpToDate`] listing what is wrong; P3019; P1003 [`Error::DatabaseMissing`]; [`Error::Database`].
    pub async fn verify(&self, db: &Database) -> Result<(), Error> {
        self.check_provider(db)?;
        db.require_exists().await?;
        let mut conn = Conn::pooled(&db.pool).await?;
        let verdict = self.verify_on(&mut conn).await;
        conn.close().await;
        verdict
    }

    /// What `deploy` would apply now, in order, with the SQL: a dry run. Writes nothing, takes no lock, creates
    /// no table; fails where deploy would fail before running anything. A database that does not exist yet is
    /// not an error: every migration is listed, with [`Plan::creates_database`] set.
    ///
    /// # Errors
    /// As [`Migrator::deploy`] before any script runs: P3019, P3005, P3009, edited/missing (strict).
    pub async fn plan(&self, db: &Database) -> Result<Plan, Error> {
        self.check_provider(db)?;
        if !db.exists().await? {
            return Ok(Plan { creates_database: true, creates_table: true, migrations: self.planned(&[])? });
        }
        let mut conn = Conn::pooled(&db.pool).await?;
        let result = async {
            match conn.load_rows().await? {
                Some(rows) => Ok((rows, false)),
                None => {
                    let tables = conn.user_tables().await?;
                    if tables.is_empty() { Ok((Vec::new(), true)) } else { Err(Error::SchemaNotEmpty { tables }) }
                }
            }
        }
        .await;
        conn.close().await;
        let (rows, creates_table) = result?;
        Ok(Plan { creates_database: false, creates_table, migrations: self.planned(&rows)? })
    }

    fn planned(&self, rows: &[MigrationRecord]) -> Result<Vec<PlannedMigration>, Error> {
        Ok(self
            .pending(rows)?
            .migrations
            .into_iter()
            .map(|m| PlannedMigration {
                name: m.name().to_owned(),
                sql: m.sql().to_owned(),
                checksum: m.checksum().to_owned(),
            })
            .collect())
    }

    /// `prisma migrate resolve --applied NAME`: records the migration as applied without running it (how a
    /// database is baselined). Failed rows of it are marked rolled back first; the table is created if missing,
    /// even in a non-empty schema.
    ///
    /// # Errors
    /// P3019, [`Error::ServerMismatch`], P3017 [`Error::MigrationNotFound`], [`Error::ForeignMigrationId`], P3008 [`Error::AlreadyApplied`],
    /// P1002, [`Error::Database`].
    pub async fn resolve_applied(&self, db: &Database, target: impl Target) -> Result<(), Error> {
        self.check_provider(db)?;
        let m = target::find(self.migrations, &target)?;
        let mut guard = self.open(db).await?;
        let result = resolve_applied_locked(&mut guard.conn, m).await;
        guard.release().await;
        result
    }

    /// `prisma migrate resolve --rolled-back NAME`: marks the failed rows of a migration rolled back, so deploy
    /// applies it again. Changes nothing in the schema. As Prisma, it succeeds whenever some row of the name is
    /// unfinished, even one already rolled back (a second call marks nothing and succeeds).
    ///
    /// # Errors
    /// [`Error::ServerMismatch`], [`Error::TableMissing`], P3011 [`Error::NeverApplied`], P3012 [`Error::NotFailed`]
    /// (every row of the name finished), P1002, [`Error::LockThroughPooler`],
    /// [`Error::Database`]; for an id or a [`Migration`], P3017 and [`Error::ForeignMigrationId`] as
    /// [`Migrator::resolve_applied`].
    pub async fn resolve_rolled_back(&self, db: &Database, target: impl Target) -> Result<(), Error> {
        // A bare name needs no local folder (Prisma's mark_migration_rolled_back.rs reads only the rows); an id
        // or a `Migration` is checked against this list like everywhere else.
        if target.expected_checksum().is_some() {
            target::find(self.migrations, &target)?;
        }
        let mut guard = self.open(db).await?;
        let result = resolve_rolled_back_locked(&mut guard.conn, target.target_name()).await;
        guard.release().await;
        result
    }

    /// Runs the migration's `down.sql` the way deploy runs scripts, then deletes its rows from
    /// `_prisma_migrations`, so Prisma's status, deploy and resolve (6.16.1 and 7.x) and ours all see it pending
    /// again (a rolled-back row would not do: Prisma 6's status counts it as applied). Only the latest applied migration, unless `force`.
    ///
    /// # Errors
    /// P3019, [`Error::ServerMismatch`], P3017, [`Error::ForeignMigrationId`], [`Error::NoDownScript`], [`Error::TableMissing`], [`Error::NotApplied`],
    /// [`Error::NotLatest`], [`Error::RollbackFailed`], P1002, [`Error::Database`].
    pub async fn rollback(&self, db: &Database, target: impl Target, force: bool) -> Result<(), Error> {
        self.check_provider(db)?;
        let m = target::find(self.migrations, &target)?;
        let name = m.name();
        let down = m.down_sql().ok_or_else(|| Error::NoDownScript { name: name.to_owned() })?;
        let mut guard = self.open(db).await?;
        let result =
            rollback_locked(&mut guard.conn, name, down, force).instrument(tracing::info_span!("rollback", name)).await;
        guard.release().await;
        result
    }

    /// P3019: the migrations' provider against the database, before any database access.
    fn check_provider(&self, db: &Database) -> Result<(), Error> {
        match self.migrations.provider() {
            Some(p) if !db.kind().accepts_provider(p) => {
                Err(Error::ProviderMismatch { provider: p, database: db.kind() })
            }
            _ => Ok(()),
        }
    }

    /// A dedicated connection to a server of the migrations' provider, locked unless locking is off (option,
    /// environment, a CockroachDB server).
    async fn open(&self, db: &Database) -> Result<LockGuard, Error> {
        LockGuard::open(db, self.migrations.provider(), self.advisory_lock, self.lock_timeout).await
    }
}

/// The rows, through a pooled connection; `None` when the table is missing.
async fn read_rows(db: &Database) -> Result<Option<Vec<MigrationRecord>>, Error> {
    db.require_exists().await?;
    let mut conn = Conn::pooled(&db.pool).await?;
    let rows = conn.load_rows().await;
    conn.close().await;
    rows
}

/// Creates the schema (PostgreSQL `?schema=`) and the table; with `check_empty`, refuses a schema that has
/// tables (P3005), as deploy does and resolve does not.
async fn init_table(conn: &mut Conn, check_empty: bool) -> Result<(), Error> {
    conn.ensure_schema().await?;
    if check_empty {
        let tables = conn.user_tables().await?;
        if !tables.is_empty() {
            return Err(Error::SchemaNotEmpty { tables });
        }
    }
    conn.create_table().await?;
    crash_point!("table-created");
    Ok(())
}

fn new_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// One migration: INSERT, script, then `applied_steps_count + 1` and `finished_at` (two statements, as
/// Prisma); on failure the error text goes to `logs` and deploy stops.
///
/// PostgreSQL sends the three writes and the script as one transaction (`postgres::Conn::apply`); a start row it
/// has to commit on its own does not wait for its WAL flush (the script's commit flushes it; not on CockroachDB).
/// Either way each migration costs one synchronous flush, and a recorded finish is durable before the next
/// migration writes anything.
async fn apply(
    conn: &mut Conn,
    m: &Migration,
    observer: &mut (impl FnMut(DeployEvent<'_>) + Send),
) -> Result<Duration, Error> {
    let start = Instant::now();
    let id = new_id();
    let row = NewRow {
        id: &id,
        checksum: m.checksum(),
        name: m.name(),
        started_at: Utc::now(),
        finished_at: None,
        logs: None,
    };
    observer(DeployEvent::Applying { name: m.name() });
    conn.defer_flush(true);
    let outcome = conn.apply(&row, m.sql()).await;
    conn.defer_flush(false);
    match outcome? {
        Outcome::Applied => {
            let duration = start.elapsed();
            tracing::info!(
                name = m.name(),
                duration_ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
                "applied migration"
            );
            Ok(duration)
        }
        Outcome::Failed(e) => {
            conn.set_logs(&id, &failure_logs(m.name(), &e)).await?;
            tracing::error!(name = m.name(), code = %e.code, error = %e.message, "migration failed");
            observer(DeployEvent::Failed { name: m.name() });
            Err(Error::MigrationFailed {
                name: m.name().to_owned(),
                database_error_code: e.code,
                database_error: e.message,
                statement: e.statement,
                applied: Vec::new(),
            })
        }
    }
}

/// The `logs` of a failed row, laid out as Prisma writes its P3018 error there (`Migration name:`,
/// `Database error code:`, `Database error:`), so tools reading the column find the same fields.
fn failure_logs(name: &str, e: &ScriptError) -> String {
    let statement = e.statement.map(|s| format!("\n\nFailing statement: {s}")).unwrap_or_default();
    format!(
        "A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more \
         about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n\
         Migration name: {name}\n\nDatabase error code: {code}\n\nDatabase error:\n{message}{statement}\n",
        code = e.code,
        message = e.message,
    )
}
