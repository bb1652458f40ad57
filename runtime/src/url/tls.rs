//! A URL's TLS parameters, Prisma's and sqlx's, rewritten into the ones sqlx reads.
//!
//! sqlx 0.9 parses `sslmode`/`ssl-mode`, `sslrootcert` (PostgreSQL) / `ssl-ca` (MySQL), and a PEM client
//! certificate as `sslcert`/`ssl-cert` + `sslkey` from the URL itself (sqlx-postgres and sqlx-mysql
//! `src/options/parse.rs`). Prisma's engine (quaint, `connector/{postgres,mysql}/url.rs` in prisma-engines)
//! reads different names with different meanings:
//!
//! - PostgreSQL: `sslmode=disable|prefer|require` (default `prefer`), `sslcert` = the CA certificate that
//!   signs the server's certificate (not a client certificate, as sqlx would take it), `sslidentity` +
//!   `sslpassword` = a PKCS#12 client identity, `sslaccept=strict|accept_invalid_certs` (default
//!   `accept_invalid_certs`: TLS without checking the certificate; `strict` checks it and the host name).
//! - MySQL: no `sslmode`; any of `sslcert`, `sslidentity`, `sslpassword`, `sslaccept` turns TLS on (required),
//!   with the same meanings and the same `accept_invalid_certs` default.
//!
//! Mapped to sqlx: `require` + `strict` is `verify-full` (`VERIFY_IDENTITY`); `require` alone, or with
//! `accept_invalid_certs`, stays `require` (sqlx's `require` does not check the certificate either);
//! Prisma's `sslcert` becomes `sslrootcert` / `ssl-ca`, its relative path resolved against the base directory
//! as Prisma resolves it against the schema's folder. sqlx's own names (`verify-ca`, `verify-full`,
//! `sslrootcert`, `ssl-cert`, `sslkey`, MySQL's `ssl-mode=VERIFY_IDENTITY` …) pass through. What sqlx cannot do
//! (a PKCS#12 `sslidentity`; `sslaccept=strict` on a connection that may fall back to plain text) is refused
//! with an error naming the parameter. An empty value is the same as an absent parameter.

use std::path::Path;

use super::invalid;
use crate::Error;

/// Which vocabulary the URL's `sslmode` uses and where sqlx wants the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    Postgres,
    MySql,
}

/// How much TLS a connection gets, weakest first (PostgreSQL's names; MySQL's map onto them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Level {
    fn parse(flavor: Flavor, value: &str) -> Option<Self> {
        let v = value.to_ascii_lowercase();
        Some(match (flavor, v.as_str()) {
            (Flavor::Postgres, "disable") | (Flavor::MySql, "disabled" | "disable") => Self::Disable,
            (Flavor::Postgres, "allow") => Self::Allow,
            (Flavor::Postgres, "prefer") | (Flavor::MySql, "preferred" | "prefer") => Self::Prefer,
            (Flavor::Postgres, "require") | (Flavor::MySql, "required" | "require") => Self::Require,
            (Flavor::Postgres, "verify-ca") | (Flavor::MySql, "verify_ca" | "verify-ca") => Self::VerifyCa,
            (Flavor::Postgres, "verify-full") | (Flavor::MySql, "verify_identity" | "verify-full") => Self::VerifyFull,
            _ => return None,
        })
    }

    /// The value sqlx parses, and the key it is written under.
    fn for_sqlx(self, flavor: Flavor) -> (&'static str, &'static str) {
        match flavor {
            Flavor::Postgres => (
                "sslmode",
                match self {
                    Self::Disable => "disable",
                    Self::Allow => "allow",
                    Self::Prefer => "prefer",
                    Self::Require => "require",
                    Self::VerifyCa => "verify-ca",
                    Self::VerifyFull => "verify-full",
                },
            ),
            Flavor::MySql => (
                "ssl-mode",
                match self {
                    Self::Disable => "DISABLED",
                    Self::Allow | Self::Prefer => "PREFERRED",
                    Self::Require => "REQUIRED",
                    Self::VerifyCa => "VERIFY_CA",
                    Self::VerifyFull => "VERIFY_IDENTITY",
                },
            ),
        }
    }
}

