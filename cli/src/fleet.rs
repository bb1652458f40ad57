//! `fleet deploy`: the migrations applied to every database or schema listed in a targets file, a bounded number
//! at a time, then one table with a row per target. Built on [`prisma_migrations::fleet`].

use crate::args::{Fleet, FleetDeployArgs};
use crate::context::Ctx;
use crate::failure::Failure;
use crate::output::{Json, plural};
use prisma_migrations::fleet::{self, FleetOptions, FleetReport};

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
        allow_newer: a.strictness.allow_newer,
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
