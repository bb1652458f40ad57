//! A failed command: the message, Prisma's code, and the remedy printed under it (what to type next).

use crate::output::{Json, Printer};
use prisma_migrations::Error;

/// Why a command exits 1.
#[derive(Debug)]
pub(crate) struct Failure {
    /// Prisma's code (`P3009`), when the failure has one.
    pub code: Option<&'static str>,
    /// What went wrong, without the code.
    pub message: String,
    /// What to do about it, one step per line.
    pub remedy: Vec<String>,
    /// The command's data gathered before it failed (JSON mode).
    pub data: Json,
    /// The command already explained itself on stdout (e.g. `migrate status` listing pending migrations):
    /// print no `Error:` block in text mode.
    pub quiet: bool,
}

impl Failure {
    /// A failure with no code.
    pub fn msg(message: impl Into<String>) -> Self {
        Self { code: None, message: message.into(), remedy: Vec::new(), data: Json::obj(), quiet: false }
    }

    /// Adds a remedy line.
    #[must_use]
    pub fn hint(mut self, line: impl Into<String>) -> Self {
        self.remedy.push(line.into());
        self
    }

    /// Attaches the data gathered so far.
    #[must_use]
    pub fn with_data(mut self, data: Json) -> Self {
        self.data = data;
        self
    }

    /// The library's error, with the code taken out of the message (it is printed in the `Error: Pxxxx`
    /// header), the library's own remedy left out (it names library options), and the remedy for it in the
    /// CLI's terms. `program` is how the user runs us (`prisma-migrations`, `myapp`).
    pub fn from_error(e: &Error, program: &str) -> Self {
        let code = e.code();
        let text = e.problem();
        let message = match code {
            Some(c) => text.strip_prefix(c).and_then(|t| t.strip_prefix(": ")).unwrap_or(&text).to_owned(),
            None => text,
        };
        // P3018's own text ends with a short remedy; ours, printed under it, has the full commands.
        let message = match e {
            Error::MigrationFailed { .. } => message.lines().next().unwrap_or_default().to_owned(),
            _ => message,
        };
        let mut f = Self { code, message, remedy: Vec::new(), data: Json::obj(), quiet: false };
        f.remedy = remedy(e, program);
        f
    }

    /// Prints the failure in text mode: Prisma's `Error: P3009` header, the message, then the remedy.
    pub fn print(&self, p: Printer) {
        if self.quiet {
            return;
        }
        let s = p.err;
        let header = match self.code {
            Some(code) => format!("{} {}", s.red("Error:"), s.red(code)),
            None => s.red("Error:"),
        };
        if self.code.is_some() {
            p.err_line(&format!("\n{header}\n\n{}", self.message));
        } else {
            p.err_line(&format!("\n{header} {}", self.message));
        }
        if !self.remedy.is_empty() {
            p.err_line("");
            for line in &self.remedy {
                p.err_line(line);
            }
        }
    }
}

/// The commands that resolve a failed migration, as Prisma prints them under P3009 and P3018.
pub(crate) fn resolve_hints(program: &str, names: &[&str]) -> Vec<String> {
    let mut out = vec!["The failed migration(s) can be marked as rolled back or applied:".to_owned(), String::new()];
    out.push("- If you rolled back the migration(s) manually:".to_owned());
    out.extend(names.iter().map(|n| format!("{program} migrate resolve --rolled-back \"{n}\"")));
    out.push(String::new());
    out.push("- If you fixed the database manually (hotfix):".to_owned());
    out.extend(names.iter().map(|n| format!("{program} migrate resolve --applied \"{n}\"")));
    out.push(String::new());
    out.push("Read more about how to resolve migration issues in a production database:".to_owned());
    out.push("https://pris.ly/d/migrate-resolve".to_owned());
    out
}

