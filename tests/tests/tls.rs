//! The `tls` feature against real servers: a private PostgreSQL with `ssl=on` and a certificate signed by a CA
//! made at start-up (`prisma_migrations_tests::postgres_tls_server`), and a private one with `ssl=off`; the same
//! for MariaDB (`--ssl-cert`/`--ssl-key`, and `--skip-ssl`).
//!
//! Each deploy's migration records what the server says about its own session (`pg_stat_ssl.ssl` for
//! `pg_backend_pid()`, MariaDB's session `Ssl_cipher`), so the test knows the deploy itself went over TLS, not
//! just some connection.

mod cli_support;

use prisma_migrations::{ConnectOptions, Database, Error, Migrator};
use prisma_migrations_tests::{
    MigrationsDir, ScratchDir, mysql_plain_server_url, mysql_tls_server, postgres_plain_server_url,
    postgres_tls_server, random_name,
};

const RECORD: &str = "20250101000000_record_session_tls";
const RECORD_SQL: &str = "CREATE TABLE session_tls AS SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();\n";
const PASSWORD: &str = "s3cr3t-tls-pw";

/// A fresh database on `server` (a `postgresql://…/postgres` URL), dropped by [`Fresh::drop_now`].
struct Fresh {
    server: String,
    name: String,
}

impl Fresh {
    async fn on(server: &str) -> Self {
        let name = random_name("pm_tls");
        let admin = sqlx::PgPool::connect(&format!("{server}?sslmode=disable")).await.expect("admin connection");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""))).execute(&admin).await.unwrap();
        admin.close().await;
        Self { server: server.to_owned(), name }
    }

    /// The database's URL with a password (the servers trust every local connection, so it only has to stay
    /// out of every message) and `query`.
    fn url(&self, query: &str) -> String {
        let base = self.server.replacen("postgres@", &format!("postgres:{PASSWORD}@"), 1);
        let base = base.strip_suffix("/postgres").expect("server URL ends in /postgres");
        format!("{base}/{}?{query}", self.name)
    }

    /// Deploys the recording migration over `query` and returns what the server said about that session.
    async fn deploy_and_read_ssl(&self, query: &str, opts: &ConnectOptions) -> Result<bool, Error> {
        let dir = MigrationsDir::new().add(RECORD, RECORD_SQL);
        let db = Database::connect_with(&self.url(query), opts).await?;
        let report = Migrator::new(&dir.load()).deploy(&db).await?;
        assert_eq!(report.applied.len(), 1, "{report:?}");
        let status = Migrator::new(&dir.load()).status(&db).await?;
        assert!(status.pending().is_empty() && status.failed().is_empty(), "{status:?}");
        db.close().await;
        let pool = sqlx::PgPool::connect(&self.url("sslmode=disable")).await.expect("read back");
        let ssl: bool = sqlx::query_scalar("SELECT ssl FROM session_tls").fetch_one(&pool).await.expect("recorded row");
        pool.close().await;
        Ok(ssl)
    }

    async fn drop_now(self) {
        let admin = sqlx::PgPool::connect(&format!("{}?sslmode=disable", self.server)).await.expect("admin");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE \"{}\" WITH (FORCE)", self.name)))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
    }
}

