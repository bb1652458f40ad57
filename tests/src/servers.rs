//! The database servers tests run against: from the environment, or private ones started from the installed
//! binaries, once per test binary.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The PostgreSQL server URL (database `postgres`), starting a private server if `PM_TEST_POSTGRES_URL` is unset.
///
/// # Panics
/// When there is no URL and no PostgreSQL server binaries, saying what to install.
pub fn postgres_server_url() -> &'static str {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    server_url(&URL, "PM_TEST_POSTGRES_URL", start_postgres)
}

/// The MySQL/MariaDB server URL (no database), starting a private server if `PM_TEST_MYSQL_URL` is unset.
///
/// # Panics
/// When there is no URL and no MariaDB server binaries, saying what to install.
pub fn mysql_server_url() -> &'static str {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    server_url(&URL, "PM_TEST_MYSQL_URL", start_mariadb)
}

/// A private server with TLS on, whatever `PM_TEST_POSTGRES_URL`/`PM_TEST_MYSQL_URL` say.
#[derive(Debug)]
pub struct TlsServer {
    /// `postgresql://postgres@localhost:<port>/postgres` or `mysql://root@localhost:<port>` (the host name its
    /// certificate is for).
    pub url: String,
    /// The PEM file of the certificate authority that signed the server's certificate (made at start-up).
    pub ca_file: PathBuf,
}

/// The private PostgreSQL server with TLS on: `ssl=on` and a certificate for `localhost` and `127.0.0.1`
/// signed by a throw-away CA generated with the `openssl` command.
///
/// # Panics
/// When there are no PostgreSQL server binaries or no `openssl`, saying what to install.
pub fn postgres_tls_server() -> &'static TlsServer {
    static SERVER: OnceLock<Result<TlsServer, String>> = OnceLock::new();
    let server = SERVER.get_or_init(|| {
        start_postgres_in("pg-tls", true).map(|(url, ca_file)| TlsServer {
            url: url.replace("@127.0.0.1:", "@localhost:"),
            ca_file: ca_file.unwrap_or_default(),
        })
    });
    match server {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

/// A private PostgreSQL server with TLS off (`ssl=off`, whatever `PM_TEST_POSTGRES_URL` says), started once
/// per test binary: the server a client requiring TLS must be refused by.
///
/// # Panics
/// When there are no PostgreSQL server binaries, saying what to install.
pub fn postgres_plain_server_url() -> &'static str {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    match URL.get_or_init(|| start_postgres_in("pg-plain", false).map(|(url, _)| url)) {
        Ok(url) => url,
        Err(e) => panic!("{e}"),
    }
}

/// A private PostgreSQL server (TLS off) for tests that change the server itself (roles, privileges on the
/// maintenance databases), whatever `PM_TEST_POSTGRES_URL` says: never the machine's shared server.
///
/// # Panics
/// When there are no PostgreSQL server binaries, saying what to install.
pub fn postgres_private_server_url() -> &'static str {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    match URL.get_or_init(|| start_postgres_in("pg-private", false).map(|(url, _)| url)) {
        Ok(url) => url,
        Err(e) => panic!("{e}"),
    }
}

/// A private MariaDB server with TLS on (whatever `PM_TEST_MYSQL_URL` says), started once per test binary.
///
/// # Panics
/// When there are no MariaDB server binaries or no `openssl`, saying what to install.
pub fn mysql_tls_server() -> &'static TlsServer {
    static SERVER: OnceLock<Result<TlsServer, String>> = OnceLock::new();
    let server = SERVER.get_or_init(|| {
        start_mariadb_in("mysql-tls", Some(true)).map(|(url, ca_file)| TlsServer {
            url: url.replace("@127.0.0.1:", "@localhost:"),
            ca_file: ca_file.unwrap_or_default(),
        })
    });
    match server {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

/// A private MariaDB server with TLS off (`--skip-ssl`), started once per test binary.
///
/// # Panics
/// When there are no MariaDB server binaries, saying what to install.
pub fn mysql_plain_server_url() -> &'static str {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    match URL.get_or_init(|| start_mariadb_in("mysql-plain", Some(false)).map(|(url, _)| url)) {
        Ok(url) => url,
        Err(e) => panic!("{e}"),
    }
}

