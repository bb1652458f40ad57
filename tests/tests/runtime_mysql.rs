//! The runtime against a real MySQL (MariaDB) database: every shared scenario (`runtime_common/scenarios.rs`), then what
//! is specific to MySQL.

#[macro_use]
mod runtime_common;

use runtime_common::Kind;

const KIND: Kind = Kind::MySql;

shared_scenarios!(KIND, verify_is_one_round_trip => verify_is_one_round_trip);

use std::time::{Duration, Instant};

use prisma_migrations::{Database, Migrator};
use prisma_migrations_tests::{MigrationsDir, mysql_server_url, random_name};
use runtime_common::Env;
use runtime_common::scenarios::{M1, S1};

async fn scalar_string(url: &str, sql: &'static str) -> String {
    let pool = sqlx::MySqlPool::connect(url).await.unwrap();
    let v: String = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    v
}

/// The table is `utf8mb4`/`utf8mb4_unicode_ci` whatever the database default, as Prisma creates it.
#[tokio::test(flavor = "multi_thread")]
async fn table_charset_is_explicit() {
    let env = Env::new(KIND).await;
    env.exec("ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci").await;
    let db = env.connect().await;
    Migrator::new(&MigrationsDir::new().add(M1, S1).load()).deploy(&db).await.unwrap();
    let collation = scalar_string(
        &env.url,
        "SELECT CAST(table_collation AS CHAR) FROM information_schema.tables \
         WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations'",
    )
    .await;
    assert_eq!(collation, "utf8mb4_unicode_ci");
}

/// sqlx turns on `PIPES_AS_CONCAT`; Prisma's engine does not, so `||` must stay OR in migrations.
#[tokio::test(flavor = "multi_thread")]
async fn pipes_mean_or_as_under_prisma() {
    let env = Env::new(KIND).await;
    let db = env.connect().await;
    let dir =
        MigrationsDir::new().add(M1, "CREATE TABLE flags (v VARCHAR(10));\nINSERT INTO flags (v) SELECT 1 || 0;\n");
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    assert_eq!(scalar_string(&env.url, "SELECT v FROM flags").await, "1", "`1 || 0` is OR, not `10`");
}

#[tokio::test(flavor = "multi_thread")]
/// The lock is server-wide (as Prisma's): other tests' deploys may hold it briefly, so the holder waits for it.
async fn lock_held_elsewhere_times_out_with_p1002() {
    let env = Env::new(KIND).await;
    let db = env.connect().await;
    let m = MigrationsDir::new().add(M1, S1).load();
    let mut holder = <sqlx::MySqlConnection as sqlx::Connection>::connect(&env.url).await.unwrap();
    let got: Option<i64> =
        sqlx::query_scalar("SELECT GET_LOCK('prisma_migrate', 30)").fetch_one(&mut holder).await.unwrap();
    assert_eq!(got, Some(1));
    let t = Instant::now();
    let err = Migrator::new(&m).lock_timeout(Duration::from_millis(700)).deploy(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P1002"), "{err}");
    assert!(err.to_string().contains("prisma_migrate"), "{err}");
    assert!(t.elapsed() >= Duration::from_millis(700));
    assert!(!env.has_table("_prisma_migrations").await, "nothing ran without the lock");
    sqlx::Connection::close(holder).await.unwrap();
    Migrator::new(&m).lock_timeout(Duration::from_secs(5)).deploy(&db).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn create_if_missing_uses_utf8mb4_unicode_ci() {
    let name = random_name("pm");
    let mut url = url::Url::parse(mysql_server_url()).unwrap();
    url.set_path(&format!("/{name}"));
    let url = url.to_string();
    let db = Database::connect(&url).await.unwrap();
    assert!(!db.exists().await.unwrap());
    assert!(db.create_if_missing().await.unwrap());
    assert!(!db.create_if_missing().await.unwrap());
    db.close().await;
    let pool = sqlx::MySqlPool::connect(mysql_server_url()).await.unwrap();
    let collation: String = sqlx::query_scalar(
        "SELECT CAST(default_collation_name AS CHAR) FROM information_schema.schemata WHERE schema_name = ?",
    )
    .bind(&name)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(collation, "utf8mb4_unicode_ci");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE `{name}`"))).execute(&pool).await.unwrap();
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_never_show_the_password() {
    let server = url::Url::parse(mysql_server_url()).unwrap();
    let port = server.port().unwrap_or(3306);
    let urls = [
        format!("mysql://root:s3cr3t-pw@127.0.0.1:{port}/mysql"),
        format!("mysql://nobody:s3cr3t-pw@127.0.0.1:{port}/mysql"),
        "mysql://root:s3cr3t-pw@no-such-host.invalid:3306/x".to_owned(),
        "mysql://root:s3cr3t-pw@127.0.0.1:3306".to_owned(),
    ];
    let mut codes = Vec::new();
    for url in &urls {
        let err = Database::connect(url).await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("s3cr3t"), "password shown: {shown}");
        codes.push(err.code());
    }
    assert_eq!(codes, [Some("P1000"), Some("P1000"), Some("P1001"), Some("P1013")]);
}

/// The pooled connection verify reuses was killed meanwhile (server restart, idle timeout): verify retries once
/// on a tested connection instead of failing.
#[tokio::test(flavor = "multi_thread")]
async fn verify_survives_a_killed_pooled_connection() {
    let env = Env::new(KIND).await;
    let db = Database::connect(&format!("{}?connection_limit=1", env.url)).await.unwrap();
    let m = MigrationsDir::new().add(M1, S1).load();
    Migrator::new(&m).deploy(&db).await.unwrap();
    Migrator::new(&m).verify(&db).await.unwrap();
    let pool = db.mysql_pool().unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let id: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()").fetch_one(&mut *conn).await.unwrap();
    drop(conn);
    tokio::time::sleep(Duration::from_millis(200)).await; // back in the pool (after sqlx's release ping)
    env.exec(&format!("KILL {id}")).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    Migrator::new(&m).verify(&db).await.unwrap();
    Migrator::new(&m).status(&db).await.unwrap();
    db.close().await;
}

/// A server that accepts the TCP connection and then never answers: connecting (which probes the server before
/// deploy creates anything) gives up after Prisma's `connect_timeout` with P1001, instead of waiting for the OS's
/// TCP timeout.
#[tokio::test(flavor = "multi_thread")]
async fn connect_honours_connect_timeout() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let url = "mysql://root:s3cr3t@127.0.0.1:PORT/pm_never?connect_timeout=2".replace("PORT", &port.to_string());
    let started = Instant::now();
    let err = Database::connect(&url).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(err.code(), Some("P1001"), "{err}");
    assert!(!format!("{err} {err:?}").contains("s3cr3t"));
    drop(silent);
}
