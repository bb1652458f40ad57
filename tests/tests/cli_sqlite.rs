//! The `prisma-migrations` binary on SQLite: every command's text and `--json` output and exit code, `.env`
//! loading and relative `file:` URLs, and the real Prisma CLI's view after our deploy.

mod cli_support;

use std::path::{Path, PathBuf};

use cli_support::{json_has, list, pm, q};
use prisma_migrations_tests::{MigrationsDir, oracle};

const INIT: &str = "20250101120000_init";
const POSTS: &str = "20250102120000_add_posts";
const TAGS: &str = "20250103120000_add_tags";

fn folder() -> MigrationsDir {
    MigrationsDir::new()
        .add(INIT, "CREATE TABLE \"User\" (\"id\" INTEGER PRIMARY KEY, \"email\" TEXT NOT NULL);\n")
        .add(POSTS, "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY, \"title\" TEXT);\n")
}

fn db_path(dir: &MigrationsDir) -> PathBuf {
    dir.root().join("prisma/dev.db")
}

async fn tables(path: &Path) -> Vec<String> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display())).await.unwrap();
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    names.into_iter().map(|(n,)| n).collect()
}

#[test]
fn env_file_and_relative_sqlite_url() {
    let dir = folder();
    std::fs::write(
        dir.root().join(".env"),
        "# local settings\nexport DATABASE_URL=\"file:./dev.db\" # relative to prisma/\n",
    )
    .unwrap();
    let run = pm(dir.root()).run(&["migrate", "deploy"]);
    run.expect(0).has(&[
        "Environment variables loaded from .env",
        "Datasource: SQLite database \"dev.db\"",
        "Created the database",
        "2 migrations found in prisma/migrations",
        &format!("Applying {INIT} … done ("),
        &format!("Applying {POSTS} … done ("),
        "The following migration(s) have been applied:",
        "All migrations have been successfully applied.",
    ]);
    assert!(db_path(&dir).is_file(), "file:./dev.db resolves against prisma/, as Prisma does");
    assert!(!run.all().contains("\x1b["), "no colours when piped");

    pm(dir.root()).run(&["migrate", "deploy"]).expect(0).has(&["No pending migrations to apply."]);

    // The real environment wins over .env.
    pm(dir.root())
        .env("DATABASE_URL", "file:./other.db")
        .run(&["migrate", "status"])
        .expect(1)
        .has(&["Error: P1003", "other.db"]);

    // prisma/.env is read too (beside the migrations folder).
    std::fs::remove_file(dir.root().join(".env")).unwrap();
    std::fs::write(dir.root().join("prisma/.env"), "DATABASE_URL='file:./dev.db'\n").unwrap();
    pm(dir.root())
        .run(&["migrate", "status"])
        .expect(0)
        .has(&["Environment variables loaded from prisma/.env", "Database schema is up to date!"]);

    // --database-url wins over everything.
    let url = format!("file:{}", db_path(&dir).display());
    pm(dir.root()).env("DATABASE_URL", "file:./nope.db").run(&["migrate", "status", "--database-url", &url]).expect(0);
}

