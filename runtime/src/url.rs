//! Prisma-style database URLs: `postgresql://…?schema=x`, `mysql://…`, `file:./dev.db`, `sqlite:…`.
//!
//! Prisma's own query parameters (`schema`, `connection_limit`, `pool_timeout`, `pgbouncer`, …) are taken
//! out before the rest goes to sqlx, which warns about keys it does not know.

use std::path::Path;
#[cfg(feature = "sqlite")]
use std::path::PathBuf;
use std::time::Duration;

use crate::Error;

#[cfg(any(feature = "postgres", feature = "mysql"))]
mod tls;

/// Hides the password of a URL: `postgresql://user:***@host/db`. Anything that does not parse as a URL, or
/// has an `@` past where the parser ended the authority (a password with an unencoded `/`, `?` or `#`, which
/// users do write), is cut textually from the first `:` of the user info to the last `@`, so a malformed URL
/// cannot leak a password either (at worst it hides a little more).
///
/// ```
/// assert_eq!(
///     prisma_migrations::redact_url("postgresql://app:s3cr3t@db:5432/app?schema=x"),
///     "postgresql://app:***@db:5432/app?schema=x"
/// );
/// assert_eq!(prisma_migrations::redact_url("postgresql://app:p#ss@db/app"), "postgresql://app:***@db/app");
/// assert_eq!(prisma_migrations::redact_url("file:./dev.db"), "file:./dev.db");
/// // Prisma's `sslpassword` (a client identity's password) is hidden too.
/// assert_eq!(
///     prisma_migrations::redact_url("postgresql://app@db/app?sslidentity=id.p12&sslpassword=s3cr3t"),
///     "postgresql://app@db/app?sslidentity=id.p12&sslpassword=***"
/// );
/// ```
pub fn redact_url(url: &str) -> String {
    hide_ssl_password(&redact_user_info(url))
}

/// The value of every `sslpassword=` in the text (the query of a URL), each replaced by `***`.
fn hide_ssl_password(url: &str) -> String {
    const KEY: &str = "sslpassword=";
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(i) = rest.find(KEY) {
        let at_key = i == 0 || rest[..i].ends_with(['?', '&']);
        let value_start = i + KEY.len();
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        if at_key {
            let end = rest.find(['&', '#']).unwrap_or(rest.len());
            if end > 0 {
                out.push_str("***");
            }
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

fn redact_user_info(url: &str) -> String {
    // `://` counts only right after a scheme (letters, digits, `+-.`): one later in the text is not a separator.
    let (head, rest) = match url.find("://") {
        Some(i) if i > 0 && url[..i].bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) => {
            url.split_at(i + 3)
        }
        _ => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at_after_authority = rest[authority_end..].contains('@');
    if let Ok(mut parsed) = url::Url::parse(url)
        && !at_after_authority
    {
        if parsed.password().is_some() && parsed.set_password(Some("***")).is_ok() {
            return parsed.to_string();
        }
        if parsed.password().is_none() && parsed.has_host() {
            return url.to_owned();
        }
    }
    match (rest.rfind('@'), rest.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!("{head}{}:***{}", &rest[..colon], &rest[at..]),
        _ => url.to_owned(),
    }
}

/// Replaces every occurrence of the URL's password (raw and percent-decoded) in a driver message.
pub(crate) fn scrub(message: &str, url: &str) -> String {
    let Some(password) = password_of(url) else { return message.to_owned() };
    let mut out = message.to_owned();
    for p in [password.0, password.1] {
        if !p.is_empty() {
            out = out.replace(&p, "***");
        }
    }
    out
}

fn password_of(url: &str) -> Option<(String, String)> {
    let parsed = url::Url::parse(url).ok()?;
    let raw = parsed.password()?.to_owned();
    let decoded = percent_decode(&raw);
    Some((raw, decoded))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map_or_else(|| s.to_owned(), |(_, v)| v.into_owned())
}

/// Pool settings from Prisma's `connection_limit`, `pool_timeout` and `connect_timeout`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoolSettings {
    pub max_connections: Option<u32>,
    /// Prisma's `pool_timeout` (default 10 s).
    pub acquire_timeout: Option<Duration>,
    /// Prisma's `connect_timeout` (default 5 s; 0 = none): how long the first connection may take.
    pub connect_timeout: Option<Duration>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: None,
            acquire_timeout: Some(Duration::from_secs(10)),
            connect_timeout: Some(Duration::from_secs(5)),
        }
    }
}

