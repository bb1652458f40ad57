//! `prisma_migrations_cli` inside an application: the same commands over migrations embedded in the program
//! (here loaded once, as `migrations!()` would embed them), with no migrations folder needed at run time
//! except by `lock`.

use std::process::ExitCode;

use prisma_migrations_cli as cli;
use prisma_migrations_tests::{MigrationsDir, sqlite};

fn folder() -> MigrationsDir {
    MigrationsDir::new()
        .add("20250101120000_init", "CREATE TABLE \"User\" (\"id\" INTEGER PRIMARY KEY);\n")
        .add("20250102120000_add_posts", "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY);\n")
}

#[tokio::test]
async fn embedded_migrations_need_no_folder() {
    let dir = folder();
    let migrations = dir.load();
    let db = sqlite();
    let url = db.url();
    // The folder is gone at run time: the program carries its migrations.
    let nowhere = dir.root().join("gone/migrations");
    let nowhere = nowhere.to_str().unwrap();
    let run = |args: &'static [&'static str]| {
        let mut all = vec!["myapp"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--database-url", &url, "--migrations", nowhere, "--json"]);
        cli::run_async(Some(&migrations), all.into_iter().map(str::to_owned).collect::<Vec<_>>())
    };
    assert_eq!(run(&["migrate", "status"]).await, ExitCode::FAILURE, "no database yet");
    assert_eq!(run(&["migrate", "deploy"]).await, ExitCode::SUCCESS);
    assert_eq!(run(&["migrate", "status"]).await, ExitCode::SUCCESS);
    assert_eq!(run(&["verify"]).await, ExitCode::SUCCESS);
    assert!(db.path().is_file());
    // lock writes the folder's checksums.lock, so it needs the folder.
    assert_eq!(run(&["lock"]).await, ExitCode::FAILURE);
    let real = dir.path();
    let lock = cli::run_async(
        Some(&migrations),
        ["myapp", "lock", "--migrations", real.to_str().unwrap(), "--json"].map(str::to_owned),
    )
    .await;
    assert_eq!(lock, ExitCode::SUCCESS);
    assert!(real.join("checksums.lock").is_file());
    // Usage errors exit 2, as the binary's.
    let bad = cli::run_async(Some(&migrations), ["myapp", "migrate", "resolve"].map(str::to_owned)).await;
    assert_eq!(bad, ExitCode::from(2));
}

#[test]
fn run_with_builds_its_own_runtime() {
    let dir = folder();
    let migrations = dir.load();
    let db = sqlite();
    let url = db.url();
    let code =
        cli::run_with(Some(&migrations), ["myapp", "migrate", "deploy", "--json", "--database-url", url.as_str()]);
    assert_eq!(code, ExitCode::SUCCESS);
    let code = cli::run_with(Some(&migrations), ["myapp", "verify", "--json", "--database-url", url.as_str()]);
    assert_eq!(code, ExitCode::SUCCESS);
}