#[tokio::test]
async fn status_in_every_state_text_and_json() {
    let dir = folder();
    let url = format!("file:{}", db_path(&dir).display());
    let pm = pm(dir.root()).env("DATABASE_URL", &url);

    // No database at all: P1003, as Prisma's status.
    let run = pm.run(&["migrate", "status", "--json"]);
    run.expect(1);
    json_has(run.json(), "code", &q("P1003"));
    json_has(run.json(), "ok", "false");

    // No table: the pending list, as Prisma's status prints it (cli_postgres.rs checks that with the oracle).
    std::fs::File::create(db_path(&dir)).unwrap();
    pm.run(&["migrate", "status"]).expect(1).has(&["have not yet been applied:", INIT, "migrate deploy"]);
    let run = pm.run(&["migrate", "status", "--json"]);
    run.expect(1);
    json_has(run.json(), "table_exists", "false");
    json_has(run.json(), "pending", &list(&[INIT, POSTS]));
    json_has(run.json(), "code", "null");

    // Up to date.
    pm.run(&["migrate", "deploy"]).expect(0);
    pm.run(&["migrate", "status"])
        .expect(0)
        .has(&["2 migrations found in prisma/migrations", "Database schema is up to date!"]);
    let run = pm.run(&["migrate", "status", "--json"]);
    run.expect(0);
    for (k, v) in
        [("ok", "true"), ("up_to_date", "true"), ("table_exists", "true"), ("pending", "[]"), ("error", "null")]
    {
        json_has(run.json(), k, v);
    }
    json_has(run.json(), "applied", &list(&[INIT, POSTS]));

    // Pending.
    dir.write(TAGS, "CREATE TABLE \"Tag\" (\"id\" INTEGER PRIMARY KEY);\n");
    pm.run(&["migrate", "status"]).expect(1).has(&["Following migration(s) have not yet been applied:", TAGS]);
    let run = pm.run(&["migrate", "status", "--json"]);
    run.expect(1);
    json_has(run.json(), "pending", &list(&[TAGS]));
    json_has(run.json(), "ok", "false");

    // Failed (P3018 on deploy, then P3009), and resolved.
    dir.write(TAGS, "CREATE TABLE \"Tag\" (\"id\" INTEGER PRIMARY KEY);\nINSERT INTO \"Nope\" VALUES (1);\n");
    pm.run(&["migrate", "deploy"]).expect(1).has(&[
        &format!("Applying {TAGS} … failed"),
        "Error: P3018",
        &format!("prisma-migrations migrate resolve --rolled-back \"{TAGS}\""),
        &format!("prisma-migrations migrate resolve --applied \"{TAGS}\""),
    ]);
    pm.run(&["migrate", "status"]).expect(1).has(&["Following migration(s) have failed:", TAGS, "--rolled-back"]);
    let run = pm.run(&["migrate", "status", "--json"]);
    json_has(run.expect(1).json(), "failed", &list(&[TAGS]));
    let run = pm.run(&["migrate", "deploy"]);
    run.expect(1).has(&["Error: P3009", TAGS, "migrate resolve --rolled-back"]);
    let run = pm.run(&["migrate", "deploy", "--json"]);
    json_has(run.expect(1).json(), "code", &q("P3009"));
    assert!(run.stderr.is_empty(), "--json prints nothing but the document: {}", run.stderr);
    let run = pm.run(&["migrate", "resolve", "--rolled-back", TAGS]);
    run.expect(0).has(&[&format!("Migration {TAGS} marked as rolled back.")]);
    // SQLite ran the CREATE before the failing INSERT: undo it as the user would, then deploy the fixed file.
    pm.clone().stdin("DROP TABLE \"Tag\";").run(&["db", "execute", "--stdin"]).expect(0);
    dir.write(TAGS, "CREATE TABLE \"Tag\" (\"id\" INTEGER PRIMARY KEY);\n");
    pm.run(&["migrate", "deploy"]).expect(0).has(&[&format!("Applying {TAGS} … done")]);
    let run = pm.run(&["migrate", "resolve", "--applied", TAGS, "--json"]);
    json_has(run.expect(1).json(), "code", &q("P3008"));

    // Edited after being applied: reported by status, refused by a strict deploy, accepted with --allow-edited.
    dir.write(POSTS, "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY, \"title\" TEXT, \"body\" TEXT);\n");
    pm.run(&["migrate", "status"]).expect(1).has(&["were modified after they were applied", POSTS]);
    json_has(pm.run(&["migrate", "status", "--json"]).expect(1).json(), "edited", &list(&[POSTS]));
    pm.run(&["migrate", "deploy"]).expect(1).has(&["edited", POSTS, "--allow-edited"]);
    pm.run(&["migrate", "deploy", "--allow-edited"]).expect(0).has(&["No pending migrations to apply."]);
    dir.write(POSTS, "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY, \"title\" TEXT);\n");

    // Missing locally.
    dir.remove(TAGS);
    pm.run(&["migrate", "status"]).expect(1).has(&["missing from prisma/migrations", TAGS]);
    let run = pm.run(&["migrate", "status", "--json"]);
    json_has(run.expect(1).json(), "missing_locally", &list(&[TAGS]));
    pm.run(&["migrate", "deploy"]).expect(1).has(&[TAGS, "--allow-missing"]);
    pm.run(&["verify", "--allow-missing"]).expect(0);
}

