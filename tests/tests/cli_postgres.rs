//! The `prisma-migrations` binary on PostgreSQL: deploy creates a missing database, `?schema=`, Prisma's
//! status after our deploy, failure output, reset, db execute, and no password in any output.

mod cli_support;

use cli_support::{json_has, list, pm, q};
use prisma_migrations_tests::{
    MigrationsDir, PrismaVersion, oracle, oracle_of, postgres, postgres_server_url, random_name,
};

const INIT: &str = "20250101120000_init";
const POSTS: &str = "20250102120000_add_posts";

fn folder() -> MigrationsDir {
    MigrationsDir::new().add(INIT, "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY, \"email\" TEXT NOT NULL);\n").add(
        POSTS,
        "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY, \"author\" INTEGER REFERENCES \"User\"(\"id\"));\n",
    )
}

/// A database name nobody created, dropped at the end of the test.
struct Uncreated {
    name: String,
}

impl Uncreated {
    fn url(&self, password: Option<&str>) -> String {
        let mut u = url::Url::parse(postgres_server_url()).unwrap();
        u.set_path(&format!("/{}", self.name));
        if let Some(p) = password {
            u.set_password(Some(p)).unwrap();
        }
        u.to_string()
    }
}

impl Drop for Uncreated {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let pool = sqlx::PgPool::connect(postgres_server_url()).await.unwrap();
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
                pool.close().await;
            });
        })
        .join();
    }
}

