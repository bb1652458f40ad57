//! `checksums.lock`: the committed list of released migrations and their checksums.
//!
//! A header of `#` comments, then one `<name> <sha256>` line per released migration, in folder order. Prisma
//! ignores plain files in the migrations folder, so the file coexists with it. It is written only by an
//! explicit command, never during a build.

use std::fmt;

/// The file name, inside the migrations folder.
pub const FILE_NAME: &str = "checksums.lock";

/// One locked migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEntry {
    /// The migration's folder name.
    pub name: String,
    /// Its checksum when it was locked (64 lowercase hex digits).
    pub checksum: String,
    /// 1-based line number in the file it was read from (0 when built in memory).
    pub line: usize,
}

/// The parsed contents of a `checksums.lock`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockFile {
    /// Entries in file order.
    pub entries: Vec<LockEntry>,
}

/// A line of `checksums.lock` that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for LockParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl LockFile {
    /// Builds a lock file from `(name, checksum)` pairs, in the given order.
    pub fn from_pairs<N: Into<String>, C: Into<String>>(pairs: impl IntoIterator<Item = (N, C)>) -> Self {
        Self {
            entries: pairs
                .into_iter()
                .map(|(name, checksum)| LockEntry { name: name.into(), checksum: checksum.into(), line: 0 })
                .collect(),
        }
    }

    /// The entry for a migration name.
    pub fn get(&self, name: &str) -> Option<&LockEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// Parses the file. Every bad line is reported, not only the first.
    pub fn parse(text: &str) -> Result<Self, Vec<LockParseError>> {
        let mut entries: Vec<LockEntry> = Vec::new();
        let mut errors = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = raw.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let mut fields = content.split_whitespace();
            let (Some(name), Some(checksum), None) = (fields.next(), fields.next(), fields.next()) else {
                errors.push(LockParseError { line, reason: "expected `<migration name> <sha256>`".into() });
                continue;
            };
            if !crate::checksum::is_well_formed(checksum) {
                errors.push(LockParseError {
                    line,
                    reason: format!("`{checksum}` is not a sha256 checksum (64 lowercase hex digits)"),
                });
                continue;
            }
            if let Some(first) = entries.iter().find(|e| e.name == name) {
                errors.push(LockParseError {
                    line,
                    reason: format!("`{name}` is already locked on line {}", first.line),
                });
                continue;
            }
            entries.push(LockEntry { name: name.into(), checksum: checksum.into(), line });
        }
        if errors.is_empty() { Ok(Self { entries }) } else { Err(errors) }
    }

    /// Renders the file: the header, then one line per entry.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# checksums.lock: migrations that were released, with the sha256 of their migration.sql.\n\
             # Written by `prisma-migrations lock`; the build fails when a listed migration is edited or deleted,\n\
             # or when a new migration sorts before the last one listed. Commit this file; do not edit it by hand.\n",
        );
        for e in &self.entries {
            out.push_str(&e.name);
            out.push(' ');
            out.push_str(&e.checksum);
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SUM: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    #[test]
    fn parses_rendered_file() {
        let lock = LockFile::from_pairs([("20250101120000_init", SUM)]);
        let parsed = LockFile::parse(&lock.render()).unwrap();
        assert_eq!(parsed.entries.len(), 1);
        assert_eq!(parsed.entries[0].name, "20250101120000_init");
        assert_eq!(parsed.entries[0].line, 4);
    }

    #[test]
    fn tolerates_crlf_and_blank_lines() {
        let text = format!("# x\r\n\r\n20250101120000_init {SUM}\r\n");
        assert_eq!(LockFile::parse(&text).unwrap().entries[0].checksum, SUM);
    }

    #[test]
    fn reports_every_bad_line() {
        let text = format!("a {SUM}\nb\nc XYZ\na {SUM}\nd {SUM} extra\n");
        let errs = LockFile::parse(&text).unwrap_err();
        assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3, 4, 5]);
        assert_eq!(errs[2].to_string(), "line 4: `a` is already locked on line 1");
    }

    proptest! {
        #[test]
        fn round_trip(entries in proptest::collection::btree_map("[0-9]{14}_[a-z0-9_]{1,30}", "[0-9a-f]{64}", 0..20)) {
            let lock = LockFile::from_pairs(entries.clone());
            let parsed = LockFile::parse(&lock.render()).unwrap();
            let got: Vec<(String, String)> = parsed.entries.into_iter().map(|e| (e.name, e.checksum)).collect();
            let want: Vec<(String, String)> = entries.into_iter().collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,200}") {
            let _ = LockFile::parse(&text);
        }
    }
}
