//! The session a migration's script runs in: the one Prisma's engine gives it (the role's, database's and
//! server's defaults), not the driver's. PostgreSQL is compared with the real Prisma CLI (both releases) on twin
//! databases; MySQL/MariaDB, which the oracle cannot run, with Prisma's engine source (quaint over `mysql_async`
//! runs nothing on connect: `quaint/src/connector/mysql/native/mod.rs`) on a private server whose global
//! settings the test may change. The bookkeeping's timestamps stay UTC whatever the session's zone.

use chrono::{DateTime, NaiveDateTime, Utc};
use prisma_migrations::{Database, Migrator};
use prisma_migrations_tests::{
    CrashServer, MigrationsDir, PrismaVersion, TestDatabase, oracle_of, postgres, postgres_server_url, random_name,
};

const NAME: &str = "20250101000000_session";

/// What the migration sees, as data: the three values, and `extra_float_digits` with a float formatted
/// under it (sqlx's start-up `extra_float_digits=2` would print `0.30000000000000004`).
const PG_SCRIPT: &str = "CREATE TABLE tz AS SELECT current_setting('TimeZone') AS tz, \
    current_setting('DateStyle') AS ds, now()::date::text AS d, \
    current_setting('extra_float_digits') AS efd, (0.1::float8 + 0.2::float8)::text AS f;\n";

async fn pg_exec(url: &str, sql: &str) {
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    sqlx::Connection::close(conn).await.unwrap();
}

async fn pg_seen(url: &str) -> Vec<String> {
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url).await.unwrap();
    let row: (String, String, String, String, String) =
        sqlx::query_as("SELECT tz, ds, d, efd, f FROM tz").fetch_one(&mut conn).await.unwrap();
    sqlx::Connection::close(conn).await.unwrap();
    vec![row.0, row.1, row.2, row.3, row.4]
}

/// Prisma deploys to `prisma_db`, we deploy to `our_db` (same settings); what the migration recorded must be
/// equal. Returns it. Our bookkeeping timestamps must lie in the client's UTC clock window.
async fn deploy_both(v: PrismaVersion, prisma_url: &str, our_url: &str) -> Vec<String> {
    let dir = MigrationsDir::new().add(NAME, PG_SCRIPT);
    let (url, path) = (prisma_url.to_owned(), dir.path());
    let out = tokio::task::spawn_blocking(move || oracle_of(v).run(&url, &path, &["migrate", "deploy"])).await.unwrap();
    assert_eq!(out.code, Some(0), "{v:?}: {}", out.all());
    let before = Utc::now();
    let db = Database::connect(our_url).await.unwrap();
    let migrations = dir.load();
    Migrator::new(&migrations).deploy(&db).await.unwrap();
    // A second deploy reads the rows back on a migration connection whose DateStyle is the database's.
    assert!(Migrator::new(&migrations).deploy(&db).await.unwrap().applied.is_empty());
    Migrator::new(&migrations).verify(&db).await.unwrap();
    db.close().await;
    let after = Utc::now();
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(our_url).await.unwrap();
    let (started, finished): (DateTime<Utc>, DateTime<Utc>) =
        sqlx::query_as("SELECT started_at, finished_at FROM _prisma_migrations").fetch_one(&mut conn).await.unwrap();
    sqlx::Connection::close(conn).await.unwrap();
    // The server's clock writes finished_at; on this one machine it is the client's clock.
    assert!(before <= started && started <= finished && finished <= after, "{before} {started} {finished} {after}");
    let prisma = pg_seen(prisma_url).await;
    let ours = pg_seen(our_url).await;
    assert_eq!(ours, prisma, "{v:?}: ours vs Prisma's (tz, DateStyle, date, extra_float_digits, float)");
    ours
}

async fn set_database_defaults(db: &TestDatabase) {
    let name = db.name();
    pg_exec(
        postgres_server_url(),
        &format!(
            "ALTER DATABASE \"{name}\" SET timezone = 'Pacific/Kiritimati'; \
             ALTER DATABASE \"{name}\" SET datestyle = 'SQL, DMY'; \
             ALTER DATABASE \"{name}\" SET extra_float_digits = 0;"
        ),
    )
    .await;
}

