//! Quickstart: apply the embedded migrations to a SQLite file, then show where the database stands. No server,
//! no Node.js, no Prisma CLI.
//!
//! ```text
//! cargo run -p prisma-migrations-examples --bin quickstart
//! ```
//!
//! The database is `DATABASE_URL` when it is set (`file:./dev.db`, `postgresql://…` with migrations for that
//! provider, …), else `file:./quickstart.db` in the current directory; it is created when missing, as
//! `prisma migrate deploy` does. Running it again applies nothing and prints the same table: deploy only runs
//! what `_prisma_migrations` does not record as applied.

use std::process::ExitCode;

use prisma_migrations::{Database, Error, MigrationState, Migrations, Migrator, redact_url};

/// The whole `examples/prisma/migrations` folder, checked and embedded at compile time (build.rs tracks it, so a
/// new migration folder rebuilds this binary).
static MIGRATIONS: Migrations = prisma_migrations::migrations!("prisma/migrations");

/// Where the database is when `DATABASE_URL` is not set.
const DEFAULT_URL: &str = "file:./quickstart.db";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Every error with a Prisma code starts with it (`P3018: …`), and never contains a password.
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    let url = std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty());
    let url = url.as_deref().unwrap_or(DEFAULT_URL);
    println!("{} migrations embedded from examples/prisma/migrations", MIGRATIONS.len());

    // A database that does not exist yet is no error: deploy creates it, as `prisma migrate deploy` does.
    let db = Database::connect(url).await?;
    let first_run = !db.exists().await?;
    println!("Database: {}{}", redact_url(url), if first_run { " (new: deploy creates it)" } else { "" });
    println!();

    let migrator = Migrator::new(&MIGRATIONS);
    let result = deploy_and_show(&migrator, &db).await;
    db.close().await;
    result
}

async fn deploy_and_show(migrator: &Migrator<'_>, db: &Database) -> Result<(), Error> {
    let report = migrator.deploy(db).await?;
    if report.applied.is_empty() {
        println!("Nothing to apply: the database already has all {} migrations.", report.found);
    } else {
        println!("Applied {} migration(s) in {} ms:", report.applied.len(), report.total.as_millis());
        let width = report.applied.iter().map(|m| m.name.len()).max().unwrap_or(0);
        for m in &report.applied {
            println!("  {:<width$}  {:>5} ms", m.name, m.duration.as_millis());
        }
    }
    println!();

    let status = migrator.status(db).await?;
    let width = status.migrations.iter().map(|m| m.name.len()).max().unwrap_or(0).max("MIGRATION".len());
    println!("{:<width$}  {:<10}  APPLIED AT", "MIGRATION", "STATE");
    for m in &status.migrations {
        let state = match m.state {
            MigrationState::Applied => "applied",
            MigrationState::Pending => "pending",
            MigrationState::Failed => "failed",
            MigrationState::Edited => "edited",
            MigrationState::RolledBack => "rolled back",
            _ => "other",
        };
        let at = m.finished_at.map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string());
        println!("{:<width$}  {state:<10}  {at}", m.name);
    }
    if status.is_up_to_date() {
        println!("\nThe database is up to date.");
    }
    Ok(())
}
