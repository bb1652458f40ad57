//! An application that refuses to start unless its database has exactly the migrations it was built with:
//! `Migrator::verify` (one query, no lock, writes nothing) before serving.
//!
//! ```text
//! DATABASE_URL=file:./quickstart.db cargo run -p prisma-migrations-examples --bin startup_verify
//! ```
//!
//! Exit 0 after printing that it serves (an example: it stops there); exit 1 with the reason and what to do
//! when the database is missing, behind (pending migrations), has a failed migration, an edited one, or one
//! this build does not know. `DATABASE_URL` defaults to `file:./quickstart.db`, the quickstart's database.

use std::process::ExitCode;

use prisma_migrations::{Database, Error, Migrations, Migrator, redact_url};

static MIGRATIONS: Migrations = prisma_migrations::migrations!("prisma/migrations");

const DEFAULT_URL: &str = "file:./quickstart.db";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let url = std::env::var("DATABASE_URL").ok().filter(|u| !u.trim().is_empty());
    let url = url.as_deref().unwrap_or(DEFAULT_URL);
    // Never create the database here: an application that finds no database must not invent an empty one
    // (connect does not create it; verify answers P1003).
    let db = match Database::connect(url).await {
        Ok(db) => db,
        Err(e) => return refuse(&e),
    };
    let verified = Migrator::new(&MIGRATIONS).verify(&db).await;
    db.close().await;
    if let Err(e) = verified {
        return refuse(&e);
    }
    println!(
        "database {} is up to date with all {} migrations; serving on http://127.0.0.1:8080 (this example stops here)",
        redact_url(url),
        MIGRATIONS.len()
    );
    ExitCode::SUCCESS
}

fn refuse(e: &Error) -> ExitCode {
    eprintln!("refusing to start: {e}");
    eprintln!("remedy: {}", remedy(e));
    ExitCode::FAILURE
}

/// What an operator does next, per error.
fn remedy(e: &Error) -> &'static str {
    match e {
        Error::NotUpToDate { failed, .. } if !failed.is_empty() => {
            "a migration failed part-way: repair the database, then mark it with `prisma-migrations migrate resolve \
             --rolled-back <name>` (and deploy again) or `--applied <name>`"
        }
        Error::NotUpToDate { edited, .. } if !edited.is_empty() => {
            "an applied migration.sql was edited: restore it and put the change in a new migration"
        }
        Error::NotUpToDate { missing_locally, .. } if !missing_locally.is_empty() => {
            "the database has migrations this build does not know: deploy the matching (newer) version of the app"
        }
        Error::NotUpToDate { .. } | Error::DatabaseMissing { .. } => {
            "apply the migrations first: `cargo run -p prisma-migrations-examples --bin quickstart` (or \
             `prisma-migrations migrate deploy`, or `prisma migrate deploy`) with the same DATABASE_URL"
        }
        Error::CannotReach { .. } | Error::AuthenticationFailed { .. } | Error::InvalidUrl { .. } => {
            "check DATABASE_URL and that the database server is running"
        }
        Error::ProviderMismatch { .. } => "point DATABASE_URL at a SQLite database: these migrations are for SQLite",
        _ => "see the error above",
    }
}
