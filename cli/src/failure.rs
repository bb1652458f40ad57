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
    /// header) and the remedy for it. `program` is how the user runs us (`prisma-migrations`, `myapp`).
    pub fn from_error(e: &Error, program: &str) -> Self {
        let code = e.code();
        let text = e.to_string();
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

fn remedy(e: &Error, program: &str) -> Vec<String> {
    let one = |s: String| vec![s];
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
        Error::CannotReach { .. } => one(
            "Check that the server is running and that the host and port of the database URL are right.".into(),
        ),
        Error::AuthenticationFailed { .. } => {
            one("Check the user name and password in the database URL (--database-url or DATABASE_URL).".into())
        }
        Error::DatabaseMissing { .. } => {
            one(format!("Create it and apply the migrations with `{program} migrate deploy`, or fix the database name."))
        }
        Error::InvalidUrl { .. } | Error::TlsNotCompiled { .. } | Error::FeatureDisabled { .. } => one(
            "Pass a URL such as postgresql://user:password@host:5432/db?schema=public, mysql://user:password@host:3306/db \
             or file:./dev.db with --database-url or DATABASE_URL."
                .into(),
        ),
        Error::LockTimeout { .. } => one(format!(
            "Wait for the other deploy to finish; if none is running, the lock holder is stuck: end its session. \
             `{program} migrate status` shows where the history stands."
        )),
        Error::ProviderMismatch { .. } => {
            one("Point the database URL at a database of the kind in migration_lock.toml.".into())
        }
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
        Error::MigrationNotFound { .. } => {
            one(format!("`{program} migrate status` lists the migrations with their full folder names."))
        }
        Error::AlreadyApplied { .. } | Error::NotFailed { .. } | Error::NeverApplied { .. } => {
            one(format!("`{program} migrate status` shows the state of every migration."))
        }
        Error::TableMissing => one(format!("Apply the migrations first with `{program} migrate deploy`.")),
        Error::NotUpToDate { failed, .. } if !failed.is_empty() => {
            let names: Vec<&str> = failed.iter().map(String::as_str).collect();
            resolve_hints(program, &names)
        }
        Error::NotUpToDate { .. } => one(format!("Apply the pending migrations with `{program} migrate deploy`.")),
        Error::NoDownScript { name } => one(format!(
            "Write the SQL that undoes it in `{name}/down.sql`, or undo it by hand and run `{program} migrate resolve`."
        )),
        Error::NotLatest { latest, .. } => one(format!(
            "Roll back `{latest}` (and any later migration) first, or pass --force to roll back out of order."
        )),
        Error::NotApplied { .. } => one(format!("`{program} migrate status` shows which migrations are applied.")),
        Error::RollbackFailed { .. } => {
            one("The migration is still recorded as applied. Fix down.sql or the database, then run rollback again.".into())
        }
        Error::LockThroughPooler => vec![
            "In schema.prisma, next to `url` (the pooler), set `directUrl = env(\"DIRECT_URL\")` to the server's own"
                .into(),
            "address (port 5432 on Supabase and Neon); this CLI migrates through it, as Prisma does.".into(),
        ],
        Error::Folder { .. } => one("Fix the migrations folder (each problem names its file), then run again.".into()),
        _ => Vec::new(),
    }
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
}
