//! Secrets: a password in the database URL appears in no output of the `prisma-migrations` binary (text or
//! `--json`, URL from `--database-url`, `DATABASE_URL` or `.env`) and in no log line of the library (pm-deployer
//! with `PM_DEPLOYER_LOG=1` prints its `tracing` events), over every error path a user can reach: wrong host,
//! wrong port, wrong password, missing database, bad schema, bad URL syntax, P3018 and P3009 after connecting
//! as a PostgreSQL role / MySQL user that has a password, and the success paths.
//!
//! The password has characters that must be percent-encoded in a URL; neither its raw nor its encoded form, nor
//! its distinctive core, may appear.
//!
//! The private PostgreSQL test server trusts every local connection; to make a wrong password fail, this test
//! binary adds a `scram-sha-256` line for its own role to that server's `pg_hba.conf` (only when the server is
//! the private one the harness started for this binary).

mod cli_support;

use std::path::Path;
use std::process::{Command, Stdio};

use cli_support::{Run, pm};
use prisma_migrations_tests::{MigrationsDir, mysql_server_url, postgres_server_url, random_name};

const CORE: &str = "S3cr3tZq";
const PASSWORD: &str = "S3cr3tZq/Pw#x?y@z";
const ENCODED: &str = "S3cr3tZq%2FPw%23x%3Fy%40z";
const WRONG: &str = "S3cr3tZq-wrong%2F";

const INIT: &str = "20250101120000_create_accounts";
const BROKEN: &str = "20250102120000_add_broken_index";

fn assert_clean(what: &str, out: &str) {
    for secret in [PASSWORD, ENCODED, CORE, "S3cr3tZq-wrong"] {
        assert!(!out.contains(secret), "{what}: the password ({secret}) appears in:\n{out}");
    }
}

/// Runs the CLI with the URL given three ways and in text and JSON, checking the exit code each time.
fn cli_everywhere(dir: &MigrationsDir, args: &[&str], url: &str, code: i32) -> Vec<Run> {
    let migrations = dir.path().to_string_lossy().into_owned();
    let mut runs = Vec::new();
    for json in [false, true] {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--migrations", &migrations]);
        if json {
            a.push("--json");
        }
        let mut with_flag = a.clone();
        with_flag.extend(["--database-url", url]);
        runs.push(pm(dir.root()).run(&with_flag));
        runs.push(pm(dir.root()).env("DATABASE_URL", url).run(&a));
        std::fs::write(dir.root().join(".env"), format!("DATABASE_URL=\"{url}\"\n")).expect("write .env");
        runs.push(pm(dir.root()).run(&a));
        std::fs::remove_file(dir.root().join(".env")).expect("remove .env");
    }
    eprintln!(
        "secrets: prisma-migrations {args:?} → exit {}: {}",
        runs[0].code,
        runs[0].all().trim().replace('\n', " | ")
    );
    for r in &runs {
        assert_clean(&format!("prisma-migrations {args:?}"), &r.all());
        assert_eq!(r.code, code, "prisma-migrations {args:?}:\n{}", r.all());
    }
    runs
}

/// pm-deployer with the library's tracing events on stderr.
fn deployer_logs(dir: &Path, url: &str, command: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pm-deployer"))
        .arg(url)
        .arg(dir)
        .arg(command)
        .env("PM_DEPLOYER_LOG", "1")
        .env("PM_DEPLOYER_LOCK_TIMEOUT_MS", "2000")
        .stdin(Stdio::null())
        .output()
        .expect("run pm-deployer");
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_clean(&format!("pm-deployer {command}"), &all);
    all
}

