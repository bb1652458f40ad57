//! `fleet deploy`: the migrations applied to every database or schema listed in a targets file, a bounded number
//! at a time, then one table with a row per target. Built on [`prisma_migrations::fleet`].

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::args::Strictness;
use crate::context::Ctx;
use crate::failure::Failure;
use crate::output::{Json, plural};
use prisma_migrations::fleet::{self, DEFAULT_CONCURRENCY, FleetOptions, FleetReport};

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

pub(crate) async fn run(ctx: &Ctx<'_>, command: &Fleet) -> Result<Json, Failure> {
    match command {
        Fleet::Deploy(a) => deploy(ctx, a).await,
    }
}

async fn deploy(ctx: &Ctx<'_>, a: &FleetDeployArgs) -> Result<Json, Failure> {
    let migrations = ctx.migrations()?;
    // A small local file, read once before any database work.
    let text = std::fs::read_to_string(&a.targets)
        .map_err(|e| Failure::msg(format!("cannot read the targets file `{}`: {e}", a.targets.display())))?;
    let targets = fleet::parse_targets(&text);
    if targets.is_empty() {
        return Err(Failure::msg(format!("the targets file `{}` lists no database URL", a.targets.display()))
            .hint("Write one URL per line, e.g. postgresql://user:password@host:5432/app?schema=tenant_1"));
    }
    let p = &ctx.p;
    p.line(&format!(
        "{} found in {}; deploying to {} from {}, {} at a time",
        plural(migrations.len(), "migration"),
        ctx.dir_shown(),
        plural(targets.len(), "target"),
        a.targets.display(),
        a.concurrency
    ));
    p.line("");
    let options = FleetOptions {
        concurrency: a.concurrency,
        allow_edited: a.strictness.allow_edited,
        allow_missing: a.strictness.allow_missing,
        base_dir: ctx.base_dir(),
        ..FleetOptions::default()
    };
    let report = fleet::deploy(&migrations, &targets, options).await;
    for line in report.to_string().lines() {
        p.line(line);
    }
    let data = report_json(&report).with("targets_file", a.targets.display().to_string());
    if report.is_success() {
        return Ok(data);
    }
    let failed = report.failed().count();
    Err(Failure::msg(format!("{failed} of {} failed", plural(report.targets.len(), "target")))
        .hint(format!(
            "Each failed target can be repaired on its own (`{} migrate status --database-url <url>` shows where it \
             stands); running fleet deploy again skips the targets that are up to date.",
            ctx.program
        ))
        .with_data(data))
}

fn ms(d: std::time::Duration) -> u128 {
    d.as_millis()
}

fn report_json(report: &FleetReport) -> Json {
    let targets: Vec<Json> = report
        .targets
        .iter()
        .map(|t| {
            Json::obj()
                .with("url", t.url.as_str())
                .with("ok", t.is_ok())
                .with("applied", Json::strings(&t.applied))
                .with("applied_count", t.applied.len())
                .with("duration_ms", ms(t.duration()))
                .with("started_ms", ms(t.started_at.saturating_duration_since(report.started_at)))
                .with("code", t.code())
                .with("error", t.error().map(ToString::to_string))
        })
        .collect();
    let failed = report.failed().count();
    Json::obj()
        .with("total", report.targets.len())
        .with("succeeded", report.targets.len() - failed)
        .with("failed", failed)
        .with("concurrency", report.concurrency)
        .with("max_concurrency", report.max_concurrency())
        .with("total_ms", ms(report.total))
        .with("targets", Json::Arr(targets))
}
