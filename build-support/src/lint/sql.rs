//! Reading the parts of statements the rules need, shared by the dialects: names, comma-separated clauses,
//! column definitions.

use super::Column;
use super::lex::{Kind, Token};

/// A position in a statement's tokens.
pub(crate) struct Cursor<'t, 'a> {
    pub t: &'t [Token<'a>],
    pub i: usize,
}

impl<'t, 'a> Cursor<'t, 'a> {
    pub fn new(t: &'t [Token<'a>]) -> Self {
        Self { t, i: 0 }
    }

    pub fn peek(&self) -> Option<&'t Token<'a>> {
        self.t.get(self.i)
    }

    /// Consumes the keyword when it is next.
    pub fn eat(&mut self, kw: &str) -> bool {
        let yes = self.peek().is_some_and(|t| t.is(kw));
        if yes {
            self.i += 1;
        }
        yes
    }

    /// Consumes the keywords when they all come next, in order.
    pub fn eat_all(&mut self, kws: &[&str]) -> bool {
        let yes = kws.iter().enumerate().all(|(k, kw)| self.t.get(self.i + k).is_some_and(|t| t.is(kw)));
        if yes {
            self.i += kws.len();
        }
        yes
    }

    /// A possibly qualified name (`"public"."users"`): the last part, with the offset of its first token.
    pub fn name(&mut self) -> Option<(String, usize)> {
        let first = self.peek()?;
        let mut name = first.ident()?;
        self.i += 1;
        while self.peek().is_some_and(|t| t.is_punct(".")) {
            self.i += 1;
            match self.peek().and_then(Token::ident) {
                Some(part) => {
                    name = part;
                    self.i += 1;
                }
                None => break,
            }
        }
        Some((name, first.at))
    }

    /// The tokens left.
    pub fn rest(&self) -> &'t [Token<'a>] {
        self.t.get(self.i..).unwrap_or(&[])
    }
}

/// Splits at commas outside parentheses.
pub(crate) fn split_top<'t, 'a>(t: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, tok) in t.iter().enumerate() {
        if tok.is_punct("(") {
            depth += 1;
        } else if tok.is_punct(")") {
            depth = depth.saturating_sub(1);
        } else if tok.is_punct(",") && depth == 0 {
            out.push(&t[start..i]);
            start = i + 1;
        }
    }
    out.push(&t[start..]);
    out.retain(|part| !part.is_empty());
    out
}

/// The tokens inside the first parenthesis group at or after `from`, and the index past its `)`.
pub(crate) fn parens<'t, 'a>(t: &'t [Token<'a>], from: usize) -> Option<(&'t [Token<'a>], usize)> {
    let open = from + t.get(from..)?.iter().position(|x| x.is_punct("("))?;
    let mut depth = 0usize;
    for (i, tok) in t.iter().enumerate().skip(open) {
        if tok.is_punct("(") {
            depth += 1;
        } else if tok.is_punct(")") {
            depth -= 1;
            if depth == 0 {
                return Some((&t[open + 1..i], i + 1));
            }
        }
    }
    Some((&t[open + 1..], t.len()))
}

/// Whether the keyword appears anywhere in the tokens (outside strings, which are single tokens).
pub(crate) fn has(t: &[Token], kw: &str) -> bool {
    t.iter().any(|x| x.is(kw))
}

/// Whether `a b` appear next to each other.
pub(crate) fn has_pair(t: &[Token], a: &str, b: &str) -> bool {
    t.windows(2).any(|w| w[0].is(a) && w[1].is(b))
}

/// Words that start a table-level constraint rather than a column in `CREATE TABLE (…)`.
const TABLE_CONSTRAINTS: &[&str] =
    &["constraint", "primary", "unique", "foreign", "check", "key", "index", "fulltext", "spatial", "exclude", "like"];

/// Words that end a column's type and start its constraints.
const COLUMN_CONSTRAINTS: &[&str] = &[
    "not",
    "null",
    "default",
    "primary",
    "unique",
    "auto_increment",
    "autoincrement",
    "comment",
    "collate",
    "character",
    "charset",
    "references",
    "check",
    "generated",
    "as",
    "on",
    "constraint",
];

/// The column definitions of a `CREATE TABLE` body.
pub(crate) fn table_columns(body: &[Token]) -> Vec<Column> {
    split_top(body)
        .into_iter()
        .filter(|item| item.first().is_some_and(|t| !TABLE_CONSTRAINTS.iter().any(|kw| t.is(kw))))
        .filter_map(column)
        .collect()
}

/// One column definition: `name type [constraints…]`.
pub(crate) fn column(def: &[Token]) -> Option<Column> {
    let name = def.first()?.ident()?;
    let rest = &def[1..];
    let ty = rest.first();
    let enum_values = ty.filter(|t| t.is("enum")).and_then(|_| parens(rest, 1)).map(|(values, _)| {
        values.iter().filter(|v| v.kind == Kind::Str).map(|v| v.text.trim_matches('\'').to_ascii_lowercase()).collect()
    });
    let serial = ty.is_some_and(|t| {
        ["serial", "bigserial", "smallserial", "serial4", "serial8", "serial2"].iter().any(|s| t.is(s))
    });
    let filled = serial
        || has(rest, "auto_increment")
        || has(rest, "autoincrement")
        || has(rest, "generated")
        || rest.windows(2).any(|w| w[0].is("as") && w[1].is_punct("("))
        || (ty.is_some_and(|t| t.is("integer")) && has_pair(rest, "primary", "key"));
    let ty = rest
        .iter()
        .take_while(|t| !COLUMN_CONSTRAINTS.iter().any(|kw| t.is(kw)))
        .map(|t| t.text.to_ascii_lowercase())
        .collect();
    Some(Column {
        name,
        ty,
        not_null: has_pair(rest, "not", "null") || has_pair(rest, "primary", "key"),
        default: has(rest, "default"),
        filled,
        enum_values,
    })
}

/// A NOT NULL column the database cannot fill for existing rows.
pub(crate) fn required(c: &Column) -> bool {
    c.not_null && !c.default && !c.filled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Provider;
    use crate::lint::lex::statements;

    #[test]
    fn columns_of_a_create_table() {
        let sql = "CREATE TABLE \"t\" (\"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \"a\" TEXT NOT NULL, \
                   \"b\" TEXT DEFAULT 'x', \"c\" ENUM('A', 'b'), CONSTRAINT \"p\" PRIMARY KEY (\"id\"))";
        let s = &statements(sql, Provider::Sqlite)[0];
        let (body, _) = parens(&s.tokens, 0).expect("body");
        let cols = table_columns(body);
        let names: Vec<_> = cols.iter().map(|c| (c.name.as_str(), required(c))).collect();
        assert_eq!(names, [("id", false), ("a", true), ("b", false), ("c", false)]);
        assert_eq!(cols[3].enum_values.as_deref(), Some(&["a".to_owned(), "b".to_owned()][..]));
    }
}
