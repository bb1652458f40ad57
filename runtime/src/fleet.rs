//! Fleet deploy: the same migrations applied to many databases or schemas (one per tenant, region, shard …) with
//! bounded concurrency; a failing target does not stop the others, and the report says, per target, what was
//! applied, how long it took and which error stopped it.
//!
//! ```no_run
//! # async fn f(migrations: &prisma_migrations::Migrations) {
//! use prisma_migrations::fleet::{self, FleetOptions};
//!
//! let targets = fleet::parse_targets("# tenants\npostgresql://app@db/app?schema=t1\npostgresql://app@db/app?schema=t2\n");
//! let report = fleet::deploy(migrations, &targets, FleetOptions { concurrency: 8, ..FleetOptions::default() }).await;
//! print!("{report}"); // the per-target table, passwords hidden
//! if !report.is_success() {
//!     std::process::exit(1);
//! }
//! # }
//! ```
//!
//! Locks. Prisma's migration lock is wider than one target: `pg_advisory_lock(72707369)` covers a whole
//! PostgreSQL database (every schema in it) and `GET_LOCK('prisma_migrate')` a whole MySQL server. Deploying
//! schema after schema, each with its own lock, would run one at a time however high the concurrency. So when
//! several targets share one lock, the fleet takes that lock once, on a connection of its own, holds it while
//! those targets deploy concurrently without locking, and releases it at the end. Other deployers (the Prisma
//! CLI included) are excluded exactly as they would be by per-target locks: they wait for the fleet to finish
//! with that database. SQLite files each have their own lock and are deployed with it. Two targets naming the
//! same database and schema are refused (the second one fails), since they would race.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use tracing::Instrument as _;

use crate::lock::LockGuard;
use crate::{ConnectOptions, Database, DeployEvent, DeployReport, Error, Migrations, Migrator, lock, redact_url};

/// How many targets deploy at once when nothing else is said.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// Settings of a fleet deploy. Build it with struct update syntax:
/// `FleetOptions { concurrency: 8, ..FleetOptions::default() }`.
#[derive(Debug, Clone)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent switches mirroring Migrator's builder options, set by name with struct update syntax"
)]
pub struct FleetOptions {
    /// How many targets deploy at once (at least 1; default 4). Each running target holds up to two
    /// connections (its pool's and the migration connection).
    pub concurrency: usize,
    /// How long to wait for another deployer's migration lock before the target fails with P1002.
    pub lock_timeout: Duration,
    /// Take Prisma's migration lock (default: on, unless `PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK` is set).
    pub advisory_lock: bool,
    /// Accept applied migrations whose file changed since (Prisma's deploy does not look).
    pub allow_edited: bool,
    /// Accept applied migrations missing from the folder (Prisma's deploy ignores them).
    pub allow_missing: bool,
    /// Accept a target that a newer release already migrated ([`Migrator::allow_newer`]).
    pub allow_newer: bool,
    /// Create a missing database (SQLite file, PostgreSQL database and schema, MySQL database) first, as
    /// `prisma migrate deploy` does (default: on); off, a missing database is that target's P1003.
    pub create_if_missing: bool,
    /// Where relative `file:` URLs start (default: the current directory).
    pub base_dir: PathBuf,
}

impl Default for FleetOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            lock_timeout: crate::DEFAULT_LOCK_TIMEOUT,
            advisory_lock: !lock::disabled_by_env(),
            allow_edited: false,
            allow_missing: false,
            allow_newer: false,
            create_if_missing: true,
            base_dir: PathBuf::from("."),
        }
    }
}

/// The target URLs of a targets file: one URL per line; blank lines and lines starting with `#` are skipped,
/// surrounding whitespace is trimmed.
pub fn parse_targets(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
}