/// A parsed URL, ready for the driver.
#[derive(Clone)]
#[allow(clippy::large_enum_variant, reason = "built once per connect, never stored")]
pub(crate) enum Target {
    #[cfg(feature = "postgres")]
    Postgres { options: sqlx::postgres::PgConnectOptions, schema: Option<String>, database: String, pool: PoolSettings },
    #[cfg(feature = "mysql")]
    MySql {
        options: sqlx::mysql::MySqlConnectOptions,
        /// The same server without a database selected, for `CREATE DATABASE`.
        server: sqlx::mysql::MySqlConnectOptions,
        database: String,
        pool: PoolSettings,
    },
    #[cfg(feature = "sqlite")]
    Sqlite { options: sqlx::sqlite::SqliteConnectOptions, path: Option<PathBuf>, pool: PoolSettings },
    /// No database feature enabled: no value exists.
    #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
    Never(std::convert::Infallible),
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// Prisma's connection parameters that sqlx does not take; read here or ignored on purpose.
const PRISMA_PARAMS: &[&str] = &[
    "schema",
    "connection_limit",
    "pool_timeout",
    "connect_timeout",
    "socket_timeout",
    "pgbouncer",
    "statement_cache_size",
    "sslaccept",
    "sslidentity",
    "sslpassword",
    "max_connection_lifetime",
    "max_idle_connection_lifetime",
    "single_use_connections",
];

fn invalid(url: &str, reason: impl Into<String>) -> Error {
    Error::InvalidUrl { url: redact_url(url), reason: reason.into() }
}

/// Parses a URL; relative `file:` paths are resolved against `base_dir`.
pub(crate) fn parse(url: &str, base_dir: &Path) -> Result<Target, Error> {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
    match scheme.as_str() {
        "postgresql" | "postgres" => postgres(url, base_dir),
        "mysql" | "mariadb" => mysql(url, base_dir),
        "file" | "sqlite" => sqlite(url, base_dir),
        "" => Err(invalid(url, "it has no scheme; expected `postgresql://`, `mysql://`, `file:` or `sqlite:`")),
        other => Err(invalid(
            url,
            format!("scheme `{other}` is not supported; expected `postgresql://`, `mysql://`, `file:` or `sqlite:`"),
        )),
    }
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
/// The URL's query parameters, split into Prisma's (returned) and the driver's (left in the URL).
fn split_params(parsed: &mut url::Url) -> Vec<(String, String)> {
    let all: Vec<(String, String)> = parsed.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let (prisma, driver): (Vec<_>, Vec<_>) = all.into_iter().partition(|(k, _)| PRISMA_PARAMS.contains(&k.as_str()));
    if driver.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(driver);
    }
    prisma
}

fn pool_settings(url: &str, params: &[(String, String)]) -> Result<PoolSettings, Error> {
    let mut pool = PoolSettings::default();
    for (k, v) in params {
        match k.as_str() {
            "connection_limit" => {
                let n: u32 = v.parse().map_err(|_| invalid(url, format!("`connection_limit={v}` is not a number")))?;
                pool.max_connections = Some(n.max(1));
            }
            "pool_timeout" => {
                let secs: u64 = v.parse().map_err(|_| invalid(url, format!("`pool_timeout={v}` is not seconds")))?;
                // Prisma: 0 means no timeout.
                pool.acquire_timeout =
                    Some(if secs == 0 { Duration::from_secs(u64::from(u32::MAX)) } else { Duration::from_secs(secs) });
            }
            "connect_timeout" => {
                let secs: u64 = v.parse().map_err(|_| invalid(url, format!("`connect_timeout={v}` is not seconds")))?;
                pool.connect_timeout = (secs > 0).then(|| Duration::from_secs(secs));
            }
            _ => {}
        }
    }
    Ok(pool)
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
fn check_host(url: &str, parsed: &url::Url) -> Result<(), Error> {
    match parsed.host_str() {
        Some(h) if !h.is_empty() => Ok(()),
        _ => Err(invalid(url, "the host is missing (expected `scheme://user:password@host:port/database`)")),
    }
}

#[cfg(feature = "postgres")]
fn postgres(url: &str, base_dir: &Path) -> Result<Target, Error> {
    let mut parsed = url::Url::parse(url).map_err(|e| invalid(url, e.to_string()))?;
    check_host(url, &parsed)?;
    tls::rewrite(url, &mut parsed, base_dir, tls::Flavor::Postgres)?;
    let params = split_params(&mut parsed);
    let pool = pool_settings(url, &params)?;
    let mut options: sqlx::postgres::PgConnectOptions =
        <sqlx::postgres::PgConnectOptions as sqlx::ConnectOptions>::from_url(&parsed)
            .map_err(|e| invalid(url, scrub(&e.to_string(), url)))?;
    let database = options.get_database().map_or_else(|| options.get_username().to_owned(), str::to_owned);
    let schema = params.iter().find(|(k, _)| k == "schema").map(|(_, v)| v.clone()).filter(|s| !s.is_empty());
    let pgbouncer = params.iter().any(|(k, v)| k == "pgbouncer" && v == "true");
    if let Some(schema) = schema.as_deref().filter(|_| !pgbouncer) {
        // A startup parameter, so every connection (pooled or the dedicated migration one) has it. PgBouncer
        // refuses the `options` startup parameter: there `SET search_path` follows each connect instead
        // (`backend::postgres::set_search_path`).
        options = options.options([("search_path", quote_ident(schema))]);
    }
    if pgbouncer {
        // PgBouncer in transaction mode rejects this startup parameter (SQLX-NOTES.md).
        options = options.extra_float_digits(None);
    }
    Ok(Target::Postgres { options, schema, database, pool })
}

#[cfg(not(feature = "postgres"))]
fn postgres(url: &str, _base_dir: &Path) -> Result<Target, Error> {
    Err(Error::FeatureDisabled { url: redact_url(url), kind: "PostgreSQL", feature: "postgres" })
}

#[cfg(feature = "postgres")]
/// A PostgreSQL identifier in double quotes.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(feature = "mysql")]
fn mysql(url: &str, base_dir: &Path) -> Result<Target, Error> {
    let mut parsed = url::Url::parse(url).map_err(|e| invalid(url, e.to_string()))?;
    check_host(url, &parsed)?;
    tls::rewrite(url, &mut parsed, base_dir, tls::Flavor::MySql)?;
    if parsed.scheme() == "mariadb" {
        let _ = parsed.set_scheme("mysql");
    }
    let params = split_params(&mut parsed);
    let pool = pool_settings(url, &params)?;
    let database = parsed.path().trim_start_matches('/').to_owned();
    if database.is_empty() {
        return Err(invalid(url, "the database name is missing (expected `mysql://user:password@host:port/database`)"));
    }
    let database = percent_decode(&database);
    let parse = |u: &url::Url| {
        <sqlx::mysql::MySqlConnectOptions as sqlx::ConnectOptions>::from_url(u)
            .map_err(|e| invalid(url, scrub(&e.to_string(), url)))
            // sqlx adds these to sql_mode; Prisma's engine does not, and `||` must mean OR as under Prisma.
            // IGNORE_SPACE, which sqlx's handshake always asks for, is removed on the migration connection
            // (`backend::mysql::Conn::dedicated`); the application's pool keeps it.
            .map(|o| o.pipes_as_concat(false).no_engine_substitution(false))
    };
    let options = parse(&parsed)?;
    let mut server_url = parsed.clone();
    server_url.set_path("");
    let server = parse(&server_url)?;
    Ok(Target::MySql { options, server, database, pool })
}

#[cfg(not(feature = "mysql"))]
fn mysql(url: &str, _base_dir: &Path) -> Result<Target, Error> {
    Err(Error::FeatureDisabled { url: redact_url(url), kind: "MySQL", feature: "mysql" })
}

#[cfg(feature = "sqlite")]
fn sqlite(url: &str, base_dir: &Path) -> Result<Target, Error> {
    use std::str::FromStr as _;
    if let Some(rest) = url.strip_prefix("file:") {
        // Prisma's form. SQLite would take `file:` as a URI, so hand it a plain path.
        let path_part = rest.split_once('?').map_or(rest, |(p, _)| p);
        let params: Vec<(String, String)> = rest
            .split_once('?')
            .map(|(_, q)| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let pool = pool_settings(url, &params)?;
        let path_part = path_part.strip_prefix("//").unwrap_or(path_part);
        if path_part.is_empty() {
            return Err(invalid(url, "the file path is missing (expected `file:./dev.db`)"));
        }
        let path = Path::new(path_part);
        let path = if path.is_absolute() { path.to_owned() } else { base_dir.join(path) };
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
        return Ok(Target::Sqlite { options, path: Some(path), pool });
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).map_err(|e| invalid(url, e.to_string()))?;
    let name = options.get_filename();
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let path = (!in_memory).then(|| if name.is_absolute() { name.to_owned() } else { base_dir.join(name) });
    let options = match &path {
        Some(p) => options.filename(p),
        None => options,
    };
    Ok(Target::Sqlite { options, path, pool: PoolSettings::default() })
}

#[cfg(not(feature = "sqlite"))]
fn sqlite(url: &str, _base_dir: &Path) -> Result<Target, Error> {
    Err(Error::FeatureDisabled { url: redact_url(url), kind: "SQLite", feature: "sqlite" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact_url("postgresql://u:pw@h:5432/d"), "postgresql://u:***@h:5432/d");
        assert_eq!(redact_url("mysql://root@h:3306/d"), "mysql://root@h:3306/d");
        assert_eq!(redact_url("postgresql://u:p%40ss@h/d"), "postgresql://u:***@h/d");
        // Unparseable (bad port): still hidden.
        assert_eq!(redact_url("postgresql://u:s3cr3t@h:99999999/d"), "postgresql://u:***@h:99999999/d");
        assert_eq!(redact_url("postgresql://u:a@b@h/d"), "postgresql://u:***@h/d");
        assert_eq!(redact_url("file:./dev.db"), "file:./dev.db");
        assert!(!redact_url("postgres://x:s3cr3t@[::1/db").contains("s3cr3t"));
        // Unencoded `#`, `/`, `?` in a password (found by tests/tests/fuzz_parsers.rs).
        assert_eq!(redact_url("postgresql://app:p#ss@db:5432/app"), "postgresql://app:***@db:5432/app");
        assert_eq!(redact_url("postgresql://app:123/ss@db/app"), "postgresql://app:***@db/app");
        assert_eq!(redact_url("postgresql://:pw?x@:1"), "postgresql://:***@:1");
        assert_eq!(redact_url("u:s3cr3t@h:1/d"), "u:***@h:1/d");
        assert_eq!(redact_url(":s3cr3t@:1/://?x=1"), ":***@:1/://?x=1");
    }

    #[test]
    fn redacts_ssl_passwords() {
        assert_eq!(redact_url("mysql://h/d?sslpassword=s3cr3t"), "mysql://h/d?sslpassword=***");
        assert_eq!(
            redact_url("postgresql://u:pw@h/d?sslpassword=a%26b&x=1#sslpassword=f"),
            "postgresql://u:***@h/d?sslpassword=***&x=1#sslpassword=f"
        );
        assert_eq!(
            redact_url("postgresql://h/d?mysslpassword=x&sslpassword="),
            "postgresql://h/d?mysslpassword=x&sslpassword="
        );
    }

    #[test]
    fn scrubs_messages() {
        let url = "postgresql://u:p%40ss@h/d";
        assert_eq!(scrub("bad p@ss and p%40ss", url), "bad *** and ***");
        assert_eq!(scrub("nothing", "file:x.db"), "nothing");
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_paths() {
        let base = Path::new("/base");
        for (url, want) in [
            ("file:./dev.db", "/base/./dev.db"),
            ("file:dev.db", "/base/dev.db"),
            ("file:/abs/x.db", "/abs/x.db"),
            ("file:./dev.db?connection_limit=1", "/base/./dev.db"),
        ] {
            let Ok(Target::Sqlite { path, .. }) = parse(url, base) else { panic!("{url}") };
            assert_eq!(path.as_deref(), Some(Path::new(want)), "{url}");
        }
        assert!(matches!(parse("file:", base), Err(Error::InvalidUrl { .. })));
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn postgres_params() {
        let base = Path::new("/");
        let Ok(Target::Postgres { schema, database, pool, .. }) =
            parse("postgresql://u:pw@h:5432/app?schema=s1&connection_limit=3&pgbouncer=true&socket_timeout=5", base)
        else {
            panic!("parse")
        };
        assert_eq!(schema.as_deref(), Some("s1"));
        assert_eq!(database, "app");
        assert_eq!(pool.max_connections, Some(3));
        #[cfg(not(feature = "tls"))]
        {
            let Err(e) = parse("postgresql://u:s3cr3t@h/app?sslmode=require", base) else { panic!("tls") };
            assert!(matches!(e, Error::TlsNotCompiled { .. }));
            assert!(!format!("{e} {e:?}").contains("s3cr3t"));
            assert!(e.to_string().contains("`tls`"), "{e}");
        }
        let Err(e) = parse("postgresql://u:s3cr3t@/app", base) else { panic!("host") };
        assert!(e.to_string().contains("host"), "{e}");
        assert!(!format!("{e} {e:?}").contains("s3cr3t"));
    }

    #[test]
    fn bad_scheme() {
        let Err(e) = parse("oracle://u:s3cr3t@h/x", Path::new("/")) else { panic!() };
        assert_eq!(e.code(), Some("P1013"));
        assert!(!format!("{e} {e:?}").contains("s3cr3t"));
    }
}