#[tokio::test]
async fn verify_and_plan() {
    let dir = folder();
    let url = format!("file:{}", db_path(&dir).display());
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    // No database yet: plan lists everything and says deploy creates it; verify is P1003 and says how to create
    // it; neither creates anything.
    let run = pm.run(&["plan"]);
    run.expect(0).has(&["would apply 2 migrations", "after creating the database", INIT, POSTS]);
    json_has(pm.run(&["plan", "--json"]).expect(0).json(), "creates_database", "true");
    pm.run(&["verify"]).expect(1).has(&["Error: P1003", "dev.db", "migrate deploy` creates it"]);
    assert!(!db_path(&dir).exists(), "plan and verify create nothing");
    pm.run(&["migrate", "deploy"]).expect(0).has(&["Created the database"]);
    pm.run(&["verify"]).expect(0).has(&["up to date with the 2 migrations"]);
    json_has(pm.run(&["verify", "--json"]).expect(0).json(), "up_to_date", "true");

    dir.write(TAGS, "CREATE TABLE \"Tag\" (\"id\" INTEGER PRIMARY KEY);\n");
    pm.run(&["verify"]).expect(1).has(&["not up to date", TAGS, "migrate deploy"]);
    let run = pm.run(&["verify", "--json"]);
    json_has(run.expect(1).json(), "pending", &list(&[TAGS]));
    json_has(run.json(), "up_to_date", "false");

    // plan: the SQL deploy would run, in order, as a script; nothing written.
    dir.write("20250104120000_add_likes", "CREATE TABLE \"Like\" (\"id\" INTEGER PRIMARY KEY);\n");
    let run = pm.run(&["plan"]);
    run.expect(0).has(&["would apply 2 migrations", "CREATE TABLE \"Tag\"", "CREATE TABLE \"Like\""]);
    let (tag, like) = (run.stdout.find("\"Tag\"").unwrap(), run.stdout.find("\"Like\"").unwrap());
    assert!(tag < like, "in deploy order:\n{}", run.stdout);
    assert!(
        run.stdout.lines().all(|l| l.is_empty() || l.starts_with("--") || l.starts_with("CREATE")),
        "plan output is a SQL script:\n{}",
        run.stdout
    );
    let run = pm.run(&["plan", "--json"]);
    run.expect(0);
    json_has(run.json(), "creates_table", "false");
    json_has(run.json(), "creates_database", "false");
    assert!(run.json().contains(&format!("\"name\":{}", q(TAGS))), "{}", run.stdout);
    assert_eq!(tables(&db_path(&dir)).await, ["Post", "User", "_prisma_migrations"], "plan wrote nothing");
    pm.run(&["migrate", "status"]).expect(1);
}

