//! The real Prisma CLI (prisma-oracle.sh, kept in tests/prisma-oracle/), installed once per machine into the
//! target directory.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// An installed Prisma CLI.
#[derive(Debug)]
pub struct Oracle {
    script: PathBuf,
    dir: PathBuf,
}

/// What the Prisma CLI printed, and its exit code.
#[derive(Debug)]
pub struct OracleOutput {
    /// Exit code.
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl OracleOutput {
    /// stdout and stderr together.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// The Prisma CLI (prisma 6.16.1), installed on first use from the npm registry (about a minute), shared by
/// all test binaries through a file lock.
///
/// # Panics
/// When the install fails (no `npm`, no registry).
pub fn oracle() -> &'static Oracle {
    static ORACLE: OnceLock<Oracle> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let script = crate::workspace_dir().join("tests/prisma-oracle/prisma-oracle.sh");
        let dir = crate::target_dir().join("prisma-oracle");
        std::fs::create_dir_all(&dir).expect("create oracle dir");
        let lock = File::create(crate::target_dir().join("prisma-oracle.lock")).expect("oracle lock file");
        lock.lock().expect("lock oracle install");
        if !dir.join(".prisma-oracle-installed").exists() {
            let out =
                Command::new("bash").arg(&script).arg("install").arg(&dir).output().expect("run prisma-oracle.sh");
            assert!(
                out.status.success(),
                "installing the Prisma CLI oracle failed (needs node and npm):\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        drop(lock);
        Oracle { script, dir }
    })
}

impl Oracle {
    /// Runs `prisma <args>` against a database URL (`postgresql://…`, `file:/abs/path.db`) and a migrations folder.
    pub fn run(&self, url: &str, migrations: &Path, args: &[&str]) -> OracleOutput {
        let out: Output = Command::new("bash")
            .arg(&self.script)
            .arg("exec")
            .arg(&self.dir)
            .arg(url)
            .arg(migrations)
            .args(args)
            .env("ORACLE_FILTER", "1")
            .output()
            .expect("run prisma-oracle.sh exec");
        OracleOutput {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}
