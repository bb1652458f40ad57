//! pm-deployer: a small test-only deployer process built on the library, for tests that need separate
//! processes (contention, interop with the Prisma CLI, crash tests). Keep this interface stable.
//!
//! ```text
//! pm-deployer <url> <migrations-dir> [deploy|status|verify|resolve-applied NAME|resolve-rolled-back NAME|rollback NAME]
//! ```
//!
//! - `<url>`: a Prisma-style URL (`postgresql://…[?schema=x]`, `mysql://…`, `file:/abs/path.db`). A relative
//!   `file:` path is resolved against the parent of `<migrations-dir>`, as Prisma resolves it against the
//!   directory of `schema.prisma`.
//! - `<migrations-dir>`: read at run time with `Migrations::load` and the default build-support options.
//! - The command defaults to `deploy`. `deploy` (and the two resolves) first create the database when it
//!   does not exist, as `prisma migrate deploy` does; `status` and `verify` never write.
//!
//! Output: exactly one line on stdout on success, starting with the command:
//! `deploy: applied N of M migration(s)`, `status: up to date` / `status: not up to date (P pending, F failed,
//! E edited, X missing locally)`, `verify: up to date`, `resolve-applied: NAME`, `resolve-rolled-back: NAME`,
//! `rollback: NAME` (runs the migration's `down.sql`; only the latest applied migration).
//! Exit code 0 on success; 1 on any error (and `status` exits 1 when not up to date, as Prisma's does).
//! On error, stderr's first line is `pm-deployer: error <CODE>: <message>`, where `<CODE>` is the Prisma
//! code (`P3009` …) or `-` when the error has none; the message never contains a password.
//! Usage errors exit 2.
//!
//! Environment: `PM_DEPLOYER_SIGNAL_FILE=<path>`: when set, the process writes its pid to that file right
//! after connecting and before running the command (for tests that must act while a deployer is under way).
//! `PM_DEPLOYER_LOCK_TIMEOUT_MS=<ms>`: the lock timeout (`Migrator::lock_timeout`) instead of the default.
//! `PM_DEPLOYER_LOG=1`: the library's `tracing` events (INFO and up: lock waits, applied migrations) go to
//! stderr, one line each, before the error line if any (off by default, so stderr stays one error line).
//! `PM_CRASH_AT=<point>[#n]`: the library aborts the process at that named crash point (`runtime/src/crash_point.rs`).

use std::path::Path;
use std::process::ExitCode;

use prisma_migrations::{ConnectOptions, Database, Error, Migrations, Migrator};

const USAGE: &str = "usage: pm-deployer <url> <migrations-dir> [deploy|status|verify|resolve-applied NAME|resolve-rolled-back NAME|rollback NAME]";

enum Command {
    Deploy,
    Status,
    Verify,
    ResolveApplied(String),
    ResolveRolledBack(String),
    Rollback(String),
}

impl Command {
    fn writes(&self) -> bool {
        !matches!(self, Self::Status | Self::Verify)
    }
}

fn parse(args: &[String]) -> Option<(String, String, Command)> {
    let (url, dir) = (args.first()?.clone(), args.get(1)?.clone());
    let cmd = match (args.get(2).map(String::as_str), args.get(3)) {
        (None | Some("deploy"), None) => Command::Deploy,
        (Some("status"), None) => Command::Status,
        (Some("verify"), None) => Command::Verify,
        (Some("resolve-applied"), Some(name)) if args.len() == 4 => Command::ResolveApplied(name.clone()),
        (Some("resolve-rolled-back"), Some(name)) if args.len() == 4 => Command::ResolveRolledBack(name.clone()),
        (Some("rollback"), Some(name)) if args.len() == 4 => Command::Rollback(name.clone()),
        _ => return None,
    };
    Some((url, dir, cmd))
}

/// Runs the command; `Ok(false)` = ran, but the answer is "not up to date" (status).
async fn run(url: &str, dir: &Path, cmd: &Command) -> Result<(String, bool), Error> {
    let migrations = Migrations::load(dir, &prisma_migrations::build::Options::default())?;
    let base = dir.parent().unwrap_or(dir);
    let db = Database::connect_with(url, &ConnectOptions::new().base_dir(base)).await?;
    if cmd.writes() {
        db.create_if_missing().await?;
    }
    if let Some(path) = std::env::var_os("PM_DEPLOYER_SIGNAL_FILE") {
        let _ = std::fs::write(path, std::process::id().to_string());
    }
    let mut migrator = Migrator::new(&migrations);
    if let Some(ms) = std::env::var("PM_DEPLOYER_LOCK_TIMEOUT_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        migrator = migrator.lock_timeout(std::time::Duration::from_millis(ms));
    }
    let result = match cmd {
        Command::Deploy => migrator
            .deploy(&db)
            .await
            .map(|r| (format!("deploy: applied {} of {} migration(s)", r.applied.len(), migrations.len()), true)),
        Command::Status => migrator.status(&db).await.map(|s| {
            if s.is_up_to_date() {
                ("status: up to date".to_owned(), true)
            } else {
                let line = format!(
                    "status: not up to date ({} pending, {} failed, {} edited, {} missing locally{})",
                    s.pending().len(),
                    s.failed().len(),
                    s.edited().len(),
                    s.missing_locally.len(),
                    if s.table_exists { "" } else { ", no _prisma_migrations table" }
                );
                (line, false)
            }
        }),
        Command::Verify => migrator.verify(&db).await.map(|()| ("verify: up to date".to_owned(), true)),
        Command::ResolveApplied(name) => {
            migrator.resolve_applied(&db, name).await.map(|()| (format!("resolve-applied: {name}"), true))
        }
        Command::ResolveRolledBack(name) => {
            migrator.resolve_rolled_back(&db, name).await.map(|()| (format!("resolve-rolled-back: {name}"), true))
        }
        Command::Rollback(name) => {
            migrator.rollback(&db, name, false).await.map(|()| (format!("rollback: {name}"), true))
        }
    };
    db.close().await;
    result
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    if std::env::var_os("PM_DEPLOYER_LOG").is_some_and(|v| !v.is_empty() && v != "0") {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
            .init();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((url, dir, cmd)) = parse(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(&url, Path::new(&dir), &cmd).await {
        Ok((line, ok)) => {
            println!("{line}");
            if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(e) => {
            eprintln!("pm-deployer: error {}: {e}", e.code().unwrap_or("-"));
            ExitCode::FAILURE
        }
    }
}