/// Connecting must fail with P1001 and a message that says why, without the password.
async fn refused(url: &str, opts: &ConnectOptions, why: &[&str]) -> String {
    let Err(e) = Database::connect_with(url, opts).await else {
        panic!("connected: {}", prisma_migrations::redact_url(url))
    };
    let shown = format!("{e} | {e:?}");
    assert!(!shown.contains(PASSWORD), "password shown: {shown}");
    assert_eq!(e.code(), Some("P1001"), "{shown}");
    let lower = shown.to_lowercase();
    assert!(why.iter().any(|w| lower.contains(w)), "{shown} does not say any of {why:?}");
    shown
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_over_sslmode_require_is_a_tls_session() {
    let db = Fresh::on(&postgres_tls_server().url).await;
    assert!(db.deploy_and_read_ssl("sslmode=require", &ConnectOptions::default()).await.unwrap());
    db.drop_now().await;
}

/// A CA certificate (`openssl req -x509`) that signed neither test server's certificate.
fn unrelated_ca(dir: &ScratchDir) -> std::path::PathBuf {
    let ca = dir.path().join("other-ca.pem");
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=someone-else", "-days", "1"])
        .arg("-keyout")
        .arg(dir.path().join("other-ca.key"))
        .arg("-out")
        .arg(&ca)
        .output()
        .expect("openssl must be installed (Debian: apt-get install openssl)");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    ca
}

#[tokio::test(flavor = "multi_thread")]
async fn prisma_accept_invalid_certs_is_tls_without_checking() {
    // The server's certificate fails verification: the CA given as `sslcert` did not sign it. The two URLs differ
    // only in `sslaccept`: `accept_invalid_certs` goes on over TLS, `strict` refuses, so a URL parser that ignored
    // `sslaccept` (or let `sslcert` imply checking, as libpq's `require` does with a root certificate) fails one
    // of the two. On PostgreSQL `accept_invalid_certs` is Prisma's default (quaint's `SslAcceptMode`), so
    // leaving it out is the same as `sslmode=require`, as under Prisma.
    let other = ScratchDir::new();
    let query = format!("sslmode=require&sslcert={}&schema=public", unrelated_ca(&other).display());
    let db = Fresh::on(&postgres_tls_server().url).await;
    let opts = ConnectOptions::default();
    let strict = refused(&db.url(&format!("{query}&sslaccept=strict")), &opts, &["certificate", "issuer"]).await;
    eprintln!("strict against an unverifiable certificate: {strict}");
    assert!(db.deploy_and_read_ssl(&format!("{query}&sslaccept=accept_invalid_certs"), &opts).await.unwrap());
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_accept_invalid_certs_is_tls_without_checking() {
    // As on PostgreSQL: a certificate the given CA did not sign; only `sslaccept` differs between the two URLs.
    let other = ScratchDir::new();
    let query = format!("sslcert={}", unrelated_ca(&other).display());
    let db = FreshMySql::on(&mysql_tls_server().url).await;
    let opts = ConnectOptions::default();
    refused(&db.url(&format!("{query}&sslaccept=strict")), &opts, &["certificate", "issuer"]).await;
    let cipher = db.deploy_and_read_cipher(&format!("{query}&sslaccept=accept_invalid_certs"), &opts).await.unwrap();
    assert!(!cipher.is_empty(), "the deploy's session was not TLS");
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_sslmode_is_the_default() {
    // The default is `prefer`: TLS where the server offers it, plain text where it does not.
    let db = Fresh::on(&postgres_tls_server().url).await;
    assert!(db.deploy_and_read_ssl("sslmode=", &ConnectOptions::default()).await.unwrap());
    db.drop_now().await;
    let db = Fresh::on(postgres_plain_server_url()).await;
    assert!(!db.deploy_and_read_ssl("sslmode=&connection_limit=2", &ConnectOptions::default()).await.unwrap());
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn require_against_a_server_without_tls_is_refused() {
    let db = Fresh::on(postgres_plain_server_url()).await;
    let shown = refused(&db.url("sslmode=require"), &ConnectOptions::default(), &["tls", "ssl"]).await;
    eprintln!("require vs plain server: {shown}");
    // Prisma's MySQL-style strictness on PostgreSQL: also refused, for the same reason.
    refused(&db.url("sslmode=require&sslaccept=strict"), &ConnectOptions::default(), &["tls", "ssl"]).await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_full_with_the_ca_as_prisma_sslcert() {
    let server = postgres_tls_server();
    let db = Fresh::on(&server.url).await;
    // Prisma resolves a relative `sslcert` against the schema's folder: here the base directory.
    let base = ScratchDir::new();
    std::fs::create_dir_all(base.path().join("certs")).unwrap();
    std::fs::copy(&server.ca_file, base.path().join("certs/ca.pem")).unwrap();
    let opts = ConnectOptions::default().base_dir(base.path());
    let query = "sslmode=require&sslaccept=strict&sslcert=certs/ca.pem";
    assert!(db.deploy_and_read_ssl(query, &opts).await.unwrap());
    db.drop_now().await;

    let db = Fresh::on(&server.url).await;
    let query = format!("sslmode=verify-full&sslcert={}", server.ca_file.display());
    assert!(db.deploy_and_read_ssl(&query, &ConnectOptions::default()).await.unwrap());
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_full_without_the_ca_is_refused() {
    let server = postgres_tls_server();
    let db = Fresh::on(&server.url).await;
    let opts = ConnectOptions::default();
    let why = ["certificate", "issuer", "tls"];
    let shown = refused(&db.url("sslmode=verify-full"), &opts, &why).await;
    eprintln!("verify-full without the CA: {shown}");
    refused(&db.url("sslmode=require&sslaccept=strict"), &opts, &why).await;
    // A CA that did not sign the server's certificate does not help either.
    let other = ScratchDir::new();
    let other_ca = unrelated_ca(&other);
    refused(&db.url(&format!("sslmode=verify-full&sslcert={}", other_ca.display())), &opts, &why).await;
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unsupported_parameters_are_named_without_the_password() {
    let db = Fresh::on(&postgres_tls_server().url).await;
    for (query, names) in [
        ("sslmode=require&sslidentity=client.p12&sslpassword=hush-hush", "sslidentity"),
        ("sslaccept=strict", "sslaccept=strict"),
        ("sslmode=verify-full&sslaccept=accept_invalid_certs", "sslaccept=accept_invalid_certs"),
        ("sslmode=maybe", "sslmode=maybe"),
    ] {
        let Err(e) = Database::connect(&db.url(query)).await else { panic!("connected: {query}") };
        let shown = format!("{e} | {e:?}");
        assert_eq!(e.code(), Some("P1013"), "{shown}");
        assert!(shown.contains(names), "{query}: {shown}");
        assert!(!shown.contains(PASSWORD) && !shown.contains("hush-hush"), "secret shown: {shown}");
    }
    db.drop_now().await;
}

const RECORD_MYSQL_SQL: &str = "CREATE TABLE session_tls AS SELECT VARIABLE_VALUE AS cipher \
                                FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER';\n";

/// A fresh database on a MariaDB `server` (`mysql://root@host:port`), dropped by [`FreshMySql::drop_now`].
struct FreshMySql {
    server: String,
    name: String,
}

impl FreshMySql {
    async fn on(server: &str) -> Self {
        let name = random_name("pm_tls");
        let admin = sqlx::MySqlPool::connect(&format!("{server}?ssl-mode=DISABLED")).await.expect("admin connection");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`"))).execute(&admin).await.unwrap();
        admin.close().await;
        Self { server: server.to_owned(), name }
    }

    /// The database's URL with `query` (root has no password on the private servers).
    fn url(&self, query: &str) -> String {
        format!("{}/{}?{query}", self.server, self.name)
    }

    /// Deploys the recording migration over `query` and returns the session's TLS cipher (empty: plain text).
    async fn deploy_and_read_cipher(&self, query: &str, opts: &ConnectOptions) -> Result<String, Error> {
        let dir = MigrationsDir::new().add(RECORD, RECORD_MYSQL_SQL).provider("mysql");
        let db = Database::connect_with(&self.url(query), opts).await?;
        let report = Migrator::new(&dir.load()).deploy(&db).await?;
        assert_eq!(report.applied.len(), 1, "{report:?}");
        db.close().await;
        let pool = sqlx::MySqlPool::connect(&self.url("ssl-mode=DISABLED")).await.expect("read back");
        let cipher: String =
            sqlx::query_scalar("SELECT cipher FROM session_tls").fetch_one(&pool).await.expect("recorded row");
        pool.close().await;
        Ok(cipher)
    }

    async fn drop_now(self) {
        let admin = sqlx::MySqlPool::connect(&format!("{}?ssl-mode=DISABLED", self.server)).await.expect("admin");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE `{}`", self.name))).execute(&admin).await.unwrap();
        admin.close().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_deploy_over_prisma_tls_parameters() {
    let server = mysql_tls_server();
    // Prisma's MySQL URLs have no sslmode: `sslaccept` alone turns TLS on, without checking the certificate.
    let db = FreshMySql::on(&server.url).await;
    let cipher = db.deploy_and_read_cipher("sslaccept=accept_invalid_certs", &ConnectOptions::default()).await.unwrap();
    assert!(!cipher.is_empty(), "the deploy's session was not TLS");
    db.drop_now().await;
    // `strict` with the CA as Prisma's `sslcert`, relative to the base directory: verified.
    let base = ScratchDir::new();
    std::fs::copy(&server.ca_file, base.path().join("ca.pem")).unwrap();
    let opts = ConnectOptions::default().base_dir(base.path());
    let db = FreshMySql::on(&server.url).await;
    let cipher = db.deploy_and_read_cipher("sslaccept=strict&sslcert=ca.pem", &opts).await.unwrap();
    assert!(!cipher.is_empty(), "the deploy's session was not TLS");
    db.drop_now().await;
    // sqlx's own name works too.
    let db = FreshMySql::on(&server.url).await;
    let cipher = db.deploy_and_read_cipher("ssl-mode=REQUIRED", &ConnectOptions::default()).await.unwrap();
    assert!(!cipher.is_empty(), "the deploy's session was not TLS");
    db.drop_now().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_refusals() {
    let server = mysql_tls_server();
    let db = FreshMySql::on(&server.url).await;
    let opts = ConnectOptions::default();
    // No CA: the certificate cannot be checked.
    let shown = refused(&db.url("sslaccept=strict"), &opts, &["certificate", "issuer"]).await;
    eprintln!("MySQL strict without the CA: {shown}");
    db.drop_now().await;
    let db = FreshMySql::on(mysql_plain_server_url()).await;
    let shown = refused(&db.url("sslaccept=accept_invalid_certs"), &opts, &["tls", "ssl"]).await;
    eprintln!("MySQL TLS vs a server without: {shown}");
    // An empty `ssl-mode=` is the default (PREFERRED): plain text here.
    let cipher = db.deploy_and_read_cipher("ssl-mode=", &opts).await.unwrap();
    assert_eq!(cipher, "");
    db.drop_now().await;
}

/// The CLI, as installed with `cargo install --path cli`: Prisma's relative `sslcert` is found in the folder above
/// the migrations (`prisma/`, where `schema.prisma` lives), as Prisma finds it.
#[tokio::test(flavor = "multi_thread")]
async fn cli_deploy_with_sslcert_relative_to_the_prisma_folder() {
    let server = postgres_tls_server();
    let db = Fresh::on(&server.url).await;
    let dir = MigrationsDir::new().add(RECORD, RECORD_SQL);
    std::fs::copy(&server.ca_file, dir.root().join("prisma/ca.pem")).unwrap();
    let url = db.url("sslmode=require&sslaccept=strict&sslcert=ca.pem");
    let migrations = dir.path().to_string_lossy().into_owned();
    let run =
        cli_support::pm(dir.root()).run(&["migrate", "deploy", "--migrations", &migrations, "--database-url", &url]);
    run.expect(0).lacks(PASSWORD);
    let pool = sqlx::PgPool::connect(&db.url("sslmode=disable")).await.unwrap();
    let ssl: bool = sqlx::query_scalar("SELECT ssl FROM session_tls").fetch_one(&pool).await.unwrap();
    pool.close().await;
    assert!(ssl, "the CLI's deploy session was not TLS");
    // The same URL without the CA: refused, exit 1, the reason shown, the password not.
    let url = db.url("sslmode=require&sslaccept=strict");
    let run =
        cli_support::pm(dir.root()).run(&["migrate", "status", "--migrations", &migrations, "--database-url", &url]);
    run.expect(1).has(&["P1001", "UnknownIssuer"]).lacks(PASSWORD);
    db.drop_now().await;
}
