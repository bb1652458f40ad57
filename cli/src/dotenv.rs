//! A small `.env` reader, reading what Prisma's CLI reads (it uses the npm `dotenv` package and
//! `dotenv-expand`): `KEY=VALUE` lines, an optional `export ` prefix, `#` comments (whole-line, and after an
//! unquoted value), values in single, double or back quotes (possibly spanning lines; `\n` in double quotes is a
//! newline), and `${VAR}` / `$VAR` expansion outside single quotes.
//!
//! Nothing is written to the process environment (that would need `unsafe` in edition 2024); callers look
//! variables up with [`Env::get`], where the real environment wins over every file.

use std::io;
use std::path::{Path, PathBuf};

/// The `.env` files that were found, in the order they are consulted.
#[derive(Debug, Default)]
pub(crate) struct Env {
    files: Vec<EnvFile>,
}

#[derive(Debug)]
struct EnvFile {
    path: PathBuf,
    vars: Vec<(String, String)>,
}

impl Env {
    /// Reads each file that exists; a missing file is skipped, an unreadable one is an error naming it.
    pub(crate) fn load(paths: &[PathBuf]) -> Result<Self, String> {
        let mut files: Vec<EnvFile> = Vec::new();
        for path in paths {
            if files.iter().any(|f| same_file(&f.path, path)) {
                continue;
            }
            match std::fs::read_to_string(path) {
                Ok(text) => files.push(EnvFile { path: path.clone(), vars: parse(&text) }),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) if e.kind() == io::ErrorKind::IsADirectory => {}
                Err(e) => return Err(format!("cannot read `{}`: {e}", path.display())),
            }
        }
        Ok(Self { files })
    }

    /// The files that were read, for "Environment variables loaded from …".
    pub(crate) fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|f| f.path.as_path())
    }

    /// A variable: the real environment first, then the files in order. An empty real variable counts as
    /// set, as for Prisma.
    pub(crate) fn get(&self, name: &str) -> Option<(String, Option<&Path>)> {
        if let Ok(v) = std::env::var(name) {
            return Some((v, None));
        }
        self.files.iter().find_map(|f| {
            f.vars.iter().rev().find(|(k, _)| k == name).map(|(_, v)| (v.clone(), Some(f.path.as_path())))
        })
    }
}

impl Env {
    /// The files that define `name` with different values (Prisma refuses such a conflict between `.env` and
    /// `prisma/.env`).
    pub(crate) fn conflicts(&self, name: &str) -> Vec<&Path> {
        let defs: Vec<(&Path, &str)> = self
            .files
            .iter()
            .filter_map(|f| f.vars.iter().rev().find(|(k, _)| k == name).map(|(_, v)| (f.path.as_path(), v.as_str())))
            .collect();
        if defs.windows(2).any(|w| w[0].1 != w[1].1) { defs.into_iter().map(|(p, _)| p).collect() } else { Vec::new() }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Parses a `.env` text into `(key, value)` pairs in file order, expanded. Lines that are not assignments
/// are ignored, as `dotenv` ignores them.
pub(crate) fn parse(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line_end, next) = match rest.find('\n') {
            Some(i) => (i, i + 1),
            None => (rest.len(), rest.len()),
        };
        let line = rest[..line_end].trim_end_matches('\r');
        let Some((key, value_start)) = assignment(line) else {
            rest = &rest[next..];
            continue;
        };
        // The value may be quoted and span lines: look at the text from the value on.
        let from_value = &rest[(line.len() - value_start.len())..];
        let (value, consumed, expand) = value(from_value);
        let value = if expand { expand_vars(&value, &out) } else { value };
        out.push((key.to_owned(), value));
        let used = (line.len() - value_start.len()) + consumed;
        // Skip to the end of the line the value ended on.
        let after = &rest[used.min(rest.len())..];
        let skip = after.find('\n').map_or(after.len(), |i| i + 1);
        rest = &after[skip..];
    }
    out
}

/// `KEY=…` (or `export KEY=…`): the key and the text after `=`.
fn assignment(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_start();
    let trimmed = trimmed.strip_prefix("export ").map_or(trimmed, str::trim_start);
    let (key, value) = trimmed.split_once('=')?;
    let key = key.trim_end();
    let valid = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    valid.then_some((key, value))
}

