//! The lint over real histories written by others (tests/corpus, vendored unchanged with their licences).
//!
//! Each migration is linted as the build saw it when it was new: every earlier migration released (in
//! `checksums.lock`), it the only unreleased one. Every finding is listed below with a review of why it is
//! right; the test fails on a finding not listed or a listed one missing. With nothing released at all, every
//! table is new and the lock rules have nothing to say, which the first assertion shows.

use std::path::Path;

use prisma_migrations_build::lint::{LintConfig, lint};
use prisma_migrations_build::lockfile::LockFile;
use prisma_migrations_build::{Folder, Numbering, Options, Provider};

fn findings(name: &str, provider: Provider, numbering: Numbering) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(name).join("migrations");
    let options = Options { numbering, vague_names: Vec::new(), ..Options::default() };
    let folder = prisma_migrations_build::load(&dir, &options).expect("the corpus folder passes the folder rules");
    assert!(folder.checksums_lock.is_none(), "the corpus has no checksums.lock");
    let all_new = lint(&folder, provider, &LintConfig::default());
    assert!(
        all_new.iter().all(|f| f.rule.name == "ban-concurrent-index-creation-in-transaction"),
        "with nothing released every table is new: {all_new:#?}"
    );
    let mut out = Vec::new();
    for k in 1..folder.migrations.len() {
        let released = &folder.migrations[..k];
        let lock = LockFile::from_pairs(released.iter().map(|m| (m.name.as_str(), m.checksum.as_str())));
        let as_built =
            Folder { migrations: folder.migrations[..=k].to_vec(), checksums_lock: Some(lock), ..folder.clone() };
        let found = lint(&as_built, provider, &LintConfig::default());
        assert!(found.iter().all(|f| f.migration == folder.migrations[k].name), "only the new migration is linted");
        out.extend(found.iter().map(|f| format!("{} {} {}", f.location(), f.rule.name, f.level.as_str())));
    }
    out
}

fn check(name: &str, got: &[String], expected: &[&str]) {
    let missing: Vec<_> = expected.iter().filter(|e| !got.iter().any(|g| g == *e)).collect();
    let unrecorded: Vec<_> = got.iter().filter(|g| !expected.contains(&g.as_str())).collect();
    assert!(
        missing.is_empty() && unrecorded.is_empty(),
        "{name}: findings not recorded: {unrecorded:#?}\nrecorded findings missing: {missing:#?}"
    );
}

#[test]
fn hoppscotch_postgresql() {
    let got = findings("hoppscotch", Provider::Postgresql, Numbering::Timestamp);
    check("hoppscotch", &got, HOPPSCOTCH);
}

#[test]
fn umami_mysql() {
    let got = findings("umami-mysql", Provider::Mysql, Numbering::Sequential);
    check("umami-mysql", &got, UMAMI);
}

