//! What every command needs: the printer, the migrations (embedded or read from the folder), the database URL
//! (flag, environment, `.env`), and a connection.

use std::borrow::Cow;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

use crate::args::Global;
use crate::dotenv::Env;
use crate::failure::Failure;
use crate::output::Printer;
use prisma_migrations::{ConnectOptions, Database, DatabaseKind, DatabaseUrl, Migrations, redact_url};

/// The folder Prisma uses when nothing else is said.
pub(crate) const DEFAULT_DIR: &str = "prisma/migrations";

/// The environment variable Prisma's default `schema.prisma` reads the URL from.
pub(crate) const URL_VAR: &str = "DATABASE_URL";

#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub p: Printer,
    pub global: Global,
    pub env: Env,
    /// The application's own migrations (`cli::run`), or `None` for the folder.
    pub embedded: Option<&'a Migrations>,
    /// How the user runs us, for the commands printed in remedies.
    pub program: String,
    /// What reading the folder warned about (authoring rules, symlinked folders), for `--json`.
    pub warnings: RefCell<Vec<String>>,
}

impl<'a> Ctx<'a> {
    pub fn new(global: Global, embedded: Option<&'a Migrations>, program: String) -> Result<Self, Failure> {
        let p = Printer::new(global.json);
        let mut ctx = Self { p, global, env: Env::default(), embedded, program, warnings: RefCell::default() };
        let mut files = vec![PathBuf::from(".env")];
        files.push(ctx.base_dir().join(".env"));
        ctx.env = Env::load(&files).map_err(Failure::msg)?;
        Ok(ctx)
    }

    /// `--migrations`, else `prisma/migrations`.
    pub fn migrations_dir(&self) -> PathBuf {
        self.global.migrations.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
    }

    /// Where relative `file:` URLs start: the parent of the migrations folder, as Prisma resolves them against
    /// the directory of schema.prisma.
    pub fn base_dir(&self) -> PathBuf {
        match self.migrations_dir().parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        }
    }

    /// The migrations folder as the user named it, for messages.
    pub fn dir_shown(&self) -> String {
        self.migrations_dir().display().to_string()
    }

    /// Prisma's `N migrations found in prisma/migrations` (`No migration found in …` for none).
    pub fn found_line(&self, n: usize) -> String {
        if n == 0 {
            format!("No migration found in {}", self.dir_shown())
        } else {
            format!("{} found in {}", crate::output::plural(n, "migration"), self.dir_shown())
        }
    }

    /// The embedded migrations, or the folder read and checked with build-support (the macro's rules, the
    /// authoring ones as warnings on stderr: Prisma deploys such histories).
    pub fn migrations(&self) -> Result<Cow<'a, Migrations>, Failure> {
        if let Some(m) = self.embedded {
            return Ok(Cow::Borrowed(m));
        }
        let (migrations, warnings) =
            Migrations::load_with_warnings(self.migrations_dir(), &self.global.folder_options())
                .map_err(|e| self.fail(&e))?;
        self.warn(&warnings);
        Ok(Cow::Owned(migrations))
    }

    /// Prints each folder warning once (stderr, text mode) and keeps it for the JSON document.
    pub fn warn(&self, warnings: &[prisma_migrations_build::Problem]) {
        let mut kept = self.warnings.borrow_mut();
        for w in warnings {
            let text = w.to_string();
            if !kept.contains(&text) {
                self.p.err_line(&format!("{} {text}", self.p.err.yellow("warning:")));
                kept.push(text);
            }
        }
    }

    /// The database URL: `--database-url`; else the `datasource` of the Prisma schema beside the migrations
    /// folder, `directUrl` before `url` as Prisma's migrate commands read it (see `schema`), each `env("NAME")`
    /// read from the environment, else from `.env`; else `DATABASE_URL` (Prisma 7 schemas carry no URL).
    pub fn database_url(&self) -> Result<String, Failure> {
        if let Some(url) = &self.global.database_url {
            return Ok(url.clone());
        }
        if let Some(ds) = crate::schema::datasource(&self.base_dir()).map_err(Failure::msg)?
            && let Some((field, value)) = ds.migrate_url()
        {
            let file = ds.file.display();
            return match value {
                crate::schema::Value::Literal(url) if !url.trim().is_empty() => Ok(url.clone()),
                crate::schema::Value::Literal(_) => Err(Failure::msg(format!("`{field}` in {file} is empty"))
                    .hint(format!("Set `{field}` to the database URL, or pass --database-url."))),
                crate::schema::Value::Env(var) => self.env_url(var).map_err(|f| {
                    f.hint(format!(
                        "{file} reads the URL from `{field} = env(\"{var}\")`; set {var}, or pass --database-url."
                    ))
                }),
            };
        }
        self.env_url(URL_VAR)
    }

    /// A URL from an environment variable (the environment, else `.env`): set, not empty, not set to
    /// different values in two `.env` files.
    fn env_url(&self, var: &str) -> Result<String, Failure> {
        match self.env.get(var) {
            Some((_, Some(_))) if !self.env.conflicts(var).is_empty() => {
                let files: Vec<String> = self.env.conflicts(var).iter().map(|p| p.display().to_string()).collect();
                Err(Failure::msg(format!(
                    "{var} is set to different values in {}; which one is meant is unclear, as for Prisma",
                    files.join(" and ")
                ))
                .hint(format!("Keep {var} in one of the files, or pass --database-url.")))
            }
            Some((url, _)) if !url.trim().is_empty() => Ok(url),
            Some(_) if var != URL_VAR => Err(Failure::msg(format!("{var} is set but empty"))),
            None if var != URL_VAR => {
                Err(Failure::msg(format!("{var} is not set (in the environment or a .env file)")))
            }
            _ => Err(Failure::msg(format!(
                "no database URL: pass --database-url, or set {URL_VAR} in the environment or in a .env file"
            ))
            .hint(format!("e.g. {URL_VAR}=\"postgresql://user:password@localhost:5432/mydb?schema=public\""))),
        }
    }

    /// Prints Prisma's preamble: which `.env` files were read and which database this is.
    pub fn preamble(&self, url: &str) {
        let paths: Vec<String> = self.env.paths().map(|p| p.display().to_string()).collect();
        if !paths.is_empty() {
            self.p.line(&format!("Environment variables loaded from {}", paths.join(", ")));
        }
        self.p.line(&format!("Datasource: {}", describe(url, &self.base_dir())));
    }

    /// P3019 before any database access, as Prisma: `migration_lock.toml` (or the embedded provider) names
    /// another kind of database than the URL's scheme. Otherwise as [`Ctx::connect`].
    pub async fn connect_for(
        &self,
        migrations: &Migrations,
        url: &str,
        create: bool,
    ) -> Result<(Database, bool), Failure> {
        if let (Some(kind), Some(provider)) = (DatabaseKind::of_url(url), migrations.provider())
            && !kind.accepts_provider(provider)
        {
            return Err(self.fail(&prisma_migrations::Error::ProviderMismatch { provider, database: kind }));
        }
        self.connect(url, create).await
    }

    /// Connects; with `create`, creates the database when missing and says so (as `migrate deploy`). Without,
    /// a missing database is left to the command (P1003 for most; `plan` says deploy would create it).
    /// Returns whether it was created.
    pub async fn connect(&self, url: &str, create: bool) -> Result<(Database, bool), Failure> {
        let parsed =
            DatabaseUrl::parse(url, &ConnectOptions::new().base_dir(self.base_dir())).map_err(|e| self.fail(&e))?;
        let db = Database::connect_parsed(&parsed).await.map_err(|e| self.fail(&e))?;
        let mut created = false;
        if create {
            created = match db.create_if_missing().await {
                Ok(created) => created,
                Err(e) => {
                    db.close().await;
                    return Err(self.fail(&e));
                }
            };
            if created {
                let what = describe(url, &self.base_dir());
                self.p.line(&self.p.out.green(&format!("Created the database: {what}")));
            }
        }
        Ok((db, created))
    }

    /// A library error as a failure with its remedy.
    pub fn fail(&self, e: &prisma_migrations::Error) -> Failure {
        Failure::from_error(e, &self.program)
    }
}

