//! A small SQL tokenizer, enough to find statements and their leading words: comments, strings (standard,
//! `E'…'` and MySQL backslash escapes), dollar quotes, quoted identifiers (`"…"`, `` `…` ``, `[…]`), and statements
//! split at top-level `;` with their line and column. It never fails: text it does not understand becomes
//! punctuation, so any input yields statements.

use crate::Provider;

/// One token; `text` borrows the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    /// Byte offset in the script.
    pub at: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An unquoted word: keyword or identifier.
    Word,
    /// A quoted identifier; `text` is what is between the quotes.
    Quoted,
    /// A string or dollar-quoted literal, quotes included.
    Str,
    Number,
    Punct,
}

impl Token<'_> {
    /// Whether this is the unquoted keyword `kw` (ASCII case-insensitive).
    pub fn is(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }

    /// The name an identifier token stands for: quoted as written, unquoted folded to lower case (PostgreSQL's
    /// folding; MySQL and SQLite compare table names case-insensitively on the platforms that matter here).
    pub fn ident(&self) -> Option<String> {
        match self.kind {
            Kind::Quoted => Some(self.text.to_owned()),
            Kind::Word => Some(self.text.to_ascii_lowercase()),
            _ => None,
        }
    }
}

/// A statement: its tokens, where it starts, and the comments between the previous statement and it.
#[derive(Debug, Clone)]
pub struct Statement<'a> {
    pub tokens: Vec<Token<'a>>,
    /// Byte offset of its first token.
    pub start: usize,
    /// Byte offset just past its last token.
    pub end: usize,
    /// The text of each `--` or `/* */` comment before it (after the previous statement), markers removed.
    pub comments: Vec<&'a str>,
}

/// What starts at a byte: a token of some kind, a comment (its text's range), or blank space; and where it ends.
enum Piece {
    Token(Kind),
    Comment(usize, usize),
    Blank,
}

/// Splits a script into statements. Empty statements (`;;`) are dropped.
pub fn statements(sql: &str, provider: Provider) -> Vec<Statement<'_>> {
    let empty = || Statement { tokens: Vec::new(), start: 0, end: 0, comments: Vec::new() };
    let mut out = Vec::new();
    let mut cur = empty();
    // A trigger body (`CREATE TRIGGER … BEGIN …; …; END`) holds `;` that do not end the statement.
    let mut depth = 0usize;
    let mut i = 0;
    while i < sql.len() {
        let start = i;
        let (piece, end) = piece(sql.as_bytes(), i, provider);
        i = end.max(i + 1).min(sql.len());
        let kind = match piece {
            Piece::Blank => continue,
            Piece::Comment(from, to) => {
                if cur.tokens.is_empty() {
                    cur.comments.push(sql.get(from..to).unwrap_or(""));
                }
                continue;
            }
            Piece::Token(kind) => kind,
        };
        let text = match kind {
            Kind::Quoted => sql.get(start + 1..i.saturating_sub(1).max(start + 1)).unwrap_or(""),
            _ => sql.get(start..i).unwrap_or(""),
        };
        let token = Token { kind, text, at: start };
        if token.is_punct(";") && depth == 0 {
            if cur.tokens.is_empty() {
                cur.comments.clear();
            } else {
                out.push(std::mem::replace(&mut cur, empty()));
            }
            continue;
        }
        if cur.tokens.is_empty() {
            cur.start = start;
        }
        if token.is("begin") && is_trigger(&cur.tokens) {
            depth += 1;
        } else if token.is("end") && depth > 0 && !matches!(cur.tokens.last(), Some(t) if t.is("case")) {
            depth -= 1;
        } else if token.is("case") && depth > 0 {
            depth += 1;
        }
        cur.end = i;
        cur.tokens.push(token);
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    out
}

