//! MySQL and MariaDB rules: drops, renames, column redefinitions (`MODIFY`/`CHANGE`, which may copy the table),
//! NOT NULL without a default (Atlas MY101), ENUM values removed or reordered, foreign keys. Column
//! definitions are tracked over the whole history, released migrations included, to compare ENUM values.

use super::lex::{Statement, Token};
use super::sql::{Cursor, column, has_pair, parens, required, split_top, table_columns};
use super::{Column, History, Hit};

pub(crate) fn check(stmts: &[Statement], h: &mut History) -> Vec<(usize, Hit)> {
    let mut hits = Vec::new();
    for (i, s) in stmts.iter().enumerate() {
        let mut push = |rule, at, detail| hits.push((i, Hit { rule, at, detail }));
        let mut c = Cursor::new(&s.tokens);
        if c.eat_all(&["create", "table"]) {
            c.eat_all(&["if", "not", "exists"]);
            let Some((table, _)) = c.name() else { continue };
            h.created(&table);
            if let Some((body, _)) = parens(c.rest(), 0) {
                h.columns.insert(table, table_columns(body));
            }
        } else if c.eat_all(&["alter", "table"]) {
            let Some((table, _)) = c.name() else { continue };
            alter(&table, split_top(c.rest()), h, &mut push);
        } else if c.eat_all(&["rename", "table"]) {
            for pair in split_top(c.rest()) {
                let mut p = Cursor::new(pair);
                let Some((from, at)) = p.name() else { continue };
                let to = if p.eat("to") { p.name().map(|(n, _)| n) } else { None };
                if !h.is_new(&from) {
                    push("renaming-table", at, format!("renames table `{from}`"));
                }
                if let Some(to) = to {
                    h.renamed(&from, &to);
                }
            }
        } else if c.eat_all(&["drop", "table"]) {
            c.eat_all(&["if", "exists"]);
            for part in split_top(c.rest()) {
                let Some((table, at)) = Cursor::new(part).name() else { continue };
                if !h.is_new(&table) {
                    push("ban-drop-table", at, format!("drops table `{table}`"));
                }
                h.columns.remove(&table);
            }
        }
    }
    hits
}

