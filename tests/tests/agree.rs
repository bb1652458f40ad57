//! The compile-time embedding (`migrations!`) and the run-time scan (`Migrations::load`, build-support) agree
//! field by field on every valid fixture: they are the same code path, and this proves the macro's expansion
//! loses nothing on the way (CRLF, BOM, `down.sql`, numbered and exempt names, lock files).

use prisma_migrations::build::{Numbering, Options};
use prisma_migrations::{Migrations, migrations};

static BASIC: Migrations = migrations!("fixtures/valid-basic");
static CRLF_BOM: Migrations = migrations!("fixtures/valid-crlf-bom");
static LOCKED: Migrations = migrations!("fixtures/valid-locked", provider = "sqlite");
static NUMBERED: Migrations = migrations!("fixtures/valid-numbered", numbering = "sequential");
static EXEMPT: Migrations = migrations!("fixtures/valid-exempt", exempt_until = "20190303000000_fix", vague_names = []);
static NONE: Migrations = migrations!("fixtures/valid-no-migrations", provider = "sqlite");
// Breaks every authoring rule, but each migration is in its checksums.lock: the build accepts it.
static LEGACY: Migrations = migrations!("fixtures/legacy-history");

fn load(dir: &str, options: &Options) -> Migrations {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(dir);
    Migrations::load(&path, options).unwrap_or_else(|e| panic!("{dir}: {e}"))
}

fn assert_agree(embedded: &Migrations, dir: &str, options: &Options) {
    let loaded = load(dir, options);
    assert_eq!(embedded.provider(), loaded.provider(), "{dir}: provider");
    let names = |m: &Migrations| m.iter().map(|m| m.name().to_owned()).collect::<Vec<_>>();
    assert_eq!(names(embedded), names(&loaded), "{dir}: names and order");
    for (e, l) in embedded.iter().zip(loaded.iter()) {
        let n = e.name();
        assert_eq!(e.timestamp(), l.timestamp(), "{dir}/{n}: timestamp");
        assert_eq!(e.slug(), l.slug(), "{dir}/{n}: slug");
        assert_eq!(e.sql(), l.sql(), "{dir}/{n}: sql");
        assert_eq!(e.down_sql(), l.down_sql(), "{dir}/{n}: down_sql");
        assert_eq!(e.checksum(), l.checksum(), "{dir}/{n}: checksum");
    }
    assert_eq!(embedded, &loaded, "{dir}: whole value");
}

#[test]
fn basic_with_lock_toml_and_down_sql() {
    assert_agree(&BASIC, "valid-basic", &Options::default());
    assert_eq!(BASIC.provider(), Some(prisma_migrations::build::Provider::Postgresql));
    assert_eq!(BASIC.iter().filter(|m| m.down_sql().is_some()).count(), 1);
}

#[test]
fn crlf_and_bom_are_embedded_byte_for_byte() {
    assert_agree(&CRLF_BOM, "valid-crlf-bom", &Options::default());
    let crlf = CRLF_BOM.get("20250101120000_create_crlf_table").unwrap();
    assert!(crlf.sql().contains("\r\n"));
    // Prisma hashes the file as it is, CRLF and BOM included: these are `sha256sum migration.sql`.
    assert_eq!(crlf.checksum(), "cf97d614cff0dd6e05c045689a4d9654a9d05a97b9a0b57a8125bcc796eeb844");
    let bom = CRLF_BOM.get("20250102120000_create_bom_table").unwrap();
    assert!(bom.sql().starts_with('\u{feff}'));
    assert_eq!(bom.checksum(), "ff7abe40724a9a66615f1cdc0f86e4a7c11e8644661ea4bcd75bc210cfb2b49b");
    assert_eq!(bom.down_sql(), Some("\u{feff}DROP TABLE \"bom\";\r\n"));
}

#[test]
fn locked_folder() {
    let options = Options { provider: Some("sqlite".into()), ..Options::default() };
    assert_agree(&LOCKED, "valid-locked", &options);
}

#[test]
fn numbered_folders() {
    let options = Options { numbering: Numbering::Sequential, ..Options::default() };
    assert_agree(&NUMBERED, "valid-numbered", &options);
    assert_eq!(NUMBERED.provider(), Some(prisma_migrations::build::Provider::Mysql));
}

#[test]
fn exempt_history() {
    let options =
        Options { exempt_until: Some("20190303000000_fix".into()), vague_names: Vec::new(), ..Options::default() };
    assert_agree(&EXEMPT, "valid-exempt", &options);
    let dashed = EXEMPT.get("20190202000000-add-users").unwrap();
    assert_eq!((dashed.timestamp(), dashed.slug()), ("", "20190202000000-add-users"));
}

#[test]
fn folder_without_migrations() {
    let options = Options { provider: Some("sqlite".into()), ..Options::default() };
    assert_agree(&NONE, "valid-no-migrations", &options);
    assert!(NONE.is_empty());
}

#[test]
fn adopted_legacy_history_in_prisma_order() {
    assert_agree(&LEGACY, "legacy-history", &Options::default());
    let names: Vec<&str> = LEGACY.iter().map(prisma_migrations::Migration::name).collect();
    // localeCompare's order (tests/tests/prisma_folders.rs checks it against Node), not byte order.
    let pairs = [
        ("20200115093000_add_post_tags", "20200115093000_AddPosts"),
        ("20210310120000_a_b", "20210310120000_a1"),
        ("20230615000000_add_comments", "20230615000000_Add_Comments_Index"),
    ];
    for (first, then) in pairs {
        let at = |n: &str| names.iter().position(|m| *m == n).unwrap_or_else(|| panic!("{n} missing"));
        assert!(at(first) < at(then), "{first} before {then}: {names:?}");
    }
}