fn server_url(
    cell: &'static OnceLock<Result<String, String>>,
    var: &str,
    start: fn() -> Result<String, String>,
) -> &'static str {
    let url = cell.get_or_init(|| match std::env::var(var) {
        Ok(url) if !url.is_empty() => Ok(url),
        _ => start(),
    });
    match url {
        Ok(url) => url,
        Err(e) => panic!("{e}"),
    }
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free loopback port")
}

pub(crate) fn find_bin(name: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    dirs.iter().map(|d| d.join(name)).find(|p| p.is_file()).or_else(|| {
        std::env::var_os("PATH")
            .and_then(|path| std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()))
    })
}

pub(crate) fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// Runs a command as the given system user when we are root (servers refuse to run as root).
pub(crate) fn as_user(user: &str, program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", user, "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

pub(crate) fn chown(user: &str, dir: &Path) {
    if is_root() {
        let _ = Command::new("chown").arg("-R").arg(format!("{user}:")).arg(dir).status();
    }
}

pub(crate) fn run(cmd: &mut Command, what: &str, log: &Path) -> Result<(), String> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let _ = std::fs::write(log, [out.stdout, out.stderr].concat());
        Err(format!("{what} failed; see {}", log.display()))
    }
}

/// Stops the server when this process is gone, and removes its directory: a test binary has no teardown hook.
pub(crate) fn watchdog(stop: &str, dir: &Path) {
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        dir = dir.display()
    );
    let _ = Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}

pub(crate) fn scratch(kind: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pm-test-{kind}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create server dir");
    dir
}

fn start_postgres() -> Result<String, String> {
    start_postgres_in("pg", false).map(|(url, _)| url)
}

/// Writes `ca.pem` and a `server.pem`/`server.key` it signed for `localhost` and `127.0.0.1` into `dir`.
/// rustls (webpki) reads host names from subjectAltName only and refuses a CA certificate as the server's own,
/// hence a CA and a separate server certificate rather than one self-signed certificate.
fn make_certificates(dir: &Path) -> Result<(), String> {
    let Some(openssl) = find_bin("openssl", &[]) else {
        return Err("no `openssl` command to make the TLS test certificates (Debian: apt-get install openssl)".into());
    };
    let log = dir.join("openssl.log");
    let openssl = || {
        let mut c = Command::new(&openssl);
        c.current_dir(dir);
        c
    };
    run(
        openssl()
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=pm-test-ca", "-days", "2"])
            .args(["-keyout", "ca.key", "-out", "ca.pem"]),
        "openssl req (CA)",
        &log,
    )?;
    run(
        openssl().args(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost"]).args([
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ]),
        "openssl req (server)",
        &log,
    )?;
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .map_err(|e| format!("write server.ext: {e}"))?;
    run(
        openssl()
            .args(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial"])
            .args(["-days", "2", "-extfile", "server.ext", "-out", "server.pem"]),
        "openssl x509 (sign)",
        &log,
    )?;
    // PostgreSQL refuses a key file others may read.
    std::fs::set_permissions(dir.join("server.key"), std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("chmod server.key: {e}"))
}

