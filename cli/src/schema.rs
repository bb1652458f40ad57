//! The `datasource` block of the Prisma schema beside the migrations folder (`prisma/schema.prisma` for
//! `prisma/migrations`, or another `*.prisma` file of that folder holding the block, as with Prisma's multi-file
//! schemas): where Prisma 6's CLI takes the database URL from. Migrate commands use `directUrl` when it is set,
//! else `url` (prisma-engines `psl/psl-core/src/configuration/datasource.rs`, `load_direct_url`: "If there is no
//! `directUrl` passed, it will default to `load_url()`"), so a pooled `url` (PgBouncer, Supabase, Neon) is never
//! used to migrate. Prisma 7 reads neither field from the schema (its `prisma.config.ts` holds the URL, which is
//! TypeScript and not read here): without them the CLI falls back to `DATABASE_URL`.

use std::path::{Path, PathBuf};

/// A URL field's value as written: `env("NAME")` or a string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Env(String),
    Literal(String),
}

/// The URL fields of the datasource block, and the file it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Datasource {
    pub file: PathBuf,
    pub url: Option<Value>,
    pub direct_url: Option<Value>,
}

impl Datasource {
    /// What migrate commands connect with: `directUrl`, else `url`; with the field's name.
    pub fn migrate_url(&self) -> Option<(&'static str, &Value)> {
        self.direct_url.as_ref().map(|v| ("directUrl", v)).or_else(|| self.url.as_ref().map(|v| ("url", v)))
    }
}

/// The datasource block of `dir/schema.prisma`, else of the first `dir/*.prisma` (by name) that has one; `None`
/// when there is none. An unreadable file or a field it cannot read is an error naming the file.
pub(crate) fn datasource(dir: &Path) -> Result<Option<Datasource>, String> {
    let main = dir.join("schema.prisma");
    let mut files = vec![main.clone()];
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut others: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "prisma") && *p != main && p.is_file())
            .collect();
        others.sort();
        files.extend(others);
    }
    for file in files {
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read `{}`: {e}", file.display())),
        };
        if let Some(fields) = parse(&text).map_err(|e| format!("`{}`: {e}", file.display()))? {
            return Ok(Some(Datasource { file, url: fields.0, direct_url: fields.1 }));
        }
    }
    Ok(None)
}

type Fields = (Option<Value>, Option<Value>);

/// `url` and `directUrl` of the first `datasource NAME { … }` block; `None` without such a block.
fn parse(text: &str) -> Result<Option<Fields>, String> {
    let lines: Vec<String> = text.lines().map(strip_comment).collect();
    let Some(start) = lines.iter().position(|l| {
        let mut words = l.split_whitespace();
        words.next() == Some("datasource") && l.contains('{')
    }) else {
        return Ok(None);
    };
    let (mut url, mut direct_url) = (None, None);
    for line in &lines[start + 1..] {
        let line = line.trim();
        if line.starts_with('}') {
            break;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let slot = match key.trim() {
            "url" => &mut url,
            "directUrl" => &mut direct_url,
            _ => continue,
        };
        *slot = Some(value_of(value.trim()).ok_or_else(|| {
            format!("`{}` must be `env(\"NAME\")` or a string, not `{}`", key.trim(), redact(value.trim()))
        })?);
    }
    Ok(Some((url, direct_url)))
}

/// `env("NAME")` or `"literal"` (Prisma's string escapes `\"` and `\\`).
fn value_of(v: &str) -> Option<Value> {
    if let Some(inner) = v.strip_prefix("env(").and_then(|r| r.strip_suffix(')')) {
        return string(inner.trim()).map(Value::Env);
    }
    string(v).map(Value::Literal)
}

fn string(v: &str) -> Option<String> {
    let inner = v.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next()? } else { c });
    }
    Some(out)
}

/// The line without its `//` comment (a `//` inside a string, as in `postgresql://`, stays).
fn strip_comment(line: &str) -> String {
    let mut in_string = false;
    let mut prev = '\0';
    for (i, c) in line.char_indices() {
        match c {
            '"' if prev != '\\' => in_string = !in_string,
            '/' if !in_string && prev == '/' => return line[..i - 1].to_owned(),
            _ => {}
        }
        prev = c;
    }
    line.to_owned()
}

/// A value for an error message: a literal URL may hold a password.
fn redact(v: &str) -> String {
    prisma_migrations::redact_url(v.trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_url_and_direct_url() {
        let schema = r#"
generator client {
  provider = "prisma-client-js"
  url = "not this one"
}

// datasource old { url = env("NOPE") }
datasource db {
  provider  = "postgresql" // the provider
  url       = env("DATABASE_URL") // pooled: postgresql://pooler:6543
  directUrl = "postgresql://app:s3cr3t@db:5432/app?schema=a\"b"
}

model User { id Int @id }
"#;
        let (url, direct) = parse(schema).unwrap().unwrap();
        assert_eq!(url, Some(Value::Env("DATABASE_URL".into())));
        assert_eq!(direct, Some(Value::Literal("postgresql://app:s3cr3t@db:5432/app?schema=a\"b".into())));
    }

    #[test]
    fn prisma_7_schemas_have_no_url_and_others_no_datasource() {
        assert_eq!(parse("datasource db {\n  provider = \"postgresql\"\n}\n").unwrap(), Some((None, None)));
        assert_eq!(parse("model User { id Int @id }\n").unwrap(), None);
    }

    #[test]
    fn an_unreadable_field_is_an_error_without_the_password() {
        let e = parse("datasource db {\n  directUrl = postgresql://u:s3cr3t@h/db\n}\n").unwrap_err();
        assert!(e.contains("directUrl") && !e.contains("s3cr3t"), "{e}");
    }
}
