//! `migrate deploy`, `migrate status`, `migrate resolve`: Prisma's commands, Prisma's output shape.

use crate::args::{DeployArgs, ResolveArgs, StatusArgs, Strictness};
use crate::context::Ctx;
use crate::failure::{Failure, resolve_hints};
use crate::output::{Json, plural};
use crate::progress;
use prisma_migrations::{
    Database, DeployEvent, DeployReport, Error, MigrationState, Migrations, Migrator, StatusReport,
};

/// The migrator with the strictness flags applied.
pub(crate) fn migrator(migrations: &Migrations, s: Strictness) -> Migrator<'_> {
    Migrator::new(migrations).allow_edited(s.allow_edited).allow_missing(s.allow_missing).allow_newer(s.allow_newer)
}

fn ms(d: std::time::Duration) -> u128 {
    d.as_millis()
}

pub(crate) async fn deploy(ctx: &Ctx<'_>, a: &DeployArgs) -> Result<Json, Failure> {
    let migrations = ctx.migrations()?;
    let url = ctx.database_url()?;
    ctx.preamble(&url);
    let (db, created) = ctx.connect_for(&migrations, &url, true).await?;
    let data = Json::obj()
        .with("database_created", created)
        .with("migrations_dir", ctx.dir_shown())
        .with("found", migrations.len());
    ctx.p.line("");
    ctx.p.line(&ctx.found_line(migrations.len()));
    ctx.p.line("");
    let result = deploy_with_progress(ctx, &migrator(&migrations, a.strictness), &db, a.to.as_deref()).await;
    db.close().await;
    report_deploy(ctx, data, result)
}

/// Deploys (up to and including `to`, when given), printing a line per migration as it goes; returns the
/// report, or the error with the migrations applied before it (name, ms).
pub(crate) async fn deploy_with_progress(
    ctx: &Ctx<'_>,
    migrator: &Migrator<'_>,
    db: &Database,
    to: Option<&str>,
) -> Result<DeployReport, (Error, Vec<(String, u64)>)> {
    let p = ctx.p;
    let mut applied = Vec::new();
    let observer = |event: DeployEvent<'_>| {
        if let DeployEvent::Applied(m) = event {
            applied.push((m.name.clone(), u64::try_from(ms(m.duration)).unwrap_or(u64::MAX)));
        }
        progress::print(p, event);
    };
    let result = match to {
        Some(target) => migrator.deploy_to_observed(db, target, observer).await,
        None => migrator.deploy_observed(db, observer).await,
    };
    result.map_err(|e| (e, applied))
}

/// The end of a deploy: Prisma's summary, or the error.
pub(crate) fn report_deploy(
    ctx: &Ctx<'_>,
    mut data: Json,
    result: Result<DeployReport, (Error, Vec<(String, u64)>)>,
) -> Result<Json, Failure> {
    let applied_json = |list: &[(String, u64)]| -> Json {
        Json::Arr(list.iter().map(|(n, ms)| Json::obj().with("name", n.as_str()).with("duration_ms", *ms)).collect())
    };
    match result {
        Ok(report) => {
            let applied: Vec<(String, u64)> = report
                .applied
                .iter()
                .map(|m| (m.name.clone(), u64::try_from(ms(m.duration)).unwrap_or(u64::MAX)))
                .collect();
            data.set("created_table", report.created_table);
            data.set("applied", applied_json(&applied));
            data.set("total_ms", ms(report.total));
            data.set("lock_wait_ms", ms(report.lock_wait));
            if let Some(t) = &report.target {
                data.set(
                    "target",
                    Json::obj().with("name", t.name.as_str()).with("already_applied", t.already_applied),
                );
            }
            data.set("newer_in_database", Json::strings(&report.newer_in_database));
            let p = &ctx.p;
            if let Some(t) = report.target.as_ref().filter(|t| t.already_applied) {
                p.line(&format!("Migration {} is already applied: nothing to do.", p.out.cyan(&t.name)));
            } else if !report.newer_in_database.is_empty() {
                print_newer(ctx, &report.newer_in_database);
            } else if applied.is_empty() {
                p.line("No pending migrations to apply.");
            } else {
                p.line("");
                p.line("The following migration(s) have been applied:");
                p.line("");
                p.line("migrations/");
                for (name, _) in &applied {
                    p.line(&format!("  └─ {}/", p.out.cyan(name)));
                    p.line("    └─ migration.sql");
                }
                p.line("");
                match &report.target {
                    Some(t) => p.line(&p.out.green(&format!(
                        "All migrations up to {} have been successfully applied; later ones stay pending.",
                        t.name
                    ))),
                    None => p.line(&p.out.green("All migrations have been successfully applied.")),
                }
            }
            Ok(data)
        }
        Err((e, applied)) => {
            data.set("applied", applied_json(&applied));
            if let Error::MigrationFailed { name, .. } = &e {
                data.set("failed", name.as_str());
            }
            Err(ctx.fail(&e).with_data(data))
        }
    }
}

