//! The command line, as clap sees it. Every command's `--help` says what it does, what it changes and how it
//! exits; the wording of the shared parts lives in the constants below.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use prisma_migrations::fleet::DEFAULT_CONCURRENCY;
use prisma_migrations_build::lint::{Level, LintConfig};

const TOP_AFTER: &str = "The database URL comes from --database-url, else from the datasource of the schema.prisma \
beside the migrations folder (`directUrl`, else `url`, as Prisma 6 migrates), else the DATABASE_URL environment \
variable; a variable is read from the environment, else from a `.env` file in the current directory or beside the \
migrations folder (prisma/.env); the real environment wins over `.env`. A URL with pgbouncer=true is not used to \
take the migration lock: set directUrl. A relative `file:` URL is resolved against the parent of the migrations folder, as \
Prisma resolves it against the directory of schema.prisma (`file:./dev.db` → prisma/dev.db).\n\n\
Passwords in URLs are never printed.\n\n\
Exit codes: 0 success / up to date; 1 not up to date or failed; 2 wrong usage.";

/// Apply, check and manage Prisma Migrate migrations without Node.js, writing `_prisma_migrations` exactly as
/// Prisma does, so this tool and the Prisma CLI can be used on the same database interchangeably.
#[derive(Debug, Parser)]
#[command(name = "prisma-migrations", version, after_long_help = TOP_AFTER, disable_help_subcommand = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes (before or after the command name).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The migrations folder [default: prisma/migrations]. Not needed by an application that embeds its
    /// migrations (`prisma_migrations_cli::run`), except for `lock`, which writes the folder's checksums.lock.
    #[arg(long, global = true, value_name = "DIR")]
    pub migrations: Option<PathBuf>,

    /// The database URL (`postgresql://…?schema=…`, `mysql://…`, `file:./dev.db`) [default: `directUrl`, else
    /// `url`, of prisma/schema.prisma; else env `DATABASE_URL`, then `DATABASE_URL` from `.env` or `prisma/.env`].
    #[arg(long, global = true, value_name = "URL", visible_alias = "url")]
    pub database_url: Option<String>,

    /// Print one JSON document on stdout instead of text: `{"ok": …, "code": "P3009"|null, "error": …, …}`.
    #[arg(long, global = true)]
    pub json: bool,

    /// Exempt the migrations up to and including this one from the naming rules (an existing history), as
    /// the macro's `exempt_until`.
    #[arg(long, global = true, value_name = "MIGRATION", help_heading = "Folder rules (as the macro's options)")]
    pub exempt_until: Option<String>,

    /// Folder names are `<number>_<slug>` rather than `<timestamp>_<slug>`, as the macro's
    /// `numbering = "sequential"`.
    #[arg(long, global = true, help_heading = "Folder rules (as the macro's options)")]
    pub sequential: bool,

    /// The words that make a slug vague, comma-separated, replacing the default list (`fix`, `update`, …);
    /// `--vague-names ""` turns the check off. As the macro's `vague_names`.
    #[arg(
        long,
        global = true,
        value_name = "WORDS",
        value_delimiter = ',',
        help_heading = "Folder rules (as the macro's options)"
    )]
    pub vague_names: Option<Vec<String>>,
}

impl Global {
    /// The folder-reading options these flags describe (the macro's defaults otherwise).
    pub fn folder_options(&self) -> prisma_migrations_build::Options {
        let mut o = prisma_migrations_build::Options {
            surface: prisma_migrations_build::Surface::Cli,
            ..prisma_migrations_build::Options::default()
        };
        if let Some(name) = &self.exempt_until {
            o.exempt_until = Some(name.clone());
        }
        if self.sequential {
            o.numbering = prisma_migrations_build::Numbering::Sequential;
        }
        if let Some(words) = &self.vague_names {
            o.vague_names = words.iter().map(|w| w.trim().to_owned()).filter(|w| !w.is_empty()).collect();
        }
        o
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Prisma's `migrate` commands: deploy, status, resolve, and reset.
    #[command(subcommand)]
    Migrate(Migrate),

    /// Exit 0 only when the database is exactly up to date with the migrations (nothing pending, failed, edited
    /// or missing locally). Writes nothing; takes no lock.
    #[command(after_long_help = "Use it as a start-up or CI guard. Exit codes: 0 up to date; 1 not up to date (each \
    discrepancy is listed) or the database cannot be read; 2 wrong usage.")]
    Verify(Strictness),