#[tokio::test]
async fn rollback_then_lock_round_trip() {
    let dir = MigrationsDir::new().add(INIT, "CREATE TABLE \"User\" (\"id\" INTEGER PRIMARY KEY);\n").add_with_down(
        POSTS,
        "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY);\n",
        "DROP TABLE \"Post\";\n",
    );
    let url = format!("file:{}", db_path(&dir).display());
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    pm.run(&["migrate", "deploy"]).expect(0);

    pm.run(&["rollback", INIT]).expect(1).has(&["no `down.sql`"]);
    let run = pm.run(&["rollback", POSTS]);
    run.expect(0).has(&[&format!("Ran down.sql of {POSTS}"), "rolled back"]);
    assert_eq!(tables(&db_path(&dir)).await, ["User", "_prisma_migrations"]);
    let run = pm.run(&["migrate", "status", "--json"]);
    json_has(run.expect(1).json(), "pending", &list(&[POSTS]));
    pm.run(&["rollback", POSTS]).expect(1).has(&["not applied"]);
    pm.run(&["migrate", "deploy"]).expect(0).has(&[&format!("Applying {POSTS}")]);

    // Not the latest applied: refused unless --force.
    dir.write(TAGS, "CREATE TABLE \"Tag\" (\"id\" INTEGER PRIMARY KEY);\n");
    pm.run(&["migrate", "deploy"]).expect(0);
    pm.run(&["rollback", POSTS]).expect(1).has(&["not the latest applied migration", TAGS, "--force"]);
    json_has(pm.run(&["rollback", POSTS, "--json"]).expect(1).json(), "ok", "false");

    // lock: writes checksums.lock from the folder; a refresh is a no-op.
    let lock_path = dir.path().join("checksums.lock");
    let run = pm.run(&["lock"]);
    run.expect(0).has(&["3 migrations locked from the folder (3 new)"]);
    let text = std::fs::read_to_string(&lock_path).unwrap();
    for name in [INIT, POSTS, TAGS] {
        assert!(text.contains(name), "{text}");
    }
    pm.run(&["lock"]).expect(0).has(&["is up to date"]);
    // The build rules now hold: an edit of a locked migration breaks loading, and `lock` refuses to bless it.
    dir.write(POSTS, "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY, \"x\" TEXT);\n");
    pm.run(&["migrate", "status"]).expect(1).has(&["was edited after it was released", POSTS]);
    pm.run(&["lock"]).expect(1).has(&["refusing", POSTS, "--force"]);
    // lock --from-db: records what the database applied, and fails naming the edited migration.
    let run = pm.run(&["lock", "--from-db", &url]);
    run.expect(1).has(&[POSTS, "the database applied checksum"]);
    let run = pm.run(&["lock", "--from-db", &url, "--json"]);
    json_has(run.expect(1).json(), "ok", "false");
    assert!(run.json().contains(POSTS), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), text, "nothing written on failure");
    // Restored file + a new, unapplied migration: --from-db locks exactly the applied three.
    dir.write(POSTS, "CREATE TABLE \"Post\" (\"id\" INTEGER PRIMARY KEY);\n");
    dir.write("20250104120000_add_likes", "CREATE TABLE \"Like\" (\"id\" INTEGER PRIMARY KEY);\n");
    std::fs::remove_file(&lock_path).unwrap();
    let run = pm.run(&["lock", "--from-db", &url, "--json"]);
    json_has(run.expect(0).json(), "locked", &list(&[INIT, POSTS, TAGS]));
    let locked = std::fs::read_to_string(&lock_path).unwrap();
    assert!(!locked.contains("add_likes"), "{locked}");
    assert_eq!(locked, text, "the database's checksums are the files' checksums");
}

#[tokio::test]
async fn db_execute_file_and_stdin() {
    let dir = folder();
    let url = format!("file:{}", db_path(&dir).display());
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    pm.run(&["migrate", "deploy"]).expect(0);
    let script = dir.root().join("seed.sql");
    std::fs::write(
        &script,
        "INSERT INTO \"User\" (\"email\") VALUES ('a@x');\nINSERT INTO \"User\" (\"email\") VALUES ('b@x');\n",
    )
    .unwrap();
    pm.run(&["db", "execute", "--file", script.to_str().unwrap()]).expect(0).has(&["Script executed successfully."]);
    let run = pm
        .clone()
        .stdin("INSERT INTO \"User\" (\"email\") VALUES ('c@x');")
        .run(&["db", "execute", "--stdin", "--json"]);
    json_has(run.expect(0).json(), "ok", "true");
    let run = pm
        .clone()
        .stdin("INSERT INTO \"User\" (\"email\") VALUES ('d@x');\nINSERT INTO \"Nope\" VALUES (1);\n")
        .run(&["db", "execute", "--stdin"]);
    run.expect(1).has(&["at statement 2", "Nope"]);
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", db_path(&dir).display())).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM \"User\"").fetch_one(&pool).await.unwrap();
    pool.close().await;
    assert_eq!(n, 4, "a, b, c, and d before the failing statement (SQLite runs statement by statement)");
    pm.run(&["db", "execute", "--file", "missing.sql"]).expect(1).has(&["cannot read `missing.sql`"]);
    pm.run(&["db", "execute"]).expect(2);
}

