//! PostgreSQL: a template database per history, `CREATE DATABASE … TEMPLATE` per test.

use super::{Dispose, Fresh, History, failed, first_time, is_stale, seen, url_for};
use crate::url::quote_ident;
use crate::{Database, Error, Migrator};

/// The comment a `transaction` test's shared database gets when a test committed into it.
pub(super) const DIRTY: &str = "prisma-migrations: dirty, committed by ";

pub(super) async fn fresh(url: &str, history: &History, name: &str) -> Result<Fresh, String> {
    let admin = Database::connect(url).await.map_err(failed("connecting to DATABASE_URL"))?;
    let pool = admin.postgres_pool().ok_or("DATABASE_URL is not a PostgreSQL URL")?.clone();
    if first_time(&format!("cleanup {}", crate::redact_url(url))) {
        drop_stale(&pool).await.map_err(failed("dropping databases left by earlier runs"))?;
    }
    let ready = format!("template {} {}", crate::redact_url(url), history.template);
    if !seen(&ready) {
        ensure_template(url, &pool, history, false).await?;
        first_time(&ready);
    }
    let create = format!("CREATE DATABASE {} TEMPLATE {}", quote_ident(name), quote_ident(&history.template));
    sqlx::raw_sql(sqlx::AssertSqlSafe(create))
        .execute(&pool)
        .await
        .map_err(|e| format!("creating the test database `{name}` from `{}`: {e}", history.template))?;
    let test_url = url_for(url, name).map_err(failed("DATABASE_URL"))?;
    let db = Database::connect(&test_url).await.map_err(failed(format!("connecting to `{name}`")))?;
    Ok(Fresh {
        db,
        shown: format!("{name} ({})", crate::redact_url(&test_url)),
        dispose: Dispose::Server { admin, name: name.to_owned() },
    })
}

/// The `transaction` tests' database, `pm_tx_<hex>`, cloned from the template unless it exists and no test
/// committed into it ([`DIRTY`]).
pub(super) async fn ensure_shared(url: &str, admin: &Database, history: &History) -> Result<(), String> {
    let pool = admin.postgres_pool().ok_or("DATABASE_URL is not a PostgreSQL URL")?;
    ensure_template(url, pool, history, true).await
}

pub(super) async fn drop_database(admin: &Database, name: &str) -> Result<(), Error> {
    let Some(pool) = admin.postgres_pool() else { return Ok(()) };
    // FORCE: a connection the test leaked (a pool it cloned and kept) must not keep the database alive.
    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name));
    let result = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(pool).await;
    admin.close().await;
    result.map(drop).map_err(|e| Error::db("dropping the test database", &e))
}

async fn drop_stale(pool: &sqlx::PgPool) -> Result<(), Error> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'pmt\\_%' OR datname LIKE 'pmb\\_%'")
            .fetch_all(pool)
            .await
            .map_err(|e| Error::db("listing test databases", &e))?;
    for name in names.iter().filter(|n| is_stale(n)) {
        drop_database_on(pool, name).await?;
    }
    Ok(())
}

async fn drop_database_on(pool: &sqlx::PgPool, name: &str) -> Result<(), Error> {
    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(pool)
        .await
        .map(drop)
        .map_err(|e| Error::db("dropping a database", &e))
}

/// Builds the template unless it exists, under an advisory lock keyed by the history (not Prisma's key: the
/// template's own deploy takes Prisma's lock inside). Built under `pmb_<pid>_<hex>` and renamed when complete, so
/// a template that exists is whole even if a builder was killed half-way. With `shared`, then the database of the
/// `transaction` tests too, under the same lock.
async fn ensure_template(url: &str, pool: &sqlx::PgPool, history: &History, shared: bool) -> Result<(), String> {
    let key = i64::from_str_radix(&history.hex[..15], 16).map_err(|e| e.to_string())?;
    let mut conn = pool.acquire().await.map_err(|e| format!("connecting to DATABASE_URL: {e}"))?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(key)
        .execute(&mut *conn)
        .await
        .map_err(|e| format!("taking the template lock: {e}"))?;
    let mut built = build_if_missing(url, &mut conn, history).await;
    if shared && built.is_ok() {
        built = build_shared(&mut conn, history).await;
    }
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)").bind(key).execute(&mut *conn).await;
    if unlocked.is_err() {
        // The lock dies with the session: never hand a connection that may still hold it back to the pool.
        drop(conn.detach());
    }
    built
}

async fn build_if_missing(url: &str, conn: &mut sqlx::PgConnection, history: &History) -> Result<(), String> {
    let exists = sqlx::query("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&history.template)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| format!("looking for the template: {e}"))?
        .is_some();
    if exists {
        return Ok(());
    }
    let building = history.building();
    run(conn, format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(&building)))
        .await
        .map_err(|e| format!("dropping `{building}`: {e}"))?;
    run(conn, format!("CREATE DATABASE {}", quote_ident(&building)))
        .await
        .map_err(|e| format!("creating `{building}`: {e}"))?;
    let deployed = deploy(url, &building, history).await;
    if let Err(e) = deployed {
        let _ = run(conn, format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(&building))).await;
        return Err(e);
    }
    // IS_TEMPLATE: cloned by any role with CREATEDB; ALLOW_CONNECTIONS false: a session left on it (a person
    // looking) would make every `CREATE DATABASE … TEMPLATE` fail.
    let rename = format!(
        "ALTER DATABASE {b} RENAME TO {t}; ALTER DATABASE {t} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
        b = quote_ident(&building),
        t = quote_ident(&history.template)
    );
    run(conn, rename).await.map_err(|e| format!("renaming `{building}` to `{}`: {e}", history.template))
}

/// `CREATE DATABASE pm_tx_<hex> TEMPLATE pm_tpl_<hex>` unless it exists and no test committed into it (one atomic
/// statement: a database that exists is whole).
async fn build_shared(conn: &mut sqlx::PgConnection, history: &History) -> Result<(), String> {
    let name = history.shared_name();
    let comment: Option<Option<String>> =
        sqlx::query_scalar("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1")
            .bind(&name)
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| format!("looking for `{name}`: {e}"))?;
    match comment {
        Some(c) if !c.as_deref().is_some_and(|c| c.starts_with(DIRTY)) => return Ok(()),
        Some(_) => run(conn, format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(&name)))
            .await
            .map_err(|e| format!("dropping `{name}`, which a test committed into: {e}"))?,
        None => {}
    }
    run(conn, format!("CREATE DATABASE {} TEMPLATE {}", quote_ident(&name), quote_ident(&history.template)))
        .await
        .map_err(|e| format!("creating `{name}` from `{}`: {e}", history.template))
}

async fn deploy(url: &str, building: &str, history: &History) -> Result<(), String> {
    let template_url = url_for(url, building).map_err(failed("DATABASE_URL"))?;
    let db = Database::connect(&template_url).await.map_err(failed(format!("connecting to `{building}`")))?;
    let deployed = Migrator::new(&history.migrations).deploy(&db).await;
    db.close().await;
    deployed.map(drop).map_err(failed(format!(
        "migrating the template `{}` failed (fix the migration; the half-built template is dropped)",
        history.template
    )))
}

async fn run(conn: &mut sqlx::PgConnection, sql: String) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(conn).await.map(drop)
}
