//! Whole-database operations outside the migration history: running a script (`db execute`), reading
//! `_prisma_migrations` as it is, and emptying the database (`migrate reset`).

#[cfg(any(feature = "mysql", feature = "sqlite"))]
use std::fmt::Write as _;

use crate::backend::Conn;
use crate::connect::Pool;
use crate::{Database, Error, MigrationRecord};

fn db_error(action: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |e| Error::db(action, &e)
}

impl Database {
    /// Runs a SQL script the way deploy runs a migration script (one unit, the simple protocol), outside the
    /// migration history: Prisma's `db execute`.
    ///
    /// # Errors
    /// [`Error::ScriptFailed`] naming the failing statement; statements before it stay applied on MySQL and
    /// SQLite, PostgreSQL rolls the whole script back. Connection errors as [`Database::connect`].
    pub async fn execute_script(&self, sql: &str) -> Result<(), Error> {
        self.require_exists().await?;
        let mut conn = Conn::pooled(&self.pool).await?;
        let result = conn.run_script(sql).await;
        conn.close().await;
        result.map_err(|e| Error::ScriptFailed { code: e.code, message: e.message, statement: e.statement })
    }

    /// Every row of `_prisma_migrations` in `started_at` order, or `None` when the table does not exist.
    pub async fn migration_records(&self) -> Result<Option<Vec<MigrationRecord>>, Error> {
        self.require_exists().await?;
        let mut conn = Conn::pooled(&self.pool).await?;
        let rows = conn.load_rows().await;
        conn.close().await;
        rows
    }

    /// Drops everything the migrations could have created, `_prisma_migrations` included, as `prisma migrate
    /// reset` does: on PostgreSQL the `?schema=` schema is dropped and recreated empty, on MySQL and SQLite every
    /// table and view of the database is dropped. Returns what was dropped (`schema "app" (recreated empty)`,
    /// ``table `users` ``, `view "v"` …).
    pub async fn drop_all(&self) -> Result<Vec<String>, Error> {
        self.require_exists().await?;
        match &self.pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres { pool, schema } => {
                // Prisma's reset drops and recreates the schema too; everything in it goes, whatever its kind.
                let schema = schema.as_deref().unwrap_or("public");
                let ident = crate::url::quote_ident(schema);
                let sql = format!("DROP SCHEMA IF EXISTS {ident} CASCADE; CREATE SCHEMA {ident};");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(pool)
                    .await
                    .map_err(db_error("resetting the schema"))?;
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
                    "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') \
                     AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name",
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
            #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
            Pool::Never(n) => match *n {},
        }
    }
}
