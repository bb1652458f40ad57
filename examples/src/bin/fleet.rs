//! Fleet deploy: one history applied to many databases or schemas, a few at a time, with a table per target.
//!
//! ```text
//! cargo run -p prisma-migrations-examples --bin fleet                                   # 8 SQLite files
//! cargo run -p prisma-migrations-examples --bin fleet -- postgresql://postgres@127.0.0.1:5432/postgres \
//!     --targets 20 --concurrency 4                                                      # 20 schemas
//! ```
//!
//! Without a URL, the targets are fresh SQLite files in a temporary directory (removed at the end) and the
//! migrations are the quickstart's. With a PostgreSQL URL, the targets are the schemas `tenant_01` … of that
//! database (created when missing, left in place) and the migrations are `fleet/postgres/migrations`, the same
//! history written for PostgreSQL. Exit 1 when any target failed.

use std::path::PathBuf;
use std::process::ExitCode;

use prisma_migrations::Migrations;
use prisma_migrations::fleet::{self, FleetOptions};

static SQLITE: Migrations = prisma_migrations::migrations!("prisma/migrations");
static POSTGRES: Migrations = prisma_migrations::migrations!("fleet/postgres/migrations");

const USAGE: &str = "usage: fleet [postgresql://user@host:5432/db] [--targets N] [--concurrency N]";

#[derive(Debug)]
struct Args {
    url: Option<String>,
    targets: usize,
    concurrency: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { url: None, targets: 8, concurrency: fleet::DEFAULT_CONCURRENCY };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            let value = it.next().ok_or_else(|| format!("{name} needs a number"))?;
            value
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{name} {value}: not a positive number"))
        };
        match arg.as_str() {
            "--targets" => args.targets = number("--targets")?,
            "--concurrency" => args.concurrency = number("--concurrency")?,
            "-h" | "--help" => return Err(String::new()),
            url if !url.starts_with('-') && args.url.is_none() => args.url = Some(url.to_owned()),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(args)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let options = FleetOptions { concurrency: args.concurrency, ..FleetOptions::default() };
    let report = match &args.url {
        None => {
            let dir = std::env::temp_dir().join(format!("prisma-migrations-fleet-{}", std::process::id()));
            let targets: Vec<String> = (1..=args.targets).map(|i| sqlite_target(&dir, i)).collect();
            println!("Deploying {} migrations to {} SQLite files in {}", SQLITE.len(), targets.len(), dir.display());
            let report = fleet::deploy(&SQLITE, &targets, options).await;
            // The files were only for the demonstration.
            let _ = std::fs::remove_dir_all(&dir);
            report
        }
        Some(url) => {
            let targets: Vec<String> = (1..=args.targets).map(|i| schema_target(url, i)).collect();
            println!("Deploying {} migrations to {} schemas (tenant_01 …)", POSTGRES.len(), targets.len());
            fleet::deploy(&POSTGRES, &targets, options).await
        }
    };
    println!();
    print!("{report}");
    println!("peak concurrency: {}", report.max_concurrency());
    if report.is_success() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn sqlite_target(dir: &std::path::Path, i: usize) -> String {
    let path: PathBuf = dir.join(format!("tenant_{i:02}.db"));
    format!("file:{}", path.display())
}

/// The URL with `schema=tenant_NN` (replacing a `schema` it had).
fn schema_target(url: &str, i: usize) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("schema=")).collect();
    let schema = format!("schema=tenant_{i:02}");
    params.push(&schema);
    format!("{base}?{}", params.join("&"))
}
