//! PostgreSQL (and CockroachDB) rules, named after squawk's (squawk.dev/linter). Lock and rewrite rules skip
//! tables created by a migration that is not released yet: they have no rows in production.

use super::lex::{Kind, Statement, Token};
use super::sql::{Cursor, column, has, has_pair, parens, required, split_top};
use super::{History, Hit};

/// Functions whose default PostgreSQL must evaluate per row, rewriting the table (PostgreSQL 11+ stores a
/// constant default without a rewrite).
const VOLATILE: &[&str] =
    &["gen_random_uuid", "uuid_generate_v4", "uuid_generate_v1", "random", "clock_timestamp", "timeofday", "nextval"];

pub(crate) fn check(stmts: &[Statement], h: &mut History) -> Vec<(usize, Hit)> {
    let mut hits = Vec::new();
    for (i, s) in stmts.iter().enumerate() {
        let mut push = |rule, at, detail| hits.push((i, Hit { rule, at, detail }));
        let mut c = Cursor::new(&s.tokens);
        if c.eat_all(&["create", "table"]) || c.eat_all(&["create", "unlogged", "table"]) {
            c.eat_all(&["if", "not", "exists"]);
            let Some((table, _)) = c.name() else { continue };
            h.created(&table);
            if let Some((body, _)) = parens(c.rest(), 0) {
                for item in split_top(body) {
                    style(item, &mut push);
                }
            }
        } else if c.eat_all(&["alter", "table"]) {
            c.eat_all(&["if", "exists"]);
            c.eat("only");
            let Some((table, _)) = c.name() else { continue };
            alter(&table, split_top(c.rest()), h, &mut push);
        } else if c.eat("create") {
            c.eat("unique");
            if c.eat("index") {
                create_index(&mut c, stmts.len(), h, &mut push);
            }
        } else if c.eat_all(&["drop", "index"]) {
            let concurrently = c.eat("concurrently");
            c.eat_all(&["if", "exists"]);
            if concurrently && stmts.len() > 1 {
                push(
                    "ban-concurrent-index-creation-in-transaction",
                    s.start,
                    "runs DROP INDEX CONCURRENTLY in a script of several statements".to_owned(),
                );
            }
            for part in split_top(c.rest()) {
                let Some((index, at)) = Cursor::new(part).name() else { continue };
                if !concurrently && !h.new_indexes.contains(&index) {
                    push(
                        "require-concurrent-index-deletion",
                        at,
                        format!("drops index `{index}` without CONCURRENTLY"),
                    );
                }
            }
        } else if c.eat_all(&["drop", "table"]) {
            c.eat_all(&["if", "exists"]);
            for part in split_top(c.rest()) {
                let Some((table, at)) = Cursor::new(part).name() else { continue };
                if !h.is_new(&table) {
                    push("ban-drop-table", at, format!("drops table `{table}`"));
                }
            }
        }
    }
    hits
}

