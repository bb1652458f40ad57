//! Which kind of database: PostgreSQL, SQLite or MySQL. Its own module so that errors and connections can name it
//! without depending on [`Database`](crate::Database).

use std::fmt;

use prisma_migrations_build::Provider;

/// Which database a [`Database`](crate::Database) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatabaseKind {
    /// PostgreSQL (or a PostgreSQL-wire database such as CockroachDB).
    Postgres,
    /// SQLite.
    Sqlite,
    /// MySQL or MariaDB.
    MySql,
}

impl DatabaseKind {
    /// Whether migrations for this Prisma provider run on this kind of database.
    pub fn accepts_provider(self, provider: Provider) -> bool {
        matches!(
            (self, provider),
            (Self::Postgres, Provider::Postgresql | Provider::Cockroachdb)
                | (Self::MySql, Provider::Mysql)
                | (Self::Sqlite, Provider::Sqlite)
        )
    }

    /// The kind a Prisma-style URL is for, from its scheme (`postgresql:`/`postgres:`, `mysql:`/`mariadb:`,
    /// `file:`/`sqlite:`); `None` for any other.
    pub fn of_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':')?.0;
        let is = |s: &str| scheme.eq_ignore_ascii_case(s);
        if is("postgresql") || is("postgres") {
            Some(Self::Postgres)
        } else if is("mysql") || is("mariadb") {
            Some(Self::MySql)
        } else if is("file") || is("sqlite") {
            Some(Self::Sqlite)
        } else {
            None
        }
    }
}

impl fmt::Display for DatabaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Postgres => "PostgreSQL",
            Self::Sqlite => "SQLite",
            Self::MySql => "MySQL",
        })
    }
}
