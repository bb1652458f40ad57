//! The runtime against a real PostgreSQL database: every shared scenario (`runtime_common/scenarios.rs`), then what
//! is specific to PostgreSQL.

#[macro_use]
mod runtime_common;

use runtime_common::Kind;

const KIND: Kind = Kind::Postgres;

shared_scenarios!(KIND, verify_is_one_round_trip => verify_is_one_round_trip);

use std::time::{Duration, Instant};

use prisma_migrations::{Database, Error, Migrator};
use prisma_migrations_tests::{Gate, MigrationsDir, REACH_DEADLINE, postgres, postgres_server_url, random_name};
use runtime_common::Env;
use runtime_common::scenarios::{M1, M2, S1, S2};

const CIC: &str = "20250102000000_index_users_email";

#[tokio::test(flavor = "multi_thread")]
async fn create_index_concurrently_alone_in_its_file() {
    let env = Env::new(KIND).await;
    let dir =
        MigrationsDir::new().add(M1, S1).add(CIC, "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n");
    let db = env.connect().await;
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    let pool = sqlx::PgPool::connect(&env.url).await.unwrap();
    let valid: bool = sqlx::query_scalar(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'users_email_idx'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(valid);
    pool.close().await;
}

/// What `ban-concurrent-index-creation-in-transaction` claims: beside another statement in the same script,
/// CREATE INDEX CONCURRENTLY cannot run in the one transaction Prisma 6 sends (the oracle fails on it:
/// `scripts_postgres.rs`), so this toolkit runs the script statement by statement (the index is built, valid);
/// the lint names exactly that migration beforehand.
#[tokio::test(flavor = "multi_thread")]
async fn create_index_concurrently_beside_another_statement_is_split_as_the_lint_says() {
    use prisma_migrations_build::lint::{LintConfig, lint};
    let env = Env::new(KIND).await;
    let dir = MigrationsDir::new()
        .add(M1, S1)
        .add(CIC, "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nSELECT 1;\n");
    let folder = prisma_migrations_build::load(&dir.path(), &prisma_migrations_build::Options::default()).unwrap();
    let found: Vec<_> = lint(&folder, prisma_migrations_build::Provider::Postgresql, &LintConfig::default())
        .into_iter()
        .map(|f| (f.migration, f.rule.name))
        .collect();
    assert_eq!(found, [(CIC.to_owned(), "ban-concurrent-index-creation-in-transaction")]);
    let db = env.connect().await;
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    db.close().await;
    let pool = sqlx::PgPool::connect(&env.url).await.unwrap();
    let valid: bool = sqlx::query_scalar(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'users_email_idx'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert!(valid);
}

/// A deployer waiting for the lock must not hold a snapshot: the holder's `CREATE INDEX CONCURRENTLY` waits for
/// every open snapshot, so a waiter blocked inside `pg_advisory_lock` would deadlock it until the lock timeout.
/// The holder stops at a gate before the index until the waiter has tried the lock (seen in `pg_stat_activity`).
#[tokio::test(flavor = "multi_thread")]
async fn create_index_concurrently_completes_while_another_deployer_waits() {
    let env = Env::new(KIND).await;
    let gate = Gate::postgres(&env.url).await;
    let dir = MigrationsDir::new()
        .add(
            M1,
            &format!(
                "{S1}INSERT INTO users (id, email) SELECT g, 'u' || g FROM generate_series(1, 1000) g;\n{}",
                gate.sql()
            ),
        )
        .add(CIC, "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n");
    let m = std::sync::Arc::new(dir.load());
    let (db_a, db_b) = (env.connect().await, env.connect().await);
    let (ma, mb) = (m.clone(), m.clone());
    let a = tokio::spawn(async move { Migrator::new(&ma).lock_timeout(Duration::from_mins(1)).deploy(&db_a).await });
    gate.wait_reached().await;
    let tries = || async {
        let pool = sqlx::PgPool::connect(&env.url).await.unwrap();
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND query LIKE 'SELECT pg_try_advisory_lock(%'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        n
    };
    let holder_only = tries().await;
    let b = tokio::spawn(async move { Migrator::new(&mb).lock_timeout(Duration::from_mins(1)).deploy(&db_b).await });
    let start = Instant::now();
    while tries().await <= holder_only {
        assert!(start.elapsed() < REACH_DEADLINE, "the second deployer never tried the lock");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    gate.open().await;
    let (ra, rb) = tokio::time::timeout(Duration::from_mins(2), async { (a.await.unwrap(), b.await.unwrap()) })
        .await
        .expect("CREATE INDEX CONCURRENTLY was blocked by the waiting deployer");
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.applied.len(), 2, "the first deployer applied both");
    assert!(rb.applied.is_empty(), "the second found nothing pending");
    assert_eq!(env.rows().await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_parameter_puts_everything_in_that_schema() {
    let db = postgres().await;
    let dir = MigrationsDir::new().add(M1, S1).add(M2, S2);
    let m = dir.load();
    for schema in ["tenant_a", "Tenant B"] {
        let url = format!("{}?schema={}", db.url(), schema.replace(' ', "%20"));
        let pm = Database::connect(&url).await.unwrap();
        Migrator::new(&m).deploy(&pm).await.unwrap();
        Migrator::new(&m).verify(&pm).await.unwrap();
        pm.close().await;
    }
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_schema::text, table_name::text FROM information_schema.tables \
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let want: Vec<(String, String)> = ["Tenant B", "tenant_a"]
        .iter()
        .flat_map(|s| ["_prisma_migrations", "posts", "users"].map(|t| ((*s).to_owned(), t.to_owned())))
        .collect();
    assert_eq!(tables, want, "nothing in public");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_held_elsewhere_times_out_with_p1002() {
    let env = Env::new(KIND).await;
    let dir = MigrationsDir::new().add(M1, S1);
    let db = env.connect().await;
    let mut holder = <sqlx::PgConnection as sqlx::Connection>::connect(&env.url).await.unwrap();
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(72707369)").fetch_one(&mut holder).await.unwrap();
    assert!(got);
    let m = dir.load();
    let t = Instant::now();
    let err = Migrator::new(&m).lock_timeout(Duration::from_millis(700)).deploy(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P1002"), "{err}");
    // Not before the timeout; the upper bound is only a hang guard.
    assert!(t.elapsed() >= Duration::from_millis(700) && t.elapsed() < Duration::from_mins(1), "{:?}", t.elapsed());
    assert!(err.to_string().contains("72707369"), "{err}");
    assert!(!env.has_table("_prisma_migrations").await);
    // status and verify take no lock.
    assert!(!Migrator::new(&m).status(&db).await.unwrap().table_exists);
    // Without the lock (PgBouncer setups), deploy goes ahead.
    Migrator::new(&m).advisory_lock(false).deploy(&db).await.unwrap();
    sqlx::Connection::close(holder).await.unwrap();
    // The lock was released: a locking deploy now succeeds at once.
    let r = Migrator::new(&m).lock_timeout(Duration::from_secs(5)).deploy(&db).await.unwrap();
    assert!(r.lock_wait < Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn script_failing_inside_its_own_transaction() {
    let env = Env::new(KIND).await;
    let bad = "BEGIN;\nCREATE TABLE inside (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\nCOMMIT;\n";
    let dir = MigrationsDir::new().add(M1, bad);
    let db = env.connect().await;
    let err = Migrator::new(&dir.load()).deploy(&db).await.unwrap_err();
    let Error::MigrationFailed { database_error_code, .. } = &err else { panic!("{err:?}") };
    assert_eq!(database_error_code, "42P01");
    assert!(!env.has_table("inside").await);
    let rows = env.rows().await;
    assert!(rows[0].logs.as_deref().unwrap_or_default().contains("no_such_table"), "{rows:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_if_missing_creates_database_and_schema() {
    let name = random_name("pm");
    let mut url = url::Url::parse(postgres_server_url()).unwrap();
    url.set_path(&format!("/{name}"));
    let with_schema = format!("{url}?schema=app");
    let db = Database::connect(&with_schema).await.unwrap();
    assert!(!db.exists().await.unwrap());
    assert!(db.create_if_missing().await.unwrap());
    assert!(!db.create_if_missing().await.unwrap());
    let again = Database::connect(&with_schema).await.unwrap();
    assert!(!again.create_if_missing().await.unwrap(), "it exists: nothing to create");
    again.close().await;
    let dir = MigrationsDir::new().add(M1, S1);
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    db.close().await;
    let admin = sqlx::PgPool::connect(postgres_server_url()).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))).execute(&admin).await.unwrap();
    admin.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_never_show_the_password() {
    let server = url::Url::parse(postgres_server_url()).unwrap();
    let port = server.port().unwrap_or(5432);
    let urls = [
        format!("postgresql://postgres:s3cr3t-pw@127.0.0.1:{port}/pm_no_such_database"),
        "postgresql://postgres:s3cr3t-pw@no-such-host.invalid:5432/x".to_owned(),
        "postgresql://postgres:s3cr3t-pw@127.0.0.1:1/x".to_owned(),
        "postgresql://postgres:s3cr3t-pw@127.0.0.1:99999/x".to_owned(),
        // Refused before connecting in every build (tests/tests/tls.rs has the TLS connections themselves).
        "postgresql://postgres:s3cr3t-pw@127.0.0.1/x?sslmode=require&sslidentity=id.p12".to_owned(),
        "postgresql://postgres:s3cr3t-pw@127.0.0.1/x?connection_limit=many".to_owned(),
    ];
    let mut codes = Vec::new();
    let m = MigrationsDir::new().add(M1, S1).load();
    for url in &urls {
        // A missing database is no error at connect (deploy creates it); verify answers P1003.
        let err = match Database::connect(url).await {
            Err(e) => e,
            Ok(db) => {
                assert!(!format!("{db:?}").contains("s3cr3t"), "password shown: {db:?}");
                Migrator::new(&m).verify(&db).await.unwrap_err()
            }
        };
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("s3cr3t"), "password shown: {shown}");
        codes.push(err.code());
    }
    assert_eq!(codes, [Some("P1003"), Some("P1001"), Some("P1001"), Some("P1013"), Some("P1013"), Some("P1013")]);
    // A connected database's Debug hides the password too: the test server's own password, or one it ignores
    // (the private server trusts local connections).
    let mut url = server.clone();
    let secret = if let Some(p) = url.password() {
        p.to_owned()
    } else {
        url.set_password(Some("s3cr3t-pw")).expect("a URL with a host takes a password");
        "s3cr3t-pw".to_owned()
    };
    let db = Database::connect(url.as_str()).await.expect("connect to the test server with a password in the URL");
    let shown = format!("{db:?}");
    assert!(!shown.contains(&secret) && shown.contains("***"), "{shown}");
    db.close().await;
}

/// `migration_lock.toml` saying `cockroachdb` against a PostgreSQL server: refused, as Prisma's
/// `setup_connection` refuses it (prisma-engines `flavour/postgres.rs`), before the lock (another holder does not
/// turn it into P1002) and before anything is written. The other direction, and that a CockroachDB server gets
/// Prisma's session settings and no lock, is decided from `version()` (unit tests of `postgres_session.rs`).
#[tokio::test(flavor = "multi_thread")]
async fn cockroachdb_provider_refused_on_postgres() {
    let env = Env::new(KIND).await;
    let db = env.connect().await;
    let m = MigrationsDir::new().add(M1, S1).provider("cockroachdb").load();
    let mut holder = <sqlx::PgConnection as sqlx::Connection>::connect(&env.url).await.unwrap();
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(72707369)").fetch_one(&mut holder).await.unwrap();
    assert!(got);
    let version: String = sqlx::query_scalar("SELECT version()").fetch_one(&mut holder).await.unwrap();
    let e = Migrator::new(&m).lock_timeout(Duration::from_millis(300)).deploy(&db).await.unwrap_err();
    let Error::ServerMismatch { provider, server } = &e else { panic!("{e}") };
    assert_eq!((*provider, server.as_str()), (prisma_migrations::build::Provider::Cockroachdb, version.as_str()));
    assert_eq!(e.code(), None, "Prisma gives this refusal no code");
    assert!(e.to_string().contains("PostgreSQL") && e.to_string().contains("`postgresql`"), "{e}");
    let e = Migrator::new(&m).resolve_applied(&db, M1).await.unwrap_err();
    assert!(matches!(e, Error::ServerMismatch { .. }), "{e}");
    assert!(!env.has_table("_prisma_migrations").await);
    assert!(!env.has_table("users").await);
    sqlx::Connection::close(holder).await.unwrap();
}

/// With `pgbouncer=true` the schema is set with `SET search_path` after connecting (PgBouncer refuses the
/// `options` startup parameter); everything still lands in that schema. The migration lock is refused there
/// (a session lock through a transaction pooler excludes nobody) until it is turned off.
#[tokio::test(flavor = "multi_thread")]
async fn pgbouncer_mode_still_uses_the_schema() {
    let env = Env::new(KIND).await;
    let url = format!("{}?schema=bounced&pgbouncer=true", env.url);
    let db = Database::connect(&url).await.unwrap();
    let m = MigrationsDir::new().add(M1, S1).load();
    let e = Migrator::new(&m).deploy(&db).await.unwrap_err();
    assert!(matches!(e, Error::LockThroughPooler), "{e:?}");
    assert!(!env.has_table_in(Some("bounced"), "_prisma_migrations").await, "refused before writing");
    Migrator::new(&m).advisory_lock(false).deploy(&db).await.unwrap();
    Migrator::new(&m).verify(&db).await.unwrap();
    assert!(env.has_table_in(Some("bounced"), "_prisma_migrations").await);
    assert!(env.has_table_in(Some("bounced"), "users").await);
    assert!(!env.has_table("users").await);
    db.close().await;
}

/// A database dropped after connecting: status reports P1003. The pool is reachable for the app's queries.
#[tokio::test(flavor = "multi_thread")]
async fn status_on_a_vanished_database_is_p1003() {
    let env = Env::new(KIND).await;
    let used = env.connect().await;
    let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(used.postgres_pool().unwrap()).await.unwrap();
    assert_eq!(one, 1);
    assert!(used.sqlite_pool().is_none() && used.mysql_pool().is_none());
    used.close().await;
    // Connected (the pool connects lazily after a first probe), then the database goes away.
    let db = env.connect().await;
    let m = MigrationsDir::new().add(M1, S1).load();
    let name = url::Url::parse(&env.url).unwrap().path().trim_start_matches('/').to_owned();
    let admin = sqlx::PgPool::connect(postgres_server_url()).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))).execute(&admin).await.unwrap();
    admin.close().await;
    let err = Migrator::new(&m).status(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P1003"), "{err}");
}

/// The pooled connection verify reuses was terminated meanwhile (failover, `pg_terminate_backend`): verify
/// retries once on a new connection instead of failing; the app's own queries on the pool survive too.
#[tokio::test(flavor = "multi_thread")]
async fn verify_survives_a_terminated_pooled_connection() {
    let env = Env::new(KIND).await;
    let db = Database::connect(&format!("{}?connection_limit=1&schema=app", env.url)).await.unwrap();
    let m = MigrationsDir::new().add(M1, S1).load();
    Migrator::new(&m).deploy(&db).await.unwrap();
    Migrator::new(&m).verify(&db).await.unwrap();
    let pool = db.postgres_pool().unwrap();
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(pool).await.unwrap();
    // Back in the pool (after sqlx's release ping), then gone from the server: events, with hang guards.
    let start = Instant::now();
    while pool.num_idle() < 1 {
        assert!(start.elapsed() < Duration::from_mins(1), "the connection never went back to the pool");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    env.exec(&format!("SELECT pg_terminate_backend({pid})")).await;
    let admin = sqlx::PgPool::connect(&env.url).await.unwrap();
    loop {
        let alive: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = $1")
            .bind(pid)
            .fetch_one(&admin)
            .await
            .unwrap();
        if alive == 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_mins(1), "backend {pid} outlived pg_terminate_backend");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    admin.close().await;
    Migrator::new(&m).verify(&db).await.unwrap();
    Migrator::new(&m).status(&db).await.unwrap();
    let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(pool).await.unwrap();
    assert_eq!(one, 1);
    db.close().await;
}

/// A server that accepts the TCP connection and then never answers: connecting (which probes the server before
/// deploy creates anything) gives up after Prisma's `connect_timeout` with P1001, instead of waiting for the OS's
/// TCP timeout.
#[tokio::test(flavor = "multi_thread")]
async fn connect_honours_connect_timeout() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let url =
        "postgresql://postgres:s3cr3t@127.0.0.1:PORT/pm_never?connect_timeout=2".replace("PORT", &port.to_string());
    let started = Instant::now();
    let err = Database::connect(&url).await.unwrap_err();
    // Without the timeout it would wait for ever (the listener accepts and never answers): a minute is a hang
    // guard that still tells the two apart.
    assert!(started.elapsed() < Duration::from_mins(1), "took {:?}", started.elapsed());
    assert_eq!(err.code(), Some("P1001"), "{err}");
    assert!(!format!("{err} {err:?}").contains("s3cr3t"));
    drop(silent);
}

/// Runs each statement on the server, as its superuser.
async fn as_superuser(server: &str, statements: &[String]) {
    let admin = sqlx::PgPool::connect(server).await.unwrap();
    for sql in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone())).execute(&admin).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    admin.close().await;
}

/// A role that may connect only to its own database (managed hosts: no CONNECT on `postgres` or `template1`)
/// deploys to it, since the target is probed first and exists. With CREATEDB and CONNECT on `template1` only, a
/// missing database is created through `template1`, the fallback after `postgres` in Prisma's engine
/// (`create_postgres_admin_conn`: `postgres`, `template1`, `defaultdb`, skipping P1003 and P1010); with neither,
/// deploy names the three it tried. On a private server: the test revokes privileges on its maintenance databases.
#[tokio::test(flavor = "multi_thread")]
async fn a_role_limited_to_its_own_database_deploys() {
    let server = prisma_migrations_tests::postgres_private_server_url();
    let (role, own, fresh, none) =
        (random_name("pm_role"), random_name("pm_own"), random_name("pm_new"), random_name("pm_none"));
    as_superuser(
        server,
        &[
            format!("CREATE ROLE \"{role}\" LOGIN"),
            format!("CREATE DATABASE \"{own}\" OWNER \"{role}\""),
            "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC".to_owned(),
            "REVOKE CONNECT ON DATABASE template1 FROM PUBLIC".to_owned(),
        ],
    )
    .await;
    let as_role = |database: &str, query: &str| {
        let mut u = url::Url::parse(server).unwrap();
        u.set_username(&role).unwrap();
        u.set_path(&format!("/{database}"));
        u.set_query((!query.is_empty()).then_some(query));
        u.to_string()
    };
    // The server's own answer: the role may not connect to either maintenance database.
    for maintenance in ["postgres", "template1"] {
        let err = <sqlx::PgConnection as sqlx::Connection>::connect(&as_role(maintenance, "")).await.unwrap_err();
        let code = err.as_database_error().and_then(sqlx::error::DatabaseError::code).map(std::borrow::Cow::into_owned);
        assert_eq!(code.as_deref(), Some("42501"), "{maintenance}: {err}");
    }
    let m = MigrationsDir::new().add(M1, S1).add(M2, S2).load();

    let db = Database::connect(&as_role(&own, "schema=app")).await.unwrap();
    let report = Migrator::new(&m).deploy(&db).await.unwrap_or_else(|e| panic!("deploy to its own database: {e}"));
    assert_eq!(report.applied.len(), 2);
    Migrator::new(&m).verify(&db).await.unwrap();
    db.close().await;

    as_superuser(
        server,
        &[format!("ALTER ROLE \"{role}\" CREATEDB"), format!("GRANT CONNECT ON DATABASE template1 TO \"{role}\"")],
    )
    .await;
    let db = Database::connect(&as_role(&fresh, "")).await.unwrap();
    assert!(db.create_if_missing().await.unwrap_or_else(|e| panic!("create through template1: {e}")));
    Migrator::new(&m).deploy(&db).await.unwrap();
    db.close().await;
    let admin = sqlx::PgPool::connect(server).await.unwrap();
    let owner: String = sqlx::query_scalar("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1")
        .bind(&fresh)
        .fetch_one(&admin)
        .await
        .unwrap();
    admin.close().await;
    assert_eq!(owner, role, "created by the role itself");

    as_superuser(server, &[format!("REVOKE CONNECT ON DATABASE template1 FROM \"{role}\"")]).await;
    let db = Database::connect(&as_role(&none, "")).await.unwrap();
    let err = Migrator::new(&m).deploy(&db).await.unwrap_err();
    db.close().await;
    let text = err.to_string();
    for tried in ["`postgres`", "`template1`", "`defaultdb` does not exist"] {
        assert!(text.contains(tried), "names {tried}: {text}");
    }
    as_superuser(
        server,
        &[
            format!("DROP DATABASE \"{own}\" WITH (FORCE)"),
            format!("DROP DATABASE \"{fresh}\" WITH (FORCE)"),
            format!("DROP ROLE \"{role}\""),
            "GRANT CONNECT ON DATABASE postgres TO PUBLIC".to_owned(),
            "GRANT CONNECT ON DATABASE template1 TO PUBLIC".to_owned(),
        ],
    )
    .await;
}
