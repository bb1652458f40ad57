//! pm-bench: runtime benchmarks of prisma-migrations on PostgreSQL (issue 3), written to be pasted into
//! BENCHMARKS.md ("runtime" section).
//!
//! ```text
//! cargo run --release -p prisma-migrations-tests --bin pm-bench -- \
//!     [--url postgresql://postgres@127.0.0.1:5432/postgres] [--deploy 500] [--verify 1000] \
//!     [--iterations 300] [--repeat 3] [--no-prisma]
//! ```
//!
//! `--url` is a server URL whose user may create databases; every measurement gets a fresh database
//! (`pm_bench_<random>`), dropped afterwards. Without `--url`, the harness's private server is used
//! (`PM_TEST_POSTGRES_URL`, or one started with `fsync=off`).
//!
//! What is measured (wall time, this machine, one run of this command):
//! - deploy of N small generated migrations (tables, added columns, indexes, seed rows; one statement each):
//!   - ours: `Database::connect` + `Migrator::deploy` in this process, fresh database;
//!   - the floor: ONE `psql` process, ONE session, each migration's script given as its own `-c`, so each
//!     script is one simple-protocol query and one transaction — exactly how the script itself reaches the
//!     server under our deploy (and Prisma's), minus the bookkeeping. One session rather than one psql per
//!     script keeps process start and connection set-up (which our deploy pays once) out of the floor, so the
//!     floor is the lowest honest cost of running these scripts, and the ratio shows the bookkeeping's price;
//!   - the Prisma CLI: `prisma migrate deploy` (the oracle: Prisma 6.16.1, WebAssembly engine) on the same
//!     folder, one process, Node start-up included.
//!
//!   The median of `--repeat` runs is kept for ours and the floor (fresh database each), one run for Prisma.
//! - verify with M applied migrations:
//!   - ours: `Migrator::verify` on a connected `Database`, median of `--iterations` calls;
//!   - one SELECT: `sqlx::query("SELECT * FROM _prisma_migrations").fetch_all(&pool)` on a one-connection
//!     pool, median of `--iterations` calls (the table is read once by verify too);
//!   - the Prisma CLI: `prisma migrate status`, one process (median of 3).

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use prisma_migrations::{Database, Migrations, Migrator};
use prisma_migrations_tests::{MigrationsDir, oracle, random_name};

struct Args {
    url: Option<String>,
    deploy: usize,
    verify: usize,
    iterations: usize,
    repeat: usize,
    prisma: bool,
    cli: Option<std::path::PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args { url: None, deploy: 500, verify: 1000, iterations: 300, repeat: 5, prisma: true, cli: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--url" => a.url = Some(value()?),
            "--deploy" => a.deploy = number(value()?)?,
            "--verify" => a.verify = number(value()?)?,
            "--iterations" => a.iterations = number(value()?)?.max(1),
            "--repeat" => a.repeat = number(value()?)?.max(1),
            "--no-prisma" => a.prisma = false,
            "--cli" => a.cli = Some(value()?.into()),
            other => return Err(format!("unknown argument `{other}`; see the header of benches/runtime/pm-bench.rs")),
        }
    }
    Ok(a)
}

/// The script of generated migration `i`: a cycle of the four smallest things a schema history does.
fn script(i: usize) -> (String, String) {
    let t = i - i % 4;
    match i % 4 {
        0 => (
            format!("create_table_t{t}"),
            format!(
                "-- CreateTable\nCREATE TABLE \"t{t}\" (\n    \"id\" SERIAL NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \
                 \"created_at\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n\n    \
                 CONSTRAINT \"t{t}_pkey\" PRIMARY KEY (\"id\")\n);\n"
            ),
        ),
        1 => (
            format!("add_column_c{i}_to_t{t}"),
            format!("-- AlterTable\nALTER TABLE \"t{t}\" ADD COLUMN \"c{i}\" INTEGER;\n"),
        ),
        2 => (
            format!("index_c{}_on_t{t}", i - 1),
            format!("-- CreateIndex\nCREATE INDEX \"t{t}_c{c}_idx\" ON \"t{t}\"(\"c{c}\");\n", c = i - 1),
        ),
        _ => (
            format!("seed_row_{i}_into_t{t}"),
            format!("INSERT INTO \"t{t}\" (\"name\", \"c{c}\") VALUES ('row {i}', {i});\n", c = i - 2),
        ),
    }
}

