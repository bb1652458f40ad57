//! Poolers: the CLI migrates through `directUrl` of the `schema.prisma` beside the migrations folder, as Prisma
//! 6's migrate commands do (prisma-engines `psl/psl-core/src/configuration/datasource.rs`, `load_direct_url`),
//! and refuses to take the migration lock through a `pgbouncer=true` URL, where a session advisory lock excludes
//! nobody. Prisma itself takes it there without a word (shown with the oracle).
//!
//! The oracle runs with its own schema file, so it cannot show Prisma reading *our* `directUrl`; that part is
//! checked against the engine source cited above.

mod cli_support;

use cli_support::pm;
use prisma_migrations_tests::{MigrationsDir, PrismaVersion, oracle_of, postgres};

const INIT: &str = "20250101120000_init";
const POSTS: &str = "20250102120000_add_posts";

fn folder() -> MigrationsDir {
    MigrationsDir::new()
        .add(INIT, "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY, \"email\" TEXT NOT NULL);\n")
        .add(POSTS, "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY);\n")
}

fn write_schema(dir: &MigrationsDir, datasource: &str) {
    let schema = format!(
        "generator client {{\n  provider = \"prisma-client-js\"\n}}\n\n{datasource}\n\nmodel User {{\n  id Int @id\n}}\n"
    );
    std::fs::write(dir.root().join("prisma/schema.prisma"), schema).unwrap();
}

/// A URL nothing listens on, with a password that must never be printed.
fn closed_url(extra: &str) -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("postgresql://app:s3cr3tPW@127.0.0.1:{port}/app{extra}")
}

async fn tables(url: &str) -> Vec<String> {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let names: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    names
}

/// `url` is a pooler nobody can reach; `directUrl` is the database: every command goes through `directUrl`
/// (from the environment or from `.env`), `--database-url` still wins, and a `directUrl` whose variable is
/// unset is an error naming the field, the variable and the file.
#[tokio::test]
async fn migrates_through_direct_url() {
    let dir = folder();
    let db = postgres().await;
    write_schema(
        &dir,
        "datasource db {\n  provider  = \"postgresql\"\n  url       = env(\"POOLED_URL\")\n  directUrl = env(\"DIRECT_URL\")\n}",
    );
    let pooled = closed_url("?pgbouncer=true");
    let base = pm(dir.root()).env("POOLED_URL", &pooled).env("DATABASE_URL", &pooled);

    let run = base.run(&["migrate", "status"]);
    run.expect(1).has(&["directUrl", "DIRECT_URL", "schema.prisma", "not set"]).lacks("s3cr3tPW");

    // From `.env` beside the schema, as Prisma loads it.
    std::fs::write(dir.root().join("prisma/.env"), format!("DIRECT_URL=\"{}\"\n", db.url())).unwrap();
    base.run(&["migrate", "deploy"]).expect(0).has(&["All migrations have been successfully applied."]);
    assert_eq!(tables(db.url()).await, ["Post", "User", "_prisma_migrations"]);
    base.run(&["migrate", "status"]).expect(0).has(&["Database schema is up to date!"]);
    base.run(&["verify"]).expect(0);

    // The environment wins over `.env`, and --database-url over the schema.
    let env_wins = base.clone().env("DIRECT_URL", &closed_url(""));
    env_wins.run(&["verify"]).expect(1).lacks("s3cr3tPW");
    env_wins.run(&["verify", "--database-url", db.url()]).expect(0);

    // Only `url`: it is used (here the database itself, through another variable than DATABASE_URL).
    write_schema(&dir, "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"APP_DB\")\n}");
    pm(dir.root()).env("APP_DB", db.url()).env("DATABASE_URL", &pooled).run(&["verify"]).expect(0);

    // A Prisma 7 schema names no URL: DATABASE_URL it is.
    write_schema(&dir, "datasource db {\n  provider = \"postgresql\"\n}");
    std::fs::remove_file(dir.root().join("prisma/.env")).unwrap();
    pm(dir.root()).env("DATABASE_URL", db.url()).run(&["verify"]).expect(0);
}

/// `pgbouncer=true`: deploy, resolve and rollback refuse to take the lock there, before writing anything, and
/// say to use the direct URL or `PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK`; status (no lock) works. With the variable
/// set, or with `directUrl` in the schema, deploy goes ahead. The Prisma CLI deploys through such a URL
/// without a word (both releases), taking its advisory lock there.
#[tokio::test]
async fn pgbouncer_url_refuses_the_lock() {
    let dir = MigrationsDir::new().add(INIT, "CREATE TABLE \"User\" (\"id\" SERIAL PRIMARY KEY);\n");
    let db = postgres().await;
    let bouncer = format!("{}?pgbouncer=true", db.url());
    let through_bouncer = pm(dir.root()).env("DATABASE_URL", &bouncer);
    for cmd in [&["migrate", "deploy"][..], &["migrate", "resolve", "--applied", INIT]] {
        through_bouncer.run(cmd).expect(1).has(&["pgbouncer=true", "directUrl", "PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK"]);
    }
    assert!(tables(db.url()).await.is_empty(), "refused before anything was written");
    through_bouncer.run(&["migrate", "status"]).expect(1).has(&["have not yet been applied:", INIT]);

    through_bouncer.clone().env("PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK", "1").run(&["migrate", "deploy"]).expect(0);
    assert_eq!(tables(db.url()).await, ["User", "_prisma_migrations"]);

    dir.write(POSTS, "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY);\n");
    through_bouncer.run(&["migrate", "deploy"]).expect(1).has(&["pgbouncer=true"]);

    write_schema(
        &dir,
        "datasource db {\n  provider  = \"postgresql\"\n  url       = env(\"DATABASE_URL\")\n  directUrl = env(\"DIRECT_URL\")\n}",
    );
    through_bouncer.clone().env("DIRECT_URL", db.url()).run(&["migrate", "deploy"]).expect(0);
    assert_eq!(tables(db.url()).await, ["Post", "User", "_prisma_migrations"]);

    for v in PrismaVersion::ALL {
        let theirs = postgres().await;
        let out =
            oracle_of(v).run(&format!("{}?pgbouncer=true", theirs.url()), &folder().path(), &["migrate", "deploy"]);
        assert_eq!(out.code, Some(0), "{v}:\n{}", out.all());
        assert!(!out.all().to_lowercase().contains("pgbouncer"), "{v} says nothing about it:\n{}", out.all());
    }
}
