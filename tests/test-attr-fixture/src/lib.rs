//! The history the tests use, typed.

#[derive(prisma_migrations::Migrations)]
pub struct Db;

/// Both isolation tests of a test binary arrive here before either writes, so they run at the same time (a hang
/// guard fails the test if the other never comes, e.g. with `--test-threads=1`).
///
/// # Panics
/// When the other test does not arrive within two minutes.
pub fn meet() {
    use std::sync::{Condvar, Mutex};
    static ARRIVED: Mutex<u32> = Mutex::new(0);
    static CV: Condvar = Condvar::new();
    let mut n = ARRIVED.lock().unwrap();
    *n += 1;
    CV.notify_all();
    let (n, timeout) = CV.wait_timeout_while(n, std::time::Duration::from_secs(120), |n| *n < 2).unwrap();
    assert!(!timeout.timed_out(), "the two isolation tests did not run in parallel ({} arrived)", *n);
}