/// The migrations a newer release applied, accepted by `--allow-newer`.
fn print_newer(ctx: &Ctx<'_>, names: &[String]) {
    print_newer_status(ctx, names);
    ctx.p.line("");
    ctx.p.line("Nothing to apply.");
}

fn print_newer_status(ctx: &Ctx<'_>, names: &[String]) {
    let p = &ctx.p;
    p.line(&p.out.yellow(&format!(
        "The database is newer than {}: a newer release applied {} after its latest one (accepted by --allow-newer):",
        ctx.dir_shown(),
        plural(names.len(), "migration")
    )));
    for name in names {
        p.line(name);
    }
}

pub(crate) async fn status(ctx: &Ctx<'_>, a: &StatusArgs) -> Result<Json, Failure> {
    let migrations = ctx.migrations()?;
    let url = ctx.database_url()?;
    ctx.preamble(&url);
    let (db, _) = ctx.connect_for(&migrations, &url, false).await?;
    let report = Migrator::new(&migrations).allow_newer(a.allow_newer).status(&db).await;
    db.close().await;
    let report = report.map_err(|e| ctx.fail(&e))?;
    let p = &ctx.p;
    p.line("");
    p.line(&ctx.found_line(migrations.len()));
    p.line("");
    let data = status_json(&report);
    if report.is_up_to_date() {
        p.line(&p.out.green("Database schema is up to date!"));
        if !report.newer_in_database.is_empty() {
            let names: Vec<String> = report.newer_in_database.iter().map(|r| r.migration_name.clone()).collect();
            p.line("");
            print_newer_status(ctx, &names);
        }
        return Ok(data);
    }
    print_status_problems(ctx, &report);
    let mut f = Failure::msg(status_summary(&report)).with_data(data);
    f.quiet = true;
    Err(f)
}

fn names<'a>(items: impl IntoIterator<Item = &'a prisma_migrations::MigrationStatus>) -> Vec<&'a str> {
    items.into_iter().map(|m| m.name.as_str()).collect()
}

fn status_json(r: &StatusReport) -> Json {
    let applied = r.migrations.iter().filter(|m| m.state == MigrationState::Applied).map(|m| m.name.as_str());
    let detail: Vec<Json> = r
        .migrations
        .iter()
        .map(|m| {
            Json::obj()
                .with("name", m.name.as_str())
                .with("state", m.state.as_str())
                .with("started_at", m.started_at.map(|t| t.to_rfc3339()))
                .with("finished_at", m.finished_at.map(|t| t.to_rfc3339()))
                .with("rolled_back_at", m.rolled_back_at.map(|t| t.to_rfc3339()))
                .with("attempts", m.attempts)
                .with("logs", m.logs.clone())
        })
        .collect();
    Json::obj()
        .with("table_exists", r.table_exists)
        .with("up_to_date", r.is_up_to_date())
        .with("found", r.migrations.len())
        .with("applied", Json::strings(applied))
        .with("pending", Json::strings(names(r.pending())))
        .with("failed", Json::strings(names(r.failed())))
        .with("edited", Json::strings(names(r.edited())))
        .with("missing_locally", Json::strings(r.missing_locally.iter().map(|m| m.migration_name.as_str())))
        .with("newer_in_database", Json::strings(r.newer_in_database.iter().map(|m| m.migration_name.as_str())))
        .with("last_common_migration", r.last_common_migration.clone())
        .with("migrations", Json::Arr(detail))
}