/// The next step for each error, in the CLI's terms (its commands and flags). Every variant has one: the test
/// `every_error_has_a_remedy_in_cli_terms` walks them all.
#[allow(clippy::too_many_lines, reason = "one arm per error, each a sentence")]
fn remedy(e: &Error, program: &str) -> Vec<String> {
    let one = |s: String| vec![s];
    let url_flag = "--database-url (or DATABASE_URL)";
    match e {
        Error::FailedMigrations { failed } => {
            let mut names: Vec<&str> = Vec::new();
            for f in failed {
                if !names.contains(&f.name.as_str()) {
                    names.push(&f.name);
                }
            }
            resolve_hints(program, &names)
        }
        Error::MigrationFailed { name, .. } => {
            let mut out = vec![
                "New migrations cannot be applied until this one is resolved. On MySQL and SQLite the statements before \
                 the failing one stay applied (PostgreSQL rolls the whole script back): undo or complete them by hand."
                    .to_owned(),
                String::new(),
            ];
            out.extend(resolve_hints(program, &[name]));
            out
        }
        Error::SchemaNotEmpty { .. } => vec![
            "To baseline the database, mark each migration that its schema already contains as applied:".into(),
            format!("{program} migrate resolve --applied \"<migration name>\""),
            "Read more about how to baseline an existing production database: https://pris.ly/d/migrate-baseline".into(),
        ],
        Error::CannotReach { .. } => one(format!(
            "Check that the server is running and that the host and port of {url_flag} are right (a slow network: \
             raise `connect_timeout=` in the URL)."
        )),
        Error::AuthenticationFailed { .. } => one(format!("Check the user name and password in {url_flag}.")),
        Error::DatabaseMissing { .. } => one(format!(
            "`{program} migrate deploy` creates it and applies the migrations, as `prisma migrate deploy` does; or fix \
             the database name in {url_flag}."
        )),
        Error::InvalidUrl { .. } => one(format!(
            "Pass a URL such as postgresql://user:password@host:5432/db?schema=public, \
             mysql://user:password@host:3306/db or file:./dev.db with {url_flag}."
        )),
        Error::FeatureDisabled { feature, .. } => one(format!(
            "This build of {program} was compiled without the `{feature}` cargo feature: rebuild it with that feature \
             (`cargo install prisma-migrations-cli` has every database), or use a URL of a database it has."
        )),
        Error::TlsNotCompiled { .. } => one(format!(
            "This build of {program} has no TLS: rebuild it with the `tls` cargo feature (on by default), or use \
             `sslmode=disable` or `sslmode=prefer` in {url_flag}."
        )),
        Error::LockTimeout { .. } => one(format!(
            "Wait for the other deploy to finish and run the command again; if none is running, the lock holder is \
             stuck: end its session. `{program} migrate status` shows where the history stands."
        )),
        Error::LockFailed { .. } => one(format!(
            "The server could not take the lock (MySQL `GET_LOCK` returned NULL): check the server's state and run the \
             command again; when no other deployer can run, PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK=1 skips the lock, as \
             for Prisma. `{program} migrate status` shows where the history stands."
        )),
        Error::ProviderMismatch { provider, .. } => one(format!(
            "Point {url_flag} at a {provider} database, or --migrations at the folder written for this database."
        )),
        Error::ServerMismatch { .. } => one(
            "Point the database URL at a server of the kind in migration_lock.toml, or change its provider (and \
             schema.prisma's) as Prisma asks."
                .into(),
        ),
        Error::EditedMigrations { .. } => vec![
            "Restore the applied migration.sql files (e.g. `git checkout -- <file>`) and put the change in a new migration,"
                .into(),
            "or accept the edit as Prisma does with --allow-edited.".into(),
        ],
        Error::MissingMigrations { .. } => vec![
            "Deploy from the version of the code that has these migrations, or restore their folders,".into(),
            "or ignore them as Prisma does with --allow-missing.".into(),
        ],
        Error::MigrationNotFound { .. } => one(format!(
            "Give the full folder name, as `{program} migrate status` lists it; --migrations picks another folder."
        )),
        Error::AlreadyApplied { .. } => {
            one(format!("Nothing to do: it is applied. `{program} migrate status` shows the state of every migration."))
        }
        Error::NeverApplied { name } => one(format!(
            "Nothing to mark: it never ran here. `{program} migrate deploy` applies it; `{program} migrate resolve \
             --applied \"{name}\"` records it as applied without running it (baselining)."
        )),
        Error::NotFailed { .. } => one(format!(
            "Only a failed migration can be marked rolled back; `{program} migrate status` shows which one failed. To \
             undo an applied migration, use `{program} rollback <migration>`."
        )),
        Error::TableMissing => one(format!(
            "Nothing is recorded here yet: `{program} migrate deploy` applies the migrations, or `{program} migrate \
             resolve --applied \"<migration name>\"` baselines a database that already has the schema."
        )),
        Error::NotUpToDate { pending, failed, edited, missing_locally } => {
            not_up_to_date(program, pending, failed, edited, missing_locally)
        }
        Error::NoDownScript { name } => one(format!(
            "Write the SQL that undoes it in `{name}/down.sql`, then run `{program} rollback {name}` again."
        )),
        Error::NotLatest { latest, name } => one(format!(
            "Roll back `{latest}` (and any later migration) first with `{program} rollback {latest}`, or pass --force: \
             `{program} rollback {name} --force`."
        )),
        Error::NotApplied { .. } => one(format!("Nothing to roll back. `{program} migrate status` shows which migrations are applied.")),
        Error::RollbackFailed { name, .. } => one(format!(
            "The migration is still recorded as applied. Fix its down.sql or the database, then run `{program} \
             rollback {name}` again."
        )),
        Error::ScriptFailed { .. } => one(
            "Fix the script at the statement named and run it again. On MySQL and SQLite the statements before it \
             stay applied; PostgreSQL rolled the whole script back."
                .into(),
        ),
        Error::Database { .. } => one(format!(
            "This is the database's own error: fix its cause (privileges, disk, server) and run the command again. \
             `{program} migrate status` shows where the history stands."
        )),
        Error::CreateDir { .. } => one(format!(
            "Create the directory or let this user write there, or point the `file:` URL in {url_flag} elsewhere."
        )),
        Error::Folder { .. } => {
            one("Fix the migrations folder (each problem names its file and the fix), then run again.".into())
        }
        Error::ForeignMigrationId { name, .. } => one(format!(
            "Name the migration by its folder name (`{name}`) or use the const of the derive over this folder; \
             `{program} migrate status` lists the migrations this folder has."
        )),
        Error::LockThroughPooler => vec![
            "In schema.prisma, next to `url` (the pooler), set `directUrl = env(\"DIRECT_URL\")` to the server's own"
                .into(),
            "address (port 5432 on Supabase and Neon); this CLI migrates through it, as Prisma does.".into(),
        ],
        // A variant added to the library after this build: its message stands alone.
        _ => Vec::new(),
    }
}

