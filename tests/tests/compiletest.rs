//! trybuild suite for `migrations!`, `#[derive(Migrations)]` and `#[prisma_migrations::test]`: `ui/*.rs` must fail
//! to compile with the `.stderr` beside them, `ui/pass/*.rs` must compile and run (paths relative to this package).
//!
//! trybuild compiles the cases in a crate of its own, so the macros resolve folders against
//! `PRISMA_MIGRATIONS_MANIFEST_DIR`: a scratch copy of `tests/fixtures` under `CARGO_TARGET_TMPDIR`, completed
//! with the fixtures git cannot hold (a non-UTF-8 script, an empty folder, a broken link, a symlinked folder) and
//! the legacy history without its `checksums.lock`, and the one SQL fixture of the attribute's cases
//! (`fixtures/users.sql`: the attribute reads `<manifest dir>/fixtures/`). Setting an
//! environment variable in-process needs `unsafe` (forbidden here), so the test re-runs itself with it set.

use std::path::{Path, PathBuf};
use std::{env, fs, process};

const VAR: &str = "PRISMA_MIGRATIONS_MANIFEST_DIR";
/// Set on the re-run only, so a `PRISMA_MIGRATIONS_MANIFEST_DIR` left in the caller's environment changes nothing.
const CHILD: &str = "PRISMA_MIGRATIONS_UI_CHILD";

#[test]
fn ui() {
    if env::var_os(CHILD).is_some() {
        let t = trybuild::TestCases::new();
        t.compile_fail("ui/*.rs");
        t.pass("ui/pass/*.rs");
        return;
    }
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("prisma-migrations-ui");
    prepare(&root);
    let status = process::Command::new(env::current_exe().expect("test binary path"))
        .args(["ui", "--exact", "--nocapture", "--test-threads=1"])
        .env(VAR, &root)
        .env(CHILD, "1")
        .status()
        .expect("re-run the test binary");
    assert!(status.success(), "trybuild cases failed (see above)");
}

fn prepare(root: &Path) {
    if root.exists() {
        fs::remove_dir_all(root).expect("clear scratch fixtures");
    }
    let fixtures = root.join("fixtures");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"), &fixtures);
    let create = |path: PathBuf, bytes: &[u8]| {
        fs::create_dir_all(path.parent().expect("has parent")).expect("create fixture dir");
        fs::write(path, bytes).expect("write fixture file");
    };
    let sql = b"CREATE TABLE \"users\" (\"id\" INTEGER PRIMARY KEY);\n";
    create(
        fixtures.join("non-utf8-script/20250101120000_create_users/migration.sql"),
        b"-- caf\xe9 in Latin-1\nSELECT 1;\n",
    );
    create(fixtures.join("non-utf8-down-sql/20250101120000_create_users/migration.sql"), sql);
    create(fixtures.join("non-utf8-down-sql/20250101120000_create_users/down.sql"), b"DROP TABLE \"users\"; -- \xff\n");
    create(fixtures.join("empty-migration-dir/20250101120000_create_users/migration.sql"), sql);
    fs::create_dir_all(fixtures.join("empty-migration-dir/20250102120000_add_posts")).expect("create empty dir");
    create(fixtures.join("broken-link/20250101120000_create_users/migration.sql"), sql);
    std::os::unix::fs::symlink("does-not-exist", fixtures.join("broken-link/20250102120000_add_posts"))
        .expect("create broken link");
    create(fixtures.join("symlinked-folder/20250101120000_create_users/migration.sql"), sql);
    std::os::unix::fs::symlink(
        "20250101120000_create_users",
        fixtures.join("symlinked-folder/20250102120000_add_posts"),
    )
    .expect("create symlinked folder");
    create(fixtures.join("users.sql"), b"INSERT INTO \"users\" (\"id\") VALUES (1);\n");
    copy_dir(&fixtures.join("legacy-history"), &fixtures.join("legacy-history-unlocked"));
    fs::remove_file(fixtures.join("legacy-history-unlocked/checksums.lock")).expect("unlock the legacy history");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("list fixtures") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy fixture");
        }
    }
}