/// The case: a database with `ALTER DATABASE … SET timezone/datestyle` (and `extra_float_digits`).
#[tokio::test(flavor = "multi_thread")]
async fn postgres_database_defaults_as_prisma() {
    for v in PrismaVersion::ALL {
        let (prisma_db, our_db) = (postgres().await, postgres().await);
        set_database_defaults(&prisma_db).await;
        set_database_defaults(&our_db).await;
        let seen = deploy_both(v, prisma_db.url(), our_db.url()).await;
        assert_eq!(seen[..2], ["Pacific/Kiritimati", "SQL, DMY"], "{v:?}");
        // `SQL, DMY` prints a date as dd/mm/yyyy.
        assert!(seen[2].len() == 10 && &seen[2][2..3] == "/", "{seen:?}");
        assert_eq!(seen[3..], ["0", "0.3"], "{v:?}");
    }
}

/// Role settings override the database's (`ALTER ROLE … SET`), a role-in-database one overrides both, as at
/// PostgreSQL's session start; the login role is not a superuser (it cannot read `pg_file_settings`).
#[tokio::test(flavor = "multi_thread")]
async fn postgres_role_defaults_as_prisma() {
    let role = random_name("pm_role");
    let admin = postgres_server_url();
    pg_exec(
        admin,
        &format!(
            "CREATE ROLE {role} LOGIN PASSWORD 'pw'; \
             ALTER ROLE {role} SET timezone = 'America/St_Johns'; ALTER ROLE {role} SET datestyle = 'Postgres, MDY';"
        ),
    )
    .await;
    let (prisma_db, our_db) = (postgres().await, postgres().await);
    let mut urls = vec![];
    for db in [&prisma_db, &our_db] {
        set_database_defaults(db).await;
        let name = db.name();
        pg_exec(
            admin,
            &format!(
                "ALTER DATABASE \"{name}\" OWNER TO {role}; \
                 ALTER ROLE {role} IN DATABASE \"{name}\" SET datestyle = 'German, DMY';"
            ),
        )
        .await;
        let mut url = url::Url::parse(db.url()).unwrap();
        url.set_username(&role).unwrap();
        url.set_password(Some("pw")).unwrap();
        urls.push(url.to_string());
    }
    // PostgreSQL 15 gives `public` to the database owner; older releases let everyone create there.
    for db in [&prisma_db, &our_db] {
        pg_exec(db.url(), &format!("GRANT ALL ON SCHEMA public TO {role}")).await;
    }
    let seen = deploy_both(PrismaVersion::V6, &urls[0], &urls[1]).await;
    assert_eq!(seen[..2], ["America/St_Johns", "German, DMY"]);
    drop((prisma_db, our_db));
    pg_exec(admin, &format!("DROP ROLE {role}")).await;
}

