//! Prisma-compatible migration checksums.
//!
//! Prisma stores the SHA-256 of `migration.sql` as 64 lowercase hex digits and, when comparing, accepts the
//! script as it is, with CRLF turned into LF, or with LF turned into CRLF, so a checkout with other line endings
//! still matches. A stored value of another length is in Prisma's legacy format, where each byte was printed
//! with `{:x}` and no zero padding (prisma-engines, `schema-engine/core/src/.../checksum.rs`).

use sha2::{Digest, Sha256};

/// Length of a checksum in the current format.
pub const CHECKSUM_LEN: usize = 64;

/// The checksum Prisma records for a script: SHA-256 of its UTF-8 bytes, 64 lowercase hex digits.
pub fn checksum(script: &str) -> String {
    hex(&Sha256::digest(script.as_bytes()))
}

/// Whether a stored checksum matches a script, with Prisma's line-ending tolerance and legacy format.
pub fn matches(stored: &str, script: &str) -> bool {
    let render: fn(&[u8]) -> String = if stored.len() == CHECKSUM_LEN { hex } else { legacy_hex };
    let digest = |s: &str| render(&Sha256::digest(s.as_bytes()));
    stored == digest(script)
        || stored == digest(&script.replace("\r\n", "\n"))
        || stored == digest(&script.replace('\n', "\r\n"))
}

/// Whether `s` looks like a current-format checksum: 64 lowercase hex digits.
pub fn is_well_formed(s: &str) -> bool {
    s.len() == CHECKSUM_LEN && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn legacy_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `printf hello | sha256sum` (coreutils), also the correct value quoted in prisma-engines issue #1887.
    const HELLO: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    #[test]
    fn prisma_test_vector() {
        assert_eq!(checksum("hello"), HELLO);
        assert!(matches(HELLO, "hello"));
        assert!(!matches(HELLO, "hello "));
    }

    #[test]
    fn empty_file() {
        assert_eq!(checksum(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn crlf_and_lf_match_each_other() {
        let lf = "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n";
        let crlf = lf.replace('\n', "\r\n");
        assert_ne!(checksum(lf), checksum(&crlf));
        assert!(matches(&checksum(lf), &crlf), "LF checksum, CRLF checkout");
        assert!(matches(&checksum(&crlf), lf), "CRLF checksum, LF checkout");
    }

    #[test]
    fn bom_is_hashed_as_is() {
        let with_bom = "\u{feff}SELECT 1;";
        assert_ne!(checksum(with_bom), checksum("SELECT 1;"));
        assert!(!matches(&checksum("SELECT 1;"), with_bom));
        assert!(matches(&checksum(with_bom), with_bom));
    }

    /// What Prisma's engine stored for `hello` before the fix, as reported in prisma/prisma-engines issue #1887
    /// ("Found bug in migration checksum", fixed by PR #1889, which keeps accepting the old format): 62
    /// characters, the bytes 0x0e and 0x04 of the digest printed as `e` and `4`.
    const HELLO_LEGACY_FROM_PRISMA_1887: &str = "2cf24dba5fb0a3e26e83b2ac5b9e29e1b161e5c1fa7425e7343362938b9824";

    #[test]
    fn legacy_unpadded_format() {
        let legacy = HELLO_LEGACY_FROM_PRISMA_1887;
        assert_eq!(legacy.len(), 62);
        assert_eq!(legacy_hex(&Sha256::digest(b"hello")), legacy);
        assert!(matches(legacy, "hello"));
        assert!(!matches(legacy, "hello!"));
        let legacy_crlf = legacy_hex(&Sha256::digest(b"a\r\nb"));
        assert!(matches(&legacy_crlf, "a\nb"));
    }

    #[test]
    fn well_formed() {
        assert!(is_well_formed(HELLO));
        assert!(!is_well_formed(&HELLO.to_uppercase()));
        assert!(!is_well_formed(&HELLO[1..]));
    }
}
