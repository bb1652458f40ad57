//! Database servers a test may crash and restart: a private PostgreSQL with `fsync=on` (the shared test server
//! runs with `fsync=off`, which a crash test must not) stopped with `pg_ctl stop -m immediate` or a SIGKILL of
//! the postmaster, and a private MariaDB killed with SIGKILL. Each test starts its own, so crashing it never
//! disturbs other tests; it is stopped and removed when the test process exits.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::servers::{as_user, chown, find_bin, free_port, is_root, run, scratch, watchdog};

/// How a server is crashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crash {
    /// `pg_ctl stop -m immediate`: every server process quits at once, no checkpoint (PostgreSQL).
    Immediate,
    /// SIGKILL of the server process (PostgreSQL's postmaster; `mariadbd`).
    Kill,
}

/// How long a (re)start may take before the test fails (a hang guard).
const START_DEADLINE: Duration = Duration::from_mins(2);

/// A private server that tests crash and restart.
#[derive(Debug)]
pub struct CrashServer {
    kind: ServerKind,
    port: u16,
    dir: PathBuf,
}

#[derive(Debug)]
enum ServerKind {
    Postgres { pg_ctl: PathBuf, data: PathBuf, opts: String },
    MariaDb { program: PathBuf, args: Vec<String>, child: Option<Child> },
}

