//! The session a migration runs in on PostgreSQL and CockroachDB: the one Prisma's engine leaves it with.
//!
//! Prisma's engine (tokio-postgres through quaint, `quaint/src/connector/postgres/native/mod.rs` `to_config`)
//! configures the user, database, `?schema=` search path and the URL's own `options`/`application_name`, and no
//! `TimeZone`, `DateStyle` or `extra_float_digits`, so the role's, the database's and the server's defaults apply
//! to a migration's script (as the Prisma CLI shows: `tests/tests/session.rs`). sqlx 0.9
//! also sends `DateStyle=ISO, MDY`, `TimeZone=UTC` and `extra_float_digits` (sqlx-postgres
//! `src/connection/establish.rs`), and start-up parameters override `ALTER ROLE/DATABASE … SET`. So the
//! migration connection leaves `extra_float_digits` out and sets `TimeZone` and `DateStyle` back to what the
//! server would have given a client that did not send them ([`DEFAULTS_SQL`]).
//!
//! CockroachDB is recognised from `version()` as Prisma does (`flavour/postgres.rs` `setup_connection`:
//! `contains("CockroachDB")`; `flavour/postgres/connection.rs`: the `CockroachDB CCL v<major>.<minor>` prefix
//! for the 22.2+ settings), which then sends its session settings and takes no advisory lock.

use prisma_migrations_build::Provider;
use sqlx::postgres::PgConnection;

use crate::Error;

/// The server behind a PostgreSQL URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Server {
    /// PostgreSQL (or anything whose `version()` does not mention CockroachDB).
    Postgres,
    /// CockroachDB; `version` is `(major, minor)` when `version()` starts with `CockroachDB CCL v`.
    Cockroach { version: Option<(u32, u32)> },
}

impl Server {
    /// What `SELECT version()` says.
    pub fn from_version(version: &str) -> Self {
        if !version.contains("CockroachDB") {
            return Self::Postgres;
        }
        let version = version.strip_prefix("CockroachDB CCL v").and_then(|v| {
            let mut parts = v.split(|c: char| !c.is_ascii_digit());
            let major = parts.next()?.parse().ok()?;
            let minor = parts.next()?.parse().ok()?;
            Some((major, minor))
        });
        Self::Cockroach { version }
    }

    /// The statements Prisma's engine runs on each new connection to this server, in its order: the
    /// CockroachDB prelude of `flavour/postgres.rs`, then on 22.2 and later the two settings of
    /// `flavour/postgres/connection.rs` (prisma/prisma#16909; enums are case-insensitive without the second).
    pub fn session_settings(self) -> &'static [&'static str] {
        match self {
            Self::Postgres => &[],
            Self::Cockroach { version: Some((major, minor)) } if major > 22 || (major == 22 && minor >= 2) => &[
                "SET enable_experimental_alter_column_type_general = true",
                "SET enable_implicit_transaction_for_batch_statements = false",
                "SET use_declarative_schema_changer = off",
            ],
            Self::Cockroach { .. } => &["SET enable_experimental_alter_column_type_general = true"],
        }
    }

    /// Whether Prisma takes its advisory lock here: not on CockroachDB, which has none
    /// (`flavour/postgres.rs` `acquire_lock`).
    pub fn has_advisory_lock(self) -> bool {
        self == Self::Postgres
    }

    /// Refuses migrations for the other PostgreSQL-wire provider, as Prisma's `setup_connection` does (in both
    /// directions; Prisma gives no error code for it).
    pub fn check_provider(self, provider: Option<Provider>, version: &str) -> Result<(), Error> {
        let server_is_cockroach = self != Self::Postgres;
        match provider {
            Some(Provider::Postgresql) if server_is_cockroach => {
                Err(Error::ServerMismatch { provider: Provider::Postgresql, server: version.to_owned() })
            }
            Some(Provider::Cockroachdb) if !server_is_cockroach => {
                Err(Error::ServerMismatch { provider: Provider::Cockroachdb, server: version.to_owned() })
            }
            _ => Ok(()),
        }
    }
}

/// The values of `TimeZone` and `DateStyle` a session gets when its client does not send them, in PostgreSQL's
/// precedence (`postinit.c` `process_settings`): `ALTER ROLE … IN DATABASE … SET` over `ALTER ROLE … SET` over
/// `ALTER DATABASE … SET` over `ALTER ROLE ALL SET`; the role is the login role (`session_user`). A name
/// without such a setting comes from the server's configuration ([`SERVER_SQL`]).
const DEFAULTS_SQL: &str = "SELECT DISTINCT ON (lower(name)) name, value FROM ( \
       SELECT split_part(c, '=', 1) AS name, substr(c, strpos(c, '=') + 1) AS value, \
              (s.setrole <> 0)::int * 2 + (s.setdatabase <> 0)::int AS rank \
       FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) AS c \
       WHERE s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())) \
         AND s.setrole IN (0, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = session_user)) \
     ) r WHERE lower(name) IN ('timezone', 'datestyle') ORDER BY lower(name), rank DESC";

/// The server-wide values: `postgresql.conf` and `ALTER SYSTEM` (`pg_file_settings`, readable by superusers
/// and `pg_read_all_settings` only), else the built-in default. A value given on the server's command line
/// (`-c timezone=…`) is in neither and cannot be seen from a session whose client sent its own; a file edited
/// but not yet reloaded is read as it is now.
const SERVER_SQL: &str = "SELECT DISTINCT ON (s.name) s.name, COALESCE(f.setting, s.boot_val) \
     FROM pg_catalog.pg_settings s \
     LEFT JOIN pg_catalog.pg_file_settings f ON lower(f.name) = lower(s.name) AND f.applied \
     WHERE s.name IN ('TimeZone', 'DateStyle') ORDER BY s.name, f.seqno DESC NULLS LAST";