/// A migrations folder with `n` generated migrations, one second apart from 2025-01-01 00:00:00.
fn generate(n: usize) -> MigrationsDir {
    let mut dir = MigrationsDir::new().provider("postgresql");
    for i in 0..n {
        let (h, m, s) = (i / 3600, (i / 60) % 60, i % 60);
        let day = 1 + h / 24;
        let (slug, sql) = script(i);
        dir = dir.add(&format!("202501{day:02}{:02}{m:02}{s:02}_{slug}", h % 24), &sql);
    }
    dir
}

/// A fresh database on the server, dropped by [`drop_db`].
async fn create_db(admin: &sqlx::PgPool, server: &str) -> Result<(String, String), String> {
    let name = random_name("pm_bench");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(admin)
        .await
        .map_err(|e| e.to_string())?;
    let mut u = url::Url::parse(server).map_err(|e| e.to_string())?;
    u.set_path(&format!("/{name}"));
    Ok((name, u.to_string()))
}

async fn drop_db(admin: &sqlx::PgPool, name: &str) -> Result<(), String> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
        .execute(admin)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

async fn ours_deploy(url: &str, migrations: &Migrations) -> Result<Duration, String> {
    let start = Instant::now();
    let db = Database::connect(url).await.map_err(|e| e.to_string())?;
    let report = Migrator::new(migrations).deploy(&db).await.map_err(|e| e.to_string())?;
    let took = start.elapsed();
    db.close().await;
    if report.applied.len() != migrations.len() {
        return Err(format!("deploy applied {} of {}", report.applied.len(), migrations.len()));
    }
    Ok(took)
}

/// sqlx's own migrator on the same scripts (versions 1..=N): per migration one transaction with the script and
/// its `_sqlx_migrations` row, under sqlx's advisory lock.
async fn sqlx_deploy(url: &str, migrations: &Migrations) -> Result<Duration, String> {
    use sqlx::Connection as _;
    use sqlx::SqlSafeStr as _;
    use sqlx::migrate::{Migration, MigrationType, Migrator as SqlxMigrator};
    let list: Vec<Migration> = migrations
        .iter()
        .zip(1i64..)
        .map(|(m, version)| {
            let sql = sqlx::AssertSqlSafe(m.sql().to_owned()).into_sql_str();
            Migration::new(version, m.slug().to_owned().into(), MigrationType::Simple, sql, false)
        })
        .collect();
    let migrator = SqlxMigrator { migrations: list.into(), ..SqlxMigrator::DEFAULT };
    let start = Instant::now();
    let mut conn = sqlx::PgConnection::connect(url).await.map_err(|e| e.to_string())?;
    migrator.run(&mut conn).await.map_err(|e| e.to_string())?;
    let took = start.elapsed();
    conn.close().await.map_err(|e| e.to_string())?;
    Ok(took)
}

