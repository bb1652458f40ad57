//! Scale: many deployer processes racing on one PostgreSQL database with a long history, and a fleet deploy of
//! many tenant schemas with bounded concurrency. Nothing may be applied twice, nothing may be missing, every
//! process must exit 0. Wall times are printed.
//!
//! Default (CI): 8 processes × 50 migrations, 40 schemas; `PM_STRESS_FULL=1`: 32 processes × 200 migrations,
//! 200 schemas with concurrency 16.

mod stress_support;

use std::time::{Duration, Instant};

use prisma_migrations::fleet::{self, FleetOptions};
use prisma_migrations_tests::MigrationsDir;
use stress_support::{Kind, Target, applied_total, scale, spawn, wait_all};

/// `n` migrations: the first creates `applied_log`; each later one creates a table and appends its number to
/// `applied_log`, so a script that ran twice leaves a duplicate there.
fn history(n: usize) -> MigrationsDir {
    let mut dir = MigrationsDir::new()
        .provider("postgresql")
        .add("20250101000000_create_applied_log", "CREATE TABLE \"applied_log\" (\"n\" INTEGER NOT NULL);\n");
    for i in 1..n {
        let sql = format!(
            "CREATE TABLE \"t{i}\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"v\" TEXT);\n\
             INSERT INTO \"applied_log\" (\"n\") VALUES ({i});\n"
        );
        dir = dir.add(&format!("2025010{}{:02}{:02}00_create_table_t{i}", 1 + i / 3600, (i / 60) % 60, i % 60), &sql);
    }
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn many_processes_deploy_a_long_history_to_one_postgres_database() {
    let (processes, migrations) = (scale(8, 32), scale(50, 200));
    let target = Target::new(Kind::Postgres).await;
    let dir = history(migrations);
    assert_eq!(dir.load().len(), migrations);
    let (url, path) = (target.url.clone(), dir.path());
    let start = Instant::now();
    let outputs = tokio::task::spawn_blocking(move || {
        wait_all((0..processes).map(|_| spawn(&url, &path, &["deploy"], &[])).collect(), Duration::from_mins(10))
    })
    .await
    .expect("join");
    let wall = start.elapsed();
    let applied = applied_total(&outputs);
    assert_eq!(applied, migrations, "the processes together applied each migration once");
    let raw = target.raw().await;
    let rows = raw.rows().await.expect("table");
    assert_eq!(rows.len(), migrations, "one row per migration");
    assert!(rows.iter().all(|r| r.finished && !r.rolled_back && r.steps == 1), "all applied");
    let names: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names.len(), migrations, "no name twice");
    let stress_support::Raw::Pg(pool) = &raw else { unreachable!() };
    let (log, distinct): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT n) FROM applied_log").fetch_one(pool).await.expect("log");
    let want = i64::try_from(migrations - 1).expect("small");
    assert_eq!((log, distinct), (want, want), "every script ran exactly once");
    raw.close().await;
    eprintln!("stress_scale: {processes} processes × {migrations} migrations on one PostgreSQL database: {wall:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn fleet_deploy_of_many_tenant_schemas() {
    let (schemas, concurrency) = (scale(40, 200), scale(8, 16));
    let target = Target::new(Kind::Postgres).await;
    let dir = history(5);
    let migrations = dir.load();
    let urls: Vec<String> = (0..schemas).map(|i| format!("{}?schema=tenant_{i:03}", target.url)).collect();
    let options = FleetOptions { concurrency, lock_timeout: Duration::from_mins(5), ..FleetOptions::default() };
    let start = Instant::now();
    let report = fleet::deploy(&migrations, &urls, options.clone()).await;
    let wall = start.elapsed();
    assert!(report.is_success(), "{report}");
    assert_eq!(report.targets.len(), schemas);
    assert!(report.max_concurrency() <= concurrency, "at most {concurrency} at once: {}", report.max_concurrency());
    for t in &report.targets {
        assert_eq!(t.applied.len(), 5, "{}: {:?}", t.url, t.applied);
    }
    let raw = target.raw().await;
    let stress_support::Raw::Pg(pool) = &raw else { unreachable!() };
    let union = |f: &dyn Fn(usize) -> String| (0..schemas).map(f).collect::<Vec<_>>().join(" UNION ALL ");
    let rows: Vec<(i32, String, bool, i32)> = sqlx::query_as(sqlx::AssertSqlSafe(union(&|i| {
        format!(
            "SELECT {i}, migration_name::text, finished_at IS NOT NULL AND rolled_back_at IS NULL, \
             applied_steps_count FROM tenant_{i:03}._prisma_migrations"
        )
    })))
    .fetch_all(pool)
    .await
    .expect("rows of every schema");
    let logs: Vec<(i32, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(union(&|i| {
        format!("SELECT {i}, count(*), count(DISTINCT n) FROM tenant_{i:03}.applied_log")
    })))
    .fetch_all(pool)
    .await
    .expect("applied_log of every schema");
    assert_eq!(rows.len(), 5 * schemas, "5 rows per schema");
    assert!(rows.iter().all(|(_, _, applied, steps)| *applied && *steps == 1), "all applied");
    let distinct: std::collections::BTreeSet<(i32, &str)> = rows.iter().map(|(i, n, _, _)| (*i, n.as_str())).collect();
    assert_eq!(distinct.len(), 5 * schemas, "no migration twice in a schema");
    assert_eq!(logs.len(), schemas);
    assert!(logs.iter().all(|(_, n, d)| *n == 4 && *d == 4), "every script ran exactly once per schema: {logs:?}");
    raw.close().await;
    // A second fleet deploy finds nothing to do.
    let again = fleet::deploy(&migrations, &urls, options).await;
    assert!(again.is_success(), "{again}");
    assert!(again.targets.iter().all(|t| t.applied.is_empty()));
    eprintln!(
        "stress_scale: fleet deploy of {schemas} schemas × 5 migrations, concurrency {concurrency}: {wall:?} \
         (max {} at once); again with nothing to do: {:?}",
        report.max_concurrency(),
        again.total
    );
}
