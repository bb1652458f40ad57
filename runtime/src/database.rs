//! A connected database: sqlx pools behind one type.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::Error;
use crate::connect::Pool;
#[cfg(feature = "sqlite")]
use crate::connect::connect_error;
#[cfg(any(feature = "postgres", feature = "mysql"))]
use crate::connect::probe;
use crate::kind::DatabaseKind;
use crate::url::{self, PoolSettings, Target};

/// How to connect: where relative `file:` paths start.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    base_dir: PathBuf,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self { base_dir: PathBuf::from(".") }
    }
}

impl ConnectOptions {
    /// The defaults: relative paths from the current directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// The directory a relative `file:` URL is resolved against. Prisma uses the directory of
    /// `schema.prisma`, i.e. the parent of the migrations folder.
    pub fn base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.base_dir = dir.into();
        self
    }
}

/// A Prisma-style database URL parsed once (relative `file:` paths resolved), to create and connect without
/// parsing again. Shows only its redacted form.
///
/// ```no_run
/// # async fn f() -> Result<(), prisma_migrations::Error> {
/// use prisma_migrations::{ConnectOptions, Database, DatabaseUrl};
/// let url = DatabaseUrl::parse("file:./dev.db", &ConnectOptions::new().base_dir("prisma"))?;
/// let db = Database::connect_parsed(&url).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct DatabaseUrl {
    /// Kept for error messages, which redact or scrub it.
    raw: String,
    redacted: String,
    target: Target,
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.redacted).finish()
    }
}

impl DatabaseUrl {
    /// Parses a URL as [`Database::connect_with`] does; only the options' base directory is used.
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] (P1013) naming the part at fault, or [`Error::FeatureDisabled`] for a database this
    /// build does not include.
    pub fn parse(url: &str, opts: &ConnectOptions) -> Result<Self, Error> {
        let target = url::parse(url, &opts.base_dir)?;
        Ok(Self { raw: url.to_owned(), redacted: url::redact_url(url), target })
    }

    /// Which database the URL is for.
    pub fn kind(&self) -> DatabaseKind {
        match &self.target {
            #[cfg(feature = "postgres")]
            Target::Postgres { .. } => DatabaseKind::Postgres,
            #[cfg(feature = "sqlite")]
            Target::Sqlite { .. } => DatabaseKind::Sqlite,
            #[cfg(feature = "mysql")]
            Target::MySql { .. } => DatabaseKind::MySql,
            #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
            Target::Never(n) => match *n {},
        }
    }

    /// The URL with its password hidden (see [`redact_url`](crate::redact_url)).
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// The SQLite file (`None` in memory, or for another database).
    #[cfg(all(feature = "test", feature = "sqlite"))]
    pub(crate) fn sqlite_path(&self) -> Option<&std::path::Path> {
        match &self.target {
            Target::Sqlite { path, .. } => path.as_deref(),
            #[allow(unreachable_patterns, reason = "the other databases compiled in, if any")]
            _ => None,
        }
    }
}

/// A database to migrate: a cheap-to-clone handle on an sqlx pool.
///
/// The migrator does its work on a dedicated connection opened with the pool's connect options (not one of
/// the pool's), so the migration lock is never left behind in the pool.
///
/// **A database that does not exist yet** (an app's very first start) is not an error at connect time: the
/// server is reached and the credentials checked, and the handle remembers that the database is missing.
/// [`Migrator::deploy`](crate::Migrator::deploy) then creates it, as `prisma migrate deploy` does (the SQLite
/// file and its directory; the PostgreSQL database, through the server's `postgres`, `template1` or `defaultdb`
/// database; the MySQL database with `CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`).
/// [`Migrator::plan`](crate::Migrator::plan) lists every migration and says deploy would create it
/// ([`Plan::creates_database`](crate::Plan::creates_database)); every other command (`verify`, `status`,
/// `resolve_*`, `rollback`, `migration_records`, `execute_script`, `drop_all`) answers P1003
/// [`Error::DatabaseMissing`] until it exists, and the application's own queries on the pool fail until then.
/// [`Database::create_if_missing`] creates it without deploying; [`Database::exists`] asks.
#[derive(Clone)]
pub struct Database {
    pub(crate) pool: Pool,
    url: Option<String>,
    /// Set when `connect` found the database missing: what is needed to create it, and whether it exists now.
    missing: Option<Arc<Missing>>,
}

struct Missing {
    url: DatabaseUrl,
    /// The database name or file path, for P1003.
    name: String,
    exists: AtomicBool,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database").field("kind", &self.kind()).field("url", &self.url).finish_non_exhaustive()
    }
}