impl CrashServer {
    /// Starts a private PostgreSQL with `fsync=on` and `synchronous_commit=on` (the defaults, stated).
    ///
    /// # Panics
    /// When there are no PostgreSQL server binaries (saying what to install) or the server does not start.
    pub fn postgres() -> Self {
        let mut dirs = vec![];
        if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
            let mut versions: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path().join("bin"))).collect();
            versions.sort();
            dirs.extend(versions.into_iter().rev());
        }
        let (Some(initdb), Some(pg_ctl)) = (find_bin("initdb", &dirs), find_bin("pg_ctl", &dirs)) else {
            panic!(
                "the server-crash tests start their own PostgreSQL: install the server binaries \
                 (Debian: apt-get install postgresql)"
            );
        };
        let dir = scratch(&crate::random_name("pg-crash"));
        chown("postgres", &dir);
        let data = dir.join("data");
        run(
            as_user("postgres", &initdb).arg("-D").arg(&data).args(["-A", "trust", "-U", "postgres", "-E", "UTF8"]),
            "initdb",
            &dir.join("initdb.log"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let port = free_port();
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c ssl=off",
            dir.display()
        );
        let stop = format!(
            "{} {} -D '{}' -m immediate stop",
            if is_root() { "runuser -u postgres --" } else { "" },
            pg_ctl.display(),
            data.display()
        );
        watchdog(&stop, &dir);
        let mut server = Self { kind: ServerKind::Postgres { pg_ctl, data, opts }, port, dir };
        server.start();
        server
    }

    /// Starts a private MariaDB (the `InnoDB` log flushed at every commit).
    ///
    /// # Panics
    /// When there are no MariaDB server binaries (saying what to install) or the server does not start.
    pub fn mariadb() -> Self {
        let dirs = [PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")];
        let server = find_bin("mariadbd", &dirs).or_else(|| find_bin("mysqld", &dirs));
        let (Some(install), Some(program)) = (find_bin("mariadb-install-db", &dirs), server) else {
            panic!(
                "the server-crash tests start their own MariaDB: install the server binaries \
                 (Debian: apt-get install mariadb-server)"
            );
        };
        let dir = scratch(&crate::random_name("mysql-crash"));
        chown("mysql", &dir);
        let data = dir.join("data");
        let user: Vec<String> = if is_root() { vec!["--user=mysql".into()] } else { vec![] };
        run(
            Command::new(&install)
                .arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                .args(&user)
                .args(["--auth-root-authentication-method=normal", "--skip-test-db"]),
            "mariadb-install-db",
            &dir.join("install-db.log"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let port = free_port();
        let pid_file = dir.join("mysqld.pid");
        let mut args = vec![
            "--no-defaults".to_owned(),
            format!("--datadir={}", data.display()),
            format!("--socket={}", dir.join("mysqld.sock").display()),
            format!("--port={port}"),
            "--bind-address=127.0.0.1".to_owned(),
            format!("--pid-file={}", pid_file.display()),
            format!("--log-error={}", dir.join("server.log").display()),
            "--skip-name-resolve".to_owned(),
            "--skip-ssl".to_owned(),
            "--innodb-buffer-pool-size=64M".to_owned(),
            "--innodb-flush-log-at-trx-commit=1".to_owned(),
        ];
        args.extend(user);
        watchdog(&format!("kill -9 $(cat '{}')", pid_file.display()), &dir);
        let mut server = Self { kind: ServerKind::MariaDb { program, args, child: None }, port, dir };
        server.start();
        server
    }

    /// The server URL for database `db` (PostgreSQL) or with database `db` (MySQL).
    pub fn url(&self, db: &str) -> String {
        match self.kind {
            ServerKind::Postgres { .. } => format!("postgresql://postgres@127.0.0.1:{}/{db}", self.port),
            ServerKind::MariaDb { .. } => format!("mysql://root@127.0.0.1:{}/{db}", self.port),
        }
    }

    /// The admin URL (database `postgres`, or none on MySQL).
    pub fn admin_url(&self) -> String {
        match self.kind {
            ServerKind::Postgres { .. } => self.url("postgres"),
            ServerKind::MariaDb { .. } => format!("mysql://root@127.0.0.1:{}", self.port),
        }
    }

    /// Starts (or restarts after a crash, running the server's crash recovery) and waits until it answers.
    ///
    /// # Panics
    /// When it does not start.
    pub fn start(&mut self) {
        match &mut self.kind {
            ServerKind::Postgres { pg_ctl, data, opts } => run(
                as_user("postgres", pg_ctl)
                    .arg("-D")
                    .arg(&*data)
                    .arg("-l")
                    .arg(self.dir.join("server.log"))
                    .args(["-w", "-t", "120", "-o", opts, "start"]),
                "pg_ctl start",
                &self.dir.join("pg_ctl.log"),
            )
            .unwrap_or_else(|e| {
                let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
                panic!("{e}; the server's log ends:\n{}", tail.join("\n"))
            }),
            ServerKind::MariaDb { program, args, child } => {
                let spawned = Command::new(&*program)
                    .args(&*args)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
                *child = Some(spawned);
                let start = Instant::now();
                while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
                    let log = self.dir.join("server.log");
                    assert!(start.elapsed() < START_DEADLINE, "mariadbd did not start; see {}", log.display());
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
    }

    /// Crashes the server and waits until every one of its processes is gone.
    ///
    /// # Panics
    /// When the server cannot be stopped, or `how` does not apply (`Immediate` on MariaDB).
    pub fn crash(&mut self, how: Crash) {
        match (&mut self.kind, how) {
            (ServerKind::Postgres { pg_ctl, data, .. }, Crash::Immediate) => run(
                as_user("postgres", pg_ctl).arg("-D").arg(&*data).args(["-m", "immediate", "-w", "stop"]),
                "pg_ctl stop -m immediate",
                &self.dir.join("pg_ctl.log"),
            )
            .unwrap_or_else(|e| panic!("{e}")),
            (ServerKind::Postgres { data, .. }, Crash::Kill) => {
                let pid_file = std::fs::read_to_string(data.join("postmaster.pid")).expect("postmaster.pid");
                let pid = pid_file.lines().next().unwrap_or_default().trim().to_owned();
                // The backends notice the postmaster's death and exit; a restart must wait for them, or it finds
                // the old shared memory still attached.
                let children = Command::new("pgrep").args(["-P", &pid]).output().expect("pgrep (procps)");
                let children: Vec<String> =
                    String::from_utf8_lossy(&children.stdout).lines().map(str::to_owned).collect();
                let status = Command::new("kill").args(["-9", &pid]).status().expect("kill");
                assert!(status.success(), "kill -9 {pid}");
                let start = Instant::now();
                for p in std::iter::once(&pid).chain(&children) {
                    while alive(p) {
                        assert!(start.elapsed() < START_DEADLINE, "server process {p} outlived its postmaster");
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                // A dead postmaster nobody reaped (a container's init may not) still answers `kill -0`, so the
                // restart would take its lock files for a live server's: remove them, as a reboot would.
                let _ = std::fs::remove_file(data.join("postmaster.pid"));
                let _ = std::fs::remove_file(self.dir.join(format!(".s.PGSQL.{}.lock", self.port)));
                let _ = std::fs::remove_file(self.dir.join(format!(".s.PGSQL.{}", self.port)));
            }
            (ServerKind::MariaDb { child, .. }, Crash::Kill) => {
                let mut c = child.take().expect("mariadbd is running");
                c.kill().expect("SIGKILL mariadbd");
                c.wait().expect("reap mariadbd");
            }
            (ServerKind::MariaDb { .. }, Crash::Immediate) => panic!("MariaDB is crashed with Crash::Kill"),
        }
    }
}

/// Whether process `pid` is alive: it exists and is not a zombie (a container's init may never reap it).
fn alive(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // `pid (comm) state …`: the state follows the last `)`.
        stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next()).is_some_and(|state| state != "Z")
    })
}