/// `verify`'s refusal: one step per kind of difference, failed first (nothing else can run before).
fn not_up_to_date(
    program: &str,
    pending: &[String],
    failed: &[String],
    edited: &[String],
    missing_locally: &[String],
) -> Vec<String> {
    if !failed.is_empty() {
        let names: Vec<&str> = failed.iter().map(String::as_str).collect();
        return resolve_hints(program, &names);
    }
    let mut out = Vec::new();
    if !edited.is_empty() {
        out.push(
            "Edited: restore the applied migration.sql files and put the change in a new migration, or accept the \
             edit as Prisma does with --allow-edited."
                .to_owned(),
        );
    }
    if !missing_locally.is_empty() {
        out.push(
            "Missing locally: run the version of the code that has these migrations, or ignore them as Prisma does \
             with --allow-missing."
                .to_owned(),
        );
    }
    if !pending.is_empty() {
        out.push(format!("Pending: apply them with `{program} migrate deploy`."));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_taken_out_of_the_message() {
        let f = Failure::from_error(&Error::AlreadyApplied { name: "x".into() }, "pm");
        assert_eq!(f.code, Some("P3008"));
        assert!(f.message.starts_with("migration `x`"), "{}", f.message);
        assert!(!f.remedy.is_empty());
    }

    #[test]
    fn failed_migrations_get_both_resolve_commands() {
        let e = Error::FailedMigrations {
            failed: vec![prisma_migrations::FailedMigration {
                name: "20250101_a".into(),
                started_at: chrono::Utc::now(),
                logs: None,
            }],
        };
        let f = Failure::from_error(&e, "prisma-migrations");
        let text = f.remedy.join("\n");
        assert!(text.contains("prisma-migrations migrate resolve --rolled-back \"20250101_a\""), "{text}");
        assert!(text.contains("prisma-migrations migrate resolve --applied \"20250101_a\""), "{text}");
    }

    /// One error of each kind, and what its remedy must name: the command or flag that is the next step.
    fn one_of_each() -> Vec<(Error, &'static [&'static str])> {
        use prisma_migrations::{DatabaseKind, FailedMigration};
        use prisma_migrations_build::Provider;
        let names = || vec!["20250101120000_a".to_owned()];
        let none = Vec::<String>::new;
        vec![
            (Error::Folder { dir: "prisma/migrations".into(), problems: Vec::new() }, &["Fix the migrations folder"]),
            (Error::InvalidUrl { url: "x".into(), reason: "r".into() }, &["--database-url"]),
            (Error::FeatureDisabled { url: "x".into(), kind: "MySQL", feature: "mysql" }, &["`mysql` cargo feature"]),
            (
                Error::TlsNotCompiled { url: "x".into(), sslmode: "sslmode=require".into() },
                &["sslmode=disable", "`tls`"],
            ),
            (Error::CannotReach { url: "x".into(), message: "m".into() }, &["--database-url", "connect_timeout"]),
            (Error::AuthenticationFailed { url: "x".into(), message: "m".into() }, &["--database-url"]),
            (Error::DatabaseMissing { database: "app".into() }, &["pm migrate deploy", "--database-url"]),
            (Error::Database { action: "reading", code: None, message: "m".into() }, &["pm migrate status"]),
            (Error::CreateDir { path: "d".into(), message: "m".into() }, &["--database-url"]),
            (Error::LockTimeout { lock: "l", waited: std::time::Duration::from_secs(1) }, &["pm migrate status"]),
            (Error::LockFailed { lock: "l", message: "m".into() }, &["PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK"]),
            (
                Error::ProviderMismatch { provider: Provider::Mysql, database: DatabaseKind::Sqlite },
                &["--database-url", "--migrations"],
            ),
            (Error::SchemaNotEmpty { tables: names() }, &["pm migrate resolve --applied"]),
            (
                Error::FailedMigrations {
                    failed: vec![FailedMigration {
                        name: "20250101120000_a".into(),
                        started_at: chrono::Utc::now(),
                        logs: None,
                    }],
                },
                &["pm migrate resolve --rolled-back \"20250101120000_a\"", "pm migrate resolve --applied"],
            ),
            (Error::EditedMigrations { names: names() }, &["--allow-edited"]),
            (
                Error::ServerMismatch { provider: Provider::Postgresql, server: "CockroachDB CCL v23.1.0".into() },
                &["migration_lock.toml"],
            ),
            (Error::LockThroughPooler, &["directUrl"]),
            (
                Error::ForeignMigrationId { name: "a".into(), expected: "0".repeat(64), found: "1".repeat(64) },
                &["pm migrate status"],
            ),
            (Error::MissingMigrations { names: names() }, &["--allow-missing"]),
            (
                Error::MigrationFailed {
                    name: "20250101120000_a".into(),
                    database_error_code: "42P01".into(),
                    database_error: "m".into(),
                    statement: Some(1),
                    applied: Vec::new(),
                },
                &["pm migrate resolve --rolled-back \"20250101120000_a\""],
            ),
            (Error::ScriptFailed { code: "1".into(), message: "m".into(), statement: Some(2) }, &["statement"]),
            (Error::AlreadyApplied { name: "a".into() }, &["pm migrate status"]),
            (Error::MigrationNotFound { name: "a".into() }, &["pm migrate status", "--migrations"]),
            (Error::NeverApplied { name: "a".into() }, &["pm migrate deploy", "pm migrate resolve --applied \"a\""]),
            (Error::NotFailed { name: "a".into() }, &["pm migrate status", "pm rollback"]),
            (Error::TableMissing, &["pm migrate deploy", "pm migrate resolve --applied"]),
            (
                Error::NotUpToDate { pending: names(), failed: none(), edited: none(), missing_locally: none() },
                &["pm migrate deploy"],
            ),
            (Error::NoDownScript { name: "a".into() }, &["a/down.sql", "pm rollback a"]),
            (Error::NotApplied { name: "a".into() }, &["pm migrate status"]),
            (Error::NotLatest { name: "a".into(), latest: "b".into() }, &["pm rollback b", "--force"]),
            (
                Error::RollbackFailed {
                    name: "a".into(),
                    database_error_code: "1".into(),
                    database_error: "m".into(),
                    statement: None,
                },
                &["pm rollback a"],
            ),
        ]
    }

    /// The variants of `prisma_migrations::Error`, read from its source, so a new one cannot go without a remedy.
    fn variants_in_source() -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src/error.rs");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let start = source.find("pub enum Error {").expect("the enum");
        let body = &source[start..source[start..].find("\n}\n").map_or(source.len(), |i| start + i)];
        body.lines()
            .filter_map(|l| l.strip_prefix("    "))
            .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(|l| l.split([' ', ',', '(', '{']).next().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn every_error_has_a_remedy_in_cli_terms() {
        let mut seen = Vec::new();
        for (e, wanted) in one_of_each() {
            let kind = format!("{e:?}").split([' ', '{', '(']).next().unwrap_or_default().to_owned();
            let f = Failure::from_error(&e, "pm");
            let remedy = f.remedy.join("\n");
            for w in wanted {
                assert!(remedy.contains(w), "{kind}: the remedy names `{w}`:\n{remedy}");
            }
            // The library's options and types are not the CLI's: neither the message nor the remedy names them.
            for library in
                ["allow_edited(", "allow_missing(", "Migrator::", "Database::", "force = true", "numbering ="]
            {
                assert!(
                    !remedy.contains(library) && !f.message.contains(library),
                    "{kind}: `{library}` in\n{}\n{remedy}",
                    f.message
                );
            }
            seen.push(kind);
        }
        let mut variants = variants_in_source();
        variants.sort();
        seen.sort();
        assert_eq!(seen, variants, "one case per variant of prisma_migrations::Error");
    }

    /// `verify` names the next step for each kind of difference it found, and only for those.
    #[test]
    fn not_up_to_date_names_the_step_for_each_difference() {
        let n = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let remedy = |p: &[&str], f: &[&str], e: &[&str], m: &[&str]| {
            let err = Error::NotUpToDate { pending: n(p), failed: n(f), edited: n(e), missing_locally: n(m) };
            Failure::from_error(&err, "pm").remedy.join("\n")
        };
        let edited = remedy(&[], &[], &["a"], &[]);
        assert!(edited.contains("--allow-edited") && !edited.contains("migrate deploy"), "{edited}");
        let missing = remedy(&[], &[], &[], &["a"]);
        assert!(missing.contains("--allow-missing") && !missing.contains("migrate deploy"), "{missing}");
        let both = remedy(&["b"], &[], &["a"], &[]);
        assert!(both.contains("--allow-edited") && both.contains("pm migrate deploy"), "{both}");
        let failed = remedy(&["b"], &["a"], &[], &[]);
        assert!(failed.contains("pm migrate resolve --rolled-back \"a\""), "{failed}");
    }
}