impl Database {
    /// Connects with a Prisma-style URL: `postgresql://user:pw@host:5432/db?schema=app`, `mysql://…/db`,
    /// `file:./dev.db` (relative to the current directory), `sqlite:…`. A database that does not exist yet is not
    /// an error here: `deploy` creates it (see [`Database`]).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), prisma_migrations::Error> {
    /// let db = prisma_migrations::Database::connect("postgresql://app@localhost:5432/app?schema=public").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] (P1013) naming the part at fault, [`Error::CannotReach`] (P1001),
    /// [`Error::AuthenticationFailed`] (P1000), or [`Error::FeatureDisabled`] for a database this build does not
    /// include.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_with(url, &ConnectOptions::default()).await
    }

    /// [`Database::connect`] with options (the base directory of relative `file:` paths).
    ///
    /// # Errors
    /// As [`Database::connect`].
    pub async fn connect_with(url: &str, opts: &ConnectOptions) -> Result<Self, Error> {
        Self::connect_parsed(&DatabaseUrl::parse(url, opts)?).await
    }

    /// [`Database::connect`] with a URL already parsed.
    ///
    /// # Errors
    /// As [`Database::connect`], but for the URL's syntax, which [`DatabaseUrl::parse`] checked.
    pub async fn connect_parsed(url: &DatabaseUrl) -> Result<Self, Error> {
        let (pool, missing) = connect_target(&url.raw, url.target.clone()).await?;
        let missing = missing.map(|name| Arc::new(Missing { url: url.clone(), name, exists: AtomicBool::new(false) }));
        Ok(Self { pool, url: Some(url.redacted.clone()), missing })
    }

    /// Creates the database when [`Database::connect`] found it missing and it still is, as
    /// `prisma migrate deploy` does first (see [`Database`] for what is created where); `deploy` calls it.
    /// Returns whether this call created it.
    ///
    /// PostgreSQL: `CREATE DATABASE` runs on the first of the server's `postgres`, `template1` and `defaultdb`
    /// databases that lets this role in, as Prisma's schema engine picks it; the `?schema=` schema is created
    /// too. MySQL: `CREATE DATABASE` runs on a connection with no database selected.
    ///
    /// # Errors
    /// [`Error::CannotReach`], [`Error::AuthenticationFailed`], [`Error::CreateDir`] (SQLite), and
    /// [`Error::Database`] when the server refuses to create it (or no maintenance database lets this role in).
    pub async fn create_if_missing(&self) -> Result<bool, Error> {
        let Some(missing) = &self.missing else { return Ok(false) };
        if missing.exists.load(Ordering::Acquire) {
            return Ok(false);
        }
        let created = crate::backend::create_if_missing(&missing.url.raw, missing.url.target.clone()).await?;
        missing.exists.store(true, Ordering::Release);
        Ok(created)
    }

    /// Whether the database exists: true unless [`Database::connect`] found it missing and it still is (asked
    /// again then, as another process may have created it meanwhile).
    ///
    /// # Errors
    /// As [`Database::connect`].
    pub async fn exists(&self) -> Result<bool, Error> {
        let Some(missing) = &self.missing else { return Ok(true) };
        if missing.exists.load(Ordering::Acquire) {
            return Ok(true);
        }
        let exists = crate::backend::exists(&missing.url.raw, missing.url.target.clone()).await?;
        if exists {
            missing.exists.store(true, Ordering::Release);
        }
        Ok(exists)
    }

    /// P1003 unless the database exists: every command but `deploy` and `plan` needs it.
    pub(crate) async fn require_exists(&self) -> Result<(), Error> {
        match &self.missing {
            Some(missing) if !self.exists().await? => Err(Error::DatabaseMissing { database: missing.name.clone() }),
            _ => Ok(()),
        }
    }

    /// Which database this is.
    pub fn kind(&self) -> DatabaseKind {
        match &self.pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres { .. } => DatabaseKind::Postgres,
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(_) => DatabaseKind::Sqlite,
            #[cfg(feature = "mysql")]
            Pool::MySql(_) => DatabaseKind::MySql,
            #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
            Pool::Never(n) => match *n {},
        }
    }

    /// The PostgreSQL pool, to run the application's own queries on the same connections.
    #[cfg(feature = "postgres")]
    #[allow(clippy::match_wildcard_for_single_variants, reason = "the other databases compiled in, if any")]
    pub fn postgres_pool(&self) -> Option<&sqlx::PgPool> {
        match &self.pool {
            Pool::Postgres { pool, .. } => Some(pool),
            #[allow(unreachable_patterns, reason = "the other databases compiled in, if any")]
            _ => None,
        }
    }

    /// The SQLite pool. While a deploy holds the migration lock (SQLite's exclusive locking mode), its
    /// connections wait.
    #[cfg(feature = "sqlite")]
    #[allow(clippy::match_wildcard_for_single_variants, reason = "the other databases compiled in, if any")]
    pub fn sqlite_pool(&self) -> Option<&sqlx::SqlitePool> {
        match &self.pool {
            Pool::Sqlite(pool) => Some(pool),
            #[allow(unreachable_patterns, reason = "the other databases compiled in, if any")]
            _ => None,
        }
    }

    /// The MySQL pool.
    #[cfg(feature = "mysql")]
    #[allow(clippy::match_wildcard_for_single_variants, reason = "the other databases compiled in, if any")]
    pub fn mysql_pool(&self) -> Option<&sqlx::MySqlPool> {
        match &self.pool {
            Pool::MySql(pool) => Some(pool),
            #[allow(unreachable_patterns, reason = "the other databases compiled in, if any")]
            _ => None,
        }
    }

    /// Whether the URL says it goes through PgBouncer (Prisma's `pgbouncer=true`): then the migration lock is
    /// refused (see [`Error::LockThroughPooler`]).
    pub(crate) fn through_pgbouncer(&self) -> bool {
        self.kind() == DatabaseKind::Postgres
            && self
                .url
                .as_deref()
                .and_then(|u| ::url::Url::parse(u).ok())
                .is_some_and(|u| u.query_pairs().any(|(k, v)| k == "pgbouncer" && v == "true"))
    }

    /// The URL this was connected with, password hidden (`None` for a database made from a pool).
    pub fn redacted_url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// Closes the pool.
    pub async fn close(&self) {
        match &self.pool {
            #[cfg(feature = "postgres")]
            Pool::Postgres { pool, .. } => pool.close().await,
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(pool) => pool.close().await,
            #[cfg(feature = "mysql")]
            Pool::MySql(pool) => pool.close().await,
            #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
            Pool::Never(n) => match *n {},
        }
    }
}