    /// Dry run: print the SQL that `migrate deploy` would run now, in order. Writes nothing.
    #[command(after_long_help = "Stops with the error deploy would stop with (P3009 failed migrations, P3005 \
    schema not empty, …) when deploy would refuse to run. Exit codes: 0 plan printed (possibly empty); 1 deploy \
    would fail or the database cannot be read; 2 wrong usage.")]
    Plan(Strictness),

    /// Undo the latest applied migration: run its `down.sql`, then delete its rows from `_prisma_migrations` so
    /// that Prisma (6 and 7) and `migrate deploy` see it as pending again.
    #[command(after_long_help = "Changes the schema (runs down.sql) and `_prisma_migrations`. Refuses, saying why, \
    when the migration has no down.sql, is not applied, or is not the latest applied migration (unless --force). \
    When down.sql fails, the rows are left unchanged. Exit codes: 0 rolled back; 1 refused or failed; 2 wrong usage.")]
    Rollback(RollbackArgs),

    /// Write or refresh `checksums.lock` in the migrations folder: the released migrations and their checksums,
    /// which the build then protects against edits, deletions and out-of-order additions.
    #[command(after_long_help = "Without --from-db: locks every migration of the folder; refuses to change the \
    checksum of an already locked migration, drop a locked migration or lock a migration that sorts before a \
    locked one, unless --force. With --from-db URL: locks exactly the migrations that database has applied, \
    with the checksums it recorded, and fails naming every migration whose file no longer matches. Needs the \
    folder (--migrations), also in an application with embedded migrations. Changes only checksums.lock. \
    Exit codes: 0 written; 1 refused or failed; 2 wrong usage.")]
    Lock(LockArgs),

    /// Lint the migrations not yet in checksums.lock for data loss, long locks and table rewrites, with the
    /// rules the macros apply at compile time.
    #[command(after_long_help = "Reads no database. Prints each finding as `<folder>/migration.sql:LINE:COL`, the \
    rule, why and the remedy; acknowledge one with `-- prisma-migrations: allow <rule>: <reason>` on the line above \
    the statement. Exit codes: 0 no error-level finding (warnings are listed); 1 error-level findings or an \
    unreadable folder; 2 wrong usage (an unknown rule or level).")]
    Lint(LintArgs),

    /// Run SQL against the database (Prisma's `db execute`).
    #[command(subcommand)]
    Db(Db),

    /// Deploy to many databases or schemas at once (`fleet deploy --targets FILE`).
    #[command(subcommand)]
    Fleet(Fleet),
}

