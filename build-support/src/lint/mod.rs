//! The lint: what the SQL of a migration not yet in `checksums.lock` does to a database in production (data
//! loss, long locks, table rewrites), per provider. Released (locked) migrations are never reported; they are
//! read only where a rule needs the schema they built (MySQL enum values, SQLite columns).
//!
//! The history matters: a table created by a migration that is not released yet has no rows in production,
//! so lock and rewrite rules skip it (squawk, which sees one file, cannot).
//!
//! Acknowledgement, in the comments directly above a statement (after the previous one):
//! `-- prisma-migrations: allow <rule>: <reason>`; `allow-file` instead of `allow` covers every statement of the
//! file. An acknowledgement without a reason, naming no rule, or covering no finding is itself an error
//! (`invalid-acknowledgement`).

mod catalog;
pub(crate) mod lex;
mod mysql;
mod postgres;
mod sql;
mod sqlite;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;

pub use catalog::{INVALID_ACK, Level, LintConfig, RULES, Rule, names, rule, rules_for};

use crate::{Folder, Provider};
use lex::Statement;

/// The comment prefix of an acknowledgement.
pub const ACK_PREFIX: &str = "prisma-migrations:";

/// One finding: a statement of an unreleased migration that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// The configured level (never `Off`).
    pub level: Level,
    /// The migration's folder name.
    pub migration: String,
    /// Its `migration.sql`.
    pub path: PathBuf,
    /// 1-based line and column of the statement part at fault.
    pub line: usize,
    pub col: usize,
    /// The statement's start, whitespace collapsed, shortened.
    pub excerpt: String,
    /// What this statement does, e.g. "drops column `email` of `users`".
    pub detail: String,
}

impl Finding {
    /// `<folder>/migration.sql:LINE:COL`.
    pub fn location(&self) -> String {
        format!("{}/migration.sql:{}:{}", self.migration, self.line, self.col)
    }