fn alter(table: &str, actions: Vec<&[Token]>, h: &mut History, push: &mut impl FnMut(&'static str, usize, String)) {
    let existing = !h.is_new(table);
    for action in actions {
        let at = action.first().map_or(0, |t| t.at);
        let mut c = Cursor::new(action);
        if c.eat("drop") {
            if ["index", "key", "foreign", "primary", "constraint", "check"]
                .iter()
                .any(|k| c.peek().is_some_and(|t| t.is(k)))
            {
                continue;
            }
            c.eat("column");
            let Some((col, _)) = c.name() else { continue };
            if existing {
                push("ban-drop-column", at, format!("drops column `{col}` of `{table}`"));
            }
            if let Some(cols) = h.columns.get_mut(table) {
                cols.retain(|x| x.name != col);
            }
        } else if c.eat("add") {
            let rest = c.rest();
            if rest.first().is_some_and(|t| {
                ["constraint", "foreign", "index", "key", "unique", "primary", "fulltext", "spatial", "check"]
                    .iter()
                    .any(|k| t.is(k))
            }) {
                if existing && has_pair(rest, "foreign", "key") {
                    push("adding-foreign-key-constraint", at, format!("adds a foreign key to `{table}`"));
                }
                continue;
            }
            c.eat("column");
            let Some(col) = column(c.rest()) else { continue };
            if existing && required(&col) {
                push(
                    "adding-required-field",
                    at,
                    format!("adds NOT NULL column `{}` to `{table}` without a default", col.name),
                );
            }
            h.columns.entry(table.to_owned()).or_default().push(col);
        } else if c.eat("modify") {
            c.eat("column");
            let Some(col) = column(c.rest()) else { continue };
            redefine(table, &col.name.clone(), col, existing, at, h, push);
        } else if c.eat("change") {
            c.eat("column");
            let Some((old, _)) = c.name() else { continue };
            let Some(col) = column(c.rest()) else { continue };
            if col.name != old {
                if existing {
                    push("renaming-column", at, format!("renames column `{old}` of `{table}` to `{}`", col.name));
                }
                if let Some(x) = h.columns.get_mut(table).and_then(|cols| cols.iter_mut().find(|x| x.name == old)) {
                    x.name.clone_from(&col.name);
                }
            }
            redefine(table, &col.name.clone(), col, existing, at, h, push);
        } else if c.eat("rename") {
            if c.eat("column") {
                let Some((old, _)) = c.name() else { continue };
                let to = if c.eat("to") { c.name().map(|(n, _)| n) } else { None };
                if existing {
                    push("renaming-column", at, format!("renames column `{old}` of `{table}`"));
                }
                if let (Some(to), Some(cols)) = (to, h.columns.get_mut(table)) {
                    cols.iter_mut().filter(|x| x.name == old).for_each(|x| x.name.clone_from(&to));
                }
            } else if !c.peek().is_some_and(|t| t.is("index") || t.is("key")) {
                let _ = c.eat("to") || c.eat("as");
                let Some((to, _)) = c.name() else { continue };
                if existing {
                    push("renaming-table", at, format!("renames table `{table}` to `{to}`"));
                }
                h.renamed(table, &to);
            }
        }
    }
}

/// `MODIFY`/`CHANGE`: appending ENUM values is done in place; removing or reordering them, or any other
/// redefinition of an existing table's column, may copy the table.
fn redefine(
    table: &str,
    name: &str,
    col: Column,
    existing: bool,
    at: usize,
    h: &mut History,
    push: &mut impl FnMut(&'static str, usize, String),
) {
    let old = h.columns.get(table).and_then(|cols| cols.iter().find(|x| x.name == name)).cloned();
    if existing {
        match (old.as_ref().and_then(|o| o.enum_values.as_ref()), col.enum_values.as_ref()) {
            (Some(before), Some(after)) if after.starts_with(before) => {}
            (Some(before), Some(after)) => {
                let removed: Vec<&str> = before.iter().filter(|v| !after.contains(v)).map(String::as_str).collect();
                let what =
                    if removed.is_empty() { "reorders".to_owned() } else { format!("removes {}", removed.join(", ")) };
                push("changing-enum-values", at, format!("{what} in ENUM `{table}`.`{name}`"));
            }
            _ => match &old {
                Some(o) if o.ty == col.ty && o.not_null == col.not_null => {}
                Some(o) if o.ty == col.ty && col.not_null && !col.default => {
                    push("adding-not-nullable-field", at, format!("makes `{table}`.`{name}` NOT NULL"));
                }
                _ => push("changing-column-type", at, format!("redefines column `{table}`.`{name}`")),
            },
        }
    }
    let cols = h.columns.entry(table.to_owned()).or_default();
    match cols.iter_mut().find(|x| x.name == name) {
        Some(x) => *x = col,
        None => cols.push(col),
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::Provider;
    use crate::lint::History;
    use crate::lint::lex::statements;

    #[test]
    fn enums_compare_with_the_history() {
        let mut h = History { released: true, ..History::default() };
        check(
            &statements(
                "CREATE TABLE `u` (`id` INT NOT NULL AUTO_INCREMENT, `r` ENUM('A', 'B') NOT NULL)",
                Provider::Mysql,
            ),
            &mut h,
        );
        h.released = false;
        let sql = "ALTER TABLE `u` MODIFY `r` ENUM('A', 'B', 'C') NOT NULL; ALTER TABLE `u` MODIFY `r` ENUM('C', 'A', 'B') NOT NULL; \
                   ALTER TABLE `u` MODIFY `r` ENUM('A') NOT NULL; ALTER TABLE `u` ADD COLUMN `x` INT NOT NULL, CHANGE `x` `y` INT NULL;";
        let got: Vec<_> = check(&statements(sql, Provider::Mysql), &mut h)
            .into_iter()
            .map(|(_, hit)| (hit.rule, hit.detail))
            .collect();
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            [
                "changing-enum-values",
                "changing-enum-values",
                "adding-required-field",
                "renaming-column",
                "changing-column-type"
            ]
        );
        assert!(got[1].1.starts_with("removes c"), "{}", got[1].1);
    }
}