#[derive(Debug, Subcommand)]
pub enum Migrate {
    /// Apply every pending migration, in order, as `prisma migrate deploy` does. Creates the database first
    /// when it does not exist.
    #[command(after_long_help = "Takes Prisma's migration lock, creates `_prisma_migrations` when missing (refusing \
    with P3005 when the schema already has tables: baseline it with `migrate resolve --applied`), refuses with \
    P3009 while a failed migration is recorded, then runs each pending migration.sql and records it. A failing \
    script stops the deploy with P3018. --to N stops after N (nothing to do when N is applied); --allow-newer \
    leaves a database that a newer release migrated as it is. Exit codes: 0 every migration applied (or none \
    pending); 1 failed; 2 wrong usage.")]
    Deploy(DeployArgs),

    /// Compare the migrations with the database, as `prisma migrate status` does, and also report applied
    /// migrations that were edited and applied migrations missing from the folder. Writes nothing.
    #[command(after_long_help = "Exit codes: 0 up to date; 1 pending, failed, edited or missing migrations, no \
    `_prisma_migrations` table, or the database cannot be read; 2 wrong usage.")]
    Status(StatusArgs),

    /// Record a failed migration as rolled back or applied, as `prisma migrate resolve` does. Runs no
    /// migration SQL.
    #[command(after_long_help = "--rolled-back N: after undoing a failed migration's changes by hand, marks its \
    failed rows rolled back so deploy runs it again (P3011 never applied, P3012 not failed). --applied N: after \
    completing a migration by hand, or to baseline a database that already has the schema, records N as applied \
    without running it (P3017 not in the folder, P3008 already applied). Exit codes: 0 recorded; 1 refused or \
    failed; 2 wrong usage.")]
    Resolve(ResolveArgs),

    /// For development databases: drop everything in the target schema, then deploy every migration from
    /// scratch. DELETES ALL DATA.
    #[command(after_long_help = "PostgreSQL: drops and recreates the `?schema=` schema (default public) with \
    CASCADE. MySQL: drops every table and view of the database. SQLite: drops every table, view, index and \
    trigger of the file. Asks for confirmation on a terminal; without a terminal it refuses unless --force. \
    Exit codes: 0 reset and deployed; 1 refused or failed; 2 wrong usage.")]
    Reset(ResetArgs),
}

/// Where this tool is stricter than Prisma: the flags that restore Prisma's behaviour, and `--allow-newer` for
/// rolling deploys.
#[derive(Debug, Args, Clone, Copy, Default)]
#[command(next_help_heading = "Strictness")]
pub struct Strictness {
    /// Accept applied migrations whose migration.sql changed since they were applied (Prisma does not check).
    #[arg(long)]
    pub allow_edited: bool,

    /// Accept migrations recorded in the database that are missing from the folder (Prisma ignores them).
    #[arg(long)]
    pub allow_missing: bool,

    /// Accept a database that a newer release already migrated (an old replica during a rolling deploy):
    /// every migration of the folder applied, plus applied migrations that sort after its latest one. Deploy
    /// then applies nothing. Deleted, renamed, edited or failed migrations are still refused.
    #[arg(long)]
    pub allow_newer: bool,
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// Apply the pending migrations up to and including this one (full folder name) and leave the later ones
    /// pending; nothing to do when it is already applied.
    #[arg(long, value_name = "MIGRATION")]
    pub to: Option<String>,