/// Every path for one database: `good` connects with the password, `wrong_password` is the same URL with
/// another password, `missing_db` names a database that does not exist.
fn every_path(dir: &MigrationsDir, good: &str, wrong_password: Option<&str>, missing_db: &str, scheme: &str) {
    let path = dir.path();
    let host_port_tail = |host: &str| format!("{scheme}://pm_user:{ENCODED}@{host}/db");
    // Wrong host and wrong port: P1001.
    for url in [host_port_tail("no-such-host.invalid:5432"), host_port_tail("127.0.0.1:1")] {
        let runs = cli_everywhere(dir, &["migrate", "status"], &url, 1);
        assert!(runs[0].all().contains("P1001"), "{}", runs[0].all());
        deployer_logs(&path, &url, "deploy");
    }
    // Wrong password: P1000.
    if let Some(url) = wrong_password {
        let runs = cli_everywhere(dir, &["migrate", "deploy"], url, 1);
        assert!(runs[0].all().contains("P1000"), "{}", runs[0].all());
        deployer_logs(&path, url, "deploy");
    }
    // Missing database: P1003 from status (deploy would create it).
    let runs = cli_everywhere(dir, &["migrate", "status"], missing_db, 1);
    assert!(runs[0].all().contains("P1003"), "{}", runs[0].all());
    deployer_logs(&path, missing_db, "status");
    // Bad URL syntax: P1013, and unencoded special characters in the password.
    for url in [
        format!("{scheme}://pm_user:{ENCODED}@127.0.0.1:99999/db"),
        format!("{scheme}://pm_user:{PASSWORD}@127.0.0.1:5432/db"),
        format!("{scheme}://pm_user:{ENCODED}@/db"),
        format!("{scheme}://pm_user:{ENCODED}@[::1/db"),
        format!("{scheme}://pm_user:{ENCODED}@127.0.0.1:5432/db?connection_limit=lots"),
        // Refused before connecting (a PKCS#12 identity); its password is a secret too. (`sslmode=require` alone
        // now connects: this build has TLS.)
        format!(
            "{scheme}://pm_user:{ENCODED}@127.0.0.1:5432/db?sslmode=require&sslidentity=id.p12&sslpassword={ENCODED}"
        ),
    ] {
        cli_everywhere(dir, &["migrate", "deploy"], &url, 1);
        deployer_logs(&path, &url, "deploy");
    }
    // Connected with the password: P3018, then P3009, then resolve and status; success paths too.
    let runs = cli_everywhere(dir, &["migrate", "deploy"], good, 1);
    assert!(runs[0].all().contains("P3018") || runs.iter().any(|r| r.all().contains("P3009")), "{}", runs[0].all());
    let runs = cli_everywhere(dir, &["migrate", "deploy"], good, 1);
    assert!(runs[0].all().contains("P3009"), "{}", runs[0].all());
    deployer_logs(&path, good, "deploy");
    cli_everywhere(dir, &["migrate", "status"], good, 1);
    let resolved = pm(dir.root()).run(&[
        "migrate",
        "resolve",
        "--rolled-back",
        BROKEN,
        "--migrations",
        &path.to_string_lossy(),
        "--database-url",
        good,
    ]);
    assert_clean("resolve", &resolved.all());
    assert_eq!(resolved.code, 0, "{}", resolved.all());
    dir.write(BROKEN, "CREATE INDEX accounts_email_idx ON accounts (email);\n");
    let deployed =
        pm(dir.root()).run(&["migrate", "deploy", "--migrations", &path.to_string_lossy(), "--database-url", good]);
    assert_clean("deploy", &deployed.all());
    assert_eq!(deployed.code, 0, "{}", deployed.all());
    cli_everywhere(dir, &["migrate", "status"], good, 0);
    cli_everywhere(dir, &["verify"], good, 0);
    cli_everywhere(dir, &["plan"], good, 0);
    deployer_logs(&path, good, "deploy");
    deployer_logs(&path, good, "status");
}

fn folder(provider: &str) -> MigrationsDir {
    MigrationsDir::new()
        .provider(provider)
        .add(INIT, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL);\n")
        .add(BROKEN, "CREATE INDEX accounts_email_idx ON no_such_table (email);\n")
}

async fn admin_pg() -> sqlx::PgPool {
    sqlx::PgPool::connect(postgres_server_url()).await.expect("connect as the admin")
}

