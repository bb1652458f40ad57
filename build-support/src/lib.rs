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
pub mod order;
mod provider;
mod rules;
mod scan;
pub mod script;

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
    /// Migrations up to and including this one (in Prisma's order) are exempt from the authoring rules (an
    /// existing history), as the migrations listed in `checksums.lock` are.
    pub exempt_until: Option<String>,
    /// Who reads the folder, so that remedies name the settings that caller has.
    pub surface: Surface,
}

/// Who reads the folder: remedies name the macro's options (`numbering = "sequential"`) or the CLI's flags
/// (`--sequential`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Surface {
    /// `migrations!()` and `#[derive(Migrations)]`.
    #[default]
    Macro,
    /// The `prisma-migrations` command line.
    Cli,
}

impl Surface {
    /// How this caller spells the setting for numbered folder names.
    pub fn sequential(self) -> &'static str {
        match self {
            Self::Macro => "`numbering = \"sequential\"`",
            Self::Cli => "`--sequential`",
        }
    }

    /// How this caller spells the setting that exempts an existing history.
    pub fn exempt_until(self) -> &'static str {
        match self {
            Self::Macro => "`exempt_until`",
            Self::Cli => "`--exempt-until`",
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            provider: None,
            numbering: Numbering::Timestamp,
            vague_names: DEFAULT_VAGUE_NAMES.iter().map(|s| (*s).to_owned()).collect(),
            exempt_until: None,
            surface: Surface::Macro,
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
    /// A name longer than the database's `migration_name` column holds.
    TooLong,
    /// A slug longer than the 200 bytes `prisma migrate dev` writes.
    LongSlug,
    /// Two migrations share a timestamp, or numbers do not increase.
    Order,
    /// A locked or exempt migration's name has characters outside printable ASCII, so its place in Prisma's
    /// order is not known exactly (a new one is a [`ProblemKind::BadName`]). A warning at run time; the
    /// build, which cannot warn, does not report it.
    UncertainOrder,
    /// A sub-directory entry is a symbolic link (to a folder, or broken): Prisma does not list it as a
    /// migration.
    SymlinkedFolder,
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

impl ProblemKind {
    /// The authoring rules: how new migrations are named and ordered. They apply to migrations that are not
    /// in `checksums.lock` (nor exempt by `exempt_until`), and only stop a build: at run time they are
    /// warnings, because Prisma deploys such histories as they are.
    pub fn is_authoring(self) -> bool {
        matches!(self, Self::BadName | Self::BadTimestamp | Self::VagueName | Self::LongSlug | Self::Order)
    }

    /// Whether a deploy, status or verify goes on despite the problem (with a warning): the authoring rules,
    /// a symlinked folder (left out exactly as Prisma leaves it out), and a released name whose place in
    /// Prisma's order is uncertain.
    pub fn is_warning_at_run_time(self) -> bool {
        self.is_authoring() || matches!(self, Self::SymlinkedFolder | Self::UncertainOrder)
    }
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
    // Released names only, which a build must accept; the CLI and `Migrations::load` warn about it.
    problems.retain(|p| p.kind != ProblemKind::UncertainOrder);
    match folder {
        Some(folder) if problems.is_empty() => Ok(folder),
        _ => Err(problems),
    }
}

/// The lock-file rules alone, against a `checksums.lock` that is not (or not yet) the folder's: every locked
/// migration whose file was edited or whose folder is gone, and every unlocked one that sorts before the newest
/// locked one. For `prisma-migrations lock`, which refuses to rewrite a lock file that would break them.
pub fn lock_problems(folder: &Folder, lock: &LockFile) -> Vec<Problem> {
    rules::lock_problems(folder, lock)
}

/// A folder read for a command that runs migrations, with the problems that do not stop it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The migrations, in Prisma's order; symlinked folders left out, as Prisma leaves them out.
    pub folder: Folder,
    /// Authoring rules broken by migrations that are not locked, and symlinked folders: to show the user.
    pub warnings: Vec<Problem>,
}

/// Reads a folder for deploy, status, verify or plan (the CLI, `Migrations::load`): the same rules as
/// [`load`], but the authoring rules and symlinked folders are warnings ([`ProblemKind::is_warning_at_run_time`]),
/// so every history Prisma deploys loads, in Prisma's order.
///
/// # Errors
/// The problems that make the folder unusable or unsafe: unreadable, missing or non-UTF-8 scripts, a provider
/// mismatch, edited or deleted locked migrations, and the rest of [`load`]'s errors.
pub fn load_for_run(dir: &Path, options: &Options) -> Result<Loaded, Vec<Problem>> {
    let (folder, mut problems) = scan::scan(dir);
    if let Some(folder) = &folder {
        problems.extend(rules::check(folder, options));
    }
    split(folder, problems)
}

/// Like [`load_for_run`], but without reading `checksums.lock` or applying its rules: for the command that
/// rewrites `checksums.lock` (`prisma-migrations lock`), which must work when the lock file is stale or broken,
/// and on a history that breaks the authoring rules (locking it is how such a history is adopted).
///
/// # Errors
/// Every other problem, as [`load_for_run`].
pub fn load_ignoring_lock(dir: &Path, options: &Options) -> Result<Loaded, Vec<Problem>> {
    let (folder, mut problems) = scan::scan(dir);
    problems.retain(|p| p.kind != ProblemKind::BadChecksumsLock);
    let folder = folder.map(|mut f| {
        f.checksums_lock = None;
        f
    });
    if let Some(folder) = &folder {
        problems.extend(rules::check(folder, options));
    }
    split(folder, problems)
}

fn split(folder: Option<Folder>, problems: Vec<Problem>) -> Result<Loaded, Vec<Problem>> {
    let (warnings, errors): (Vec<Problem>, Vec<Problem>) =
        problems.into_iter().partition(|p| p.kind.is_warning_at_run_time());
    match folder {
        Some(folder) if errors.is_empty() => Ok(Loaded { folder, warnings }),
        // The warnings are left out: they would read as reasons for the refusal.
        _ => Err(errors),
    }
}

/// For `build.rs`: makes cargo rebuild the crate when anything under `dir` changes, so a migration that is
/// added (not only edited) is embedded by the next build. `dir` is relative to the package root.
pub fn track(dir: impl AsRef<Path>) {
    println!("cargo::rerun-if-changed={}", dir.as_ref().display());
}