fn create_index(
    c: &mut Cursor,
    statements: usize,
    h: &mut History,
    push: &mut impl FnMut(&'static str, usize, String),
) {
    let start = c.t.first().map_or(0, |t| t.at);
    let concurrently = c.eat("concurrently");
    c.eat_all(&["if", "not", "exists"]);
    let index = if c.peek().is_some_and(|t| t.is("on")) { None } else { c.name().map(|(n, _)| n) };
    if !c.eat("on") {
        return;
    }
    c.eat("only");
    let Some((table, _)) = c.name() else { return };
    if concurrently && statements > 1 {
        push(
            "ban-concurrent-index-creation-in-transaction",
            start,
            "runs CREATE INDEX CONCURRENTLY in a script of several statements".to_owned(),
        );
    }
    if h.is_new(&table) {
        if let Some(index) = index {
            h.new_indexes.insert(index);
        }
    } else if !concurrently {
        push("require-concurrent-index-creation", start, format!("builds an index on `{table}` without CONCURRENTLY"));
    }
}

fn alter(table: &str, actions: Vec<&[Token]>, h: &mut History, push: &mut impl FnMut(&'static str, usize, String)) {
    let existing = !h.is_new(table);
    for action in actions {
        let at = action.first().map_or(0, |t| t.at);
        let mut c = Cursor::new(action);
        if c.eat("rename") {
            if c.eat("to") {
                let Some((to, _)) = c.name() else { continue };
                if existing {
                    push("renaming-table", at, format!("renames table `{table}` to `{to}`"));
                }
                h.renamed(table, &to);
            } else if !c.eat("constraint") {
                c.eat("column");
                let Some((col, _)) = c.name() else { continue };
                if existing {
                    push("renaming-column", at, format!("renames column `{col}` of `{table}`"));
                }
            }
        } else if c.eat("drop") {
            if c.peek().is_some_and(|t| t.is("constraint")) {
                continue;
            }
            c.eat("column");
            c.eat_all(&["if", "exists"]);
            let Some((col, _)) = c.name() else { continue };
            if existing {
                push("ban-drop-column", at, format!("drops column `{col}` of `{table}`"));
            }
        } else if c.eat("add") {
            add(&mut c, table, existing, at, push);
        } else if c.eat("alter") {
            c.eat("column");
            let Some((col, _)) = c.name() else { continue };
            if !existing {
                continue;
            }
            if c.eat("type") || c.eat_all(&["set", "data", "type"]) {
                push("changing-column-type", at, format!("changes the type of `{table}`.`{col}`"));
            } else if c.eat_all(&["set", "not", "null"]) {
                push("adding-not-nullable-field", at, format!("sets `{table}`.`{col}` NOT NULL"));
            }
        }
    }
}

fn add(c: &mut Cursor, table: &str, existing: bool, at: usize, push: &mut impl FnMut(&'static str, usize, String)) {
    let rest = c.rest();
    let constraint = rest
        .first()
        .is_some_and(|t| ["constraint", "foreign", "check", "unique", "primary", "exclude"].iter().any(|k| t.is(k)));
    if constraint {
        if !existing || has_pair(rest, "not", "valid") {
            return;
        }
        if has_pair(rest, "foreign", "key") {
            push("adding-foreign-key-constraint", at, format!("adds a foreign key to `{table}` without NOT VALID"));
        } else if has(rest, "check") {
            push("constraint-missing-not-valid", at, format!("adds a check constraint to `{table}` without NOT VALID"));
        } else if has(rest, "unique") && !has_pair(rest, "using", "index") {
            push("disallowed-unique-constraint", at, format!("adds a unique constraint to `{table}`"));
        }
        return;
    }
    c.eat("column");
    c.eat_all(&["if", "not", "exists"]);
    let def = c.rest();
    style(def, push);
    let Some(col) = column(def) else { return };
    if !existing {
        return;
    }
    if required(&col) {
        push(
            "adding-required-field",
            at,
            format!("adds NOT NULL column `{}` to `{table}` without a default", col.name),
        );
    }
    let default_at = def.iter().position(|t| t.is("default"));
    let volatile = default_at.is_some_and(|d| def[d..].iter().any(|t| VOLATILE.iter().any(|f| t.is(f))));
    let stored = has(def, "stored");
    let serial = col.filled && !stored && !has(def, "generated");
    if volatile || stored || serial {
        push(
            "adding-field-with-default",
            at,
            format!("adds column `{}` to `{table}` with a value computed per row", col.name),
        );
    }
}

/// The opt-in type rules, on a column definition (any table: they are about the schema, not locks).
fn style(def: &[Token], push: &mut impl FnMut(&'static str, usize, String)) {
    let (Some(name), Some(ty)) = (def.first(), def.get(1)) else { return };
    if ty.kind != Kind::Word || name.ident().is_none() {
        return;
    }
    let col = name.text;
    let next_is = |k: usize, kw: &str| def.get(k).is_some_and(|t| t.is(kw));
    if ty.is("timestamp") {
        let after = if def.get(2).is_some_and(|t| t.is_punct("(")) { 5 } else { 2 };
        if !(next_is(after, "with") && next_is(after + 1, "time")) {
            push("prefer-timestamptz", ty.at, format!("declares `{col}` as `timestamp` without time zone"));
        }
    } else if ["integer", "int", "int4", "serial", "serial4", "smallint", "int2", "smallserial"]
        .iter()
        .any(|t| ty.is(t))
    {
        push(
            "prefer-bigint-over-int",
            ty.at,
            format!("declares `{col}` as a 32-bit `{}`", ty.text.to_ascii_lowercase()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::Provider;
    use crate::lint::History;
    use crate::lint::lex::statements;

    fn rules(history: &str, sql: &str) -> Vec<&'static str> {
        let mut h = History::default();
        check(&statements(history, Provider::Postgresql), &mut h);
        check(&statements(sql, Provider::Postgresql), &mut h).into_iter().map(|(_, hit)| hit.rule).collect()
    }

    #[test]
    fn new_tables_are_exempt_from_lock_rules() {
        let created = "CREATE TABLE \"a\" (\"id\" INTEGER NOT NULL)";
        let sql = "CREATE INDEX \"i\" ON \"a\"(\"id\"); ALTER TABLE \"a\" ADD CONSTRAINT f FOREIGN KEY (\"id\") REFERENCES \"b\"(\"id\"); DROP INDEX \"i\";";
        assert_eq!(rules(created, sql), Vec::<&str>::new());
        assert_eq!(
            rules("", sql),
            ["require-concurrent-index-creation", "adding-foreign-key-constraint", "require-concurrent-index-deletion"]
        );
    }

    #[test]
    fn columns() {
        let sql = "ALTER TABLE \"u\" ADD COLUMN \"a\" TEXT NOT NULL, ADD COLUMN \"b\" TEXT NOT NULL DEFAULT 'x', \
                   ADD COLUMN \"c\" UUID DEFAULT gen_random_uuid(), ALTER COLUMN \"d\" SET DATA TYPE BIGINT, \
                   ALTER COLUMN \"e\" SET NOT NULL, DROP COLUMN \"f\", ADD COLUMN \"g\" SERIAL;";
        assert_eq!(
            rules("", sql),
            [
                "adding-required-field",
                "adding-field-with-default",
                "changing-column-type",
                "adding-not-nullable-field",
                "ban-drop-column",
                "prefer-bigint-over-int",
                "adding-field-with-default"
            ]
        );
    }

    #[test]
    fn concurrently_alone_is_fine() {
        assert_eq!(rules("", "CREATE INDEX CONCURRENTLY \"i\" ON \"u\"(\"a\");"), Vec::<&str>::new());
        assert_eq!(
            rules("", "CREATE INDEX CONCURRENTLY \"i\" ON \"u\"(\"a\"); SELECT 1;"),
            ["ban-concurrent-index-creation-in-transaction"]
        );
    }
}
