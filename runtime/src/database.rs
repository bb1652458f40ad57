//! A connected database: sqlx pools behind one type.

use std::fmt;
use std::path::PathBuf;

use crate::Error;
use crate::connect::Pool;
#[cfg(feature = "sqlite")]
use crate::connect::connect_error;
#[cfg(any(feature = "postgres", feature = "mysql"))]
use crate::connect::connect_within;
use crate::kind::DatabaseKind;
use crate::url::{self, PoolSettings, Target};

/// How to connect: where relative `file:` paths start.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    base_dir: PathBuf,
    create_if_missing: bool,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self { base_dir: PathBuf::from("."), create_if_missing: false }
    }
}

impl ConnectOptions {
    /// The defaults: relative paths from the current directory, the database must exist.
    pub fn new() -> Self {
        Self::default()
    }

    /// The directory a relative `file:` URL is resolved against. Prisma uses the directory of
    /// `schema.prisma`, i.e. the parent of the migrations folder.
    pub fn base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.base_dir = dir.into();
        self
    }

    /// Create the database first when it does not exist, as `prisma migrate deploy` does
    /// (see [`Database::create_if_missing`]).
    pub fn create_if_missing(mut self, yes: bool) -> Self {
        self.create_if_missing = yes;
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
/// Database::create_if_missing_parsed(&url).await?;
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
#[derive(Clone)]
pub struct Database {
    pub(crate) pool: Pool,
    url: Option<String>,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database").field("kind", &self.kind()).field("url", &self.url).finish_non_exhaustive()
    }
}

impl Database {
    /// Connects with a Prisma-style URL: `postgresql://user:pw@host:5432/db?schema=app`, `mysql://…/db`,
    /// `file:./dev.db` (relative to the current directory), `sqlite:…`.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), prisma_migrations::Error> {
    /// let db = prisma_migrations::Database::connect("postgresql://app@localhost:5432/app?schema=public").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidUrl`] (P1013) naming the part at fault, [`Error::CannotReach`] (P1001),
    /// [`Error::AuthenticationFailed`] (P1000), [`Error::DatabaseMissing`] (P1003), or
    /// [`Error::FeatureDisabled`] for a database this build does not include.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_with(url, &ConnectOptions::default()).await
    }

    /// [`Database::connect`] with options (base directory for relative `file:` paths, create if missing).
    ///
    /// # Errors
    /// As [`Database::connect`].
    pub async fn connect_with(url: &str, opts: &ConnectOptions) -> Result<Self, Error> {
        let url = DatabaseUrl::parse(url, opts)?;
        if opts.create_if_missing {
            Self::create_if_missing_parsed(&url).await?;
        }
        Self::connect_parsed(&url).await
    }

    /// [`Database::connect`] with a URL already parsed.
    ///
    /// # Errors
    /// As [`Database::connect`], but for the URL's syntax, which [`DatabaseUrl::parse`] checked.
    pub async fn connect_parsed(url: &DatabaseUrl) -> Result<Self, Error> {
        let pool = connect_target(&url.raw, url.target.clone()).await?;
        Ok(Self { pool, url: Some(url.redacted.clone()) })
    }

    /// Creates the database when it does not exist, as `prisma migrate deploy` does first: the SQLite file
    /// (and its directory), the PostgreSQL database (and the `?schema=` schema), the MySQL database with
    /// `utf8mb4`/`utf8mb4_unicode_ci`. Returns whether the database was created.
    ///
    /// # Errors
    /// As [`Database::connect`], and [`Error::Database`] when the server refuses to create it.
    pub async fn create_if_missing(url: &str, opts: &ConnectOptions) -> Result<bool, Error> {
        Self::create_if_missing_parsed(&DatabaseUrl::parse(url, opts)?).await
    }

    /// [`Database::create_if_missing`] with a URL already parsed.
    ///
    /// # Errors
    /// As [`Database::create_if_missing`].
    pub async fn create_if_missing_parsed(url: &DatabaseUrl) -> Result<bool, Error> {
        crate::backend::create_if_missing(&url.raw, url.target.clone()).await
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
        Self { pool: Pool::Postgres { pool, schema: None }, url: None }
    }
}

#[cfg(feature = "sqlite")]
impl From<sqlx::SqlitePool> for Database {
    fn from(pool: sqlx::SqlitePool) -> Self {
        Self { pool: Pool::Sqlite(pool), url: None }
    }
}

#[cfg(feature = "mysql")]
impl From<sqlx::MySqlPool> for Database {
    fn from(pool: sqlx::MySqlPool) -> Self {
        Self { pool: Pool::MySql(pool), url: None }
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

async fn connect_target(url: &str, target: Target) -> Result<Pool, Error> {
    match target {
        #[cfg(feature = "postgres")]
        Target::Postgres { options, schema, database, pool } => {
            probe(url, &database, &options, pool).await?;
            let mut pool_opts = pool_options(pool);
            if let Some(set) = crate::backend::postgres_set_search_path(&options, schema.as_deref()) {
                pool_opts = pool_opts.after_connect(move |conn, _| {
                    let set = set.clone();
                    Box::pin(async move { sqlx::Executor::execute(conn, sqlx::AssertSqlSafe(set)).await.map(drop) })
                });
            }
            Ok(Pool::Postgres { pool: pool_opts.connect_lazy_with(options), schema })
        }
        #[cfg(feature = "mysql")]
        Target::MySql { options, database, pool, .. } => {
            probe(url, &database, &options, pool).await?;
            Ok(Pool::MySql(pool_options(pool).connect_lazy_with(options)))
        }
        #[cfg(feature = "sqlite")]
        Target::Sqlite { options, path, pool } => {
            if let Some(path) = &path
                && std::fs::metadata(path).is_err()
            {
                // `./dev.db` joined to a base dir reads `prisma/./dev.db`: show the path without `.` parts.
                let shown: std::path::PathBuf =
                    path.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect();
                return Err(Error::DatabaseMissing { database: shown.display().to_string() });
            }
            let name = path.as_deref().map_or_else(|| "sqlite".to_owned(), |p| p.display().to_string());
            let p = pool_options(pool).connect_with(options).await.map_err(|e| connect_error(url, &name, &e))?;
            Ok(Pool::Sqlite(p))
        }
        #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
        Target::Never(n) => match n {},
    }
}

/// One direct connection, within Prisma's `connect_timeout`, so a bad URL fails at once with the real cause
/// (the pool would retry a refused connection until its acquire timeout); the pool then connects lazily.
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn probe<O>(url: &str, database: &str, options: &O, pool: PoolSettings) -> Result<(), Error>
where
    O: sqlx::ConnectOptions,
    O::Connection: Sized,
{
    let conn = connect_within(url, database, options, pool.connect_timeout).await?;
    let _ = sqlx::Connection::close(conn).await;
    Ok(())
}
