//! Shared by `prisma_folders.rs` and `legacy_history.rs`: the rows both tools write, a folder copy, and Node's sort.

#![allow(dead_code, reason = "each test binary uses a different part of this module")]

use std::path::Path;
use std::process::{Command, Stdio};

/// One `_prisma_migrations` row, reduced to what Prisma and this toolkit must write alike (ids and instants
/// differ by nature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    pub checksum: String,
    pub logs_null: bool,
    pub finished: bool,
    pub rolled_back: bool,
    pub steps: i64,
}

/// Every row of a PostgreSQL database's `_prisma_migrations`, in `started_at` order; asserts that no two rows
/// share a `started_at`, so the order read is the order applied.
pub async fn pg_rows(url: &str) -> Vec<Row> {
    let pool = sqlx::PgPool::connect(url).await.expect("connect");
    let rows: Vec<(String, String, bool, bool, bool, i64, String)> = sqlx::query_as(
        "SELECT migration_name, checksum, logs IS NULL, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, \
         applied_steps_count::int8, started_at::text FROM _prisma_migrations ORDER BY started_at",
    )
    .fetch_all(&pool)
    .await
    .expect("read _prisma_migrations");
    pool.close().await;
    let mut instants: Vec<&str> = rows.iter().map(|r| r.6.as_str()).collect();
    instants.dedup();
    assert_eq!(instants.len(), rows.len(), "two rows share a started_at: the applied order is not readable");
    rows.into_iter()
        .map(|(name, checksum, logs_null, finished, rolled_back, steps, _)| Row {
            name,
            checksum,
            logs_null,
            finished,
            rolled_back,
            steps,
        })
        .collect()
}

/// Copies a folder recursively (regular files and directories).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("list dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

/// Sorts names as Prisma's CLI does, with Node's `String.prototype.localeCompare` (names one per line: they
/// hold no line breaks).
///
/// # Panics
/// When Node.js is missing: install it (v18 or later; the Prisma oracle needs it too).
pub fn node_sort(names: &[String]) -> Vec<String> {
    use std::io::Write as _;
    let script = "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{\
                  const n=s.split('\\n').filter(x=>x.length>0);\
                  n.sort((a,b)=>a.localeCompare(b));process.stdout.write(n.join('\\n'));})";
    let mut child = Command::new("node")
        .args(["-e", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run `node`: install Node.js (v18 or later) to compare with Prisma's order");
    child.stdin.take().expect("stdin").write_all(names.join("\n").as_bytes()).expect("write names");
    let out = child.wait_with_output().expect("wait for node");
    assert!(out.status.success(), "node failed");
    String::from_utf8(out.stdout).expect("UTF-8").lines().map(str::to_owned).collect()
}

/// The default locale Node's `localeCompare` used, for the failure messages.
pub fn node_locale() -> String {
    let out = Command::new("node")
        .args(["-e", "process.stdout.write(new Intl.Collator().resolvedOptions().locale)"])
        .output()
        .expect("run `node`: install Node.js (v18 or later)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