async fn count(url: &str, sql: &str) -> i64 {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

#[tokio::test]
async fn deploy_creates_the_database_and_prisma_agrees() {
    let dir = folder();
    let db = Uncreated { name: random_name("pm_cli") };
    let url = db.url(None);
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    pm.run(&["migrate", "status"]).expect(1).has(&["Error: P1003", &db.name]);
    let run = pm.run(&["migrate", "deploy"]);
    run.expect(0).has(&[
        &format!("Datasource: PostgreSQL database \"{}\", schema \"public\"", db.name),
        "Created the database",
        &format!("Applying {INIT} … done ("),
        "All migrations have been successfully applied.",
    ]);
    let out = oracle().run(&url, &dir.path(), &["migrate", "status"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.all().contains("Database schema is up to date!"), "{}", out.all());
    let run = pm.run(&["migrate", "deploy", "--json"]);
    run.expect(0);
    json_has(run.json(), "database_created", "false");
    json_has(run.json(), "applied", "[]");
}

#[tokio::test]
async fn schema_parameter_failure_output_and_resolve() {
    let dir = folder();
    let db = postgres().await;
    let url = db.url_with_schema("app");
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    let run = pm.run(&["migrate", "deploy", "--json"]);
    run.expect(0);
    json_has(run.json(), "applied", &format!("[{{\"name\":{},", q(INIT)));
    assert_eq!(count(db.url(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'app'").await, 3);
    let out = oracle().run(&url, &dir.path(), &["migrate", "status"]);
    assert!(out.all().contains("Database schema is up to date!"), "{}", out.all());

    // A failing script: P3018 with the database's code, nothing of it left (one implicit transaction).
    dir.write(
        "20250103120000_add_tags",
        "CREATE TABLE \"Tag\" (\"id\" SERIAL PRIMARY KEY);\nINSERT INTO \"Nope\" VALUES (1);\n",
    );
    pm.run(&["migrate", "deploy"]).expect(1).has(&[
        "Error: P3018",
        "42P01",
        "migrate resolve --rolled-back \"20250103120000_add_tags\"",
    ]);
    assert_eq!(count(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'Tag'").await, 0);
    let run = pm.run(&["verify", "--json"]);
    json_has(run.expect(1).json(), "failed", &list(&["20250103120000_add_tags"]));
    let run = pm.run(&["migrate", "resolve", "--rolled-back", "20250103120000_add_tags", "--json"]);
    json_has(run.expect(0).json(), "marked", &q("rolled_back"));
    // Prisma's deploy agrees the migration is pending again: fixed, Prisma applies it, and we see it done.
    // (Prisma 6.16.1's *status* counts a rolled-back row as present and reports nothing; ours and 7.10.1's list it
    // as pending: status_exits_1_where_prisma_exits_0.)
    dir.write("20250103120000_add_tags", "CREATE TABLE \"Tag\" (\"id\" SERIAL PRIMARY KEY);\n");
    let run = pm.run(&["migrate", "status", "--json"]);
    json_has(run.expect(1).json(), "pending", &list(&["20250103120000_add_tags"]));
    let out = oracle().run(&url, &dir.path(), &["migrate", "deploy"]);
    assert_eq!(out.code, Some(0), "{}", out.all());
    assert!(out.all().contains("20250103120000_add_tags"), "{}", out.all());
    pm.run(&["verify"]).expect(0);
}

/// The names listed under the first `Following migration… have not yet been applied:` line.
fn listed_pending(output: &str) -> Vec<String> {
    let mut lines = output.lines().skip_while(|l| !(l.starts_with("Following migration") && l.contains("not yet")));
    assert!(lines.next().is_some(), "no pending list in:\n{output}");
    lines.take_while(|l| !l.trim().is_empty()).map(|l| l.trim().to_owned()).collect()
}

/// No `_prisma_migrations` table: with local migrations both Prisma releases list them all as pending and exit 1
/// (their engine diagnoses "database is behind" before "not managed"), and ours says the same; with no local
/// migration all say the database is not managed by Prisma Migrate.
#[tokio::test]
async fn status_without_the_table_says_what_prisma_says() {
    let dir = folder();
    let db = postgres().await;
    let ours_cli = pm(dir.root()).env("DATABASE_URL", db.url());
    let ours = ours_cli.run(&["migrate", "status"]);
    ours.expect(1).lacks("not managed");
    assert_eq!(listed_pending(&ours.all()), [INIT, POSTS], "ours:\n{}", ours.all());
    for v in PrismaVersion::ALL {
        let out = oracle_of(v).run(db.url(), &dir.path(), &["migrate", "status"]);
        assert_eq!(out.code, Some(1), "{v}:\n{}", out.all());
        assert!(!out.all().contains("not managed"), "{v}:\n{}", out.all());
        assert_eq!(listed_pending(&out.all()), [INIT, POSTS], "{v}:\n{}", out.all());
    }
    let run = ours_cli.run(&["migrate", "status", "--json"]);
    json_has(run.expect(1).json(), "table_exists", "false");
    json_has(run.json(), "pending", &list(&[INIT, POSTS]));

    let empty = MigrationsDir::new();
    let ours = pm(empty.root()).env("DATABASE_URL", db.url()).run(&["migrate", "status"]);
    ours.expect(1).has(&["No migration found", "not managed by Prisma Migrate"]);
    for v in PrismaVersion::ALL {
        let out = oracle_of(v).run(db.url(), &empty.path(), &["migrate", "status"]);
        assert_eq!(out.code, Some(1), "{v}:\n{}", out.all());
        assert!(out.all().contains("not managed by Prisma Migrate"), "{v}:\n{}", out.all());
    }
}

/// README "Differences from Prisma": our `status` exits 1 for an edited migration, a row missing locally and a
/// migration whose only row is rolled back. Prisma 6.16.1 and 7.10.1 print "up to date" and exit 0 for the first
/// two (their CLI reports only the engine's "database is behind" and "histories diverge" diagnoses, and
/// failures). For the rolled-back one 6.16.1 does too, but 7.10.1 lists it as not yet applied and exits 1, as
/// ours does: its engine ignores rolled-back rows when matching the folder against the table (prisma-engines
/// #5817, fixing prisma/prisma#29601).
#[tokio::test]
async fn status_exits_1_where_prisma_exits_0() {
    const THIRD: &str = "20250103120000_add_tags";
    let dir = folder();
    let db = postgres().await;
    let ours = pm(dir.root()).env("DATABASE_URL", db.url());
    let prisma_says_up_to_date = |what: &str| {
        for v in PrismaVersion::ALL {
            let out = oracle_of(v).run(db.url(), &dir.path(), &["migrate", "status"]);
            assert_eq!(out.code, Some(0), "{v}, {what}:\n{}", out.all());
            assert!(out.all().contains("Database schema is up to date!"), "{v}, {what}:\n{}", out.all());
        }
    };
    ours.run(&["migrate", "deploy"]).expect(0);
    let posts_sql = dir.path().join(POSTS).join("migration.sql");
    let original = std::fs::read_to_string(&posts_sql).unwrap();

    dir.write(POSTS, &format!("{original}-- edited after it was applied\n"));
    ours.run(&["migrate", "status"]).expect(1).has(&["modified after they were applied", POSTS]);
    prisma_says_up_to_date("edited");
    dir.write(POSTS, &original);

    dir.write(THIRD, "CREATE TABLE \"Tag\" (\"id\" SERIAL PRIMARY KEY);\n");
    ours.run(&["migrate", "deploy"]).expect(0);
    std::fs::remove_dir_all(dir.path().join(THIRD)).unwrap();
    ours.run(&["migrate", "status"]).expect(1).has(&["missing from", THIRD]);
    prisma_says_up_to_date("missing locally");
    sqlx_delete_rows(db.url(), THIRD).await;

    dir.write(THIRD, "CREATE TABLE \"Tag2\" (\"id\" SERIAL PRIMARY KEY);\nINSERT INTO \"Nope\" VALUES (1);\n");
    ours.run(&["migrate", "deploy"]).expect(1).has(&["P3018"]);
    ours.run(&["migrate", "resolve", "--rolled-back", THIRD]).expect(0);
    ours.run(&["migrate", "status"]).expect(1).has(&["have not yet been applied:", THIRD]);
    let out = oracle_of(PrismaVersion::V6).run(db.url(), &dir.path(), &["migrate", "status"]);
    assert_eq!(out.code, Some(0), "prisma 6.16.1, rolled back:\n{}", out.all());
    assert!(out.all().contains("Database schema is up to date!"), "prisma 6.16.1, rolled back:\n{}", out.all());
    let out = oracle_of(PrismaVersion::V7).run(db.url(), &dir.path(), &["migrate", "status"]);
    assert_eq!(out.code, Some(1), "prisma 7.10.1, rolled back:\n{}", out.all());
    assert_eq!(listed_pending(&out.all()), [THIRD], "prisma 7.10.1, rolled back:\n{}", out.all());
}

async fn sqlx_delete_rows(url: &str, name: &str) {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    sqlx::query("DELETE FROM _prisma_migrations WHERE migration_name = $1").bind(name).execute(&pool).await.unwrap();
    pool.close().await;
}

#[tokio::test]
async fn reset_and_db_execute() {
    let dir = folder();
    let db = postgres().await;
    let url = db.url_with_schema("app");
    let pm = pm(dir.root()).env("DATABASE_URL", &url);
    pm.run(&["migrate", "deploy"]).expect(0);
    pm.clone()
        .stdin("INSERT INTO \"User\" (\"email\") VALUES ('a@x'); CREATE TABLE \"Extra\" (\"id\" INT);")
        .run(&["db", "execute", "--stdin"])
        .expect(0);
    // PostgreSQL runs the script as one unit: the INSERT before the failing statement is rolled back too.
    pm.clone()
        .stdin("INSERT INTO \"User\" (\"email\") VALUES ('b@x');\nINSERT INTO \"Nope\" VALUES (1);")
        .run(&["db", "execute", "--stdin"])
        .expect(1)
        .has(&["42P01", "Nope"]);
    assert_eq!(count(db.url(), "SELECT count(*) FROM app.\"User\"").await, 1);

    pm.run(&["migrate", "reset"]).expect(1).has(&["--force"]);
    let run = pm.run(&["migrate", "reset", "--force"]);
    run.expect(0).has(&["schema \"app\" (recreated empty)", "All migrations have been successfully applied."]);
    assert_eq!(count(db.url(), "SELECT count(*) FROM app.\"User\"").await, 0);
    assert_eq!(count(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'Extra'").await, 0);
    let out = oracle().run(&url, &dir.path(), &["migrate", "status"]);
    assert!(out.all().contains("Database schema is up to date!"), "{}", out.all());
}

/// Every command, text and `--json`, against URLs with a password that fail (closed port, unknown database):
/// the password appears nowhere in stdout or stderr.
#[tokio::test]
async fn password_is_never_printed() {
    const SECRET: &str = "s3cr3tPW";
    let dir = folder();
    let missing = Uncreated { name: random_name("pm_cli_missing") };
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        format!("postgresql://app:{SECRET}@127.0.0.1:{port}/db?schema=s")
    };
    let urls = [
        closed_port,
        missing.url(Some(SECRET)),
        format!("postgresql://app:{SECRET}@[::1/db"),
        format!("mysql://root:{SECRET}@127.0.0.1:1/db"),
    ];
    let commands: [&[&str]; 9] = [
        &["migrate", "status"],
        &["migrate", "resolve", "--applied", INIT],
        &["migrate", "resolve", "--rolled-back", INIT],
        &["verify"],
        &["plan"],
        &["rollback", INIT],
        &["db", "execute", "--file", "prisma/migrations/20250101120000_init/migration.sql"],
        &["migrate", "deploy"],
        &["migrate", "reset", "--force"],
    ];
    for url in &urls {
        for cmd in commands {
            // deploy and reset would create the missing database, and plan succeeds on it (it says deploy would
            // create it): keep them to the URLs that cannot connect.
            if url.contains(&missing.name)
                && (cmd.contains(&"deploy") || cmd.contains(&"reset") || cmd.contains(&"plan"))
            {
                if cmd.contains(&"plan") {
                    let run = pm(dir.root()).env("DATABASE_URL", url).run(cmd);
                    run.expect(0).lacks(SECRET).has(&["after creating the database"]);
                }
                continue;
            }
            for json in [false, true] {
                let mut args = cmd.to_vec();
                if json {
                    args.push("--json");
                }
                let run = pm(dir.root()).env("DATABASE_URL", url).run(&args);
                run.expect(1).lacks(SECRET);
                assert!(!run.all().is_empty(), "{args:?} says why it failed");
                if json {
                    json_has(run.json(), "ok", "false");
                }
            }
        }
        let run = pm(dir.root()).run(&["lock", "--from-db", url, "--json"]);
        run.expect(1).lacks(SECRET);
        let run = pm(dir.root()).run(&["migrate", "status", "--database-url", url]);
        run.expect(1).lacks(SECRET);
    }
    assert!(!dir.path().join("checksums.lock").exists());
}