fn psql_floor(url: &str, migrations: &Migrations) -> Result<Duration, String> {
    let mut cmd = Command::new("psql");
    cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url]);
    for m in migrations {
        cmd.arg("-c").arg(m.sql());
    }
    let start = Instant::now();
    let out = cmd.output().map_err(|e| format!("psql: {e}"))?;
    let took = start.elapsed();
    if !out.status.success() {
        return Err(format!("psql failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(took)
}

fn prisma(url: &str, dir: &MigrationsDir, args: &[&str], want: &str) -> Result<Duration, String> {
    let start = Instant::now();
    let out = oracle().run(url, &dir.path(), args);
    let took = start.elapsed();
    if out.code != Some(0) || !out.all().contains(want) {
        return Err(format!("prisma {args:?} did not succeed ({:?}):\n{}", out.code, out.all()));
    }
    Ok(took)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn ratio(a: Duration, b: Duration) -> String {
    let r = a.as_secs_f64() / b.as_secs_f64();
    if r < 0.01 { format!("1/{:.0}", 1.0 / r) } else { format!("{r:.2}×") }
}

async fn bench_deploy(a: &Args, admin: &sqlx::PgPool, server: &str, out: &mut String) -> Result<(), String> {
    let dir = generate(a.deploy);
    let migrations = dir.load();
    let (mut ours, mut floor, mut peer) = (vec![], vec![], vec![]);
    for _ in 0..a.repeat {
        let (name, url) = create_db(admin, server).await?;
        let r = psql_floor(&url, &migrations);
        drop_db(admin, &name).await?;
        floor.push(r?);
        let (name, url) = create_db(admin, server).await?;
        let r = ours_deploy(&url, &migrations).await;
        drop_db(admin, &name).await?;
        ours.push(r?);
        let (name, url) = create_db(admin, server).await?;
        let r = sqlx_deploy(&url, &migrations).await;
        drop_db(admin, &name).await?;
        peer.push(r?);
    }
    let (ours, floor, peer) = (median(ours), median(floor), median(peer));
    let n = a.repeat;
    let _ = writeln!(out, "| deploy {} migrations: ours (connect + deploy), median of {n} | {} |", a.deploy, ms(ours));
    let _ = writeln!(out, "| deploy floor: one `psql` session, one `-c` per script, median of {n} | {} |", ms(floor));
    let _ = writeln!(out, "| deploy: `sqlx::migrate::Migrator` (connect + run), median of {n} | {} |", ms(peer));
    let _ = writeln!(out, "| **ours / floor** (target ≤ 1.30×) | **{}** |", ratio(ours, floor));
    let _ = writeln!(out, "| sqlx's Migrator / floor | {} |", ratio(peer, floor));
    if a.prisma {
        let (name, url) = create_db(admin, server).await?;
        let r = prisma(&url, &dir, &["migrate", "deploy"], "All migrations have been successfully applied.");
        drop_db(admin, &name).await?;
        let p = r?;
        let _ = writeln!(out, "| deploy, Prisma CLI `migrate deploy` | {} |", ms(p));
        let _ = writeln!(out, "| ours / Prisma CLI | {} |", ratio(ours, p));
    }
    Ok(())
}

async fn bench_verify(a: &Args, admin: &sqlx::PgPool, server: &str, out: &mut String) -> Result<(), String> {
    let dir = generate(a.verify);
    let migrations = dir.load();
    let (name, url) = create_db(admin, server).await?;
    let r = verify_on(a, &url, &dir, &migrations, out).await;
    drop_db(admin, &name).await?;
    r
}

async fn verify_on(
    a: &Args,
    url: &str,
    dir: &MigrationsDir,
    migrations: &Migrations,
    out: &mut String,
) -> Result<(), String> {
    ours_deploy(url, migrations).await?;
    let db = Database::connect(url).await.map_err(|e| e.to_string())?;
    let migrator = Migrator::new(migrations);
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(url).await.map_err(|e| e.to_string())?;
    // Warm both up (connections, prepared statements), then alternate so drift hits both alike.
    for _ in 0..10 {
        migrator.verify(&db).await.map_err(|e| e.to_string())?;
        sqlx::query("SELECT * FROM _prisma_migrations").fetch_all(&pool).await.map_err(|e| e.to_string())?;
    }
    let (mut ours, mut select) = (vec![], vec![]);
    for _ in 0..a.iterations {
        let t = Instant::now();
        migrator.verify(&db).await.map_err(|e| e.to_string())?;
        ours.push(t.elapsed());
        let t = Instant::now();
        let rows = sqlx::query("SELECT * FROM _prisma_migrations").fetch_all(&pool).await.map_err(|e| e.to_string())?;
        select.push(t.elapsed());
        if rows.len() != a.verify {
            return Err(format!("{} rows, expected {}", rows.len(), a.verify));
        }
    }
    let breakdown = verify_breakdown(a, &db, &migrator, &pool).await?;
    pool.close().await;
    db.close().await;
    let (ours, select) = (median(ours), median(select));
    let _ = writeln!(
        out,
        "| verify, {} applied: ours `Migrator::verify` (median of {}) | {} |",
        a.verify,
        a.iterations,
        us(ours)
    );
    let _ = writeln!(
        out,
        "| one `SELECT * FROM _prisma_migrations` via sqlx (median of {}) | {} |",
        a.iterations,
        us(select)
    );
    let _ = writeln!(out, "| **ours / one SELECT** (target ≤ 2.00×) | **{}** |", ratio(ours, select));
    out.push_str(&breakdown);
    if a.prisma {
        let mut p = vec![];
        for _ in 0..3 {
            p.push(prisma(url, dir, &["migrate", "status"], "Database schema is up to date!")?);
        }
        let p = median(p);
        let _ = writeln!(out, "| verify, Prisma CLI `migrate status` (median of 3) | {} |", ms(p));
        let _ = writeln!(out, "| ours / Prisma CLI | {} |", ratio(ours, p));
    }
    if let Some(cli) = &a.cli {
        cli_verify(a, cli, url, dir, out)?;
    }
    Ok(())
}

/// `prisma-migrations verify` as a whole process (start, read the folder, connect, one SELECT) against `psql -c
/// 'SELECT * FROM _prisma_migrations'` (start, connect, the same table): medians of `--repeat`, interleaved.
fn cli_verify(a: &Args, cli: &std::path::Path, url: &str, dir: &MigrationsDir, out: &mut String) -> Result<(), String> {
    let migrations_dir = dir.path();
    let run = |cmd: &mut Command| -> Result<Duration, String> {
        let start = Instant::now();
        let o = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
        let took = start.elapsed();
        if !o.status.success() {
            return Err(format!(
                "{cmd:?} failed: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ));
        }
        Ok(took)
    };
    let ours =
        || run(Command::new(cli).arg("verify").arg("--migrations").arg(&migrations_dir).args(["--database-url", url]));
    let psql = || {
        run(Command::new("psql").args([
            "-X",
            "-q",
            "-d",
            url,
            "-o",
            "/dev/null",
            "-c",
            "SELECT * FROM _prisma_migrations",
        ]))
    };
    ours()?;
    psql()?;
    let (mut o, mut p) = (vec![], vec![]);
    for _ in 0..a.repeat.max(5) {
        o.push(ours()?);
        p.push(psql()?);
    }
    let (o, p) = (median(o), median(p));
    let n = a.repeat.max(5);
    let _ = writeln!(
        out,
        "| verify, {} applied: `prisma-migrations verify` process, median of {n} | {} |",
        a.verify,
        ms(o)
    );
    let _ = writeln!(out, "| `psql -c 'SELECT * FROM _prisma_migrations'` process, median of {n} | {} |", ms(p));
    let _ = writeln!(out, "| **CLI verify / psql SELECT** | **{}** |", ratio(o, p));
    Ok(())
}

/// The SELECT's columns, decoded as verify decodes them.
type Decoded = (String, String, Option<Utc>, String, Option<String>, Option<Utc>, Utc, i32);
type Utc = sqlx::types::chrono::DateTime<sqlx::types::chrono::Utc>;

const COLUMNS: &str = "SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, \
                       applied_steps_count FROM _prisma_migrations";

/// Verify's query on PostgreSQL (runtime/src/backend/postgres.rs, `load_states`).
const NARROW: &str = "SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL \
                      FROM _prisma_migrations ORDER BY started_at";
const NARROW_UNSORTED: &str = "SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL \
                               FROM _prisma_migrations";

/// Where verify's time goes: the same rows fetched and decoded in the ways a reader can, and `status`.
async fn verify_breakdown(
    a: &Args,
    db: &Database,
    migrator: &Migrator<'_>,
    pool: &sqlx::PgPool,
) -> Result<String, String> {
    let e = |e: sqlx::Error| e.to_string();
    let (mut binary, mut text, mut status) = (vec![], vec![], vec![]);
    let (mut narrow, mut narrow_unsorted) = (vec![], vec![]);
    for _ in 0..a.iterations {
        let t = Instant::now();
        sqlx::raw_sql(NARROW).fetch_all(pool).await.map_err(e)?;
        narrow.push(t.elapsed());
        let t = Instant::now();
        sqlx::raw_sql(NARROW_UNSORTED).fetch_all(pool).await.map_err(e)?;
        narrow_unsorted.push(t.elapsed());
        let t = Instant::now();
        let rows: Vec<Decoded> = sqlx::query_as(COLUMNS).fetch_all(pool).await.map_err(e)?;
        binary.push(t.elapsed());
        assert_eq!(rows.len(), a.verify);
        let t = Instant::now();
        let rows = sqlx::raw_sql(COLUMNS).fetch_all(pool).await.map_err(e)?;
        for r in &rows {
            use sqlx::Row as _;
            let _: (String, String, Option<Utc>) =
                (r.try_get(0).map_err(e)?, r.try_get(1).map_err(e)?, r.try_get(2).map_err(e)?);
            let _: (Option<Utc>, Utc, i32) =
                (r.try_get(5).map_err(e)?, r.try_get(6).map_err(e)?, r.try_get(7).map_err(e)?);
        }
        text.push(t.elapsed());
        let t = Instant::now();
        migrator.status(db).await.map_err(|e| e.to_string())?;
        status.push(t.elapsed());
    }
    let mut out = String::new();
    let _ = writeln!(out, "| breakdown: verify's narrow SELECT alone, not decoded | {} |", us(median(narrow)));
    let _ = writeln!(out, "| breakdown: the same without `ORDER BY started_at` | {} |", us(median(narrow_unsorted)));
    let _ = writeln!(out, "| breakdown: the 8 columns, prepared (binary) and decoded | {} |", us(median(binary)));
    let _ = writeln!(out, "| breakdown: the 8 columns, simple query (text) and decoded | {} |", us(median(text)));
    let _ = writeln!(out, "| breakdown: ours `Migrator::status` | {} |", us(median(status)));
    Ok(out)
}

async fn server_facts(admin: &sqlx::PgPool) -> Result<String, String> {
    let mut facts = vec![];
    for setting in ["server_version", "fsync", "synchronous_commit"] {
        let v: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SHOW {setting}")))
            .fetch_one(admin)
            .await
            .map_err(|e| e.to_string())?;
        facts.push(format!("{setting}={v}"));
    }
    Ok(facts.join(", "))
}

async fn run(a: Args) -> Result<String, String> {
    let server = a.url.clone().unwrap_or_else(|| prisma_migrations_tests::postgres_server_url().to_owned());
    let admin =
        sqlx::postgres::PgPoolOptions::new().max_connections(2).connect(&server).await.map_err(|e| e.to_string())?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "PostgreSQL: {}; {} CPU(s)",
        server_facts(&admin).await?,
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    let _ = writeln!(out, "\n| measurement | time |\n|---|---|");
    bench_deploy(&a, &admin, &server, &mut out).await?;
    bench_verify(&a, &admin, &server, &mut out).await?;
    admin.close().await;
    Ok(out)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let result = match parse_args() {
        Ok(a) => run(a).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => {
            print!("{report}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pm-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
