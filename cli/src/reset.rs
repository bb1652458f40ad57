//! `migrate reset` (drop everything in the target schema, then deploy from scratch) and `db execute` (run a
//! script the way deploy runs a migration), over the library's `Database::drop_all` and `execute_script`.

use std::io::{IsTerminal as _, Read as _};

use crate::args::{ExecuteArgs, ResetArgs, Strictness};
use crate::context::{Ctx, describe};
use crate::failure::Failure;
use crate::migrate::{deploy_with_progress, migrator, report_deploy};
use crate::output::Json;
use prisma_migrations::Error;

pub(crate) async fn reset(ctx: &Ctx<'_>, a: &ResetArgs) -> Result<Json, Failure> {
    let migrations = ctx.migrations()?;
    let url = ctx.database_url()?;
    let what = describe(&url, &ctx.base_dir());
    if !a.force {
        confirm(ctx, &what).await?;
    }
    ctx.preamble(&url);
    let (db, created) = ctx.connect_for(&migrations, &url, true).await?;
    let dropped = db.drop_all().await;
    let dropped = match dropped {
        Ok(d) => d,
        Err(e) => {
            db.close().await;
            return Err(ctx.fail(&e));
        }
    };
    let p = &ctx.p;
    p.line("");
    p.line(&p.out.yellow(&format!(
        "Database reset: dropped {}.",
        if dropped.is_empty() { "nothing (it was empty)".to_owned() } else { dropped.join(", ") }
    )));
    p.line("");
    p.line(&ctx.found_line(migrations.len()));
    p.line("");
    let result = deploy_with_progress(ctx, &migrator(&migrations, Strictness::default()), &db, None).await;
    db.close().await;
    let data = Json::obj()
        .with("database_created", created)
        .with("dropped", Json::strings(&dropped))
        .with("migrations_dir", ctx.dir_shown())
        .with("found", migrations.len());
    report_deploy(ctx, data, result)
}

/// Asks on a terminal; refuses without one (exit 1), since nobody could have agreed.
async fn confirm(ctx: &Ctx<'_>, what: &str) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::msg(format!(
            "`migrate reset` deletes all data of {what}; without a terminal to confirm on, it needs --force"
        ))
        .hint(format!("{} migrate reset --force", ctx.program)));
    }
    eprint!("{} Reset {what}? All data will be lost. [y/N] ", ctx.p.err.yellow("?"));
    let answer = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await
    .map_err(|e| Failure::msg(format!("cannot read the answer: {e}")))?
    .map_err(|e| Failure::msg(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::msg("reset cancelled; nothing was changed"))
    }
}

pub(crate) async fn execute(ctx: &Ctx<'_>, a: &ExecuteArgs) -> Result<Json, Failure> {
    let (sql, source) = match &a.file {
        Some(path) => (
            std::fs::read_to_string(path)
                .map_err(|e| Failure::msg(format!("cannot read `{}`: {e}", path.display())))?,
            path.display().to_string(),
        ),
        None => {
            let text = tokio::task::spawn_blocking(|| {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map(|_| s)
            })
            .await
            .map_err(|e| Failure::msg(format!("cannot read standard input: {e}")))?
            .map_err(|e| Failure::msg(format!("cannot read standard input: {e}")))?;
            (text, "stdin".to_owned())
        }
    };
    let url = ctx.database_url()?;
    let (db, _) = ctx.connect(&url, false).await?;
    let result = db.execute_script(&sql).await;
    db.close().await;
    let data = Json::obj().with("source", source);
    match result {
        Ok(()) => {
            ctx.p.line(&ctx.p.out.green("Script executed successfully."));
            Ok(data)
        }
        Err(Error::ScriptFailed { code, message, statement }) => {
            let at = statement.map(|s| format!(" at statement {s}")).unwrap_or_default();
            Err(Failure::msg(format!("the script failed{at} (database error code {code}): {message}"))
                .hint("Statements before the failing one stay applied on MySQL and SQLite; PostgreSQL rolls the whole script back.")
                .with_data(data.with("database_error_code", code).with("statement", statement)))
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}