/// Neither role nor database settings: the server's own values apply (`ALTER SYSTEM`, reloaded), which the
/// migration connection reads from `pg_file_settings` (the login role is a superuser). A private server, so its
/// configuration is the test's to change.
#[tokio::test(flavor = "multi_thread")]
async fn postgres_server_defaults_as_prisma() {
    let server = tokio::task::spawn_blocking(CrashServer::postgres).await.unwrap();
    let admin = server.admin_url();
    // ALTER SYSTEM refuses a transaction block, and a multi-statement message is one: one per message.
    for sql in [
        "ALTER SYSTEM SET timezone = 'Asia/Kathmandu'",
        "ALTER SYSTEM SET datestyle = 'Postgres, YMD'",
        // A marker no client sends at start-up, to see when new sessions have the reloaded configuration.
        "ALTER SYSTEM SET lock_timeout = '12345ms'",
        "SELECT pg_reload_conf()",
    ] {
        pg_exec(&admin, sql).await;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_mins(1);
    loop {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.unwrap();
        let marker: String =
            sqlx::query_scalar("SELECT current_setting('lock_timeout')").fetch_one(&mut conn).await.unwrap();
        sqlx::Connection::close(conn).await.unwrap();
        if marker == "12345ms" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the server did not reload its configuration");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let names = [random_name("pm"), random_name("pm")];
    for name in &names {
        pg_exec(&admin, &format!("CREATE DATABASE \"{name}\"")).await;
    }
    let seen = deploy_both(PrismaVersion::V6, &server.url(&names[0]), &server.url(&names[1])).await;
    assert_eq!(seen[..2], ["Asia/Kathmandu", "Postgres, YMD"]);
}

/// MariaDB with a global `time_zone` of +05:45, a global `sql_mode` and a latin1 database: the migration sees
/// the server's zone and mode and the handshake's `utf8mb4_general_ci`, as under Prisma's `mysql_async` (which
/// sends that collation in its handshake and runs no `SET`); sqlx's own session would be `+00:00`,
/// `IGNORE_SPACE` added and, after its `SET NAMES utf8mb4`, the server's default utf8mb4 collation.
#[tokio::test(flavor = "multi_thread")]
async fn mysql_session_as_prisma() {
    let server = tokio::task::spawn_blocking(CrashServer::mariadb).await.unwrap();
    let admin = server.admin_url();
    let mode = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER";
    let name = random_name("pm");
    let mut conn = <sqlx::MySqlConnection as sqlx::Connection>::connect(&admin).await.unwrap();
    for sql in [
        "SET GLOBAL time_zone = '+05:45'".to_owned(),
        format!("SET GLOBAL sql_mode = '{mode}'"),
        format!("CREATE DATABASE `{name}` CHARACTER SET latin1 COLLATE latin1_german1_ci"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await.unwrap();
    }
    let global_mode: String = sqlx::query_scalar("SELECT @@GLOBAL.sql_mode").fetch_one(&mut conn).await.unwrap();
    sqlx::Connection::close(conn).await.unwrap();
    let url = server.url(&name);
    let dir = MigrationsDir::new().add(
        NAME,
        "CREATE TABLE seen AS SELECT @@session.time_zone AS tz, @@collation_connection AS coll, \
         @@character_set_client AS cs, @@session.sql_mode AS mode, @@collation_database AS db_coll;\n\
         CREATE TABLE stamped (x INT, at DATETIME DEFAULT CURRENT_TIMESTAMP);\n\
         INSERT INTO stamped (x) VALUES (1);\n",
    );
    let before = Utc::now();
    let db = Database::connect(&url).await.unwrap();
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    db.close().await;
    let after = Utc::now();
    let mut conn = <sqlx::MySqlConnection as sqlx::Connection>::connect(&url).await.unwrap();
    let seen: (String, String, String, String, String) =
        sqlx::query_as("SELECT tz, coll, cs, mode, db_coll FROM seen").fetch_one(&mut conn).await.unwrap();
    assert_eq!(seen.0, "+05:45");
    assert_eq!((seen.1.as_str(), seen.2.as_str()), ("utf8mb4_general_ci", "utf8mb4"));
    assert_eq!(seen.3, global_mode);
    assert!(!seen.3.contains("IGNORE_SPACE") && !seen.3.contains("PIPES_AS_CONCAT"), "{}", seen.3);
    assert_eq!(seen.4, "latin1_german1_ci");
    // `DEFAULT CURRENT_TIMESTAMP` filled in the server's zone: 345 minutes ahead of UTC.
    let ahead: i64 = sqlx::query_scalar("SELECT TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), at) FROM stamped")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!((344..=345).contains(&ahead), "{ahead}");
    // The bookkeeping is naive UTC from the client's clock, whatever the session's zone.
    let (started, finished): (NaiveDateTime, NaiveDateTime) =
        sqlx::query_as("SELECT started_at, finished_at FROM _prisma_migrations").fetch_one(&mut conn).await.unwrap();
    sqlx::Connection::close(conn).await.unwrap();
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let (started, finished) = (started.and_utc(), finished.and_utc());
    // DATETIME(3) keeps milliseconds (MariaDB truncates).
    assert!(ms(before) - 1 <= ms(started) && started <= finished && ms(finished) <= ms(after), "{started} {finished}");
}