/// Asks the server what it is and prepares the session as Prisma's engine would: CockroachDB's settings, or on
/// PostgreSQL the role/database/server `TimeZone` and `DateStyle`. Returns the server and its `version()`.
pub(crate) async fn prepare(conn: &mut PgConnection) -> Result<(Server, String), Error> {
    let version: String = sqlx::query_scalar("SELECT version()")
        .persistent(false)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::db("asking the server for its version", &e))?;
    let server = Server::from_version(&version);
    for set in server.session_settings() {
        sqlx::raw_sql(*set).execute(&mut *conn).await.map_err(|e| Error::db("setting CockroachDB's session", &e))?;
    }
    if server == Server::Postgres {
        restore_defaults(conn).await;
    }
    Ok((server, version))
}

/// Best effort: a PostgreSQL-compatible server that lacks these catalogs still deploys, in sqlx's session, with a
/// warning (a lost connection fails the next statement anyway).
async fn restore_defaults(conn: &mut PgConnection) {
    let mut values: Vec<(String, String)> = match sqlx::query_as(DEFAULTS_SQL)
        .persistent(false)
        .fetch_all(&mut *conn)
        .await
    {
        Ok(values) => values,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the role's and database's settings; TimeZone/DateStyle stay UTC/ISO");
            return;
        }
    };
    if values.len() < 2 {
        match sqlx::query_as::<_, (String, String)>(SERVER_SQL).persistent(false).fetch_all(&mut *conn).await {
            Ok(server) => {
                for (name, value) in server {
                    if !values.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                        values.push((name, value));
                    }
                }
            }
            // 42501: not allowed to read the configuration files (README); the driver's UTC and ISO stay.
            Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42501") => tracing::debug!(
                "cannot read pg_file_settings; TimeZone/DateStyle without a role or database setting stay UTC/ISO"
            ),
            Err(e) => tracing::warn!(error = %e, "cannot read the server's settings; TimeZone/DateStyle stay UTC/ISO"),
        }
    }
    for (name, value) in values {
        // A stored value the server no longer accepts is skipped at session start too (with a warning).
        if let Err(e) = sqlx::query("SELECT set_config($1, $2, false)")
            .bind(&name)
            .bind(&value)
            .persistent(false)
            .execute(&mut *conn)
            .await
        {
            tracing::warn!(setting = %name, value = %value, error = %e, "could not apply the default setting");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Server;
    use prisma_migrations_build::Provider;

    // Version strings as CockroachDB prints them (its `version()` builtin).
    const CRDB_23: &str = "CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu, built 2023/09/27 01:53:43, go1.19.10)";
    const CRDB_22_1: &str = "CockroachDB CCL v22.1.22 (x86_64-pc-linux-gnu, built 2023/07/20 18:43:01, go1.17.11)";
    const CRDB_22_2: &str = "CockroachDB CCL v22.2.0 (aarch64-unknown-linux-gnu, built 2022/12/05 16:37:29, go1.19.1)";
    const CRDB_OSS: &str = "CockroachDB OSS v21.2.3 (x86_64-unknown-linux-gnu)";
    const PG: &str = "PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc";

    #[test]
    fn recognises_the_server() {
        assert_eq!(Server::from_version(PG), Server::Postgres);
        assert_eq!(Server::from_version(CRDB_23), Server::Cockroach { version: Some((23, 1)) });
        assert_eq!(Server::from_version(CRDB_22_2), Server::Cockroach { version: Some((22, 2)) });
        // Prisma's `contains` finds it; its `CCL v` prefix does not, so only the prelude is sent.
        assert_eq!(Server::from_version(CRDB_OSS), Server::Cockroach { version: None });
    }

    #[test]
    fn cockroach_settings_as_prisma_sends_them() {
        let prelude = "SET enable_experimental_alter_column_type_general = true";
        assert!(Server::from_version(PG).session_settings().is_empty());
        assert_eq!(Server::from_version(CRDB_22_1).session_settings(), [prelude]);
        assert_eq!(Server::from_version(CRDB_OSS).session_settings(), [prelude]);
        for v in [CRDB_22_2, CRDB_23, "CockroachDB CCL v24.3.0"] {
            assert_eq!(
                Server::from_version(v).session_settings(),
                [
                    prelude,
                    "SET enable_implicit_transaction_for_batch_statements = false",
                    "SET use_declarative_schema_changer = off"
                ],
                "{v}"
            );
        }
    }

    #[test]
    fn lock_only_on_postgres() {
        assert!(Server::from_version(PG).has_advisory_lock());
        assert!(!Server::from_version(CRDB_23).has_advisory_lock());
    }

    #[test]
    fn mismatch_refused_both_ways() {
        let crdb = Server::from_version(CRDB_23);
        let pg = Server::from_version(PG);
        let e = crdb.check_provider(Some(Provider::Postgresql), CRDB_23).unwrap_err();
        assert!(e.to_string().contains("CockroachDB"), "{e}");
        assert!(e.to_string().contains("`cockroachdb`"), "{e}");
        let e = pg.check_provider(Some(Provider::Cockroachdb), PG).unwrap_err();
        assert!(e.to_string().contains("`postgresql`"), "{e}");
        assert!(crdb.check_provider(Some(Provider::Cockroachdb), CRDB_23).is_ok());
        assert!(pg.check_provider(Some(Provider::Postgresql), PG).is_ok());
        assert!(pg.check_provider(None, PG).is_ok());
        assert!(crdb.check_provider(None, CRDB_23).is_ok());
    }
}
