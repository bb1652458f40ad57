//! Beyond Prisma: `verify`, `plan`, `rollback`.

use std::time::Instant;

use crate::args::{RollbackArgs, Strictness};
use crate::context::Ctx;
use crate::failure::Failure;
use crate::migrate::migrator;
use crate::output::{Json, human_duration, plural};
use prisma_migrations::Error;

pub(crate) async fn verify(ctx: &Ctx<'_>, s: &Strictness) -> Result<Json, Failure> {
    let migrations = ctx.migrations()?;
    let url = ctx.database_url()?;
    ctx.preamble(&url);
    let (db, _) = ctx.connect_for(&migrations, &url, false).await?;
    let result = migrator(&migrations, *s).verify(&db).await;
    db.close().await;
    let p = &ctx.p;
    match result {
        Ok(()) => {
            p.line("");
            p.line(&p.out.green(&format!(
                "The database is up to date with the {} in {}.",
                plural(migrations.len(), "migration"),
                ctx.dir_shown()
            )));
            Ok(Json::obj()
                .with("up_to_date", true)
                .with("found", migrations.len())
                .with("pending", Json::Arr(Vec::new()))
                .with("failed", Json::Arr(Vec::new()))
                .with("edited", Json::Arr(Vec::new()))
                .with("missing_locally", Json::Arr(Vec::new())))
        }
        Err(e) => {
            let mut data = Json::obj().with("up_to_date", false).with("found", migrations.len());
            if let Error::NotUpToDate { pending, failed, edited, missing_locally } = &e {
                data.set("pending", Json::strings(pending));
                data.set("failed", Json::strings(failed));
                data.set("edited", Json::strings(edited));
                data.set("missing_locally", Json::strings(missing_locally));
            }
            Err(ctx.fail(&e).with_data(data))
        }
    }
}

/// Prints the plan as SQL (headers are `--` comments), so `plan > next.sql` is a script a person can review.
pub(crate) async fn plan(ctx: &Ctx<'_>, s: &Strictness) -> Result<Json, Failure> {
    let migrations = ctx.migrations()?;
    let url = ctx.database_url()?;
    let (db, _) = ctx.connect_for(&migrations, &url, false).await?;
    let result = migrator(&migrations, *s).plan(&db).await;
    db.close().await;
    let plan = result.map_err(|e| ctx.fail(&e))?;
    let p = &ctx.p;
    let n = plan.migrations.len();
    if n == 0 {
        p.line(&format!(
            "-- prisma-migrations plan: nothing to apply; the database has all {} of {}",
            plural(migrations.len(), "migration"),
            ctx.dir_shown()
        ));
    } else {
        p.line(&format!(
            "-- prisma-migrations plan: `migrate deploy` would apply {} of {}, in this order{}",
            plural(n, "migration"),
            migrations.len(),
            if plan.creates_database {
                ", after creating the database (it does not exist yet) and _prisma_migrations"
            } else if plan.creates_table {
                ", after creating _prisma_migrations"
            } else {
                ""
            }
        ));
    }
    for m in &plan.migrations {
        p.line("");
        p.line(&p.out.cyan(&format!("-- Migration: {} (checksum {})", m.name, m.checksum)));
        p.line(m.sql.trim_end_matches(['\n', '\r']));
    }
    let items: Vec<Json> = plan
        .migrations
        .iter()
        .map(|m| {
            Json::obj().with("name", m.name.as_str()).with("checksum", m.checksum.as_str()).with("sql", m.sql.as_str())
        })
        .collect();
    Ok(Json::obj()
        .with("creates_database", plan.creates_database)
        .with("creates_table", plan.creates_table)
        .with("migrations", Json::Arr(items)))
}

pub(crate) async fn rollback(ctx: &Ctx<'_>, a: &RollbackArgs) -> Result<Json, Failure> {
    let migrations = ctx.migrations()?;
    let url = ctx.database_url()?;
    ctx.preamble(&url);
    let (db, _) = ctx.connect_for(&migrations, &url, false).await?;
    let p = &ctx.p;
    p.line("");
    let start = Instant::now();
    let result = prisma_migrations::Migrator::new(&migrations).rollback(&db, &a.name, a.force).await;
    db.close().await;
    let data = Json::obj().with("migration", a.name.as_str()).with("forced", a.force);
    result.map_err(|e| ctx.fail(&e).with_data(data.clone()))?;
    let took = start.elapsed();
    p.line(&format!("Ran down.sql of {} {}", p.out.cyan(&a.name), p.out.dim(&format!("({})", human_duration(took)))));
    p.line(&p.out.green(&format!("Migration {} rolled back: `migrate deploy` applies it again.", a.name)));
    Ok(data.with("duration_ms", took.as_millis()))
}
