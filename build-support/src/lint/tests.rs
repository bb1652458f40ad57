//! The engine: acknowledgements, levels, released migrations, positions.

use std::path::PathBuf;

use proptest::prelude::*;

use super::{Level, LintConfig, lint};
use crate::lockfile::LockFile;
use crate::{Folder, Provider, ScannedMigration, checksum};

fn folder(scripts: &[(&str, &str)], locked: &[&str]) -> Folder {
    let migrations = scripts
        .iter()
        .map(|(name, sql)| ScannedMigration {
            name: (*name).to_owned(),
            sql_path: PathBuf::from(name).join("migration.sql"),
            sql: (*sql).to_owned(),
            checksum: checksum::checksum(sql),
            down_path: None,
            down_sql: None,
        })
        .collect();
    let lock = (!locked.is_empty()).then(|| LockFile::from_pairs(locked.iter().map(|n| (*n, "0".repeat(64)))));
    Folder { dir: PathBuf::from("m"), migrations, lock_toml: None, checksums_lock: lock, files_read: Vec::new() }
}

fn found(f: &Folder, config: &LintConfig) -> Vec<(String, &'static str, Level)> {
    lint(f, Provider::Postgresql, config).into_iter().map(|x| (x.location(), x.rule.name, x.level)).collect()
}

const DROP: &str = "-- AlterTable\nALTER TABLE \"users\" DROP COLUMN \"email\";\n";

#[test]
fn released_migrations_are_not_linted() {
    let f = folder(&[("1_a", DROP), ("2_b", DROP)], &["1_a"]);
    assert_eq!(
        found(&f, &LintConfig::default()),
        [("2_b/migration.sql:2:21".to_owned(), "ban-drop-column", Level::Error)]
    );
}

#[test]
fn acknowledgements() {
    let ok =
        "-- prisma-migrations: allow ban-drop-column: unused since v2\nALTER TABLE \"users\" DROP COLUMN \"email\";";
    let file = "-- prisma-migrations: allow-file ban-drop-column: unused since v2\nSELECT 1;\nALTER TABLE \"users\" DROP COLUMN \"email\";";
    let other = "-- prisma-migrations: allow ban-drop-column: only the next one\nSELECT 1;\nALTER TABLE \"users\" DROP COLUMN \"email\";";
    let no_reason = "-- prisma-migrations: allow ban-drop-column\nALTER TABLE \"users\" DROP COLUMN \"email\";";
    let unknown = "-- prisma-migrations: allow drop-everything: yes\nSELECT 1;";
    let config = LintConfig::default();
    assert_eq!(found(&folder(&[("1_a", ok)], &[]), &config), []);
    assert_eq!(found(&folder(&[("1_a", file)], &[]), &config), []);
    let got = found(&folder(&[("1_a", no_reason)], &[]), &config);
    assert_eq!(got.iter().map(|g| g.1).collect::<Vec<_>>(), ["invalid-acknowledgement", "ban-drop-column"]);
    assert_eq!(got[0].0, "1_a/migration.sql:1:1");
    assert_eq!(found(&folder(&[("1_a", unknown)], &[]), &config)[0].1, "invalid-acknowledgement");
    // One that covers nothing: the statement below breaks no such rule.
    let stale = found(&folder(&[("1_a", other)], &[]), &config);
    assert_eq!(stale.iter().map(|g| g.1).collect::<Vec<_>>(), ["ban-drop-column", "invalid-acknowledgement"]);
    assert_eq!(stale[1].0, "1_a/migration.sql:1:1");
    let stale_file = "-- prisma-migrations: allow-file ban-drop-table: nothing is dropped\nSELECT 1;";
    assert_eq!(found(&folder(&[("1_a", stale_file)], &[]), &config)[0].1, "invalid-acknowledgement");
}

#[test]
fn levels() {
    let f = folder(&[("1_a", DROP)], &[]);
    let off = LintConfig { levels: vec![("ban-drop-column".to_owned(), Level::Off)] };
    let warn = LintConfig { levels: vec![("ban-drop-column".to_owned(), Level::Warn)] };
    assert_eq!(found(&f, &off), []);
    assert_eq!(found(&f, &warn)[0].2, Level::Warn);
    assert!(LintConfig::parse_setting("ban-drop-colum", "off").unwrap_err().contains("unknown lint rule"));
    assert!(LintConfig::parse_setting("ban-drop-column", "loud").unwrap_err().contains("unknown lint level"));
}

#[test]
fn message_names_location_rule_and_remedy() {
    let f = folder(&[("20250101120000_drop_email", DROP)], &[]);
    let m = lint(&f, Provider::Postgresql, &LintConfig::default())[0].message();
    assert!(m.starts_with("`20250101120000_drop_email/migration.sql:2:21` `ALTER TABLE \"users\" DROP COLUMN \"email\"` drops column `email` of `users` (ban-drop-column): "), "{m}");
    assert!(m.ends_with("`-- prisma-migrations: allow ban-drop-column: <reason>`"), "{m}");
}

proptest! {
    #[test]
    fn never_panics(sql in "(\\PC|[;'\"`$()\\[\\]\\-*/\\\\\n])*", which in 0usize..4) {
        let provider = [Provider::Postgresql, Provider::Mysql, Provider::Sqlite, Provider::Cockroachdb][which];
        let f = folder(&[("1_a", &sql), ("2_b", &sql)], &["1_a"]);
        for finding in lint(&f, provider, &LintConfig::default()) {
            prop_assert!(finding.line >= 1 && finding.col >= 1);
            let _ = finding.message();
        }
    }

    #[test]
    fn never_panics_on_sql_words(words in proptest::collection::vec(prop::sample::select(vec![
        "ALTER", "TABLE", "\"t\"", "ADD", "DROP", "COLUMN", "CREATE", "INDEX", "ON", "(", ")", ",", ";", "RENAME",
        "TO", "NOT", "NULL", "DEFAULT", "ENUM", "'a'", "MODIFY", "CHANGE", "CONCURRENTLY", "UNIQUE", "CONSTRAINT",
        "FOREIGN", "KEY", "BEGIN", "END", "TRIGGER", "CASE", "-- prisma-migrations: allow", ":", "TYPE", "SET",
    ]), 0..60), which in 0usize..3) {
        let provider = [Provider::Postgresql, Provider::Mysql, Provider::Sqlite][which];
        let sql = words.join(" ");
        let f = folder(&[("1_a", &sql), ("2_b", &sql)], &["1_a"]);
        let _ = lint(&f, provider, &LintConfig::default());
    }
}