/// Prisma's datasource line, from the URL, with no credentials: `PostgreSQL database "app", schema "public" at
/// "db:5432"`, `SQLite database "dev.db" at "prisma/dev.db"`.
pub(crate) fn describe(url: &str, base_dir: &Path) -> String {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
    match scheme.as_str() {
        "file" | "sqlite" => {
            let rest = url.split_once(':').map_or("", |(_, r)| r);
            let rest = rest.split_once('?').map_or(rest, |(p, _)| p).trim_start_matches("//");
            let path = Path::new(rest);
            let full = if path.is_absolute() { path.to_owned() } else { base_dir.join(path) };
            // `prisma/./dev.db` reads better as `prisma/dev.db`.
            let full: std::path::PathBuf =
                full.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect();
            let name = full.file_name().map_or_else(|| rest.to_owned(), |n| n.to_string_lossy().into_owned());
            format!("SQLite database \"{name}\" at \"{}\"", full.display())
        }
        "postgresql" | "postgres" | "mysql" | "mariadb" => match url::Url::parse(url) {
            Ok(u) => {
                let host = u.host_str().unwrap_or("localhost");
                let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
                let db = u.path().trim_start_matches('/');
                if scheme.starts_with("postgres") {
                    let schema_name =
                        u.query_pairs().find(|(k, _)| k == "schema").map_or_else(|| "public".into(), |(_, v)| v);
                    format!("PostgreSQL database \"{db}\", schema \"{schema_name}\" at \"{host}{port}\"")
                } else {
                    format!("MySQL database \"{db}\" at \"{host}{port}\"")
                }
            }
            Err(_) => redact_url(url),
        },
        _ => redact_url(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_without_credentials() {
        let d = describe("postgresql://u:s3cr3t@db:5432/app?schema=s1", Path::new("prisma"));
        assert_eq!(d, "PostgreSQL database \"app\", schema \"s1\" at \"db:5432\"");
        assert_eq!(describe("mysql://root:pw@h/x", Path::new(".")), "MySQL database \"x\" at \"h\"");
        assert_eq!(describe("file:./dev.db", Path::new("prisma")), "SQLite database \"dev.db\" at \"prisma/dev.db\"");
        assert!(!describe("postgresql://u:s3cr3t@[bad/x", Path::new(".")).contains("s3cr3t"));
    }
}
