//! `migrate reset` (drop everything in the target schema, then deploy from scratch) and `db execute` (run a
//! script the way deploy runs a migration). The SQL that empties a schema is here because only the CLI uses it.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Read as _};

use crate::backend::Conn;
use crate::cli::args::{ExecuteArgs, ResetArgs, Strictness};
use crate::cli::context::{Ctx, describe};
use crate::cli::failure::Failure;
use crate::cli::migrate::{deploy_with_progress, migrator, report_deploy};
use crate::cli::output::Json;
use crate::database::Pool;
use crate::{Database, Error};

pub(crate) async fn reset(ctx: &Ctx<'_>, a: &ResetArgs) -> Result<Json, Failure> {
    let migrations = ctx.migrations()?;
    let url = ctx.database_url()?;
    let what = describe(&url, &ctx.base_dir());
    if !a.force {
        confirm(ctx, &what).await?;
    }
    ctx.preamble(&url);
    let (db, created) = ctx.connect_for(&migrations, &url, true).await?;
    let dropped = empty(&db).await;
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
    let result = deploy_with_progress(ctx, &migrator(&migrations, Strictness::default()), &db).await;
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

fn db_error(action: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |e| Error::db(action, &e)
}

/// Drops every object of the target schema; returns what was dropped (`table "x"`, `schema "s"` …).
async fn empty(db: &Database) -> Result<Vec<String>, Error> {
    match &db.pool {
        #[cfg(feature = "postgres")]
        Pool::Postgres { pool, schema } => {
            // Prisma's reset drops and recreates the schema too; everything in it goes, whatever its kind.
            let schema = schema.as_deref().unwrap_or("public");
            let ident = crate::url::quote_ident(schema);
            let sql = format!("DROP SCHEMA IF EXISTS {ident} CASCADE; CREATE SCHEMA {ident};");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(pool).await.map_err(db_error("resetting the schema"))?;
            Ok(vec![format!("schema \"{schema}\" (recreated empty)")])
        }
        #[cfg(feature = "mysql")]
        Pool::MySql(pool) => {
            let mut conn = pool.acquire().await.map_err(db_error("resetting the database"))?;
            let objects: Vec<(String, String)> = sqlx::query_as(
                "SELECT CAST(table_name AS CHAR), CAST(table_type AS CHAR) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() ORDER BY table_name",
            )
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error("listing the tables"))?;
            let quote = |n: &str| format!("`{}`", n.replace('`', "``"));
            let mut sql = String::from("SET FOREIGN_KEY_CHECKS = 0;");
            let mut dropped = Vec::new();
            for (name, kind) in &objects {
                let view = kind.eq_ignore_ascii_case("VIEW");
                let _ = write!(sql, " DROP {} IF EXISTS {};", if view { "VIEW" } else { "TABLE" }, quote(name));
                dropped.push(format!("{} `{name}`", if view { "view" } else { "table" }));
            }
            sql.push_str(" SET FOREIGN_KEY_CHECKS = 1;");
            let result = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await;
            if result.is_err() {
                // Never hand a connection with foreign key checks off back to the pool.
                let _ = conn.detach();
            }
            result.map_err(db_error("dropping the tables"))?;
            Ok(dropped)
        }
        #[cfg(feature = "sqlite")]
        Pool::Sqlite(pool) => {
            let mut conn = pool.acquire().await.map_err(db_error("resetting the database"))?;
            let objects: Vec<(String, String)> = sqlx::query_as(
                "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' \
                 ORDER BY type DESC, name",
            )
            .fetch_all(&mut *conn)
            .await
            .map_err(db_error("listing the tables"))?;
            let quote = |n: &str| format!("\"{}\"", n.replace('"', "\"\""));
            // foreign_keys is a no-op inside a transaction, so the statements run in autocommit (SQLX-NOTES.md).
            let mut sql = String::from("PRAGMA foreign_keys = OFF;");
            let mut dropped = Vec::new();
            for (kind, name) in &objects {
                let _ = write!(sql, " DROP {} IF EXISTS {};", kind.to_ascii_uppercase(), quote(name));
                dropped.push(format!("{kind} \"{name}\""));
            }
            sql.push_str(" PRAGMA foreign_keys = ON;");
            let result = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await;
            if result.is_err() {
                let _ = conn.detach();
            }
            result.map_err(db_error("dropping the tables"))?;
            Ok(dropped)
        }
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
    let result = async {
        let mut conn = Conn::pooled(&db).await?;
        let r = conn.run_script(&sql).await;
        conn.close().await;
        Ok::<_, Error>(r)
    }
    .await;
    db.close().await;
    let data = Json::obj().with("source", source);
    match result.map_err(|e| ctx.fail(&e))? {
        Ok(()) => {
            ctx.p.line(&ctx.p.out.green("Script executed successfully."));
            Ok(data)
        }
        Err(e) => {
            let at = e.statement.map(|s| format!(" at statement {s}")).unwrap_or_default();
            Err(Failure::msg(format!("the script failed{at} (database error code {}): {}", e.code, e.message))
                .hint("Statements before the failing one stay applied on MySQL and SQLite; PostgreSQL rolls the whole script back.")
                .with_data(data.with("database_error_code", e.code).with("statement", e.statement)))
        }
    }
}