fn status_summary(r: &StatusReport) -> String {
    if !r.table_exists && r.migrations.is_empty() {
        return "the database is not managed by Prisma Migrate: it has no `_prisma_migrations` table".to_owned();
    }
    let mut parts = Vec::new();
    for (n, what) in [
        (r.pending().len(), "not yet applied"),
        (r.failed().len(), "failed"),
        (r.edited().len(), "edited after being applied"),
        (r.missing_locally.len(), "applied but missing from the migrations folder"),
    ] {
        if n > 0 {
            parts.push(format!("{} {what}", plural(n, "migration")));
        }
    }
    format!("the database is not up to date: {}", parts.join(", "))
}

fn print_list(ctx: &Ctx<'_>, title: &str, items: &[&str]) {
    let p = &ctx.p;
    p.line(&p.out.yellow(title));
    for name in items {
        p.line(name);
    }
    p.line("");
}

fn print_status_problems(ctx: &Ctx<'_>, r: &StatusReport) {
    let (p, prog) = (&ctx.p, ctx.program.as_str());
    let pending = names(r.pending());
    let missing: Vec<&str> = r.missing_locally.iter().map(|m| m.migration_name.as_str()).collect();
    // With local migrations Prisma's engine diagnoses a missing table as "database is behind", so Prisma 6.16.1
    // and 7.10.1 print the usual pending list; "not managed" is for an empty folder only (the test
    // `status_without_the_table_says_what_prisma_says` compares with both).
    if !r.table_exists && r.migrations.is_empty() {
        p.line(
            &p.out
                .yellow("The current database is not managed by Prisma Migrate (it has no _prisma_migrations table)."),
        );
        p.line("");
        p.line("Read more about how to baseline an existing production database:");
        p.line("https://pris.ly/d/migrate-baseline");
        return;
    }
    if r.histories_diverge() {
        p.line(
            &p.out.yellow("Your local migration history and the migrations table from your database are different:"),
        );
        p.line("");
        match &r.last_common_migration {
            Some(name) => p.line(&format!("The last common migration is: {name}")),
            None => p.line("There is no common migration."),
        }
        p.line("");
        print_list(ctx, "The migration(s) have not yet been applied:", &pending);
        print_list(
            ctx,
            &format!("The migrations from the database are not found locally in {}:", ctx.dir_shown()),
            &missing,
        );
    } else {
        if !pending.is_empty() {
            print_list(ctx, "Following migration(s) have not yet been applied:", &pending);
            p.line(&format!("To apply migrations in production run `{prog} migrate deploy`."));
            p.line("");
        }
        if !missing.is_empty() {
            print_list(
                ctx,
                &format!("Following migration(s) are applied to the database but missing from {}:", ctx.dir_shown()),
                &missing,
            );
            p.line("Deploy from the version of the code that has them, or restore their folders.");
            p.line("");
        }
    }
    let failed = names(r.failed());
    if !failed.is_empty() {
        print_list(ctx, "Following migration(s) have failed:", &failed);
        for line in resolve_hints(prog, &failed) {
            p.line(&line);
        }
        p.line("");
    }
    let edited = names(r.edited());
    if !edited.is_empty() {
        print_list(ctx, "Following migration(s) were modified after they were applied:", &edited);
        p.line("Restore the applied migration.sql files and put the change in a new migration.");
    }
}

pub(crate) async fn resolve(ctx: &Ctx<'_>, a: &ResolveArgs) -> Result<Json, Failure> {
    let migrations = ctx.migrations()?;
    let url = ctx.database_url()?;
    ctx.preamble(&url);
    let (db, _) = ctx.connect_for(&migrations, &url, false).await?;
    let m = Migrator::new(&migrations);
    let (name, marked, result) = match (&a.applied, &a.rolled_back) {
        (Some(name), _) => (name, "applied", m.resolve_applied(&db, name).await),
        (None, Some(name)) => (name, "rolled back", m.resolve_rolled_back(&db, name).await),
        (None, None) => return Err(Failure::msg("give --applied <migration> or --rolled-back <migration>")),
    };
    db.close().await;
    let data = Json::obj().with("migration", name.as_str()).with("marked", marked.replace(' ', "_"));
    result.map_err(|e| ctx.fail(&e).with_data(data.clone()))?;
    ctx.p.line("");
    ctx.p.line(&format!("Migration {} marked as {marked}.", ctx.p.out.cyan(name)));
    Ok(data)
}
