//! Runs the built `prisma-migrations` binary.
//!
//! `CARGO_BIN_EXE_*` exists only for binaries of the package under test, and the binary lives in the cli
//! package, so the first test to need it runs `cargo build -p prisma-migrations-cli --bin prisma-migrations`
//! (its default features: every database and TLS) once per test binary (a `OnceLock`), into the target directory and profile this test
//! executable was built in (found from its own path: `<target>/<profile>/deps/<test>`); cargo makes it a no-op
//! when the binary is fresh. `cargo test` releases the build lock before it runs tests, so the nested build
//! does not wait on it. The binary is then `<target>/<profile>/prisma-migrations`.

#![allow(dead_code, reason = "each cli_* test binary uses a different part of this module")]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The built binary.
pub fn bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(build)
}

fn build() -> PathBuf {
    let profile_dir =
        prisma_migrations_tests::cargo_build(&["-p", "prisma-migrations-cli", "--bin", "prisma-migrations"]);
    let bin = profile_dir.join(format!("prisma-migrations{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.is_file(), "{} was not built", bin.display());
    bin
}

/// What a run printed, and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    /// stdout and stderr together.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// The JSON document on stdout (a flat check that it is one JSON object; fields are read with `field`).
    pub fn json(&self) -> &str {
        let doc = self.stdout.trim();
        assert!(doc.starts_with('{') && doc.ends_with('}'), "stdout is not one JSON object:\n{}", self.all());
        assert_eq!(doc.lines().count(), 1, "one JSON document on one line:\n{doc}");
        doc
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    /// Asserts that stdout+stderr contains each text.
    #[track_caller]
    pub fn has(&self, texts: &[&str]) -> &Self {
        let all = self.all();
        for t in texts {
            assert!(all.contains(t), "expected {t:?} in\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        }
        self
    }

    /// Asserts that stdout+stderr does not contain the text.
    #[track_caller]
    pub fn lacks(&self, text: &str) -> &Self {
        let all = self.all();
        assert!(!all.contains(text), "did not expect {text:?} in\n{all}");
        self
    }
}

/// A prepared invocation: working directory and environment (no `DATABASE_URL`, no colours, no `.env`
/// inherited from the caller's directory).
#[derive(Debug, Clone)]
pub struct Pm {
    cwd: PathBuf,
    env: Vec<(String, String)>,
    stdin: Option<String>,
}

/// `prisma-migrations` run in `cwd`.
pub fn pm(cwd: &Path) -> Pm {
    Pm { cwd: cwd.to_owned(), env: Vec::new(), stdin: None }
}

impl Pm {
    /// Sets an environment variable for the run.
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.to_owned(), v.to_owned()));
        self
    }

    /// Feeds standard input.
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    /// Runs with these arguments.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(bin());
        cmd.current_dir(&self.cwd)
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("NO_COLOR")
            .env_remove("PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if self.stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let start = Instant::now();
        let mut child = cmd.spawn().expect("spawn prisma-migrations");
        if let Some(input) = &self.stdin {
            use std::io::Write as _;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(input.as_bytes()).expect("write stdin");
        }
        let out = child.wait_with_output().expect("wait for prisma-migrations");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            took: start.elapsed(),
        }
    }
}

/// `"key":value` appears in a JSON document (values compared as rendered: `"key":"P3009"`, `"key":true`).
#[track_caller]
pub fn json_has(doc: &str, key: &str, rendered: &str) {
    let needle = format!("\"{key}\":{rendered}");
    assert!(doc.contains(&needle), "expected {needle} in {doc}");
}

/// A string as JSON renders it (for names with no special characters).
pub fn q(s: &str) -> String {
    format!("\"{s}\"")
}

/// `["a","b"]`.
pub fn list(items: &[&str]) -> String {
    format!("[{}]", items.iter().map(|s| q(s)).collect::<Vec<_>>().join(","))
}
