//! MySQL/MariaDB: no template databases on the server, so the template's tables are replayed per test. The
//! template is migrated once; its `SHOW CREATE TABLE` statements and a copy of every table's rows make one script
//! (read once per process) that builds each test's database in one round trip: the migrations' many
//! statements and `_prisma_migrations` writes are not repeated. Views, triggers, routines and events are not
//! replayed: a history with any of them is deployed per test instead.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use super::{Dispose, Fresh, History, failed, first_time, is_stale, seen, url_for};
use crate::{Database, Error, Migrator};

/// How each test's database is made from the template.
enum Snapshot {
    /// One script run in the new database.
    Replay { charset: String, collation: String, script: String },
    /// The template has objects the replay leaves out: deploy the history per test.
    Deploy,
}

static SNAPSHOTS: Mutex<Option<HashMap<String, Arc<Snapshot>>>> = Mutex::new(None);

fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

pub(super) async fn fresh(url: &str, history: &History, name: &str) -> Result<Fresh, String> {
    let admin = Database::connect(url).await.map_err(failed("connecting to DATABASE_URL"))?;
    let pool = admin.mysql_pool().ok_or("DATABASE_URL is not a MySQL URL")?.clone();
    let server = crate::redact_url(url);
    if first_time(&format!("cleanup {server}")) {
        drop_stale(&pool).await.map_err(failed("dropping databases left by earlier runs"))?;
    }
    let key = format!("template {server} {}", history.template);
    if !seen(&key) {
        ensure_template(url, &pool, history, &history.template).await?;
        first_time(&key);
    }
    let cached = SNAPSHOTS.lock().unwrap_or_else(PoisonError::into_inner).as_ref().and_then(|m| m.get(&key).cloned());
    let snapshot = match cached {
        Some(s) => s,
        None => {
            let s = Arc::new(snapshot(&pool, &history.template).await.map_err(failed("reading the template"))?);
            SNAPSHOTS
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get_or_insert_with(HashMap::new)
                .insert(key, s.clone());
            s
        }
    };
    let test_url = url_for(url, name).map_err(failed("DATABASE_URL"))?;
    match &*snapshot {
        Snapshot::Replay { charset, collation, script } => {
            replay(&pool, name, charset, collation, script).await.map_err(failed(format!("creating `{name}`")))?;
        }
        Snapshot::Deploy => {
            let db = Database::connect(&test_url).await.map_err(failed(format!("connecting to `{name}`")))?;
            let deployed = Migrator::new(&history.migrations).deploy(&db).await;
            db.close().await;
            deployed.map_err(failed(format!("migrating `{name}`")))?;
        }
    }
    let db = Database::connect(&test_url).await.map_err(failed(format!("connecting to `{name}`")))?;
    Ok(Fresh {
        db,
        shown: format!("{name} ({})", crate::redact_url(&test_url)),
        dispose: Dispose::Server { admin, name: name.to_owned() },
    })
}

async fn replay(pool: &sqlx::MySqlPool, name: &str, charset: &str, collation: &str, script: &str) -> Result<(), Error> {
    let err = |e: sqlx::Error| Error::db("building the test database", &e);
    let mut conn = pool.acquire().await.map_err(err)?;
    let sql = format!(
        "CREATE DATABASE {db} CHARACTER SET {charset} COLLATE {collation}; USE {db}; SET FOREIGN_KEY_CHECKS = 0; {script} SET FOREIGN_KEY_CHECKS = 1;",
        db = quote(name)
    );
    let result = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await;
    // The connection now uses the test database (and may have foreign key checks off): never reuse it.
    drop(conn.detach());
    result.map(drop).map_err(err)
}

/// The `transaction` tests' database, `pm_tx_<hex>`, migrated unless it is complete and no test committed into it
/// (a `_pm_dirty` table).
pub(super) async fn ensure_shared(url: &str, admin: &Database, history: &History) -> Result<(), String> {
    let pool = admin.mysql_pool().ok_or("DATABASE_URL is not a MySQL URL")?;
    ensure_template(url, pool, history, &history.shared_name()).await
}

pub(super) async fn drop_database(admin: &Database, name: &str) -> Result<(), Error> {
    let Some(pool) = admin.mysql_pool() else { return Ok(()) };
    let result = drop_database_on(pool, name).await;
    admin.close().await;
    result
}

async fn drop_database_on(pool: &sqlx::MySqlPool, name: &str) -> Result<(), Error> {
    let sql = format!("DROP DATABASE IF EXISTS {}", quote(name));
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(pool)
        .await
        .map(drop)
        .map_err(|e| Error::db("dropping a database", &e))
}

async fn drop_stale(pool: &sqlx::MySqlPool) -> Result<(), Error> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(schema_name AS CHAR) FROM information_schema.schemata \
         WHERE schema_name LIKE 'pmt\\_%' OR schema_name LIKE 'pmb\\_%'",
    )
    .fetch_all(pool)
    .await
    .map_err(|e| Error::db("listing test databases", &e))?;
    for name in names.iter().filter(|n| is_stale(n)) {
        drop_database_on(pool, name).await?;
    }
    Ok(())
}