/// The piece that starts at `i` and the index just past it.
fn piece(b: &[u8], i: usize, provider: Provider) -> (Piece, usize) {
    let backslash = provider == Provider::Mysql;
    let c = b[i];
    let next = b.get(i + 1).copied();
    let token = |kind, end| (Piece::Token(kind), end);
    match c {
        b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' => (Piece::Blank, i + 1),
        b'-' if next == Some(b'-') => {
            let end = find(b, i, b"\n").unwrap_or(b.len());
            (Piece::Comment(i + 2, end), end)
        }
        b'#' if backslash => (Piece::Blank, find(b, i, b"\n").unwrap_or(b.len())),
        b'/' if next == Some(b'*') => {
            let close = find(b, i + 2, b"*/");
            (Piece::Comment(i + 2, close.unwrap_or(b.len())), close.map_or(b.len(), |e| e + 2))
        }
        b'\'' => token(Kind::Str, quoted_end(b, i + 1, b'\'', backslash)),
        b'e' | b'E' if next == Some(b'\'') => token(Kind::Str, quoted_end(b, i + 2, b'\'', true)),
        b'"' | b'`' => token(Kind::Quoted, quoted_end(b, i + 1, c, false)),
        b'[' if matches!(provider, Provider::Sqlite | Provider::Sqlserver) => {
            token(Kind::Quoted, find(b, i, b"]").map_or(b.len(), |e| e + 1))
        }
        b'$' => {
            if let Some(tag_end) = dollar_tag(b, i) {
                let tag = &b[i..tag_end];
                return token(Kind::Str, find(b, tag_end, tag).map_or(b.len(), |e| e + tag.len()));
            }
            token(Kind::Punct, i + 1 + b[i + 1..].iter().take_while(|x| x.is_ascii_digit()).count())
        }
        b'0'..=b'9' => {
            token(Kind::Number, i + b[i..].iter().take_while(|x| x.is_ascii_alphanumeric() || **x == b'.').count())
        }
        _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
            let word = |x: &&u8| x.is_ascii_alphanumeric() || **x == b'_' || **x == b'$' || **x >= 0x80;
            token(Kind::Word, i + b[i..].iter().take_while(word).count())
        }
        // One character, whole (a multi-byte one is a word above, so this is ASCII).
        _ => token(Kind::Punct, i + 1),
    }
}

fn is_trigger(tokens: &[Token]) -> bool {
    tokens.first().is_some_and(|t| t.is("create")) && tokens.iter().take(6).any(|t| t.is("trigger"))
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || from > b.len() {
        return None;
    }
    b[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// The index just past the closing quote; a doubled quote is an escaped one, and with `backslash` so is `\q`.
fn quoted_end(b: &[u8], mut i: usize, q: u8, backslash: bool) -> usize {
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
        } else if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// `$tag$` or `$$` starting at `i`: the index just past the opening tag.
fn dollar_tag(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        if j == i + 1 && b[j].is_ascii_digit() {
            return None;
        }
        j += 1;
    }
    (b.get(j) == Some(&b'$')).then_some(j + 1)
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(sql: &str, at: usize) -> (usize, usize) {
    let at = at.min(sql.len());
    let before = sql.get(..at).unwrap_or(sql);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(sql: &str, p: Provider) -> Vec<Vec<String>> {
        statements(sql, p).iter().map(|s| s.tokens.iter().map(|t| t.text.to_owned()).collect()).collect()
    }

    #[test]
    fn splits_at_top_level_semicolons_only() {
        let sql = "-- a\nSELECT 'x;''y'; /* c; */ CREATE FUNCTION f() AS $body$ a; b $body$;\nSELECT \"a;b\"";
        let got = words(sql, Provider::Postgresql);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], ["SELECT", "'x;''y'"]);
        assert_eq!(got[1].last().map(String::as_str), Some("$body$ a; b $body$"));
        assert_eq!(got[2], ["SELECT", "a;b"]);
        assert_eq!(statements(sql, Provider::Postgresql)[0].comments, [" a"]);
    }

    #[test]
    fn mysql_backslash_and_backticks() {
        let got = words("INSERT INTO `t;x` VALUES ('a\\';b'); # c;\nSELECT 1", Provider::Mysql);
        assert_eq!(got, [vec!["INSERT", "INTO", "t;x", "VALUES", "(", "'a\\';b'", ")"], vec!["SELECT", "1"]]);
    }

    #[test]
    fn sqlite_trigger_body_is_one_statement() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE b SET x = CASE WHEN 1 THEN 2 END; DELETE FROM c; END; SELECT 1;";
        assert_eq!(words(sql, Provider::Sqlite).len(), 2);
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncdé\nx", 7), (2, 4));
        assert_eq!(line_col("", 0), (1, 1));
    }
}
