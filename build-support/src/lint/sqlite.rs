//! SQLite rules: drops, renames, NOT NULL columns, and Prisma's table redefinitions (`-- RedefineTables`:
//! `CREATE TABLE "new_T"`, `INSERT INTO "new_T" … SELECT … FROM "T"`, `DROP TABLE "T"`, `ALTER TABLE "new_T"
//! RENAME TO "T"`). A redefinition is judged as one change, at its `CREATE TABLE`, against the columns `T` had
//! in the history: a column left out is dropped, a NOT NULL one without a default that was nullable or absent
//! fails the copy on a table with rows.

use std::collections::HashSet;

use super::lex::Statement;
use super::sql::{Cursor, column, parens, required, table_columns};
use super::{Column, History, Hit};

pub(crate) fn check(stmts: &[Statement], h: &mut History) -> Vec<(usize, Hit)> {
    let redefined = redefinitions(stmts);
    let mut dropped_here: HashSet<String> = HashSet::new();
    let mut hits = Vec::new();
    for (i, s) in stmts.iter().enumerate() {
        let mut push = |rule, at, detail| hits.push((i, Hit { rule, at, detail }));
        let mut c = Cursor::new(&s.tokens);
        if c.eat_all(&["create", "table"]) {
            c.eat_all(&["if", "not", "exists"]);
            let Some((table, _)) = c.name() else { continue };
            let cols = parens(c.rest(), 0).map(|(body, _)| table_columns(body)).unwrap_or_default();
            if let Some(target) = redefined.iter().find(|(new, _)| *new == table).map(|(_, t)| t.clone())
                && !h.is_new(&target)
            {
                redefinition(&target, &cols, h, s.start, &mut push);
            }
            h.created(&table);
            h.columns.insert(table, cols);
        } else if c.eat_all(&["alter", "table"]) {
            let Some((table, _)) = c.name() else { continue };
            let existing = !h.is_new(&table);
            let at = c.peek().map_or(s.start, |t| t.at);
            if c.eat("rename") {
                if c.eat("to") {
                    let Some((to, _)) = c.name() else { continue };
                    if dropped_here.contains(&to) {
                        // The last step of a redefinition: `to` keeps the status it had, with the new columns.
                        if let Some(cols) = h.columns.remove(&table) {
                            h.columns.insert(to, cols);
                        }
                        h.new_tables.remove(&table);
                        continue;
                    }
                    if existing {
                        push("renaming-table", at, format!("renames table `{table}` to `{to}`"));
                    }
                    h.renamed(&table, &to);
                } else {
                    c.eat("column");
                    let Some((old, _)) = c.name() else { continue };
                    let to = if c.eat("to") { c.name().map(|(n, _)| n) } else { None };
                    if existing {
                        push("renaming-column", at, format!("renames column `{old}` of `{table}`"));
                    }
                    if let (Some(to), Some(cols)) = (to, h.columns.get_mut(&table)) {
                        cols.iter_mut().filter(|x| x.name == old).for_each(|x| x.name.clone_from(&to));
                    }
                }
            } else if c.eat("drop") {
                c.eat("column");
                let Some((col, _)) = c.name() else { continue };
                if existing {
                    push("ban-drop-column", at, format!("drops column `{col}` of `{table}`"));
                }
                if let Some(cols) = h.columns.get_mut(&table) {
                    cols.retain(|x| x.name != col);
                }
            } else if c.eat("add") {
                c.eat("column");
                let Some(col) = column(c.rest()) else { continue };
                if existing && required(&col) {
                    push(
                        "adding-required-field",
                        at,
                        format!("adds NOT NULL column `{}` to `{table}` without a default", col.name),
                    );
                }
                h.columns.entry(table).or_default().push(col);
            }
        } else if c.eat_all(&["drop", "table"]) {
            c.eat_all(&["if", "exists"]);
            let Some((table, at)) = c.name() else { continue };
            let part_of_redefinition = redefined.iter().any(|(_, t)| *t == table);
            if !part_of_redefinition && !h.is_new(&table) {
                push("ban-drop-table", at, format!("drops table `{table}`"));
            }
            if part_of_redefinition {
                dropped_here.insert(table);
            } else {
                h.columns.remove(&table);
            }
        }
    }
    hits
}

/// `(new table, table it replaces)` for every `ALTER TABLE a RENAME TO b` whose `b` the script drops first.
fn redefinitions(stmts: &[Statement]) -> Vec<(String, String)> {
    let mut dropped = HashSet::new();
    let mut out = Vec::new();
    for s in stmts {
        let mut c = Cursor::new(&s.tokens);
        if c.eat_all(&["drop", "table"]) {
            c.eat_all(&["if", "exists"]);
            if let Some((t, _)) = c.name() {
                dropped.insert(t);
            }
        } else if c.eat_all(&["alter", "table"]) {
            let Some((from, _)) = c.name() else { continue };
            if c.eat_all(&["rename", "to"])
                && let Some((to, _)) = c.name()
                && dropped.contains(&to)
            {
                out.push((from, to));
            }
        }
    }
    out
}

fn redefinition(
    target: &str,
    new: &[Column],
    h: &History,
    at: usize,
    push: &mut impl FnMut(&'static str, usize, String),
) {
    push("redefining-table", at, format!("rebuilds table `{target}` by copying its rows with foreign keys off"));
    let Some(old) = h.columns.get(target) else { return };
    for gone in old.iter().filter(|o| !new.iter().any(|n| n.name == o.name)) {
        push("ban-drop-column", at, format!("drops column `{}` of `{target}` (left out of the new table)", gone.name));
    }
    for n in new.iter().filter(|n| required(n)) {
        match old.iter().find(|o| o.name == n.name) {
            None => push(
                "adding-required-field",
                at,
                format!("adds NOT NULL column `{}` to `{target}` without a default", n.name),
            ),
            Some(o) if !o.not_null => {
                push("adding-not-nullable-field", at, format!("makes `{target}`.`{}` NOT NULL", n.name));
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::Provider;
    use crate::lint::History;
    use crate::lint::lex::statements;

    #[test]
    fn a_redefinition_is_judged_against_the_history() {
        let mut h = History { released: true, ..History::default() };
        check(
            &statements(
                "CREATE TABLE \"U\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"a\" TEXT, \"b\" TEXT)",
                Provider::Sqlite,
            ),
            &mut h,
        );
        h.released = false;
        let sql = "-- RedefineTables\nPRAGMA foreign_keys=OFF;\nCREATE TABLE \"new_U\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"a\" TEXT NOT NULL, \"c\" TEXT NOT NULL);\n\
                   INSERT INTO \"new_U\" (\"id\", \"a\") SELECT \"id\", \"a\" FROM \"U\";\nDROP TABLE \"U\";\nALTER TABLE \"new_U\" RENAME TO \"U\";\nPRAGMA foreign_keys=ON;";
        let got: Vec<_> =
            check(&statements(sql, Provider::Sqlite), &mut h).into_iter().map(|(i, hit)| (i, hit.rule)).collect();
        assert_eq!(
            got,
            [
                (1, "redefining-table"),
                (1, "ban-drop-column"),
                (1, "adding-not-nullable-field"),
                (1, "adding-required-field")
            ]
        );
        assert!(!h.is_new("U"));
        assert_eq!(h.columns["U"].len(), 3);
    }
}
