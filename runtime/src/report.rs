//! What the migrator's commands return: typed, so a CLI can print (or serialize) every detail.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// One row of `_prisma_migrations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationRecord {
    /// Random UUID v4.
    pub id: String,
    /// Checksum of the script when it was applied.
    pub checksum: String,
    /// Set when the script succeeded (or the migration was resolved as applied).
    pub finished_at: Option<DateTime<Utc>>,
    /// The folder name.
    pub migration_name: String,
    /// The error text of a failed attempt; `''` for `resolve --applied`.
    pub logs: Option<String>,
    /// Set by `resolve --rolled-back` (and `rollback`).
    pub rolled_back_at: Option<DateTime<Utc>>,
    /// When the attempt started.
    pub started_at: DateTime<Utc>,
    /// 1 after a successful script, else 0.
    pub applied_steps_count: u32,
}

impl MigrationRecord {
    /// Finished and not rolled back.
    pub fn is_applied(&self) -> bool {
        self.finished_at.is_some() && self.rolled_back_at.is_none()
    }

    /// Neither finished nor rolled back: Prisma's "failed" (also a deploy still running).
    pub fn is_failed(&self) -> bool {
        self.finished_at.is_none() && self.rolled_back_at.is_none()
    }
}

/// One migration applied by a deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// The folder name.
    pub name: String,
    /// How long its script (and bookkeeping) took.
    pub duration: Duration,
}

/// A step of a deploy in progress, given to the observer of
/// [`Migrator::deploy_observed`](crate::Migrator::deploy_observed) as it happens.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum DeployEvent<'a> {
    /// The migration's row is recorded and its script is about to run.
    Applying {
        /// The folder name.
        name: &'a str,
    },
    /// The script ran and the row is finished.
    Applied(&'a AppliedMigration),
    /// The script failed; deploy stops with [`Error::MigrationFailed`](crate::Error::MigrationFailed).
    Failed {
        /// The folder name.
        name: &'a str,
    },
}

/// What `deploy` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployReport {
    /// The migrations applied, in order (empty: nothing was pending).
    pub applied: Vec<AppliedMigration>,
    /// Wall time of the whole deploy, lock wait included.
    pub total: Duration,
    /// How long we waited for the migration lock.
    pub lock_wait: Duration,
    /// How many local migrations there are (Prisma prints `N migrations found`).
    pub found: usize,
    /// Whether this deploy created `_prisma_migrations`.
    pub created_table: bool,
    /// The target of [`Migrator::deploy_to`](crate::Migrator::deploy_to) (`None` for `deploy`).
    pub target: Option<DeployTarget>,
    /// With [`Migrator::allow_newer`](crate::Migrator::allow_newer): the applied migrations the database has
    /// beyond this list's latest one, in `started_at` order. Not empty: the database is newer than this list (a
    /// newer release deployed), and this deploy applied nothing.
    pub newer_in_database: Vec<String>,
}

/// What [`Migrator::deploy_to`](crate::Migrator::deploy_to) found of its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployTarget {
    /// The target's folder name.
    pub name: String,
    /// It was applied before this deploy, so the deploy applied nothing.
    pub already_applied: bool,
}

/// The state of one local migration in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MigrationState {
    /// Applied, and the file matches the recorded checksum.
    Applied,
    /// Never attempted: deploy will apply it.
    Pending,
    /// A row of it is neither finished nor rolled back: deploy refuses (P3009) until it is resolved.
    Failed,
    /// Applied, but the local file no longer matches the recorded checksum.
    Edited,
    /// Every attempt was rolled back: deploy will apply it again.
    RolledBack,
}

impl MigrationState {
    /// The state in lower case with underscores (`applied`, `rolled_back` …), as the CLI's `--json` output writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Pending => "pending",
            Self::Failed => "failed",
            Self::Edited => "edited",
            Self::RolledBack => "rolled_back",
        }
    }
}

/// One local migration's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The folder name.
    pub name: String,
    /// Its state.
    pub state: MigrationState,
    /// Start of the row that decides the state (the failed row, else the applied row, else the first row).
    pub started_at: Option<DateTime<Utc>>,
    /// Its `finished_at`.
    pub finished_at: Option<DateTime<Utc>>,
    /// Its `rolled_back_at`.
    pub rolled_back_at: Option<DateTime<Utc>>,
    /// Its `logs` (the error text of a failed attempt).
    pub logs: Option<String>,
    /// Whether the local file matches that row's checksum (true when there is no row).
    pub checksum_matches: bool,
    /// How many rows the migration has (attempts, resolutions).
    pub attempts: usize,
}