/// Builds the template (or the `transaction` tests' database: `name`) unless it is complete (its
/// `_prisma_migrations` holds the whole history, all finished: a builder killed half-way leaves fewer rows, and the
/// template is rebuilt) and clean (no `_pm_dirty` table: no test committed into it), under `GET_LOCK` so test
/// binaries starting together build it once.
async fn ensure_template(url: &str, pool: &sqlx::MySqlPool, history: &History, name: &str) -> Result<(), String> {
    let mut conn = pool.acquire().await.map_err(|e| format!("connecting to DATABASE_URL: {e}"))?;
    // The name inline (it is `pm_tpl_` and hex digits), so a waiting session shows it in the process list.
    let lock = format!("SELECT GET_LOCK('{name}', 3600)");
    let got: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(lock))
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| format!("taking the template lock: {e}"))?;
    if got != Some(1) {
        return Err(format!("another test run held the lock `{name}` for an hour"));
    }
    let built = build_if_incomplete(url, &mut conn, history, name).await;
    let released = sqlx::query("SELECT RELEASE_LOCK(?)").bind(name).execute(&mut *conn).await;
    if released.is_err() {
        drop(conn.detach());
    }
    built
}

async fn build_if_incomplete(
    url: &str,
    conn: &mut sqlx::MySqlConnection,
    history: &History,
    name: &str,
) -> Result<(), String> {
    let table = format!("{}.`_prisma_migrations`", quote(name));
    let complete: Option<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(finished_at IS NOT NULL AND rolled_back_at IS NULL), 0) AS SIGNED) FROM {table}"
    )))
    .fetch_optional(&mut *conn)
    .await
    .ok()
    .flatten();
    let want = i64::try_from(history.migrations.len()).unwrap_or(i64::MAX);
    let dirty: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = '_pm_dirty'",
    )
    .bind(name)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| format!("looking at `{name}`: {e}"))?;
    if complete == Some((want, want)) && dirty == 0 {
        return Ok(());
    }
    let drop_sql = format!("DROP DATABASE IF EXISTS {}", quote(name));
    sqlx::raw_sql(sqlx::AssertSqlSafe(drop_sql))
        .execute(&mut *conn)
        .await
        .map_err(|e| format!("dropping an incomplete template: {e}"))?;
    let template_url = url_for(url, name).map_err(failed("DATABASE_URL"))?;
    let db = Database::connect(&template_url).await.map_err(failed(format!("connecting to `{name}`")))?;
    let deployed = Migrator::new(&history.migrations).deploy(&db).await;
    db.close().await;
    if let Err(e) = deployed {
        let drop_sql = format!("DROP DATABASE IF EXISTS {}", quote(name));
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop_sql)).execute(&mut *conn).await;
        return Err(failed(format!(
            "migrating the template `{name}` failed (fix the migration; the half-built template is dropped)"
        ))(e));
    }
    Ok(())
}

/// The script that rebuilds the template's tables and rows in another database.
async fn snapshot(pool: &sqlx::MySqlPool, template: &str) -> Result<Snapshot, Error> {
    let err = |what: &'static str| move |e: sqlx::Error| Error::db(what, &e);
    let others: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM information_schema.views WHERE table_schema = ?) \
         + (SELECT COUNT(*) FROM information_schema.triggers WHERE trigger_schema = ?) \
         + (SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = ?) \
         + (SELECT COUNT(*) FROM information_schema.events WHERE event_schema = ?)",
    )
    .bind(template)
    .bind(template)
    .bind(template)
    .bind(template)
    .fetch_one(pool)
    .await
    .map_err(err("reading the template's objects"))?;
    if others > 0 {
        return Ok(Snapshot::Deploy);
    }
    let (charset, collation): (String, String) = sqlx::query_as(
        "SELECT CAST(default_character_set_name AS CHAR), CAST(default_collation_name AS CHAR) \
         FROM information_schema.schemata WHERE schema_name = ?",
    )
    .bind(template)
    .fetch_one(pool)
    .await
    .map_err(err("reading the template's character set"))?;
    // Generated columns are computed again, not copied.
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT CAST(c.table_name AS CHAR), CAST(c.column_name AS CHAR) FROM information_schema.columns c \
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = ? AND t.table_type = 'BASE TABLE' AND COALESCE(c.generation_expression, '') = '' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .bind(template)
    .fetch_all(pool)
    .await
    .map_err(err("reading the template's columns"))?;
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, column) in columns {
        tables.entry(table).or_default().push(quote(&column));
    }
    let mut script = String::new();
    for table in tables.keys() {
        let (_, ddl): (String, String) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SHOW CREATE TABLE {}.{}", quote(template), quote(table))))
                .fetch_one(pool)
                .await
                .map_err(err("reading the template's tables"))?;
        let _ = write!(script, "{ddl}; ");
    }
    for (table, cols) in &tables {
        let non_empty: Option<i32> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT 1 FROM {}.{} LIMIT 1",
            quote(template),
            quote(table)
        )))
        .fetch_optional(pool)
        .await
        .map_err(err("reading the template's rows"))?;
        if non_empty.is_some() {
            let cols = cols.join(", ");
            let _ = write!(
                script,
                "INSERT INTO {t} ({cols}) SELECT {cols} FROM {s}.{t}; ",
                t = quote(table),
                s = quote(template)
            );
        }
    }
    Ok(Snapshot::Replay { charset, collation, script })
}
