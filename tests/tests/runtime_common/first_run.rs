//! The first start of an application: the README's run-time snippet (`Database::connect`, then
//! `Migrator::deploy`) on a database that does not exist yet, as `prisma migrate deploy` creates it
//! (PRISMA.md, deploy step 0), checked against the database's own catalog and the file system.

use prisma_migrations::{Database, Migrator};
use prisma_migrations_tests::{
    MigrationsDir, ScratchDir, mysql_server_url, postgres_server_url, random_name, with_path,
};

use super::scenarios::{M1, M2, S1, S2};
use super::{Env, Kind};

/// Whether the database exists, asked of the server's catalog (or the file system), not of the library.
async fn exists(kind: Kind, name: &str, file: &std::path::Path) -> bool {
    match kind {
        Kind::Postgres => {
            let pool = sqlx::PgPool::connect(postgres_server_url()).await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap();
            pool.close().await;
            n > 0
        }
        Kind::MySql => {
            let pool = sqlx::MySqlPool::connect(mysql_server_url()).await.unwrap();
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?")
                .bind(name)
                .fetch_one(&pool)
                .await
                .unwrap();
            pool.close().await;
            n > 0
        }
        Kind::Sqlite => file.is_file(),
    }
}

async fn drop_database(kind: Kind, name: &str) {
    match kind {
        Kind::Postgres => {
            let pool = sqlx::PgPool::connect(postgres_server_url()).await.unwrap();
            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Kind::MySql => {
            let pool = sqlx::MySqlPool::connect(mysql_server_url()).await.unwrap();
            let sql = format!("DROP DATABASE IF EXISTS `{name}`");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
            pool.close().await;
        }
        Kind::Sqlite => {}
    }
}

/// `connect` succeeds on a database that does not exist; `verify` and `status` answer P1003 naming it, `plan`
/// lists every migration and says deploy creates the database, and none of the three creates anything; then
/// deploy creates it (PostgreSQL with its `?schema=`, MySQL `utf8mb4`/`utf8mb4_unicode_ci`, SQLite with its
/// directory) and applies everything.
#[allow(clippy::too_many_lines, reason = "one story, step by step")]
pub async fn first_run(kind: Kind) {
    let scratch = ScratchDir::new();
    let name = random_name("pm_first");
    let file = scratch.path().join("data/new").join(format!("{name}.db"));
    let (url, raw_url) = match kind {
        Kind::Postgres => {
            let raw = with_path(postgres_server_url(), &name);
            (format!("{raw}?schema=app"), raw)
        }
        Kind::MySql => {
            let raw = with_path(mysql_server_url(), &name);
            (raw.clone(), raw)
        }
        Kind::Sqlite => (format!("file:{}", file.display()), format!("file:{}", file.display())),
    };
    let shown = if kind == Kind::Sqlite { file.display().to_string() } else { name.clone() };
    let m = MigrationsDir::new().add(M1, S1).add(M2, S2).load();

    // The README's snippet, first line: no error although the database is not there.
    let db = Database::connect(&url).await.unwrap_or_else(|e| panic!("connect to a missing database: {e}"));
    assert!(!db.exists().await.unwrap());
    let verify = Migrator::new(&m).verify(&db).await.unwrap_err();
    assert_eq!(verify.code(), Some("P1003"), "{verify}");
    assert!(verify.to_string().contains(&shown), "names the database: {verify}");
    let status = Migrator::new(&m).status(&db).await.unwrap_err();
    assert_eq!(status.code(), Some("P1003"), "{status}");
    let plan = Migrator::new(&m).plan(&db).await.unwrap();
    assert!(plan.creates_database && plan.creates_table, "{plan:?}");
    assert_eq!(plan.migrations.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), [M1, M2]);
    assert!(!exists(kind, &name, &file).await, "verify, status and plan create nothing");
    assert!(!file.parent().unwrap().exists(), "nor the SQLite file's directory");

    // Second line: deploy creates the database, then applies.
    let report = Migrator::new(&m).deploy(&db).await.unwrap_or_else(|e| panic!("first deploy: {e}"));
    assert_eq!(report.applied.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), [M1, M2]);
    assert!(report.created_table);
    assert!(exists(kind, &name, &file).await, "deploy created the database");
    Migrator::new(&m).verify(&db).await.unwrap();
    db.close().await;

    let env = Env { kind, url: raw_url, _pg_or_my: None, _lite: None };
    let schema = (kind == Kind::Postgres).then_some("app");
    let rows = env.rows_in(schema).await;
    assert_eq!(rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), [M1, M2]);
    assert!(rows.iter().all(|r| r.finished.is_some()), "{rows:?}");
    assert!(env.has_table_in(schema, "posts").await);
    if kind == Kind::MySql {
        let pool = sqlx::MySqlPool::connect(mysql_server_url()).await.unwrap();
        let (charset, collation): (String, String) = sqlx::query_as(
            "SELECT CAST(default_character_set_name AS CHAR), CAST(default_collation_name AS CHAR) \
             FROM information_schema.schemata WHERE schema_name = ?",
        )
        .bind(&name)
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        assert_eq!((charset.as_str(), collation.as_str()), ("utf8mb4", "utf8mb4_unicode_ci"));
    }

    // The next start finds everything in place.
    let db = Database::connect(&url).await.unwrap();
    assert!(db.exists().await.unwrap());
    assert!(!db.create_if_missing().await.unwrap());
    Migrator::new(&m).verify(&db).await.unwrap();
    assert!(Migrator::new(&m).deploy(&db).await.unwrap().applied.is_empty());
    db.close().await;
    drop_database(kind, &name).await;
}
