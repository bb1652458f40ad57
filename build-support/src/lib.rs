//! Reads and checks a Prisma Migrate folder (`prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql`).
//!
//! This crate is the one code path that reads a migrations folder: the `migrations!` macro uses it at compile
//! time and the `prisma-migrations` CLI at run time, so both always agree. It has no proc-macro and no
//! database dependencies.
//!
//! In a build script, [`track`] makes cargo rebuild when a migration is added:
//!
//! ```no_run
//! // build.rs
//! prisma_migrations_build::track("prisma/migrations");
//! ```

pub mod checksum;
pub mod lint;
pub mod lockfile;
pub mod name;
mod provider;
mod rules;
mod scan;

use std::fmt;
use std::path::{Path, PathBuf};

pub use lockfile::LockFile;
pub use name::Numbering;
pub use provider::{LOCK_TOML, Provider, read_lock_toml_provider};
pub use scan::{Folder, ScannedMigration};

/// The vague names rejected by default: a slug made only of these words (and numbers, and `v<digits>`) says
/// nothing about the change.
pub const DEFAULT_VAGUE_NAMES: &[&str] = &[
    "update",
    "updates",
    "fix",
    "fixes",
    "change",
    "changes",
    "migration",
    "migrations",
    "migrate",
    "wip",
    "tmp",
    "temp",
    "test",
    "tests",
    "misc",
    "stuff",
    "new",
    "v2",
];

/// Settings for reading a folder. `Default` is what `migrations!()` uses with no options.
#[derive(Debug, Clone)]
pub struct Options {
    /// The provider the program expects (`postgresql`, `mysql`, `sqlite`, `cockroachdb`, `sqlserver`);
    /// checked against `migration_lock.toml` when both are known.
    pub provider: Option<String>,
    /// Timestamped (`prisma migrate dev`) or numbered folder names.
    pub numbering: Numbering,
    /// Words that make a slug vague when it has no others.
    pub vague_names: Vec<String>,
    /// Migrations up to and including this one are exempt from the naming rules (an existing history).
    pub exempt_until: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            provider: None,
            numbering: Numbering::Timestamp,
            vague_names: DEFAULT_VAGUE_NAMES.iter().map(|s| (*s).to_owned()).collect(),
            exempt_until: None,
        }
    }
}

/// What kind of problem a folder has; lets callers and tests tell them apart without matching on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The migrations folder does not exist or cannot be listed.
    FolderMissing,
    /// A migration folder or file could not be read.
    Unreadable,
    /// A folder name is not `<timestamp>_<slug>` (or `<number>_<slug>`).
    BadName,
    /// The timestamp is not a real date and time.
    BadTimestamp,
    /// The slug is a vague word such as `fix` or `update`.
    VagueName,
    /// A name longer than Prisma or the database allows.
    TooLong,
    /// Two migrations share a timestamp, or numbers do not increase.
    Order,
    /// `migration.sql` is missing (or not a file).
    MissingScript,
    /// A script is not valid UTF-8.
    NotUtf8,
    /// `migration.sql` is empty.
    EmptyScript,
    /// `migration_lock.toml` has no provider or an unknown one.
    BadLockToml,
    /// `migration_lock.toml` names another provider than the program expects.
    ProviderMismatch,
    /// `checksums.lock` cannot be parsed.
    BadChecksumsLock,
    /// A locked migration's file no longer matches its locked checksum.
    EditedLocked,
    /// A locked migration's folder is gone.
    DeletedLocked,
    /// A migration that is not locked sorts before the newest locked one.
    UnlockedBeforeLocked,
    /// An option names a migration that does not exist.
    BadOption,
}

/// One thing wrong with a migrations folder, with a message that names the folder or file at fault and says
/// what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What kind of problem this is.
    pub kind: ProblemKind,
    /// The file or folder at fault.
    pub path: PathBuf,
    /// One line, rustc style: lowercase, names in backticks, the hint after `; `.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

/// Reads a migrations folder and checks every rule; returns the folder, or every problem found.
///
/// # Errors
/// All problems at once, in folder order: bad names, missing or unreadable scripts, provider mismatch,
/// edited or deleted locked migrations, migrations out of order.
pub fn load(dir: &Path, options: &Options) -> Result<Folder, Vec<Problem>> {
    let (folder, mut problems) = scan::scan(dir);
    if let Some(folder) = &folder {
        problems.extend(rules::check(folder, options));
    }
    match folder {
        Some(folder) if problems.is_empty() => Ok(folder),
        _ => Err(problems),
    }
}

/// Like [`load`], but without reading `checksums.lock` or applying its rules: for the command that rewrites
/// `checksums.lock` (`prisma-migrations lock`), which must work when the lock file is stale or broken.
///
/// # Errors
/// Every other problem, as [`load`].
pub fn load_ignoring_lock(dir: &Path, options: &Options) -> Result<Folder, Vec<Problem>> {
    let (folder, mut problems) = scan::scan(dir);
    problems.retain(|p| p.kind != ProblemKind::BadChecksumsLock);
    let folder = folder.map(|mut f| {
        f.checksums_lock = None;
        f
    });
    if let Some(folder) = &folder {
        problems.extend(rules::check(folder, options));
    }
    match folder {
        Some(folder) if problems.is_empty() => Ok(folder),
        _ => Err(problems),
    }
}

/// For `build.rs`: makes cargo rebuild the crate when anything under `dir` changes, so a migration that is
/// added (not only edited) is embedded by the next build. `dir` is relative to the package root.
pub fn track(dir: impl AsRef<Path>) {
    println!("cargo::rerun-if-changed={}", dir.as_ref().display());
}
