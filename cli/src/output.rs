//! Output: text a person reads at a glance (colours only on a terminal, never with `NO_COLOR`), or one JSON
//! document for machines. A tiny JSON writer instead of serde: the documents are small and flat, and the
//! runtime does not otherwise depend on serde.

use std::fmt::{self, Write as _};
use std::io::{IsTerminal as _, Write as _};

/// ANSI styling for one stream, off unless that stream is a terminal and `NO_COLOR` is unset or empty
/// (<https://no-color.org>).
#[derive(Debug, Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Styling for stdout.
    pub fn stdout() -> Self {
        Self { on: std::io::stdout().is_terminal() && no_color_unset() }
    }

    /// Styling for stderr.
    pub fn stderr() -> Self {
        Self { on: std::io::stderr().is_terminal() && no_color_unset() }
    }

    /// No styling.
    pub fn plain() -> Self {
        Self { on: false }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }

    /// Bold.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Red and bold: errors.
    pub fn red(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// Green: success.
    pub fn green(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Yellow: pending, warnings.
    pub fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Cyan: names of migrations and commands to type.
    pub fn cyan(self, text: &str) -> String {
        self.paint("36", text)
    }

    /// Dim: durations, secondary facts.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, keys in insertion order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// An empty object.
    pub fn obj() -> Self {
        Self::Obj(Vec::new())
    }

    /// Adds (or replaces) a key of an object; no effect on other values.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Json>) -> Self {
        self.set(key, value);
        self
    }

    /// Sets a key of an object; no effect on other values.
    pub fn set(&mut self, key: &str, value: impl Into<Json>) {
        if let Self::Obj(fields) = self {
            let value = value.into();
            match fields.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => fields.push((key.to_owned(), value)),
            }
        }
    }

    /// A key of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Self::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// An array of strings.
    pub fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Self {
        Self::Arr(items.into_iter().map(|s| Self::Str(s.as_ref().to_owned())).collect())
    }
}

impl From<bool> for Json {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<&str> for Json {
    fn from(v: &str) -> Self {
        Self::Str(v.to_owned())
    }
}

impl From<String> for Json {
    fn from(v: String) -> Self {
        Self::Str(v)
    }
}

impl From<usize> for Json {
    fn from(v: usize) -> Self {
        Self::Int(v as i128)
    }
}

impl From<u64> for Json {
    fn from(v: u64) -> Self {
        Self::Int(i128::from(v))
    }
}

impl From<u128> for Json {
    fn from(v: u128) -> Self {
        Self::Int(i128::try_from(v).unwrap_or(i128::MAX))
    }
}

impl<T: Into<Json>> From<Option<T>> for Json {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

impl From<Vec<Json>> for Json {
    fn from(v: Vec<Json>) -> Self {
        Self::Arr(v)
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(n) => write!(f, "{n}"),
            Self::Str(s) => write_str(f, s),
            Self::Arr(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Self::Obj(fields) => {
                f.write_char('{')?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_str(f, k)?;
                    write!(f, ":{v}")?;
                }
                f.write_char('}')
            }
        }
    }
}

/// A JSON string literal (RFC 8259: `"` `\` and control characters escaped).
fn write_str(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if u32::from(c) < 0x20 => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// Where a command's text goes: stdout for what it reports, stderr for errors. In `--json` mode nothing is
/// printed as text; the command's JSON document is printed once at the end.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    json: bool,
    /// Styling of stdout.
    pub out: Style,
    /// Styling of stderr.
    pub err: Style,
}

impl Printer {
    /// Text to a terminal or a pipe, or JSON.
    pub fn new(json: bool) -> Self {
        Self { json, out: Style::stdout(), err: Style::stderr() }
    }

    /// Whether this is `--json` mode.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// A line on stdout (text mode only). Write errors (a closed pipe) are ignored: there is no one to tell.
    pub fn line(&self, text: &str) {
        if !self.json {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
        }
    }

    /// Text without a newline, flushed at once (the start of a progress line).
    pub fn partial(&self, text: &str) {
        if !self.json {
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "{text}");
            let _ = out.flush();
        }
    }

    /// A line on stderr (text mode only).
    pub fn err_line(&self, text: &str) {
        if !self.json {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{text}");
        }
    }

    /// The JSON document (JSON mode only).
    pub fn document(&self, doc: &Json) {
        if self.json {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{doc}");
            let _ = out.flush();
        }
    }
}

/// A duration in milliseconds for people: `12 ms`, `1.4 s`.
pub fn human_duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        let tenths = ms / 100;
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

/// `1 migration` / `3 migrations`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_and_orders() {
        let doc = Json::obj()
            .with("ok", false)
            .with("code", Some("P3009"))
            .with("error", "a \"quoted\"\nline\\ \u{1}")
            .with("n", 3usize)
            .with("none", Option::<String>::None)
            .with("list", Json::strings(["a", "b"]));
        assert_eq!(
            doc.to_string(),
            r#"{"ok":false,"code":"P3009","error":"a \"quoted\"\nline\\ \u0001","n":3,"none":null,"list":["a","b"]}"#
        );
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(std::time::Duration::from_millis(12)), "12 ms");
        assert_eq!(human_duration(std::time::Duration::from_millis(1450)), "1.4 s");
    }

    #[test]
    fn plain_style_adds_nothing() {
        assert_eq!(Style::plain().red("x"), "x");
        assert_eq!(Style { on: true }.red("x"), "\x1b[1;31mx\x1b[0m");
    }
}