#[tokio::test]
async fn reset_needs_force_without_a_terminal() {
    let dir = folder();
    let url = format!("file:{}", db_path(&dir).display());
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    pm.run(&["migrate", "deploy"]).expect(0);
    pm.clone()
        .stdin("CREATE TABLE \"Extra\" (\"id\" INTEGER); CREATE VIEW \"V\" AS SELECT 1;")
        .run(&["db", "execute", "--stdin"])
        .expect(0);

    pm.run(&["migrate", "reset"]).expect(1).has(&["needs --force", "migrate reset --force"]);
    assert!(tables(&db_path(&dir)).await.contains(&"Extra".to_owned()), "refused: nothing dropped");

    let run = pm.run(&["migrate", "reset", "--force"]);
    run.expect(0).has(&[
        "Database reset: dropped",
        "table \"Extra\"",
        "view \"V\"",
        &format!("Applying {INIT}"),
        "All migrations have been successfully applied.",
    ]);
    assert_eq!(tables(&db_path(&dir)).await, ["Post", "User", "_prisma_migrations"]);
    let run = pm.run(&["migrate", "reset", "--force", "--json"]);
    json_has(run.expect(0).json(), "applied", &format!("[{{\"name\":{},", q(INIT)));
    pm.run(&["migrate", "status"]).expect(0);
}

#[test]
fn missing_folder_wrong_url_and_no_url() {
    let dir = folder();
    let pm = pm(dir.root());
    let run = pm.run(&["migrate", "status", "--migrations", "nowhere/migrations", "--database-url", "file:./x.db"]);
    run.expect(1).has(&["nowhere/migrations", "does not exist"]);
    let run =
        pm.run(&["migrate", "deploy", "--migrations", "nowhere/migrations", "--database-url", "file:./x.db", "--json"]);
    json_has(run.expect(1).json(), "ok", "false");
    assert!(!dir.root().join("nowhere/x.db").exists(), "nothing created when the folder is missing");

    pm.run(&["migrate", "status", "--database-url", "oracle://u@h/x"]).expect(1).has(&["Error: P1013", "oracle"]);
    let run = pm.run(&["migrate", "status", "--json"]);
    run.expect(1);
    json_has(
        run.json(),
        "error",
        "\"no database URL: pass --database-url, or set DATABASE_URL in the environment or in a .env file\"",
    );
    pm.run(&["migrate", "status"]).expect(1).has(&["no database URL"]);
}

#[test]
fn usage_errors_and_help() {
    let dir = folder();
    let pm = pm(dir.root());
    pm.run(&["migrate", "resolve"]).expect(2);
    pm.run(&["migrate", "resolve", "--applied", "a", "--rolled-back", "b"]).expect(2);
    pm.run(&["nonsense"]).expect(2);
    pm.run(&["rollback"]).expect(2);
    for cmd in [
        &["--help"][..],
        &["migrate", "deploy", "--help"],
        &["migrate", "status", "--help"],
        &["migrate", "resolve", "--help"],
        &["migrate", "reset", "--help"],
        &["verify", "--help"],
        &["plan", "--help"],
        &["rollback", "--help"],
        &["lock", "--help"],
        &["db", "execute", "--help"],
    ] {
        pm.run(cmd).expect(0).has(&["Exit codes"]);
    }
    pm.run(&["migrate", "reset", "--help"]).has(&["DELETES ALL DATA", "--force"]);
    pm.run(&["--help"]).has(&["DATABASE_URL", ".env", "never printed"]);
}

