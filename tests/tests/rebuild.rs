//! Rebuilds: cargo re-runs `migrations!` when a migration is edited, added or deleted, and when
//! `checksums.lock` or `migration_lock.toml` changes. Builds the `tests/rebuild-fixture` crate (an app with the
//! one-line build.rs) in a scratch copy under the target directory, editing its folder between builds. A lint
//! warning is shown once per crate, though the binary expands the folder four times (`migrations!` and three
//! `#[prisma_migrations::test]` functions).
//!
//! The fixture's own target directory is fixed and reused between runs, so only the first run compiles its
//! dependencies.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const MIGRATIONS: &str = "prisma/migrations";
const USERS: &str = "20250101120000_create_users";
const EMAIL: &str = "20250201120000_add_user_email";
const POSTS: &str = "20250301120000_add_posts";

struct Fixture {
    dir: PathBuf,
    target: PathBuf,
}

impl Fixture {
    /// Copies the fixture crate into `<target>/rebuild-fixture-work`, pointing its path dependencies at this
    /// checkout.
    fn new() -> Self {
        let target_root = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").to_owned();
        let dir = target_root.join("rebuild-fixture-work");
        if dir.exists() {
            fs::remove_dir_all(&dir).expect("clear scratch crate");
        }
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("rebuild-fixture");
        copy_dir(&source, &dir);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repo root");
        let manifest = fs::read_to_string(dir.join("Cargo.toml")).expect("read fixture manifest");
        let manifest = manifest.replace("path = \"../../", &format!("path = \"{}/", repo.display()));
        fs::write(dir.join("Cargo.toml"), manifest).expect("write fixture manifest");
        // The workspace's lock file pins the versions that are already in the registry cache.
        fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
        Self { dir, target: target_root.join("rebuild-fixture-target") }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(MIGRATIONS).join(rel)
    }