/// The value at the start of `text`: (value, bytes consumed, whether to expand variables).
fn value(text: &str) -> (String, usize, bool) {
    let lead = text.len() - text.trim_start_matches([' ', '\t']).len();
    let body = &text[lead..];
    if let Some(q) = body.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))
        && let Some(end) = closing_quote(&body[1..], q)
    {
        let inner = &body[1..=end];
        let value = if q == '"' { unescape_double(inner) } else { inner.to_owned() };
        return (value, lead + end + 2, q != '\'');
    }
    let line = body.split('\n').next().unwrap_or("").trim_end_matches('\r');
    let unquoted = line.split('#').next().unwrap_or("").trim();
    (unquoted.to_owned(), lead + line.len(), true)
}

/// Byte index (in `s`) of the quote closing a value: the first unescaped `q`.
fn closing_quote(s: &str, q: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            c if c == q && !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

fn unescape_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('"') => out.push('"'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `${NAME}` and `$NAME`, from the real environment first, then the variables defined above; `\$` is a
/// literal `$`; an unknown name expands to nothing (as `dotenv-expand` does).
fn expand_vars(value: &str, defined: &[(String, String)]) -> String {
    let lookup = |name: &str| -> String {
        std::env::var(name)
            .ok()
            .or_else(|| defined.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
            .unwrap_or_default()
    };
    let mut out = String::with_capacity(value.len());
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < value.len() {
        let c = bytes[i];
        if c == b'\\' && bytes.get(i + 1) == Some(&b'$') {
            out.push('$');
            i += 2;
        } else if c == b'$' && bytes.get(i + 1) == Some(&b'{') {
            match value[i + 2..].find('}') {
                Some(len) => {
                    let inner = &value[i + 2..i + 2 + len];
                    // `${NAME:-default}`: dotenv-expand supports the default form.
                    let (name, default) = inner.split_once(":-").map_or((inner, None), |(n, d)| (n, Some(d)));
                    let v = lookup(name);
                    out.push_str(if v.is_empty() { default.unwrap_or("") } else { &v });
                    i += 3 + len;
                }
                None => {
                    out.push_str(&value[i..]);
                    break;
                }
            }
        } else if c == b'$' && bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') {
            let len = value[i + 1..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(value.len() - i - 1);
            out.push_str(&lookup(&value[i + 1..=i + len]));
            i += 1 + len;
        } else {
            let ch = value[i..].chars().next().unwrap_or_default();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(vars: &'a [(String, String)], k: &str) -> Option<&'a str> {
        vars.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn plain_quoted_commented_exported() {
        let vars = parse(
            "# comment\n\
             A=1\n\
             export B = two words  \n\
             C=\"x # not a comment\" # a comment\n\
             D='single $A'\n\
             E=value # trailing\n\
             F=\"line1\\nline2\"\n\
             G=`back`\r\n\
             not an assignment\n\
             H=\n\
             I=\"multi\nline\"\n\
             J=after\n",
        );
        assert_eq!(get(&vars, "A"), Some("1"));
        assert_eq!(get(&vars, "B"), Some("two words"));
        assert_eq!(get(&vars, "C"), Some("x # not a comment"));
        assert_eq!(get(&vars, "D"), Some("single $A"));
        assert_eq!(get(&vars, "E"), Some("value"));
        assert_eq!(get(&vars, "F"), Some("line1\nline2"));
        assert_eq!(get(&vars, "G"), Some("back"));
        assert_eq!(get(&vars, "H"), Some(""));
        assert_eq!(get(&vars, "I"), Some("multi\nline"));
        assert_eq!(get(&vars, "J"), Some("after"));
        assert_eq!(vars.len(), 10);
    }

    #[test]
    fn expansion() {
        let vars = parse(
            "PM_DOTENV_TEST_USER=app\nSCHEMA=s1\nURL=postgresql://${PM_DOTENV_TEST_USER}@h/db?schema=$SCHEMA\nLIT=\\$HOME\nDEF=${PM_DOTENV_UNSET_X:-fallback}\n",
        );
        assert_eq!(get(&vars, "URL"), Some("postgresql://app@h/db?schema=s1"));
        assert_eq!(get(&vars, "LIT"), Some("$HOME"));
        assert_eq!(get(&vars, "DEF"), Some("fallback"));
    }

    #[test]
    fn unterminated_quote_is_taken_literally() {
        let vars = parse("A=\"open\nB=2\n");
        assert_eq!(get(&vars, "A"), Some("\"open"));
        assert_eq!(get(&vars, "B"), Some("2"));
    }
}