/// The first run on a SQLite file whose directory does not exist either: `migrate status` answers P1003 and
/// creates nothing; `migrate deploy` creates the directory and the file, as Prisma's engine does
/// (prisma-engines `sqlite/connector/native/mod.rs`, `create_database`: `create_dir_all` of the parent, then
/// open), and the Prisma CLI then sees the database up to date. (The oracle runs Prisma's engine through
/// better-sqlite3, which creates a missing file on open and fails on a missing directory with "External
/// error": the adapter's behaviour, not the engine's, so the engine's source is the reference here.)
#[test]
fn first_run_on_a_missing_file_and_directory() {
    let dir = folder();
    let ours = dir.root().join("data/a/b/dev.db");
    let url = format!("file:{}", ours.display());
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    pm.run(&["migrate", "status"]).expect(1).has(&["Error: P1003", "migrate deploy` creates it"]);
    assert!(!dir.root().join("data").exists(), "status creates nothing");
    pm.run(&["migrate", "deploy"]).expect(0).has(&["Created the database", INIT, POSTS]);
    assert!(ours.is_file());
    let out = oracle().run(&url, &dir.path(), &["migrate", "status"]);
    assert!(out.code == Some(0) && out.all().contains("Database schema is up to date!"), "{}", out.all());
}

#[test]
fn prisma_sees_our_deploy_as_up_to_date() {
    let dir = folder();
    let db = db_path(&dir);
    let url = format!("file:{}", db.display());
    pm(dir.root()).env("DATABASE_URL", &url).run(&["migrate", "deploy"]).expect(0);
    let out = oracle().run(&url, &dir.path(), &["migrate", "status"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.all().contains("Database schema is up to date!"), "{}", out.all());
    // And the other way round: Prisma deploys a new migration, we see the database up to date.
    dir.write(TAGS, "CREATE TABLE \"Tag\" (\"id\" INTEGER PRIMARY KEY);\n");
    let out = oracle().run(&url, &dir.path(), &["migrate", "deploy"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    pm(dir.root()).env("DATABASE_URL", &url).run(&["verify"]).expect(0);
}

/// Runs the binary on a pseudo-terminal (util-linux `script`), so stdin, stdout and stderr are terminals.
fn on_terminal(dir: &Path, shell_args: &str, input: &str, no_color: bool) -> cli_support::Run {
    use std::io::Write as _;
    let command = format!("{} {shell_args}", cli_support::bin().display());
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"])
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let start = std::time::Instant::now();
    let mut child = cmd.spawn().expect("util-linux `script` runs commands on a pseudo-terminal");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    cli_support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: start.elapsed(),
    }
}

#[tokio::test]
async fn colours_on_a_terminal_and_reset_confirmation() {
    let dir = folder();
    let url = format!("file:{}", db_path(&dir).display());
    pm(dir.root()).env("DATABASE_URL", &url).run(&["migrate", "deploy"]).expect(0);
    let args = format!("migrate status --database-url {url}");
    let run = on_terminal(dir.root(), &args, "", false);
    run.expect(0).has(&["\x1b[32mDatabase schema is up to date!\x1b[0m"]);
    on_terminal(dir.root(), &args, "", true).expect(0).has(&["Database schema is up to date!"]).lacks("\x1b[");

    // reset asks on a terminal: "n" changes nothing, "y" resets.
    pm(dir.root())
        .env("DATABASE_URL", &url)
        .stdin("CREATE TABLE \"Extra\" (\"id\" INTEGER);")
        .run(&["db", "execute", "--stdin"])
        .expect(0);
    let reset = format!("migrate reset --database-url {url}");
    on_terminal(dir.root(), &reset, "n\n", true).expect(1).has(&["All data will be lost. [y/N]", "reset cancelled"]);
    assert!(tables(&db_path(&dir)).await.contains(&"Extra".to_owned()));
    on_terminal(dir.root(), &reset, "y\n", true).expect(0).has(&["All migrations have been successfully applied."]);
    assert_eq!(tables(&db_path(&dir)).await, ["Post", "User", "_prisma_migrations"]);
}

#[test]
fn folder_rules_flags_silence_the_warnings_on_an_existing_history() {
    // A history Prisma accepts but the default rules reject: a vague name. At run time it is a warning only.
    let dir = MigrationsDir::new()
        .add("20240101120000_fix", "CREATE TABLE \"A\" (\"id\" INTEGER);\n")
        .add("20240102120000_add_b", "CREATE TABLE \"B\" (\"id\" INTEGER);\n");
    let url = format!("file:{}", db_path(&dir).display());
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    let warned = pm.run(&["migrate", "status"]);
    warned.expect(1).has(&["warning: migration `20240101120000_fix` has a vague name"]);
    let deployed = pm.run(&["migrate", "deploy", "--exempt-until", "20240101120000_fix"]);
    deployed.expect(0).lacks("warning:");
    pm.run(&["migrate", "status", "--vague-names", ""]).expect(0).lacks("warning:");
    pm.run(&["lock", "--vague-names", "wip,tmp"]).expect(0).has(&["2 migrations locked"]);
}

#[test]
fn non_empty_schema_is_refused_then_baselined() {
    let dir = folder();
    let url = format!("file:{}", db_path(&dir).display());
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    std::fs::File::create(db_path(&dir)).unwrap();
    // The schema already exists, made by hand.
    pm.clone()
        .stdin("CREATE TABLE \"User\" (\"id\" INTEGER PRIMARY KEY, \"email\" TEXT NOT NULL);")
        .run(&["db", "execute", "--stdin"])
        .expect(0);
    pm.run(&["migrate", "deploy"]).expect(1).has(&["Error: P3005", "User", "migrate resolve --applied"]);
    json_has(pm.run(&["plan", "--json"]).expect(1).json(), "code", &q("P3005"));
    pm.run(&["migrate", "resolve", "--applied", INIT])
        .expect(0)
        .has(&[&format!("Migration {INIT} marked as applied.")]);
    let run = pm.run(&["migrate", "resolve", "--applied", "20250101120000_nope", "--json"]);
    json_has(run.expect(1).json(), "code", &q("P3017"));
    pm.run(&["migrate", "deploy"]).expect(0).has(&[&format!("Applying {POSTS}")]).lacks(&format!("Applying {INIT}"));
    pm.run(&["verify"]).expect(0);
}

#[test]
fn diverged_histories_and_an_empty_folder() {
    let dir = folder();
    let url = format!("file:{}", db_path(&dir).display());
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    pm.run(&["migrate", "deploy"]).expect(0);
    // Another branch: POSTS was deployed from elsewhere, this folder has TAGS instead.
    dir.remove(POSTS);
    dir.write(TAGS, "CREATE TABLE \"Tag\" (\"id\" INTEGER PRIMARY KEY);\n");
    pm.run(&["migrate", "status"]).expect(1).has(&[
        "Your local migration history and the migrations table from your database are different:",
        &format!("The last common migration is: {INIT}"),
        TAGS,
        POSTS,
    ]);
    let run = pm.run(&["migrate", "status", "--json"]);
    run.expect(1);
    json_has(run.json(), "last_common_migration", &q(INIT));
    json_has(run.json(), "missing_locally", &list(&[POSTS]));
    json_has(run.json(), "pending", &list(&[TAGS]));

    let empty = MigrationsDir::new();
    let url = format!("file:{}", empty.root().join("prisma/e.db").display());
    cli_support::pm(empty.root())
        .env("DATABASE_URL", &url)
        .run(&["migrate", "deploy"])
        .expect(0)
        .has(&["No migration found in prisma/migrations", "No pending migrations to apply."]);
}

#[test]
fn env_files_that_disagree_and_lock_from_the_default_database() {
    let dir = folder();
    std::fs::write(dir.root().join(".env"), "DATABASE_URL=file:./a.db\n").unwrap();
    std::fs::write(dir.root().join("prisma/.env"), "DATABASE_URL=file:./b.db\n").unwrap();
    let pm = pm(dir.root());
    pm.run(&["migrate", "deploy"]).expect(1).has(&["DATABASE_URL is set to different values in .env and prisma/.env"]);
    assert!(!dir.root().join("prisma/a.db").exists() && !dir.root().join("prisma/b.db").exists());
    // The same value in both is no conflict.
    std::fs::write(dir.root().join("prisma/.env"), "DATABASE_URL=\"file:./a.db\"\n").unwrap();
    pm.run(&["migrate", "deploy"]).expect(0);
    // `lock --from-db` with no URL reads the default database.
    let run = pm.run(&["lock", "--from-db", "--json"]);
    json_has(run.expect(0).json(), "locked", &list(&[INIT, POSTS]));
    json_has(run.json(), "source", &q("database"));
}