async fn exec_pg(pool: &sqlx::PgPool, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Makes the private server ask this role for its password (it trusts everyone else).
async fn require_password(pool: &sqlx::PgPool, role: &str) -> bool {
    let hba: String = sqlx::query_scalar("SHOW hba_file").fetch_one(pool).await.expect("hba_file");
    if !hba.contains("pm-test-pg-") {
        eprintln!("secrets: {hba} is not the harness's private server; the wrong-password case needs password auth");
        return false;
    }
    let old = std::fs::read_to_string(&hba).expect("read pg_hba.conf");
    let line = format!("host all {role} 127.0.0.1/32 scram-sha-256\nhost all {role} ::1/128 scram-sha-256\n");
    std::fs::write(&hba, format!("{line}{old}")).expect("write pg_hba.conf");
    let _: bool = sqlx::query_scalar("SELECT pg_reload_conf()").fetch_one(pool).await.expect("reload");
    // The reload is asynchronous: wait until a wrong password is refused.
    let url = role_url(role, WRONG, "postgres");
    for _ in 0..100 {
        if sqlx::PgPool::connect(&url).await.is_err() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server still accepts a wrong password for {role}");
}

fn role_url(role: &str, password: &str, database: &str) -> String {
    let mut u = url::Url::parse(postgres_server_url()).expect("server URL");
    u.set_username(role).expect("user");
    // `set_password` percent-encodes what it must; our constants are already encoded.
    let raw = url::form_urlencoded::parse(format!("p={password}").as_bytes()).next().map(|(_, v)| v.into_owned());
    u.set_password(raw.as_deref()).expect("password");
    u.set_path(&format!("/{database}"));
    u.to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn no_password_in_any_output_postgres() {
    let admin = admin_pg().await;
    let role = random_name("pm_secret");
    let db = random_name("pm");
    exec_pg(&admin, &format!("CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{PASSWORD}'")).await;
    exec_pg(&admin, &format!("CREATE DATABASE {db} OWNER {role}")).await;
    let checks_password = require_password(&admin, &role).await;
    let good = role_url(&role, ENCODED, &db);
    assert!(good.contains(ENCODED), "{good}");
    let dir = folder("postgresql");
    let wrong = role_url(&role, WRONG, &db);
    let missing = role_url(&role, ENCODED, &random_name("pm_missing"));
    every_path(&dir, &good, checks_password.then_some(wrong.as_str()), &missing, "postgresql");
    // A schema the server refuses to create (names starting with `pg_` are reserved).
    let bad_schema = format!("{good}?schema=pg_reserved");
    let runs = cli_everywhere(&dir, &["migrate", "deploy"], &bad_schema, 1);
    assert!(runs[0].all().contains("pg_reserved"), "{}", runs[0].all());
    deployer_logs(&dir.path(), &bad_schema, "deploy");
    exec_pg(&admin, &format!("DROP DATABASE {db} WITH (FORCE)")).await;
    exec_pg(&admin, &format!("DROP ROLE {role}")).await;
    admin.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_password_in_any_output_mysql() {
    let admin = sqlx::MySqlPool::connect(mysql_server_url()).await.expect("connect as root");
    let user = random_name("pm_secret");
    let db = random_name("pm");
    let exec = |sql: String| {
        let admin = admin.clone();
        async move {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&admin)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    };
    exec(format!("CREATE USER '{user}'@'%' IDENTIFIED BY '{PASSWORD}'")).await;
    exec(format!("GRANT ALL PRIVILEGES ON *.* TO '{user}'@'%'")).await;
    exec(format!("CREATE DATABASE `{db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")).await;
    let server = url::Url::parse(mysql_server_url()).expect("server URL");
    let port = server.port().unwrap_or(3306);
    let url = |password: &str, database: &str| format!("mysql://{user}:{password}@127.0.0.1:{port}/{database}");
    let good = url(ENCODED, &db);
    let dir = folder("mysql");
    every_path(&dir, &good, Some(&url(WRONG, &db)), &url(ENCODED, &random_name("pm_missing")), "mysql");
    exec(format!("DROP DATABASE `{db}`")).await;
    exec(format!("DROP USER '{user}'@'%'")).await;
    admin.close().await;
}

/// A URL parsed once for the CLI's create-then-connect (`DatabaseUrl`) shows only its redacted form.
#[test]
fn a_parsed_url_shows_no_password() {
    use prisma_migrations::{ConnectOptions, DatabaseKind, DatabaseUrl};
    for (url, kind) in [
        (format!("postgresql://pm_user:{ENCODED}@127.0.0.1:5432/db?schema=s"), DatabaseKind::Postgres),
        (format!("mysql://pm_user:{ENCODED}@127.0.0.1:3306/db"), DatabaseKind::MySql),
    ] {
        let parsed = DatabaseUrl::parse(&url, &ConnectOptions::new()).expect("a valid URL");
        assert_eq!(parsed.kind(), kind);
        assert!(parsed.redacted().contains("pm_user:***@127.0.0.1"), "{}", parsed.redacted());
        assert_clean("DatabaseUrl", &format!("{parsed:?} {}", parsed.redacted()));
    }
}