#[cfg(feature = "postgres")]
impl From<sqlx::PgPool> for Database {
    /// Wraps a pool; its connections' `search_path` decides the schema.
    fn from(pool: sqlx::PgPool) -> Self {
        Self { pool: Pool::Postgres { pool, schema: None }, url: None, missing: None }
    }
}

#[cfg(feature = "sqlite")]
impl From<sqlx::SqlitePool> for Database {
    fn from(pool: sqlx::SqlitePool) -> Self {
        Self { pool: Pool::Sqlite(pool), url: None, missing: None }
    }
}

#[cfg(feature = "mysql")]
impl From<sqlx::MySqlPool> for Database {
    fn from(pool: sqlx::MySqlPool) -> Self {
        Self { pool: Pool::MySql(pool), url: None, missing: None }
    }
}

/// sqlx's defaults (an idle connection is pinged before it is handed out, so the application's own queries
/// survive a server restart); the migrator's reads take idle connections without that ping and retry on
/// a dead one themselves (`backend`), so `verify` stays one round trip.
fn pool_options<DB: sqlx::Database>(settings: PoolSettings) -> sqlx::pool::PoolOptions<DB> {
    let mut o = sqlx::pool::PoolOptions::<DB>::new();
    if let Some(n) = settings.max_connections {
        o = o.max_connections(n);
    }
    if let Some(t) = settings.acquire_timeout {
        o = o.acquire_timeout(t);
    }
    o
}

/// The pool, and the database's name when it does not exist yet (the pool then connects once it does).
async fn connect_target(url: &str, target: Target) -> Result<(Pool, Option<String>), Error> {
    match target {
        #[cfg(feature = "postgres")]
        Target::Postgres { options, schema, database, pool } => {
            let missing = probe(url, &database, &options, pool.connect_timeout).await?;
            let mut pool_opts = pool_options(pool);
            if let Some(set) = crate::backend::postgres_set_search_path(&options, schema.as_deref()) {
                pool_opts = pool_opts.after_connect(move |conn, _| {
                    let set = set.clone();
                    Box::pin(async move { sqlx::Executor::execute(conn, sqlx::AssertSqlSafe(set)).await.map(drop) })
                });
            }
            Ok((Pool::Postgres { pool: pool_opts.connect_lazy_with(options), schema }, missing))
        }
        #[cfg(feature = "mysql")]
        Target::MySql { options, database, pool, .. } => {
            let missing = probe(url, &database, &options, pool.connect_timeout).await?;
            Ok((Pool::MySql(pool_options(pool).connect_lazy_with(options)), missing))
        }
        #[cfg(feature = "sqlite")]
        Target::Sqlite { options, path, pool } => {
            if let Some(path) = &path
                && std::fs::metadata(path).is_err()
            {
                // `./dev.db` joined to a base dir reads `prisma/./dev.db`: show the path without `.` parts.
                let shown: std::path::PathBuf =
                    path.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect();
                return Ok((
                    Pool::Sqlite(pool_options(pool).connect_lazy_with(options)),
                    Some(shown.display().to_string()),
                ));
            }
            let name = path.as_deref().map_or_else(|| "sqlite".to_owned(), |p| p.display().to_string());
            let p = pool_options(pool).connect_with(options).await.map_err(|e| connect_error(url, &name, &e))?;
            Ok((Pool::Sqlite(p), None))
        }
        #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
        Target::Never(n) => match n {},
    }
}