/// Prisma's `sslaccept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accept {
    Strict,
    InvalidCerts,
}

/// The TLS parameters of a URL, read but not yet checked against each other.
#[derive(Debug, Default)]
struct Asked {
    /// `sslmode`/`ssl-mode` as written (the last non-empty one, as sqlx would take it).
    mode: Option<String>,
    accept: Option<String>,
    /// Prisma's `sslcert`: the CA certificate.
    root_cert: Option<String>,
    identity: bool,
    password: bool,
}

const KEYS: &[&str] = &["sslmode", "ssl-mode", "sslaccept", "sslcert", "sslidentity", "sslpassword"];

/// Replaces the URL's TLS parameters by the ones sqlx reads (see the module docs); leaves the rest alone.
///
/// # Errors
/// An unknown `sslmode` or `sslaccept` value, contradicting parameters, a PKCS#12 `sslidentity`, or (built
/// without the `tls` feature) a URL that requires TLS.
pub(super) fn rewrite(url: &str, parsed: &mut url::Url, base_dir: &Path, flavor: Flavor) -> Result<(), Error> {
    let mut asked = Asked::default();
    let mut kept = Vec::new();
    for (k, v) in parsed.query_pairs() {
        if !KEYS.contains(&k.as_ref()) {
            kept.push((k.into_owned(), v.into_owned()));
            continue;
        }
        if v.is_empty() {
            continue;
        }
        let v = Some(v.into_owned());
        match k.as_ref() {
            "sslmode" | "ssl-mode" => asked.mode = v,
            "sslaccept" => asked.accept = v,
            "sslcert" => asked.root_cert = v,
            "sslidentity" => asked.identity = true,
            _ => asked.password = true,
        }
    }
    let (level, by) = level(url, &asked, flavor)?;
    if level >= Level::Require && !cfg!(feature = "tls") {
        return Err(Error::TlsNotCompiled { url: super::redact_url(url), sslmode: by });
    }
    if asked.mode.is_some() || level != Level::Prefer {
        let (key, value) = level.for_sqlx(flavor);
        kept.push((key.to_owned(), value.to_owned()));
    }
    if let Some(cert) = &asked.root_cert {
        let path = Path::new(cert);
        let path = if path.is_absolute() { path.to_owned() } else { base_dir.join(path) };
        let key = if flavor == Flavor::Postgres { "sslrootcert" } else { "ssl-ca" };
        kept.push((key.to_owned(), path.to_string_lossy().into_owned()));
    }
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    Ok(())
}

/// The level the parameters ask for, and the parameter that asked for it (`sslmode=require`).
fn level(url: &str, asked: &Asked, flavor: Flavor) -> Result<(Level, String), Error> {
    if asked.identity {
        return Err(invalid(
            url,
            "`sslidentity` (a PKCS#12 client identity) is not supported; convert it to PEM files and pass them as \
             `ssl-cert=<certificate.pem>&sslkey=<key.pem>`",
        ));
    }
    let explicit = match &asked.mode {
        Some(m) => Some(Level::parse(flavor, m).ok_or_else(|| {
            let expected = match flavor {
                Flavor::Postgres => "`disable`, `allow`, `prefer`, `require`, `verify-ca` or `verify-full`",
                Flavor::MySql => "`DISABLED`, `PREFERRED`, `REQUIRED`, `VERIFY_CA` or `VERIFY_IDENTITY`",
            };
            invalid(url, format!("`sslmode={m}` is not a TLS mode; expected {expected}"))
        })?),
        None => None,
    };
    let accept = match asked.accept.as_deref() {
        Some("strict") => Some(Accept::Strict),
        Some("accept_invalid_certs") => Some(Accept::InvalidCerts),
        Some(other) => {
            return Err(invalid(
                url,
                format!("`sslaccept={other}` is not known; expected `strict` or `accept_invalid_certs`"),
            ));
        }
        None => None,
    };
    // MySQL under Prisma: any TLS parameter means TLS is required.
    let mysql_tls = flavor == Flavor::MySql && (asked.accept.is_some() || asked.root_cert.is_some() || asked.password);
    let (mut level, mut by) = match (explicit, &asked.mode) {
        (Some(l), Some(m)) => (l, format!("sslmode={m}")),
        _ if mysql_tls => (Level::Require, mysql_trigger(asked)),
        _ => (Level::Prefer, "sslmode=prefer".to_owned()),
    };
    match accept {
        Some(Accept::Strict) if level == Level::Require => {
            level = Level::VerifyFull;
            "sslaccept=strict".clone_into(&mut by);
        }
        Some(Accept::Strict) if matches!(level, Level::Allow | Level::Prefer) => {
            return Err(invalid(
                url,
                format!(
                    "`sslaccept=strict` checks the server's certificate, but `{by}` lets the connection fall back \
                     to plain text, which sqlx cannot combine; add `{}`",
                    if flavor == Flavor::Postgres { "sslmode=require" } else { "ssl-mode=REQUIRED" }
                ),
            ));
        }
        Some(Accept::InvalidCerts) if level >= Level::VerifyCa => {
            return Err(invalid(url, format!("`sslaccept=accept_invalid_certs` contradicts `{by}`; drop one of them")));
        }
        _ => {}
    }
    Ok((level, by))
}

