//! The rules: a stable kebab-case name (squawk's where squawk has the rule), the databases it applies to, its
//! default level, why it matters and the remedy. README.md's rule table is this list.
//!
//! Levels: data loss, and statements that fail on a table with rows, are errors; lock and rewrite risks are
//! warnings (the table stays correct, it is only blocked for a while); style rules are off unless asked for.

use crate::Provider;

/// How a finding is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not reported.
    Off,
    /// A compiler warning (the build goes on); in the CLI a finding that still fails `lint`.
    Warn,
    /// A compile error.
    Error,
}

impl Level {
    /// `"off"`, `"warn"`, `"error"`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "off" => Self::Off,
            "warn" => Self::Warn,
            "error" => Self::Error,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

/// One rule of the catalog.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case name, used in acknowledgements and configuration.
    pub name: &'static str,
    /// The providers it checks.
    pub databases: &'static [Provider],
    /// Its level unless configured.
    pub default: Level,
    /// One line: what goes wrong in production.
    pub why: &'static str,
    /// One line: what to do instead.
    pub remedy: &'static str,
}

const PG: &[Provider] = &[Provider::Postgresql, Provider::Cockroachdb];
const ALL: &[Provider] = &[Provider::Postgresql, Provider::Cockroachdb, Provider::Mysql, Provider::Sqlite];
const MY: &[Provider] = &[Provider::Mysql];
const PG_MY: &[Provider] = &[Provider::Postgresql, Provider::Cockroachdb, Provider::Mysql];
const LITE: &[Provider] = &[Provider::Sqlite];

/// The name of the rule an acknowledgement without a reason, or naming no rule, breaks.
pub const INVALID_ACK: &str = "invalid-acknowledgement";