/// What happened to one target.
#[derive(Debug)]
pub struct TargetReport {
    /// The target's URL, password hidden.
    pub url: String,
    /// When its turn came (it took a concurrency slot).
    pub started_at: Instant,
    /// When it was done (connection closed).
    pub finished_at: Instant,
    /// The migrations this deploy applied, in order. On failure, those applied before the error (read back
    /// from `_prisma_migrations`; empty when that was not possible).
    pub applied: Vec<String>,
    /// The deploy report, or why the target failed.
    pub result: Result<DeployReport, Error>,
}

impl TargetReport {
    /// Whether the target is now up to date.
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }

    /// The error's Prisma code (`P3018` …), if the target failed with one.
    pub fn code(&self) -> Option<&'static str> {
        self.result.as_ref().err().and_then(Error::code)
    }

    /// The error, if the target failed.
    pub fn error(&self) -> Option<&Error> {
        self.result.as_ref().err()
    }

    /// Wall time of this target: connecting, waiting for the lock, applying, closing.
    pub fn duration(&self) -> Duration {
        self.finished_at.saturating_duration_since(self.started_at)
    }
}

/// What a fleet deploy did: one [`TargetReport`] per target, in the order the targets were given.
/// `Display` renders the summary table (no passwords).
#[derive(Debug)]
pub struct FleetReport {
    /// Every target, in the order given.
    pub targets: Vec<TargetReport>,
    /// The concurrency bound used.
    pub concurrency: usize,
    /// When the fleet deploy started.
    pub started_at: Instant,
    /// Wall time of the whole fleet deploy.
    pub total: Duration,
}

impl FleetReport {
    /// Whether every target is up to date.
    pub fn is_success(&self) -> bool {
        self.targets.iter().all(TargetReport::is_ok)
    }

    /// The targets that are up to date.
    pub fn succeeded(&self) -> impl Iterator<Item = &TargetReport> {
        self.targets.iter().filter(|t| t.is_ok())
    }

    /// The targets that failed.
    pub fn failed(&self) -> impl Iterator<Item = &TargetReport> {
        self.targets.iter().filter(|t| !t.is_ok())
    }

    /// The most targets that were in progress at the same instant, from their start and end instants (at most
    /// [`FleetReport::concurrency`]).
    pub fn max_concurrency(&self) -> usize {
        // A target that ends at the instant another starts did not overlap it: ends sort before starts.
        let mut events: Vec<(Instant, i8)> = Vec::with_capacity(self.targets.len() * 2);
        for t in &self.targets {
            events.push((t.started_at, 1));
            events.push((t.finished_at, -1));
        }
        events.sort();
        let (mut now, mut max) = (0i64, 0i64);
        for (_, delta) in events {
            now += i64::from(delta);
            max = max.max(now);
        }
        usize::try_from(max).unwrap_or(0)
    }
}