fn mysql_trigger(asked: &Asked) -> String {
    match (&asked.accept, &asked.root_cert) {
        (Some(a), _) => format!("sslaccept={a}"),
        (None, Some(_)) => "sslcert".to_owned(),
        (None, None) => "sslpassword".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The query sqlx gets for a URL, or the error.
    fn rewritten(flavor: Flavor, query: &str) -> Result<String, Error> {
        let url = format!("postgresql://u:s3cr3t@h/d?{query}");
        let mut parsed = url::Url::parse(&url).map_err(|e| invalid(&url, e.to_string()))?;
        rewrite(&url, &mut parsed, Path::new("/base"), flavor)?;
        Ok(parsed.query().unwrap_or_default().to_owned())
    }

    fn refused(flavor: Flavor, query: &str, names: &str) {
        let Err(e) = rewritten(flavor, query) else { panic!("{query} was accepted") };
        let shown = format!("{e} {e:?}");
        assert!(shown.contains(names), "{query}: {shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn absent_and_empty_are_the_default() {
        for flavor in [Flavor::Postgres, Flavor::MySql] {
            assert_eq!(rewritten(flavor, "").unwrap(), "");
            assert_eq!(rewritten(flavor, "sslmode=").unwrap(), "");
            assert_eq!(rewritten(flavor, "sslmode=&schema=x&sslaccept=&sslcert=").unwrap(), "schema=x");
        }
    }

    #[test]
    fn modes_that_need_no_tls_pass_in_every_build() {
        assert_eq!(rewritten(Flavor::Postgres, "sslmode=disable").unwrap(), "sslmode=disable");
        assert_eq!(rewritten(Flavor::Postgres, "ssl-mode=Prefer&x=1").unwrap(), "x=1&sslmode=prefer");
        assert_eq!(rewritten(Flavor::Postgres, "sslmode=allow").unwrap(), "sslmode=allow");
        assert_eq!(rewritten(Flavor::MySql, "ssl-mode=DISABLED").unwrap(), "ssl-mode=DISABLED");
        assert_eq!(rewritten(Flavor::MySql, "sslmode=preferred").unwrap(), "ssl-mode=PREFERRED");
        // Disabled wins over Prisma's MySQL TLS parameters; `strict` has nothing to check then.
        assert_eq!(rewritten(Flavor::MySql, "ssl-mode=disabled&sslaccept=strict").unwrap(), "ssl-mode=DISABLED");
        assert_eq!(rewritten(Flavor::Postgres, "sslmode=disable&sslaccept=strict").unwrap(), "sslmode=disable");
        // PostgreSQL under Prisma: `sslaccept` alone leaves the default `prefer`, which never checks certificates.
        assert_eq!(rewritten(Flavor::Postgres, "sslaccept=accept_invalid_certs").unwrap(), "");
    }

    #[test]
    fn unknown_values_and_unsupported_parameters_are_named() {
        refused(Flavor::Postgres, "sslmode=required", "`sslmode=required`");
        refused(Flavor::MySql, "ssl-mode=allow", "`sslmode=allow`");
        refused(Flavor::Postgres, "sslaccept=lenient", "`sslaccept=lenient`");
        refused(Flavor::Postgres, "sslmode=require&sslidentity=id.p12&sslpassword=s3cr3t", "`sslidentity`");
        refused(Flavor::MySql, "sslidentity=id.p12", "`sslidentity`");
        refused(Flavor::Postgres, "sslaccept=strict", "`sslaccept=strict`");
        refused(Flavor::Postgres, "sslmode=prefer&sslaccept=strict", "sslmode=require");
        refused(Flavor::MySql, "ssl-mode=PREFERRED&sslaccept=strict", "ssl-mode=REQUIRED");
    }

    #[cfg(feature = "tls")]
    #[test]
    fn prisma_parameters_map_to_sqlx() {
        let pg = |q| rewritten(Flavor::Postgres, q).unwrap();
        assert_eq!(pg("sslmode=require"), "sslmode=require");
        assert_eq!(pg("sslmode=REQUIRE&sslaccept=accept_invalid_certs"), "sslmode=require");
        assert_eq!(pg("sslmode=require&sslaccept=strict"), "sslmode=verify-full");
        assert_eq!(pg("sslmode=verify-ca&sslaccept=strict"), "sslmode=verify-ca");
        assert_eq!(pg("sslmode=verify-full"), "sslmode=verify-full");
        // Prisma's `sslcert` is the CA (sqlx's `sslrootcert`), relative to the base directory.
        assert_eq!(
            pg("sslmode=require&sslcert=certs/ca.pem&sslaccept=strict"),
            "sslmode=verify-full&sslrootcert=%2Fbase%2Fcerts%2Fca.pem"
        );
        assert_eq!(pg("sslcert=/etc/ca.pem&sslmode=verify-full"), "sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem");
        // sqlx's own client-certificate names pass through untouched.
        assert_eq!(pg("ssl-cert=c.pem&sslkey=k.pem&sslmode=require"), "ssl-cert=c.pem&sslkey=k.pem&sslmode=require");
        // A bare `sslpassword` (no identity) is dropped, as Prisma ignores it.
        assert_eq!(pg("sslmode=require&sslpassword=s3cr3t"), "sslmode=require");

        let my = |q| rewritten(Flavor::MySql, q).unwrap();
        // Under Prisma any MySQL TLS parameter turns TLS on.
        assert_eq!(my("sslaccept=accept_invalid_certs"), "ssl-mode=REQUIRED");
        assert_eq!(my("sslaccept=strict"), "ssl-mode=VERIFY_IDENTITY");
        assert_eq!(my("sslcert=ca.pem"), "ssl-mode=REQUIRED&ssl-ca=%2Fbase%2Fca.pem");
        assert_eq!(my("ssl-mode=VERIFY_CA"), "ssl-mode=VERIFY_CA");
        assert_eq!(my("sslmode=require"), "ssl-mode=REQUIRED");
    }

    #[cfg(feature = "tls")]
    #[test]
    fn contradictions_are_refused() {
        refused(Flavor::Postgres, "sslmode=verify-full&sslaccept=accept_invalid_certs", "`sslmode=verify-full`");
        refused(Flavor::MySql, "ssl-mode=VERIFY_IDENTITY&sslaccept=accept_invalid_certs", "accept_invalid_certs");
    }

    #[cfg(not(feature = "tls"))]
    #[test]
    fn without_the_feature_required_tls_is_refused() {
        for (flavor, query, asked) in [
            (Flavor::Postgres, "sslmode=require", "sslmode=require"),
            (Flavor::Postgres, "sslmode=verify-full", "sslmode=verify-full"),
            (Flavor::Postgres, "sslmode=require&sslaccept=strict", "sslaccept=strict"),
            (Flavor::MySql, "sslaccept=accept_invalid_certs", "sslaccept=accept_invalid_certs"),
            (Flavor::MySql, "sslcert=ca.pem", "sslcert"),
        ] {
            let Err(Error::TlsNotCompiled { sslmode, url }) = rewritten(flavor, query) else { panic!("{query}") };
            assert_eq!(sslmode, asked);
            assert!(!url.contains("s3cr3t"), "{url}");
        }
    }
}