/// Every rule, in the order of README.md's table.
pub static RULES: &[Rule] = &[
    Rule {
        name: "ban-drop-column",
        databases: ALL,
        default: Level::Error,
        why: "the column's data is deleted, and code still reading it fails (a Prisma rename is a drop and an add)",
        remedy: "stop using the column in a release first and keep its data elsewhere if needed; for a rename, add the new column, copy, and drop later",
    },
    Rule {
        name: "ban-drop-table",
        databases: ALL,
        default: Level::Error,
        why: "the table's rows are deleted, and code still using it fails",
        remedy: "stop using the table in a release first, back up its rows if they matter",
    },
    Rule {
        name: "renaming-column",
        databases: ALL,
        default: Level::Error,
        why: "the running release still uses the old name and fails until the new one is deployed",
        remedy: "add the new column, write both, backfill, switch reads, then drop the old column in a later release",
    },
    Rule {
        name: "renaming-table",
        databases: ALL,
        default: Level::Error,
        why: "the running release still uses the old name and fails until the new one is deployed",
        remedy: "create the new table (or a view under the old name) and move over in steps",
    },
    Rule {
        name: "adding-required-field",
        databases: ALL,
        default: Level::Error,
        why: "a NOT NULL column without a default fails on a table with rows (PostgreSQL, SQLite) or silently fills them with 0 or '' (MySQL, Atlas MY101)",
        remedy: "add the column with a DEFAULT, or nullable, backfill, then set NOT NULL",
    },
    Rule {
        name: "adding-not-nullable-field",
        databases: ALL,
        default: Level::Warn,
        why: "setting NOT NULL checks every row, under an exclusive lock on PostgreSQL and rebuilding the table on MySQL, and fails if a row holds NULL",
        remedy: "backfill the NULLs first; on PostgreSQL add `CHECK (col IS NOT NULL) NOT VALID`, VALIDATE it, then SET NOT NULL",
    },
    Rule {
        name: "changing-column-type",
        databases: PG_MY,
        default: Level::Warn,
        why: "most type changes rewrite the table and its indexes under an exclusive lock, and may fail or truncate on existing values",
        remedy: "add a column of the new type, backfill it in batches, switch over, drop the old one later",
    },
    Rule {
        name: "changing-enum-values",
        databases: MY,
        default: Level::Error,
        why: "removing or reordering ENUM values copies the table, and rows holding a removed value become '' or make the statement fail",
        remedy: "only append new values at the end; migrate rows off a value before removing it",
    },
    Rule {
        name: "require-concurrent-index-creation",
        databases: PG,
        default: Level::Warn,
        why: "CREATE INDEX without CONCURRENTLY blocks every write to the table while the index builds",
        remedy: "use CREATE INDEX CONCURRENTLY as the only statement of its own migration",
    },
    Rule {
        name: "require-concurrent-index-deletion",
        databases: PG,
        default: Level::Warn,
        why: "DROP INDEX without CONCURRENTLY takes an exclusive lock on the table, waiting behind every running query",
        remedy: "use DROP INDEX CONCURRENTLY as the only statement of its own migration",
    },
    Rule {
        name: "ban-concurrent-index-creation-in-transaction",
        databases: PG,
        default: Level::Error,
        why: "Prisma 6 sends a script as one message, which PostgreSQL runs as one transaction, where CONCURRENTLY fails; this toolkit and Prisma 7.4+ then run the script statement by statement, so it is no longer atomic",
        remedy: "put the CREATE/DROP INDEX CONCURRENTLY alone in a migration of its own",
    },
    Rule {
        name: "constraint-missing-not-valid",
        databases: PG,
        default: Level::Warn,
        why: "adding a CHECK constraint scans the whole table while holding a lock that blocks writes",
        remedy: "add it with NOT VALID, then `ALTER TABLE … VALIDATE CONSTRAINT` in a later migration",
    },
    Rule {
        name: "adding-foreign-key-constraint",
        databases: PG_MY,
        default: Level::Warn,
        why: "adding a foreign key checks every row while blocking writes to both tables (MySQL copies the table unless foreign_key_checks=0)",
        remedy: "PostgreSQL: add it with NOT VALID, then VALIDATE CONSTRAINT in a later migration; MySQL: run it off-peak or with an online schema tool",
    },
    Rule {
        name: "disallowed-unique-constraint",
        databases: PG,
        default: Level::Warn,
        why: "ADD CONSTRAINT … UNIQUE builds its index while blocking reads and writes",
        remedy: "CREATE UNIQUE INDEX CONCURRENTLY in its own migration, then ADD CONSTRAINT … UNIQUE USING INDEX",
    },
    Rule {
        name: "adding-field-with-default",
        databases: PG,
        default: Level::Warn,
        why: "a column with a volatile default (gen_random_uuid(), random(), clock_timestamp()), a serial or a stored generated column rewrites the whole table under an exclusive lock",
        remedy: "add the column without that default, backfill in batches, then set the default",
    },
    Rule {
        name: "redefining-table",
        databases: LITE,
        default: Level::Warn,
        why: "Prisma's `-- RedefineTables` copies every row into a new table with foreign keys off: copied rows are not checked against the new foreign keys, and a failure midway leaves the copy behind",
        remedy: "check the copy with `PRAGMA foreign_key_check` after deploying; keep a backup of the database file",
    },
    Rule {
        name: "prefer-timestamptz",
        databases: PG,
        default: Level::Off,
        why: "`timestamp` without time zone stores wall-clock values whose meaning depends on the writer's time zone",
        remedy: "use `timestamptz` (`@db.Timestamptz` in schema.prisma)",
    },
    Rule {
        name: "prefer-bigint-over-int",
        databases: PG,
        default: Level::Off,
        why: "a 32-bit integer key or counter runs out at 2,147,483,647",
        remedy: "use `bigint`/`bigserial` (`BigInt` in schema.prisma)",
    },
    Rule {
        name: INVALID_ACK,
        databases: ALL,
        default: Level::Error,
        why: "an acknowledgement must name a rule the statement breaks and say why it is safe, for the reviewer",
        remedy: "write `-- prisma-migrations: allow <rule>: <reason>` on the line above the statement",
    },
];

/// The rule called `name`.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// The rules that check `provider`.
pub fn rules_for(provider: Provider) -> impl Iterator<Item = &'static Rule> {
    RULES.iter().filter(move |r| r.databases.contains(&provider))
}

/// Per-crate levels (the macros' `lint(rule = "off" | "warn" | "error")`, the CLI's `--rule`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintConfig {
    /// `(rule name, level)`; later entries win.
    pub levels: Vec<(String, Level)>,
}

impl LintConfig {
    /// The level of `rule` under this configuration.
    pub fn level(&self, rule: &Rule) -> Level {
        self.levels.iter().rev().find(|(n, _)| n == rule.name).map_or(rule.default, |(_, l)| *l)
    }

    /// Parses `rule=level`; the error names what is wrong and what is allowed.
    ///
    /// # Errors
    /// An unknown rule or level, or text without `=`.
    pub fn parse_setting(name: &str, level: &str) -> Result<(String, Level), String> {
        if rule(name).is_none() {
            return Err(format!("unknown lint rule `{name}`; expected one of {}", names()));
        }
        let level = Level::parse(level)
            .ok_or_else(|| format!("unknown lint level `{level}` for `{name}`; expected `off`, `warn` or `error`"))?;
        Ok((name.to_owned(), level))
    }
}

/// Every rule name, in backticks, comma-separated: for error messages.
pub fn names() -> String {
    RULES.iter().map(|r| format!("`{}`", r.name)).collect::<Vec<_>>().join(", ")
}