    /// The one-line message, rustc style.
    pub fn message(&self) -> String {
        let r = self.rule;
        if r.name == INVALID_ACK {
            return format!("`{}` {} ({INVALID_ACK}); {}", self.location(), self.detail, r.remedy);
        }
        format!(
            "`{}` `{}` {} ({}): {}; {}, or acknowledge it on the line above: `-- {ACK_PREFIX} allow {}: <reason>`",
            self.location(),
            self.excerpt,
            self.detail,
            r.name,
            r.why,
            r.remedy,
            r.name
        )
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// What a dialect reports for one statement: the rule, where in the script, and what the statement does.
pub(crate) struct Hit {
    pub rule: &'static str,
    pub at: usize,
    pub detail: String,
}

/// A column as a rule needs it (SQLite redefinitions, MySQL enums).
#[derive(Debug, Clone, Default)]
pub(crate) struct Column {
    pub name: String,
    /// The type as written, lower-cased, without spaces (`varchar(36)`, `integerunsigned`).
    pub ty: String,
    pub not_null: bool,
    pub default: bool,
    /// `AUTO_INCREMENT`, `GENERATED`, `INTEGER PRIMARY KEY`, `serial`: filled by the database.
    pub filled: bool,
    /// The lower-cased values of an `ENUM(…)` type.
    pub enum_values: Option<Vec<String>>,
}

/// What earlier migrations built, as far as the rules need it.
#[derive(Default)]
pub(crate) struct History {
    /// Whether the script being read is released (its statements change the history, never report).
    pub released: bool,
    /// Tables created by unreleased migrations (no rows in production yet).
    pub new_tables: HashSet<String>,
    pub new_indexes: HashSet<String>,
    /// Columns per table (MySQL and SQLite only).
    pub columns: HashMap<String, Vec<Column>>,
}

impl History {
    pub fn is_new(&self, table: &str) -> bool {
        self.new_tables.contains(table)
    }

    pub fn created(&mut self, table: &str) {
        if !self.released {
            self.new_tables.insert(table.to_owned());
        }
    }

    /// `from` renamed to `to`: `to` is new when `from` was (or `to` was, in a SQLite redefinition).
    pub fn renamed(&mut self, from: &str, to: &str) {
        if self.new_tables.remove(from) && !self.released {
            self.new_tables.insert(to.to_owned());
        }
        if let Some(cols) = self.columns.remove(from) {
            self.columns.insert(to.to_owned(), cols);
        }
    }
}

/// Lints every migration of `folder` that `checksums.lock` does not list (all of them without a lock file).
pub fn lint(folder: &Folder, provider: Provider, config: &LintConfig) -> Vec<Finding> {
    if rules_for(provider).all(|r| config.level(r) == Level::Off) {
        return Vec::new();
    }
    let released: HashSet<&str> =
        folder.checksums_lock.iter().flat_map(|l| l.entries.iter().map(|e| e.name.as_str())).collect();
    // PostgreSQL rules need nothing from released migrations: skip reading them (the usual build has
    // hundreds of them and a handful of new ones).
    let needs_released = matches!(provider, Provider::Mysql | Provider::Sqlite);
    let mut history = History::default();
    let mut out = Vec::new();
    for m in &folder.migrations {
        let is_released = released.contains(m.name.as_str());
        if is_released && !needs_released {
            continue;
        }
        history.released = is_released;
        let stmts = lex::statements(&m.sql, provider);
        let hits = match provider {
            Provider::Postgresql | Provider::Cockroachdb => postgres::check(&stmts, &mut history),
            Provider::Mysql => mysql::check(&stmts, &mut history),
            Provider::Sqlite => sqlite::check(&stmts, &mut history),
            Provider::Sqlserver => Vec::new(),
        };
        if !is_released {
            report(m, &m.sql, &stmts, hits, provider, config, &mut out);
        }
    }
    out
}

fn report(
    m: &crate::ScannedMigration,
    sql: &str,
    stmts: &[Statement],
    hits: Vec<(usize, Hit)>,
    provider: Provider,
    config: &LintConfig,
    out: &mut Vec<Finding>,
) {
    let finding = |rule: &'static Rule, level, at: usize, stmt: Option<&Statement>, detail: String| {
        let (line, col) = lex::line_col(sql, at);
        let excerpt = stmt.map_or_else(String::new, |s| excerpt(sql.get(s.start..s.end).unwrap_or("")));
        Finding { rule, level, migration: m.name.clone(), path: m.sql_path.clone(), line, col, excerpt, detail }
    };
    let invalid = catalog::rule(INVALID_ACK).filter(|r| r.databases.contains(&provider));
    let invalid_level = invalid.map_or(Level::Off, |r| config.level(r));
    let mut file_acks: Vec<(&'static str, usize)> = Vec::new();
    let mut acks: Vec<Vec<(&'static str, usize)>> = Vec::with_capacity(stmts.len());
    for s in stmts {
        let mut here = Vec::new();
        for c in &s.comments {
            let at = comment_offset(sql, c);
            match parse_ack(c) {
                None => {}
                Some(Ok((Scope::File, name))) => file_acks.push((name, at)),
                Some(Ok((Scope::Statement, name))) => here.push((name, at)),
                Some(Err(problem)) => {
                    if let (Some(r), true) = (invalid, invalid_level != Level::Off) {
                        out.push(finding(r, invalid_level, at, None, problem));
                    }
                }
            }
        }
        acks.push(here);
    }
    let mut used: HashSet<(usize, &str)> = HashSet::new();
    let mut used_in_file: HashSet<&str> = HashSet::new();
    for (i, hit) in hits {
        let Some(rule) = catalog::rule(hit.rule) else { continue };
        let here = acks[i].iter().any(|(n, _)| *n == rule.name);
        let in_file = file_acks.iter().any(|(n, _)| *n == rule.name);
        if here {
            used.insert((i, rule.name));
        }
        if in_file {
            used_in_file.insert(rule.name);
        }
        let level = config.level(rule);
        if level == Level::Off || here || in_file {
            continue;
        }
        out.push(finding(rule, level, hit.at, stmts.get(i), hit.detail));
    }
    let Some(invalid) = invalid.filter(|_| invalid_level != Level::Off) else { return };
    // An acknowledgement that covers nothing misleads the reviewer: it is reported, unless its rule is off.
    let unused = |name: &str, what: &str| -> Option<String> {
        let rule = catalog::rule(name)?;
        if !rule.databases.contains(&provider) {
            return Some(format!("acknowledges `{name}`, which does not check {provider}; remove the comment"));
        }
        (config.level(rule) != Level::Off)
            .then(|| format!("acknowledges `{name}`, but {what} breaks no such rule; remove the comment"))
    };
    for (i, list) in acks.iter().enumerate() {
        for (name, at) in list.iter().filter(|(n, _)| !used.contains(&(i, *n))) {
            if let Some(problem) = unused(name, "the statement below it") {
                out.push(finding(invalid, invalid_level, *at, None, problem));
            }
        }
    }
    for (name, at) in file_acks.iter().filter(|(n, _)| !used_in_file.contains(n)) {
        if let Some(problem) = unused(name, "no statement of the file") {
            out.push(finding(invalid, invalid_level, *at, None, problem));
        }
    }
}

#[derive(PartialEq, Eq)]
enum Scope {
    Statement,
    File,
}

/// `None` for an ordinary comment; the rule an acknowledgement names; or what is wrong with it.
fn parse_ack(comment: &str) -> Option<Result<(Scope, &'static str), String>> {
    let rest = comment.trim().strip_prefix(ACK_PREFIX)?.trim_start();
    let (scope, rest) = if let Some(r) = rest.strip_prefix("allow-file ") {
        (Scope::File, r)
    } else if let Some(r) = rest.strip_prefix("allow ") {
        (Scope::Statement, r)
    } else {
        return Some(Err(format!(
            "has a `{ACK_PREFIX}` comment that is not `allow <rule>: <reason>` or `allow-file <rule>: <reason>`"
        )));
    };
    let (name, reason) = rest.split_once(':').unwrap_or((rest, ""));
    let name = name.trim();
    let Some(rule) = catalog::rule(name) else {
        return Some(Err(format!("acknowledges unknown rule `{name}`; expected one of {}", names())));
    };
    if reason.trim().is_empty() {
        return Some(Err(format!("acknowledges `{name}` without a reason; say why it is safe after a `:`")));
    }
    Some(Ok((scope, rule.name)))
}

/// Where a comment's text starts in the script (it borrows the script).
fn comment_offset(sql: &str, comment: &str) -> usize {
    (comment.as_ptr() as usize).saturating_sub(sql.as_ptr() as usize).saturating_sub(2)
}

/// The statement's start on one line: whitespace collapsed, at most 60 characters.
fn excerpt(text: &str) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > 60 {
            let cut: String = out.chars().take(57).collect();
            return format!("{}…", cut.trim_end());
        }
    }
    out
}

#[cfg(test)]
mod tests;