/// What `status` found: like `prisma migrate status`, typed, plus what Prisma does not report (edited
/// migrations, rows with no local folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// Whether `_prisma_migrations` exists (if not, the database is not managed by Prisma Migrate yet).
    pub table_exists: bool,
    /// Every local migration, in folder order.
    pub migrations: Vec<MigrationStatus>,
    /// Rows whose migration has no local folder (first row of each name, in `started_at` order).
    pub missing_locally: Vec<MigrationRecord>,
    /// The last local migration that is applied before the first one that is not: what Prisma prints as the
    /// last common migration when histories diverge.
    pub last_common_migration: Option<String>,
    /// With [`Migrator::allow_newer`](crate::Migrator::allow_newer), when the database is ahead of this list
    /// (every local migration applied, and the rows it lacks are applied and sort after its latest migration):
    /// those rows, moved here from `missing_locally` (first row of each name, in `started_at` order).
    pub newer_in_database: Vec<MigrationRecord>,
}

impl StatusReport {
    fn named(&self, state: MigrationState) -> impl Iterator<Item = &MigrationStatus> {
        self.migrations.iter().filter(move |m| m.state == state)
    }

    /// Migrations with a failed row.
    pub fn failed(&self) -> Vec<&MigrationStatus> {
        self.named(MigrationState::Failed).collect()
    }

    /// Applied migrations whose file changed.
    pub fn edited(&self) -> Vec<&MigrationStatus> {
        self.named(MigrationState::Edited).collect()
    }

    /// Migrations deploy would apply (never applied, or rolled back).
    pub fn pending(&self) -> Vec<&MigrationStatus> {
        self.migrations
            .iter()
            .filter(|m| matches!(m.state, MigrationState::Pending | MigrationState::RolledBack))
            .collect()
    }

    /// Both sides have migrations the other lacks (Prisma: "local migration history and the migrations table
    /// from the database are different").
    pub fn histories_diverge(&self) -> bool {
        !self.missing_locally.is_empty() && !self.pending().is_empty()
    }

    /// Whether a migration's script has run on the database: its state is applied or edited (an edited
    /// migration ran in its earlier version), or, for a name the folder lacks, it has an applied row.
    ///
    /// ```no_run
    /// # async fn f(db: &prisma_migrations::Database, m: &prisma_migrations::Migrations) -> Result<(), prisma_migrations::Error> {
    /// let status = prisma_migrations::Migrator::new(m).status(db).await?;
    /// if status.is_applied("20250114161500_add_2fa") {
    ///     // serve the feature
    /// }
    /// # Ok(()) }
    /// ```
    pub fn is_applied(&self, target: impl crate::Target) -> bool {
        let name = target.target_name();
        match self.migrations.iter().find(|m| m.name == name) {
            Some(m) => matches!(m.state, MigrationState::Applied | MigrationState::Edited),
            None => self
                .missing_locally
                .iter()
                .chain(&self.newer_in_database)
                .any(|r| r.migration_name == name && r.is_applied()),
        }
    }

    /// True when the table exists, every local migration is applied unedited, none failed, and the database
    /// has no migration the folder lacks (beyond the newer ones that `allow_newer` accepts).
    pub fn is_up_to_date(&self) -> bool {
        self.table_exists
            && self.missing_locally.is_empty()
            && self.migrations.iter().all(|m| m.state == MigrationState::Applied)
    }
}

/// One migration `deploy` would apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMigration {
    /// The folder name.
    pub name: String,
    /// Its script.
    pub sql: String,
    /// Its checksum.
    pub checksum: String,
}

/// What `deploy` would do now: the pending migrations in order, with their SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Whether the database does not exist yet, so deploy would create it first (then every migration is
    /// listed).
    pub creates_database: bool,
    /// Whether deploy would create `_prisma_migrations` first.
    pub creates_table: bool,
    /// The migrations, in order.
    pub migrations: Vec<PlannedMigration>,
}
