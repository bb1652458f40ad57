//! Named crash points for the crash tests (`tests/tests/crash_points.rs`): with the hidden `__failpoints` feature,
//! which only the workspace's tests package enables, `crash_point!("name")` aborts the process when
//! `PM_CRASH_AT=name` (the first time it is reached) or `PM_CRASH_AT=name#n` (the n-th time) is set, so its
//! connections drop as in a real crash. Without the feature the macro expands to nothing.
//!
//! A hand-written hook rather than the `fail` crate: the tests need exactly one action (abort at the n-th hit,
//! chosen by the child process's environment), which is these lines; `fail` would add a dependency, a registry
//! of callbacks and its own configuration syntax for nothing more.
//!
//! The points are client-side steps between round trips. A point *inside* a script (between statement k and
//! k+1) is not one of them: the server (MySQL's multi-statement query, PostgreSQL's one simple-query message)
//! and sqlx's SQLite worker thread (sqlx-sqlite 0.9 `connection/worker.rs`: it steps the statements and sends
//! each result into a bounded channel) run ahead of the client reading the results, so an abort there would
//! land at no fixed statement. The tests stop a script at a statement boundary with a gate (`tests/src/gate.rs`)
//! and kill the process there instead.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment variable naming the point to crash at.
pub const ENV: &str = "PM_CRASH_AT";

static TARGET: OnceLock<Option<(String, usize)>> = OnceLock::new();
static HITS: AtomicUsize = AtomicUsize::new(0);

fn target() -> Option<(String, usize)> {
    let spec = std::env::var(ENV).ok().filter(|s| !s.is_empty())?;
    match spec.split_once('#') {
        Some((name, n)) => Some((name.to_owned(), n.parse().ok().filter(|&n| n > 0)?)),
        None => Some((spec, 1)),
    }
}

/// Called at the point `name`: aborts the process when it is the configured point and hit.
pub(crate) fn reached(name: &str) {
    let Some((point, nth)) = TARGET.get_or_init(target) else { return };
    if point == name && HITS.fetch_add(1, Ordering::SeqCst) + 1 == *nth {
        eprintln!("crash point {name}#{nth}: aborting");
        std::process::abort();
    }
}