/// Hoppscotch: 21 migrations, 20 linted; the rest (new tables with their indexes and foreign keys, nullable
/// columns, columns with constant defaults, `ALTER TYPE … RENAME`, data UPDATEs) gives nothing.
const HOPPSCOTCH: &[&str] = &[
    // require-concurrent-index-creation: indexes built on tables released earlier (`Shortcode`, `TeamCollection`,
    // `TeamRequest`, `UserRequest`, `PublishedDocs`): each blocks writes while it builds.
    "20231106120154_embeds_addition/migration.sql:12:1 require-concurrent-index-creation warn",
    // adding-foreign-key-constraint: foreign keys added to released tables (`Shortcode`; `TeamCollection` and
    // `UserRequest` re-created with ON DELETE CASCADE) validate every row while blocking writes.
    "20231106120154_embeds_addition/migration.sql:15:25 adding-foreign-key-constraint warn",
    "20240226053141_full_text_search_additions/migration.sql:8:1 require-concurrent-index-creation warn",
    "20240226053141_full_text_search_additions/migration.sql:16:1 require-concurrent-index-creation warn",
    // ban-drop-column: `InfraConfig.active` is dropped with its data (the error a reviewer acknowledges).
    "20241118054346_infra_config_sync_with_env_file/migration.sql:2:27 ban-drop-column error",
    // changing-column-type: every TIMESTAMP(3) → TIMESTAMPTZ(3) `USING … AT TIME ZONE 'UTC'` rewrites its table under
    // an exclusive lock; one finding per column, at the column's clause.
    "20250725154928_timestamp_with_timezone/migration.sql:2:23 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:5:27 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:6:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:9:26 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:10:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:11:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:14:28 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:17:35 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:18:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:19:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:22:25 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:23:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:26:30 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:27:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:30:27 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:31:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:34:20 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:35:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:36:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:39:30 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:40:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:43:27 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:46:27 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:47:1 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:50:28 changing-column-type warn",
    "20250725154928_timestamp_with_timezone/migration.sql:53:33 changing-column-type warn",
    // disallowed-unique-constraint: four `ADD CONSTRAINT … UNIQUE … DEFERRABLE` on released tables build their indexes
    // under an exclusive lock (a deferrable constraint cannot use `USING INDEX`, so the acknowledgement is the way).
    "20250822044741_order_index_unique_constraint/migration.sql:4:1 disallowed-unique-constraint warn",
    "20250822044741_order_index_unique_constraint/migration.sql:9:1 disallowed-unique-constraint warn",
    "20250822044741_order_index_unique_constraint/migration.sql:14:1 disallowed-unique-constraint warn",
    "20250822044741_order_index_unique_constraint/migration.sql:19:1 disallowed-unique-constraint warn",
    "20251016080714_mock_server/migration.sql:141:1 require-concurrent-index-creation warn",
    "20251016080714_mock_server/migration.sql:142:1 require-concurrent-index-creation warn",
    "20251203202452_cascade_delete/migration.sql:8:30 adding-foreign-key-constraint warn",
    "20251203202452_cascade_delete/migration.sql:11:27 adding-foreign-key-constraint warn",
    // adding-not-nullable-field: `PublishedDocs.slug` SET NOT NULL after a backfill in the same script: safe from
    // NULLs, but the check still scans the table under an exclusive lock.
    "20251207122817_add_slug_to_published_docs/migration.sql:25:29 adding-not-nullable-field warn",
    "20251207122817_add_slug_to_published_docs/migration.sql:28:1 require-concurrent-index-creation warn",
    "20251207122817_add_slug_to_published_docs/migration.sql:31:1 require-concurrent-index-creation warn",
];
/// Umami (MySQL): 10 migrations, 9 linted; nullable columns added, indexes dropped and new tables give nothing.
const UMAMI: &[&str] = &[
    // renaming-column: Prisma wrote `CHANGE old new` with the same type (compared with 01_init's definition, so no
    // changing-column-type) and `RENAME COLUMN`: the running release still reads the old names.
    "02_report_schema_session_data/migration.sql:2:26 renaming-column error",
    "02_report_schema_session_data/migration.sql:3:26 renaming-column error",
    "02_report_schema_session_data/migration.sql:4:26 renaming-column error",
    "02_report_schema_session_data/migration.sql:5:26 renaming-column error",
    "02_report_schema_session_data/migration.sql:6:26 renaming-column error",
    // ban-drop-table: `team_website` is dropped after its rows were copied into `website` by an UPDATE above; a data
    // loss only a reviewer can clear.
    "04_team_redesign/migration.sql:23:12 ban-drop-table error",
    // adding-not-nullable-field: `website_event.visit_id` MODIFY … NOT NULL after a backfill: same type, only the
    // nullability changes (so not changing-column-type); the table is rebuilt.
    "05_add_visit_id/migration.sql:16:29 adding-not-nullable-field warn",
    "06_session_data/migration.sql:8:26 renaming-column error",
    "06_session_data/migration.sql:11:28 renaming-column error",
    "09_update_hostname_region/migration.sql:16:23 renaming-column error",
    // ban-drop-column: `session.subdivision2` and `session.hostname` are dropped with their data (hostname moved
    // to `website_event` by an UPDATE above).
    "09_update_hostname_region/migration.sql:17:23 ban-drop-column error",
    "09_update_hostname_region/migration.sql:18:23 ban-drop-column error",
];

/// README.md's rule table lists every rule of the catalog, with its default level and why.
#[test]
fn readme_rule_table_is_the_catalog() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).expect("README");
    let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `")).collect();
    for rule in prisma_migrations_build::lint::RULES {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| `{}` |", rule.name)))
            .unwrap_or_else(|| panic!("README.md has no row for `{}`", rule.name));
        assert!(row.contains(rule.why), "README.md's `{}` row has another why: {row}", rule.name);
        assert!(row.ends_with(&format!("| {} |", rule.default.as_str())), "README.md's `{}` default: {row}", rule.name);
    }
}