/// Starts a private server in a scratch directory named after `kind`; with `tls`, `ssl=on` and a fresh
/// certificate (the CA's file is returned).
fn start_postgres_in(kind: &str, tls: bool) -> Result<(String, Option<PathBuf>), String> {
    let mut dirs = vec![];
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path().join("bin"))).collect();
        versions.sort();
        dirs.extend(versions.into_iter().rev());
    }
    let (Some(initdb), Some(pg_ctl)) = (find_bin("initdb", &dirs), find_bin("pg_ctl", &dirs)) else {
        return Err("no PostgreSQL for the tests: set PM_TEST_POSTGRES_URL=postgresql://user@host:port/postgres \
                    (a user that may create databases), or install the server binaries \
                    (Debian: apt-get install postgresql) so the tests can start a private one"
            .into());
    };
    let dir = scratch(kind);
    let certs = dir.join("certs");
    if tls {
        std::fs::create_dir_all(&certs).map_err(|e| format!("create {}: {e}", certs.display()))?;
        make_certificates(&certs)?;
    }
    chown("postgres", &dir);
    let data = dir.join("data");
    let port = free_port();
    run(
        as_user("postgres", &initdb).arg("-D").arg(&data).args([
            "-A",
            "trust",
            "-U",
            "postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]),
        "initdb",
        &dir.join("initdb.log"),
    )?;
    let mut opts =
        format!("-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off", dir.display());
    // Explicit either way: a server's default configuration may turn TLS on.
    if tls {
        let _ = write!(
            opts,
            " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
            certs.join("server.pem").display(),
            certs.join("server.key").display()
        );
    } else {
        opts.push_str(" -c ssl=off");
    }
    run(
        as_user("postgres", &pg_ctl)
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-w", "-o", &opts, "start"]),
        "pg_ctl start",
        &dir.join("pg_ctl.log"),
    )?;
    let stop = format!(
        "{} {} -D '{}' -m immediate stop",
        if is_root() { "runuser -u postgres --" } else { "" },
        pg_ctl.display(),
        data.display()
    );
    watchdog(&stop, &dir);
    Ok((format!("postgresql://postgres@127.0.0.1:{port}/postgres"), tls.then(|| certs.join("ca.pem"))))
}

fn start_mariadb() -> Result<String, String> {
    start_mariadb_in("mysql", None).map(|(url, _)| url)
}

/// Starts a private MariaDB in a scratch directory named after `kind`: `Some(true)` with TLS (a fresh
/// certificate; the CA's file is returned), `Some(false)` with TLS off (`--skip-ssl`), `None` as configured.
fn start_mariadb_in(kind: &str, tls: Option<bool>) -> Result<(String, Option<PathBuf>), String> {
    let dirs = [PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")];
    let server = find_bin("mariadbd", &dirs).or_else(|| find_bin("mysqld", &dirs));
    let (Some(install), Some(server)) = (find_bin("mariadb-install-db", &dirs), server) else {
        return Err("no MySQL/MariaDB for the tests: set PM_TEST_MYSQL_URL=mysql://user:pass@host:port \
                    (a user that may create databases), or install the server binaries \
                    (Debian: apt-get install mariadb-server) so the tests can start a private one"
            .into());
    };
    let dir = scratch(kind);
    let certs = dir.join("certs");
    let mut tls_args = vec![];
    match tls {
        Some(true) => {
            std::fs::create_dir_all(&certs).map_err(|e| format!("create {}: {e}", certs.display()))?;
            make_certificates(&certs)?;
            for (flag, file) in [("ssl-ca", "ca.pem"), ("ssl-cert", "server.pem"), ("ssl-key", "server.key")] {
                tls_args.push(format!("--{flag}={}", certs.join(file).display()));
            }
        }
        Some(false) => tls_args.push("--skip-ssl".to_owned()),
        None => {}
    }
    chown("mysql", &dir);
    let data = dir.join("data");
    let port = free_port();
    let user: &[&str] = if is_root() { &["--user=mysql"] } else { &[] };
    run(
        Command::new(&install)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args(user)
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"]),
        "mariadb-install-db",
        &dir.join("install-db.log"),
    )?;
    let pid_file = dir.join("mysqld.pid");
    Command::new(&server)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--socket={}", dir.join("mysqld.sock").display()))
        .arg(format!("--port={port}"))
        .arg("--bind-address=127.0.0.1")
        .arg(format!("--pid-file={}", pid_file.display()))
        .arg(format!("--log-error={}", dir.join("server.log").display()))
        .args(["--skip-name-resolve", "--innodb-buffer-pool-size=64M", "--max-connections=500"])
        .args(&tls_args)
        .args(user)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("start {}: {e}", server.display()))?;
    let deadline = Instant::now() + Duration::from_mins(1);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!("mariadbd did not start; see {}", dir.join("server.log").display()));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    watchdog(&format!("kill -9 $(cat '{}')", pid_file.display()), &dir);
    Ok((format!("mysql://root@127.0.0.1:{port}"), (tls == Some(true)).then(|| certs.join("ca.pem"))))
}