    #[command(flatten)]
    pub strictness: Strictness,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Report a database that a newer release already migrated as up to date, listing the newer migrations
    /// (as `verify --allow-newer` accepts it).
    #[arg(long)]
    pub allow_newer: bool,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ResolveArgs {
    /// Record this migration (full folder name) as applied without running it.
    #[arg(long, value_name = "MIGRATION")]
    pub applied: Option<String>,

    /// Mark this failed migration's rows as rolled back, so deploy runs it again.
    #[arg(long, value_name = "MIGRATION")]
    pub rolled_back: Option<String>,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The migration to roll back (full folder name).
    #[arg(value_name = "MIGRATION")]
    pub name: String,

    /// Roll it back even when it is not the latest applied migration.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct LockArgs {
    /// Lock what this database has applied (names and recorded checksums) instead of the whole folder; without
    /// a URL, the database of --database-url / `DATABASE_URL`.
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    pub from_db: Option<String>,

    /// Overwrite locked checksums, drop deleted migrations, lock out-of-order migrations.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum Db {
    /// Run a SQL script against the database as one unit, the way deploy sends a migration.
    #[command(after_long_help = "PostgreSQL runs a multi-statement script in one implicit transaction; MySQL and \
    SQLite run the statements one by one, so a failure leaves the earlier ones applied. Does not touch \
    `_prisma_migrations`. Exit codes: 0 the script ran; 1 it failed (the database error and the failing \
    statement are printed); 2 wrong usage.")]
    Execute(ExecuteArgs),
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ExecuteArgs {
    /// The script to run.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Read the script from standard input.
    #[arg(long)]
    pub stdin: bool,
}

impl Command {
    /// The command's name as typed, for messages and the JSON `command` field.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Migrate(Migrate::Deploy(_)) => "migrate deploy",
            Self::Migrate(Migrate::Status(_)) => "migrate status",
            Self::Migrate(Migrate::Resolve(_)) => "migrate resolve",
            Self::Migrate(Migrate::Reset(_)) => "migrate reset",
            Self::Verify(_) => "verify",
            Self::Plan(_) => "plan",
            Self::Rollback(_) => "rollback",
            Self::Lock(_) => "lock",
            Self::Lint(_) => "lint",
            Self::Db(Db::Execute(_)) => "db execute",
            Self::Fleet(f) => f.name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_after_the_command() {
        let cli = Cli::try_parse_from(["pm", "migrate", "status", "--json", "--migrations", "m"]).unwrap();
        assert!(cli.global.json);
        assert_eq!(cli.global.migrations.as_deref(), Some(std::path::Path::new("m")));
    }

    #[test]
    fn resolve_needs_exactly_one_flag() {
        assert!(Cli::try_parse_from(["pm", "migrate", "resolve"]).is_err());
        assert!(Cli::try_parse_from(["pm", "migrate", "resolve", "--applied", "a", "--rolled-back", "b"]).is_err());
        assert!(Cli::try_parse_from(["pm", "migrate", "resolve", "--rolled-back", "b"]).is_ok());
    }
}

/// `lint [--rule RULE=LEVEL]… [--provider P]`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Set a rule's level, as the macros' `lint(rule = "level")`: `--rule ban-drop-column=warn`; repeatable.
    /// Levels: off, warn, error.
    #[arg(long = "rule", value_name = "RULE=LEVEL", value_parser = parse_setting)]
    pub rules: Vec<(String, Level)>,

    /// The provider to lint for when the folder has no `migration_lock.toml` (postgresql, mysql, sqlite,
    /// cockroachdb); checked against it otherwise, as the macros' `provider`.
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,
}

fn parse_setting(s: &str) -> Result<(String, Level), String> {
    let (name, level) =
        s.split_once('=').ok_or_else(|| format!("expected `RULE=LEVEL`, e.g. `ban-drop-column=warn`, got `{s}`"))?;
    LintConfig::parse_setting(name.trim(), level.trim())
}

#[derive(Debug, Subcommand)]
pub enum Fleet {
    /// Apply every pending migration to each database or schema listed in a targets file, a few at a time; a
    /// failing target does not stop the others.
    #[command(after_long_help = "The targets file has one database URL per line (blank lines and lines starting \
    with # are skipped); schemas of one PostgreSQL database are listed as URLs that differ in `?schema=`. A \
    relative `file:` URL is resolved like --database-url's. Each target is deployed as `migrate deploy` deploys \
    it (created when missing, P3005/P3009/P3018 … per target). Targets that share Prisma's migration lock (the \
    schemas of one PostgreSQL database, the databases of one MySQL server) are deployed under one lock taken \
    once, so they run concurrently while other deployers wait. A target listed twice fails (P1013). At the end, \
    a table: target (password hidden), migrations applied, duration, result or error code, then each error. \
    Exit codes: 0 every target up to date; 1 any target failed; 2 wrong usage.")]
    Deploy(FleetDeployArgs),
}

#[derive(Debug, Args)]
pub struct FleetDeployArgs {
    /// The targets file: one database URL per line.
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,

    /// How many targets to deploy at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1024))]
    pub concurrency: usize,

    #[command(flatten)]
    pub strictness: Strictness,
}

impl Fleet {
    /// The command's name as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Deploy(_) => "fleet deploy",
        }
    }
}
