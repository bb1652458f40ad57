//! How a PostgreSQL migration script must be sent: as one message (one implicit transaction, atomic, as Prisma
//! 6 sends it), or statement by statement because PostgreSQL refuses one of its statements inside a transaction
//! block (as Prisma ≥ 7.4 sends every PostgreSQL script, prisma/prisma-engines#5767). The statements are found
//! with the lint's tokenizer (comments, strings, dollar quotes, quoted identifiers), so a `;` inside any of them
//! does not split.

use crate::Provider;
use crate::lint::lex::{self, Token};

/// A PostgreSQL script cut into statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgScript<'a> {
    /// Each statement's text, without the `;` that ends it and without the comments before it.
    pub statements: Vec<&'a str>,
    /// The 0-based index of the first statement PostgreSQL refuses inside a transaction block, if any.
    pub outside_transaction: Option<usize>,
    /// The script controls transactions itself (`BEGIN`, `COMMIT`, `ROLLBACK` …): a failed attempt may have
    /// committed part of it, so it must not be run again.
    pub controls_transactions: bool,
    /// The script has a body the tokenizer does not cut correctly (`BEGIN ATOMIC … END`): never split it.
    pub unsplittable: bool,
}

impl PgScript<'_> {
    /// Whether it must run statement by statement.
    pub fn must_split(&self) -> bool {
        self.outside_transaction.is_some() && self.may_split()
    }

    /// Whether running it statement by statement would run the same statements: no `BEGIN ATOMIC` body.
    pub fn may_split(&self) -> bool {
        !self.unsplittable
    }
}

/// Cuts a PostgreSQL script into statements and says which ones PostgreSQL refuses inside a transaction block.
pub fn postgres(sql: &str) -> PgScript<'_> {
    let parsed = lex::statements(sql, Provider::Postgresql);
    let mut script = PgScript {
        statements: Vec::new(),
        outside_transaction: None,
        controls_transactions: false,
        unsplittable: false,
    };
    for (i, s) in parsed.iter().enumerate() {
        script.statements.push(sql.get(s.start..s.end).unwrap_or(""));
        if script.outside_transaction.is_none() && outside_transaction(&s.tokens) {
            script.outside_transaction = Some(i);
        }
        script.controls_transactions |= controls_transactions(&s.tokens);
        script.unsplittable |= s.tokens.windows(2).any(|w| w[0].is("begin") && w[1].is("atomic"));
    }
    script
}

/// The statements the PostgreSQL documentation says "cannot be executed inside a transaction block" (the
/// reference page of each; PostgreSQL 17): `CREATE`/`DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY`,
/// `REINDEX SYSTEM`/`DATABASE`, `VACUUM`, `CREATE`/`DROP DATABASE`, `CREATE`/`DROP TABLESPACE`, `ALTER SYSTEM`,
/// `ALTER DATABASE … SET TABLESPACE`, `CLUSTER` without a table, `ALTER TABLE … DETACH PARTITION … CONCURRENTLY`,
/// `CREATE`/`DROP SUBSCRIPTION` and `ALTER SUBSCRIPTION … REFRESH` (refused with their default slot and copy
/// options), `DISCARD ALL`. `ALTER TYPE … ADD VALUE` is allowed in a block since PostgreSQL 12, but the new
/// value cannot be used before it commits: the caller retries such a script split when PostgreSQL says so.
fn outside_transaction(t: &[Token]) -> bool {
    let w = |i: usize, kw: &str| t.get(i).is_some_and(|x| x.is(kw));
    let has = |kw: &str| t.iter().any(|x| x.is(kw));
    let first = |kw: &str| w(0, kw);
    (first("create") && (w(1, "index") || (w(1, "unique") && w(2, "index"))) && has("concurrently"))
        || (first("drop") && w(1, "index") && w(2, "concurrently"))
        || (first("reindex") && (has("concurrently") || has("system") || has("database")))
        || first("vacuum")
        || ((first("create") || first("drop")) && (w(1, "database") || w(1, "tablespace") || w(1, "subscription")))
        || (first("alter") && w(1, "system"))
        || (first("alter") && w(1, "database") && t.windows(2).any(|p| p[0].is("set") && p[1].is("tablespace")))
        || (first("cluster") && t.len() <= 2 && t.get(1).is_none_or(|x| x.is("verbose")))
        || (first("alter") && w(1, "table") && has("detach") && has("concurrently"))
        || (first("alter") && w(1, "subscription") && has("refresh"))
        || (first("discard") && w(1, "all"))
}

fn controls_transactions(t: &[Token]) -> bool {
    let Some(first) = t.first() else { return false };
    ["begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release", "prepare"]
        .iter()
        .any(|kw| first.is(kw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_statements_that_cannot_run_in_a_transaction_block() {
        let outside = [
            "CREATE INDEX CONCURRENTLY i ON t (a)",
            "create unique index concurrently if not exists i on t (a)",
            "DROP INDEX CONCURRENTLY IF EXISTS i",
            "REINDEX INDEX CONCURRENTLY i",
            "REINDEX (VERBOSE) TABLE CONCURRENTLY t",
            "REINDEX DATABASE app",
            "VACUUM (ANALYZE) t",
            "CREATE DATABASE other",
            "DROP TABLESPACE ts",
            "ALTER SYSTEM SET work_mem = '64MB'",
            "ALTER DATABASE app SET TABLESPACE ts",
            "CLUSTER",
            "CLUSTER VERBOSE",
            "ALTER TABLE p DETACH PARTITION c CONCURRENTLY",
            "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p",
            "DISCARD ALL",
        ];
        for sql in outside {
            assert_eq!(postgres(sql).outside_transaction, Some(0), "{sql}");
        }
        let inside = [
            "CREATE INDEX i ON t (a)",
            "CREATE TABLE concurrently (id int)",
            "DROP INDEX i",
            "REINDEX TABLE t",
            "ANALYZE t",
            "CLUSTER t USING i",
            "ALTER DATABASE app SET timezone = 'UTC'",
            "ALTER TYPE mood ADD VALUE 'meh'",
            "REFRESH MATERIALIZED VIEW CONCURRENTLY v",
            "SELECT 'CREATE INDEX CONCURRENTLY i ON t (a)'",
            "DISCARD PLANS",
        ];
        for sql in inside {
            assert_eq!(postgres(sql).outside_transaction, None, "{sql}");
        }
    }

    #[test]
    fn cuts_at_top_level_semicolons_only() {
        let sql = "-- CreateTable\nCREATE TABLE \"a;b\" (x text DEFAULT 'c;d');\n/* e; */\n\
                   CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;;\n\
                   CREATE INDEX CONCURRENTLY i ON \"a;b\" (x);\n-- trailing; comment\n";
        let s = postgres(sql);
        assert_eq!(
            s.statements,
            [
                "CREATE TABLE \"a;b\" (x text DEFAULT 'c;d')",
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
                "CREATE INDEX CONCURRENTLY i ON \"a;b\" (x)",
            ]
        );
        assert_eq!(s.outside_transaction, Some(2));
        assert!(s.must_split() && !s.controls_transactions);
    }

    #[test]
    fn transaction_control_and_atomic_bodies_are_noticed() {
        assert!(postgres("BEGIN; CREATE TABLE t (a int); COMMIT;").controls_transactions);
        let atomic = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n\
                      CREATE INDEX CONCURRENTLY i ON t (a);";
        let s = postgres(atomic);
        assert!(s.unsplittable && !s.must_split(), "{s:?}");
    }
}
