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
    version: PrismaVersion,
}

/// What the Prisma CLI printed, and its exit code.
#[derive(Debug)]
pub struct OracleOutput {
    /// The release that printed it.
    pub version: PrismaVersion,
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

/// A Prisma CLI release the oracle installs (`prisma-oracle.sh install DIR 6|7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrismaVersion {
    /// prisma 6.16.1: the WebAssembly engine through a driver adapter, a patched `resolve --rolled-back`.
    V6,
    /// prisma 7.10.1: the unpatched CLI, with a stand-in for the native schema-engine binary that runs the
    /// WebAssembly engine shipped in the same package.
    V7,
}

impl PrismaVersion {
    /// Every version the interop tests run against.
    pub const ALL: [Self; 2] = [Self::V6, Self::V7];

    /// The npm version installed, e.g. `6.16.1`.
    pub fn version(self) -> &'static str {
        match self {
            Self::V6 => "6.16.1",
            Self::V7 => "7.10.1",
        }
    }

    fn major(self) -> &'static str {
        match self {
            Self::V6 => "6",
            Self::V7 => "7",
        }
    }

    /// Each release in its own directory under the target dir, so both stay installed side by side.
    fn install_dir(self) -> &'static str {
        match self {
            Self::V6 => "prisma-oracle",
            Self::V7 => "prisma-oracle-7",
        }
    }
}

impl std::fmt::Display for PrismaVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "prisma {}", self.version())
    }
}

/// The Prisma CLI 6.16.1; see [`oracle_of`].
pub fn oracle() -> &'static Oracle {
    oracle_of(PrismaVersion::V6)
}

/// The Prisma CLI of `version`, installed on first use from the npm registry (about a minute; building
/// better-sqlite3 for 7.10.1 takes a few more), shared by all test binaries through a file lock and cached in
/// the target directory.
///
/// # Panics
/// When the install fails (no `npm`, no registry).
pub fn oracle_of(version: PrismaVersion) -> &'static Oracle {
    static ORACLES: [OnceLock<Oracle>; 2] = [OnceLock::new(), OnceLock::new()];
    ORACLES[version as usize].get_or_init(|| {
        let script = crate::workspace_dir().join("tests/prisma-oracle/prisma-oracle.sh");
        let dir = crate::target_dir().join(version.install_dir());
        std::fs::create_dir_all(&dir).expect("create oracle dir");
        let lock = File::create(crate::target_dir().join(format!("{}.lock", version.install_dir())))
            .expect("oracle lock file");
        lock.lock().expect("lock oracle install");
        let marker = dir.join(".prisma-oracle-installed");
        let installed = std::fs::read_to_string(&marker).is_ok_and(|m| m.trim() == version.major());
        if !installed {
            let out = Command::new("bash")
                .arg(&script)
                .arg("install")
                .arg(&dir)
                .arg(version.major())
                .output()
                .expect("run prisma-oracle.sh");
            assert!(
                out.status.success(),
                "installing the Prisma CLI oracle ({version}) failed (needs node and npm):\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        drop(lock);
        Oracle { script, dir, version }
    })
}

impl Oracle {
    /// The release this oracle runs.
    pub fn version(&self) -> PrismaVersion {
        self.version
    }

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
            version: self.version,
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}