    fn build(&self) -> Output {
        let started = Instant::now();
        let out = Command::new(env!("CARGO"))
            .args(["build", "--offline", "--quiet"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("PRISMA_MIGRATIONS_MANIFEST_DIR")
            .env_remove("RUSTFLAGS")
            .output()
            .expect("run cargo build");
        eprintln!("cargo build: {:.2?}, {}", started.elapsed(), if out.status.success() { "ok" } else { "failed" });
        out
    }

    /// Builds, expecting success, runs the binary and checks that it embeds exactly the migrations `names` as
    /// they are on disk now: each printed line is `<name> <checksum> <sql as a Rust string literal>`, compared
    /// with the file's text and its `sha256sum`. Returns the build's stderr.
    fn build_and_run(&self, names: &[&str]) -> String {
        let out = self.build();
        assert!(out.status.success(), "build failed:\n{}", String::from_utf8_lossy(&out.stderr));
        let run = Command::new(self.target.join("debug/rebuild-fixture")).output().expect("run the fixture binary");
        assert!(run.status.success());
        let printed: Vec<String> =
            String::from_utf8(run.stdout).expect("utf-8 output").lines().map(str::to_owned).collect();
        let on_disk: Vec<String> = names
            .iter()
            .map(|name| {
                let file = self.path(&format!("{name}/migration.sql"));
                let sql = fs::read_to_string(&file).expect("read migration.sql");
                format!("{name} {} {sql:?}", sha256sum(&file))
            })
            .collect();
        assert_eq!(printed, on_disk, "the binary embeds the folder as it is now");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Builds, expecting failure, and returns stderr.
    fn build_fails(&self) -> String {
        let out = self.build();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "build succeeded but should have failed:\n{stderr}");
        stderr
    }
}

#[test]
fn macro_reruns_when_the_folder_changes() {
    let f = Fixture::new();
    f.build_and_run(&[USERS, EMAIL]);

    // Edit a released migration: the lock check fails the build.
    let users_sql = f.path(&format!("{USERS}/migration.sql"));
    let original = fs::read_to_string(&users_sql).expect("read");
    fs::write(&users_sql, format!("{original}CREATE INDEX \"users_id_idx\" ON \"users\"(\"id\");\n")).expect("edit");
    let stderr = f.build_fails();
    assert!(
        stderr.contains(&format!("migration `{USERS}` was edited after it was released: `checksums.lock` locks")),
        "{stderr}"
    );

    // Revert: builds again.
    fs::write(&users_sql, &original).expect("revert");
    f.build_and_run(&[USERS, EMAIL]);

    // Add a migration: build.rs's `track` makes cargo rebuild, and the binary has it.
    fs::create_dir(f.path(POSTS)).expect("add migration dir");
    fs::write(f.path(&format!("{POSTS}/migration.sql")), "CREATE TABLE \"posts\" (\"id\" INTEGER PRIMARY KEY);\n")
        .expect("add migration");
    f.build_and_run(&[USERS, EMAIL, POSTS]);

    // Another provider in migration_lock.toml while the code says `provider = "sqlite"`.
    let lock_toml = f.path("migration_lock.toml");
    let original_toml = fs::read_to_string(&lock_toml).expect("read");
    fs::write(&lock_toml, original_toml.replace("\"sqlite\"", "\"postgresql\"")).expect("edit");
    let stderr = f.build_fails();
    assert!(
        stderr.contains("`migration_lock.toml` says provider `postgresql` but `sqlite` was given (Prisma P3019)"),
        "{stderr}"
    );
    fs::write(&lock_toml, &original_toml).expect("revert");
    f.build_and_run(&[USERS, EMAIL, POSTS]);

    // A damaged checksums.lock.
    let checksums = f.path("checksums.lock");
    let original_lock = fs::read_to_string(&checksums).expect("read");
    fs::write(&checksums, format!("{original_lock}{POSTS}\n")).expect("edit");
    let stderr = f.build_fails();
    assert!(stderr.contains("`checksums.lock` line 6: expected `<migration name> <sha256>`"), "{stderr}");
    fs::write(&checksums, &original_lock).expect("revert");
    f.build_and_run(&[USERS, EMAIL, POSTS]);

    // Edit the migration nobody released yet (not in `checksums.lock`): it rebuilds with the new SQL and
    // checksum; delete it: it rebuilds without it.
    let posts_sql = f.path(&format!("{POSTS}/migration.sql"));
    fs::write(&posts_sql, "CREATE TABLE \"posts\" (\"id\" INTEGER PRIMARY KEY, \"title\" TEXT);\n").expect("edit");
    f.build_and_run(&[USERS, EMAIL, POSTS]);

    // A lint warning (SQLite's table redefinition, as Prisma writes it): once per crate, at its first expansion.
    fs::write(&posts_sql, REDEFINE_USERS).expect("edit");
    let stderr = f.build_and_run(&[USERS, EMAIL, POSTS]);
    assert_eq!(
        lint_warnings(&stderr),
        ["src/lib.rs redefining-table", "src/main.rs redefining-table"],
        "one warning per crate:\n{stderr}"
    );
    fs::remove_dir_all(f.path(POSTS)).expect("delete migration");
    f.build_and_run(&[USERS, EMAIL]);

    // Delete a released migration.
    fs::remove_dir_all(f.path(EMAIL)).expect("delete migration");
    let stderr = f.build_fails();
    assert!(stderr.contains(&format!("migration `{EMAIL}` is in `checksums.lock` but its folder is gone")), "{stderr}");
}

/// Prisma's SQLite redefinition of `users` (`prisma migrate dev` after making a column required, here keeping
/// every column as it was): the lint's `redefining-table` warning and nothing else.
const REDEFINE_USERS: &str = r#"-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_users" ("id" INTEGER PRIMARY KEY, "email" TEXT);
INSERT INTO "new_users" ("id", "email") SELECT "id", "email" FROM "users";
DROP TABLE "users";
ALTER TABLE "new_users" RENAME TO "users";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
"#;

/// `<file> <rule>` of each lint warning in cargo's stderr, in order: rustc's `use of deprecated` warning whose
/// note reads `<location> <statement> <what> (<rule>): <why>…`, and the `-->` line under it.
fn lint_warnings(stderr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        // rustc names the item after the one the macro is in: `MIGRATIONS::_::prisma_migrations_lint`.
        let Some((_, note)) = line
            .strip_prefix("warning: use of deprecated unit struct `")
            .and_then(|rest| rest.split_once("prisma_migrations_lint`: "))
        else {
            continue;
        };
        let rule = note.split_once("): ").and_then(|(head, _)| head.rsplit_once(" (")).map_or(note, |(_, rule)| rule);
        let at = lines.next().and_then(|l| l.trim_start().strip_prefix("--> ")).expect("a `-->` line under a warning");
        let file = at.split(':').next().expect("a path");
        out.push(format!("{file} {rule}"));
    }
    out
}

/// The file's sha256 by `sha256sum` (coreutils): an oracle independent of the code under test.
fn sha256sum(file: &Path) -> String {
    let out = Command::new("sha256sum").arg(file).output().expect("run sha256sum (coreutils)");
    assert!(out.status.success(), "sha256sum {}", file.display());
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().expect("sha256sum's output").to_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("list dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            // The fixture never has its own target dir in the checkout, but skip one if a person built it there.
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            fs::copy(entry.path(), target).expect("copy file");
        }
    }
}