impl fmt::Display for FleetReport {
    /// The per-target table, then a summary line, then each failure's message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.targets.iter().map(|t| t.url.chars().count()).max().unwrap_or(0).max("TARGET".len());
        writeln!(f, "{:<width$}  {:>7}  {:>9}  RESULT", "TARGET", "APPLIED", "DURATION")?;
        for t in &self.targets {
            let result = match &t.result {
                Ok(_) => "up to date",
                Err(e) => e.code().unwrap_or("error"),
            };
            let duration = millis(t.duration());
            writeln!(f, "{:<width$}  {:>7}  {:>9}  {result}", t.url, t.applied.len(), duration)?;
        }
        let failed = self.failed().count();
        writeln!(
            f,
            "\n{} of {} target(s) up to date, {failed} failed, in {} (concurrency {})",
            self.targets.len() - failed,
            self.targets.len(),
            millis(self.total),
            self.concurrency
        )?;
        if failed > 0 {
            writeln!(f, "\nFailed targets:")?;
            for t in self.failed() {
                if let Err(e) = &t.result {
                    writeln!(f, "- {}:", t.url)?;
                    for line in e.to_string().lines() {
                        writeln!(f, "    {line}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `12 ms`, `1534 ms`: one unit, so a column of durations compares at a glance.
fn millis(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// Applies `migrations` to every target URL, at most `options.concurrency` at a time, and reports per target.
/// Never fails as a whole: each target's error is in its [`TargetReport`]; [`FleetReport::is_success`] tells
/// whether all are up to date.
///
/// Invalid URLs and repeated targets fail their own target (P1013) without stopping the others.
pub async fn deploy<T: AsRef<str>>(
    migrations: &Migrations,
    targets: impl IntoIterator<Item = T>,
    options: FleetOptions,
) -> FleetReport {
    let fleet_start = Instant::now();
    let concurrency = options.concurrency.max(1);
    let urls: Vec<String> = targets.into_iter().map(|t| t.as_ref().to_owned()).collect();
    let plan = plan(&urls, &options);
    let locking = options.advisory_lock;
    let mut holders = Vec::new();
    // Groups whose lock the fleet holds, and groups whose lock could not be had (their targets fail with it).
    let mut held: HashSet<usize> = HashSet::new();
    let mut group_errors: HashMap<usize, Error> = HashMap::new();
    if locking {
        for (group, first) in shared_groups(&plan) {
            let span = tracing::info_span!("fleet_lock", target = %redact_url(&urls[first]));
            match hold_lock(&urls[first], migrations, &options).instrument(span).await {
                Ok(holder) => {
                    holders.push(holder);
                    held.insert(group);
                }
                Err(e @ (Error::LockTimeout { .. } | Error::LockFailed { .. })) => {
                    group_errors.insert(group, e);
                }
                // The first target's database is unreachable or missing: that says nothing about the others, so
                // each target of the group takes its own lock and reports its own error.
                Err(e) => tracing::warn!(error = %e, "could not take the shared migration lock; locking per target"),
            }
        }
    }
    let jobs = plan.into_iter().enumerate().map(|(i, planned)| {
        let url = urls[i].as_str();
        let options = &options;
        let group_error = match &planned {
            Ok(p) => p.group.and_then(|g| group_errors.get(&g)).cloned(),
            Err(_) => None,
        };
        let span = tracing::info_span!("fleet_target", target = %redact_url(url));
        let held = &held;
        async move {
            let report = match (planned, group_error) {
                (Err(e), _) | (Ok(_), Some(e)) => now_failed(url, e),
                (Ok(p), None) => {
                    let own_lock = locking && !p.group.is_some_and(|g| held.contains(&g));
                    deploy_one(migrations, url, options, own_lock).await
                }
            };
            (i, report)
        }
        .instrument(span)
    });
    let mut reports: Vec<(usize, TargetReport)> =
        futures_util::stream::iter(jobs).buffer_unordered(concurrency).collect().await;
    for holder in holders {
        holder.release().await;
    }
    reports.sort_by_key(|(i, _)| *i);
    let targets: Vec<TargetReport> = reports.into_iter().map(|(_, r)| r).collect();
    let failed = targets.iter().filter(|t| !t.is_ok()).count();
    tracing::info!(targets = targets.len(), failed, "fleet deploy finished");
    FleetReport { targets, concurrency, started_at: fleet_start, total: fleet_start.elapsed() }
}

/// A target that failed before its turn (invalid URL, repeated target, its shared lock not taken).
fn now_failed(url: &str, e: Error) -> TargetReport {
    let now = Instant::now();
    TargetReport { url: redact_url(url), started_at: now, finished_at: now, applied: Vec::new(), result: Err(e) }
}

/// One target's deploy; `lock`: take the migration lock for this target alone.
async fn deploy_one(migrations: &Migrations, url: &str, options: &FleetOptions, lock: bool) -> TargetReport {
    let started_at = Instant::now();
    let connect = ConnectOptions::new().base_dir(&options.base_dir);
    let mut applied = Vec::new();
    let result = match Database::connect_with(url, &connect).await {
        Ok(db) => {
            let migrator = Migrator::new(migrations)
                .lock_timeout(options.lock_timeout)
                .advisory_lock(lock)
                .allow_edited(options.allow_edited)
                .allow_missing(options.allow_missing)
                .allow_newer(options.allow_newer);
            // Deploy creates a missing database; without `create_if_missing` it is P1003 instead.
            let exists = if options.create_if_missing { Ok(()) } else { db.require_exists().await };
            // Told as each migration finishes, so a deploy stopped by any error still says what it applied.
            let result = match exists {
                Ok(()) => {
                    migrator
                        .deploy_observed(&db, |event| {
                            if let DeployEvent::Applied(m) = event {
                                applied.push(m.name.clone());
                            }
                        })
                        .await
                }
                Err(e) => Err(e),
            };
            db.close().await;
            result
        }
        Err(e) => Err(e),
    };
    match &result {
        Ok(r) => tracing::info!(applied = r.applied.len(), "target up to date"),
        Err(e) => tracing::warn!(code = e.code().unwrap_or("none"), error = %e, "target failed"),
    }
    TargetReport { url: redact_url(url), started_at, finished_at: Instant::now(), applied, result }
}

/// A target as planned: which shared lock it is under (PostgreSQL database, MySQL server), if any.
#[derive(Debug, Clone)]
struct Planned {
    group: Option<usize>,
}

/// Where one target lives, as far as the migration lock and identity go.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    not(all(any(feature = "postgres", feature = "mysql"), feature = "sqlite")),
    allow(dead_code, reason = "a variant exists only for the databases compiled in")
)]
enum Place {
    /// (lock scope, what inside it): PostgreSQL (host, port, database) + schema; MySQL (host, port) + database.
    Shared { scope: String, within: String },
    /// A SQLite file (its own lock).
    File(PathBuf),
}

/// Validates every target, refuses repeats, and numbers the lock groups that have more than one target.
fn plan(urls: &[String], options: &FleetOptions) -> Vec<Result<Planned, Error>> {
    let places: Vec<Result<Place, Error>> = urls.iter().map(|u| place(u, options)).collect();
    let mut first_of: HashMap<&Place, usize> = HashMap::new();
    let mut scope_count: HashMap<&str, usize> = HashMap::new();
    for p in places.iter().flatten() {
        if let Place::Shared { scope, .. } = p {
            *scope_count.entry(scope.as_str()).or_default() += 1;
        }
    }
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(urls.len());
    for (i, p) in places.iter().enumerate() {
        out.push(match p {
            Err(e) => Err(e.clone()),
            Ok(p) => match first_of.get(p) {
                Some(&first) => Err(Error::InvalidUrl {
                    url: redact_url(&urls[i]),
                    reason: format!(
                        "target #{} names the same database{} as target #{}; a fleet deploys each target once",
                        i + 1,
                        if matches!(p, Place::Shared { .. }) { " and schema" } else { "" },
                        first + 1
                    ),
                }),
                None => {
                    first_of.insert(p, i);
                    let group = match p {
                        Place::Shared { scope, .. } if scope_count.get(scope.as_str()).copied().unwrap_or(0) > 1 => {
                            let next = group_of.len();
                            Some(*group_of.entry(scope.as_str()).or_insert(next))
                        }
                        _ => None,
                    };
                    Ok(Planned { group })
                }
            },
        });
    }
    out
}

/// Each shared lock group and the index of its first target.
fn shared_groups(plan: &[Result<Planned, Error>]) -> Vec<(usize, usize)> {
    let mut seen: Vec<(usize, usize)> = Vec::new();
    for (i, p) in plan.iter().enumerate() {
        if let Ok(Planned { group: Some(g) }) = p
            && !seen.iter().any(|(s, _)| s == g)
        {
            seen.push((*g, i));
        }
    }
    seen
}

fn place(url: &str, options: &FleetOptions) -> Result<Place, Error> {
    match crate::url::parse(url, &options.base_dir)? {
        #[cfg(feature = "postgres")]
        crate::url::Target::Postgres { options, schema, database, .. } => Ok(Place::Shared {
            scope: format!("postgres {}:{}/{database}", options.get_host().to_ascii_lowercase(), options.get_port()),
            within: schema.unwrap_or_else(|| "public".to_owned()),
        }),
        #[cfg(feature = "mysql")]
        crate::url::Target::MySql { options, database, .. } => Ok(Place::Shared {
            scope: format!("mysql {}:{}", options.get_host().to_ascii_lowercase(), options.get_port()),
            within: database,
        }),
        #[cfg(feature = "sqlite")]
        crate::url::Target::Sqlite { path, .. } => {
            // `sqlite::memory:` has no path: every such target is a database of its own.
            let path = path.unwrap_or_else(|| PathBuf::from(format!(":memory:{url}")));
            Ok(Place::File(std::path::absolute(&path).unwrap_or(path)))
        }
        #[cfg(not(any(feature = "postgres", feature = "sqlite", feature = "mysql")))]
        crate::url::Target::Never(n) => match n {},
    }
}

/// Connects to a group's first target (creating it if asked) and takes the migration lock there, for the
/// whole group.
async fn hold_lock(url: &str, migrations: &Migrations, options: &FleetOptions) -> Result<LockGuard, Error> {
    let db = Database::connect_with(url, &ConnectOptions::new().base_dir(&options.base_dir)).await?;
    if options.create_if_missing
        && let Err(e) = db.create_if_missing().await
    {
        db.close().await;
        return Err(e);
    }
    let guard = LockGuard::open(&db, migrations.provider(), true, options.lock_timeout).await;
    db.close().await;
    let guard = guard?;
    tracing::info!(
        waited_ms = u64::try_from(guard.waited.as_millis()).unwrap_or(u64::MAX),
        "took the migration lock for the targets that share it"
    );
    Ok(guard)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_file_skips_blanks_and_comments() {
        let text = "# tenants\n\n  postgresql://u:pw@h/db?schema=a  \n#postgresql://u@h/db?schema=off\nfile:./x.db\r\n";
        assert_eq!(parse_targets(text), ["postgresql://u:pw@h/db?schema=a", "file:./x.db"]);
    }

    #[cfg(all(feature = "postgres", feature = "sqlite"))]
    #[test]
    fn schemas_of_one_database_share_a_lock_and_repeats_are_refused() {
        let urls: Vec<String> = [
            "postgresql://u:s3cr3t@Db:5432/app?schema=a",
            "postgresql://u@db/app?schema=b",
            "postgresql://u@db/other?schema=a",
            "postgresql://u@db:5432/app?schema=a",
            "file:/tmp/one.db",
            "file:/tmp/./one.db",
            "nonsense",
        ]
        .map(str::to_owned)
        .to_vec();
        let plan = plan(&urls, &FleetOptions::default());
        let groups: Vec<Option<usize>> = plan.iter().map(|p| p.as_ref().ok().and_then(|p| p.group)).collect();
        assert_eq!(groups[..3], [Some(0), Some(0), None]);
        let repeat = plan[3].as_ref().unwrap_err();
        assert_eq!(repeat.code(), Some("P1013"));
        assert!(repeat.to_string().contains("as target #1"), "{repeat}");
        assert!(plan[4].is_ok());
        assert!(plan[5].as_ref().unwrap_err().to_string().contains("as target #5"));
        assert_eq!(plan[6].as_ref().unwrap_err().code(), Some("P1013"));
        assert_eq!(shared_groups(&plan), [(0, 0)]);
    }

    #[test]
    fn peak_concurrency_from_instants() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let target = |a: u64, b: u64| TargetReport {
            url: "file:x".into(),
            started_at: at(a),
            finished_at: at(b),
            applied: Vec::new(),
            result: Err(Error::TableMissing),
        };
        let report = FleetReport {
            targets: vec![target(0, 10), target(0, 5), target(5, 20), target(10, 12), target(11, 30)],
            concurrency: 3,
            started_at: t0,
            total: Duration::from_millis(30),
        };
        assert_eq!(report.max_concurrency(), 3);
        assert!(!report.is_success());
        let table = report.to_string();
        assert!(table.starts_with("TARGET"), "{table}");
        assert!(table.contains("0 of 5 target(s) up to date, 5 failed"), "{table}");
    }
}
