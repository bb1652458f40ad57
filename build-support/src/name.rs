//! Migration folder names: `<YYYYMMDDHHMMSS>_<slug>` (what `prisma migrate dev` writes), or `<digits>_<slug>`
//! for histories that number their folders.

use std::fmt;

/// How folder names are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Numbering {
    /// `<YYYYMMDDHHMMSS>_<slug>`, a real UTC date and time, as `prisma migrate dev` names folders.
    #[default]
    Timestamp,
    /// `<digits>_<slug>` (`01_init`, `02_add_tags`), ordered by their number.
    Sequential,
}

/// A folder name split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedName<'a> {
    /// The digits before the first `_`.
    pub prefix: &'a str,
    /// What follows the first `_`.
    pub slug: &'a str,
}

/// Why a folder name is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// Not `<digits>_<slug>` at all.
    Shape,
    /// The timestamp is not 14 digits.
    TimestampLength(usize),
    /// The 14 digits are not a real date and time.
    NotADate(&'static str),
    /// Nothing after the `_`.
    EmptySlug,
    /// The slug has characters other than lowercase ascii letters, digits and single `_` between words.
    BadSlug,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shape => f.write_str("is not `<timestamp>_<name>`"),
            Self::TimestampLength(n) => write!(f, "has a {n}-digit timestamp instead of 14 digits"),
            Self::NotADate(part) => write!(f, "has a timestamp that is not a real UTC date and time (bad {part})"),
            Self::EmptySlug => f.write_str("has no name after the timestamp"),
            Self::BadSlug => {
                f.write_str("has a name that is not lowercase ascii words joined by `_` (letters a-z, digits 0-9)")
            }
        }
    }
}

/// Splits a folder name at its first `_` into digits and slug, checking both.
pub fn parse(name: &str, numbering: Numbering) -> Result<ParsedName<'_>, NameError> {
    let (prefix, slug) = name.split_once('_').ok_or(NameError::Shape)?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NameError::Shape);
    }
    if numbering == Numbering::Timestamp {
        if prefix.len() != 14 {
            return Err(NameError::TimestampLength(prefix.len()));
        }
        check_date(prefix).map_err(NameError::NotADate)?;
    }
    if slug.is_empty() {
        return Err(NameError::EmptySlug);
    }
    if !is_valid_slug(slug) {
        return Err(NameError::BadSlug);
    }
    Ok(ParsedName { prefix, slug })
}

/// Lowercase ascii letters and digits in `_`-separated, non-empty words.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.split('_').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

/// Suggests a valid slug for an invalid one: `AddUsers` → `add_users`, `add-users` → `add_users`.
pub fn suggest_slug(raw: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in raw.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
            // `Add2FA` → `add2fa`: a word break only after a lowercase letter.
            prev_lower = c.is_ascii_lowercase();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_end_matches('_').to_owned()
}

fn check_date(ts: &str) -> Result<(), &'static str> {
    let num = |r: std::ops::Range<usize>| -> u32 { ts[r].parse().unwrap_or(u32::MAX) };
    let (year, month, day) = (num(0..4), num(4..6), num(6..8));
    let (hour, minute, second) = (num(8..10), num(10..12), num(12..14));
    if year < 1970 {
        return Err("year");
    }
    if !(1..=12).contains(&month) {
        return Err("month");
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Err("day");
    }
    if hour > 23 {
        return Err("hour");
    }
    if minute > 59 {
        return Err("minute");
    }
    if second > 59 {
        return Err("second");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_prisma_names() {
        let p = parse("20250101120000_add_users", Numbering::Timestamp).unwrap();
        assert_eq!((p.prefix, p.slug), ("20250101120000", "add_users"));
        assert!(parse("20240229235959_leap_day_2fa", Numbering::Timestamp).is_ok());
        assert!(parse("01_init", Numbering::Sequential).is_ok());
    }

    #[test]
    fn rejects_bad_names() {
        use NameError::*;
        let t = Numbering::Timestamp;
        assert_eq!(parse("2025_init", t), Err(TimestampLength(4)));
        assert_eq!(parse("20250101120000-add-users", t), Err(Shape));
        assert_eq!(parse("20250101120000_AddUsers", t), Err(BadSlug));
        assert_eq!(parse("20250101120000_", t), Err(EmptySlug));
        assert_eq!(parse("20251301120000_x", t), Err(NotADate("month")));
        assert_eq!(parse("20230229120000_x", t), Err(NotADate("day")));
        assert_eq!(parse("20250101240000_x", t), Err(NotADate("hour")));
        assert_eq!(parse("20250101120000_a__b", t), Err(BadSlug));
        assert_eq!(parse(".hidden", t), Err(Shape));
        assert_eq!(parse("01_init", t), Err(TimestampLength(2)));
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest_slug("AddUsers"), "add_users");
        assert_eq!(suggest_slug("add-users"), "add_users");
        assert_eq!(suggest_slug("Add 2FA!"), "add_2fa");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s, Numbering::Timestamp);
            let _ = parse(&s, Numbering::Sequential);
            let _ = suggest_slug(&s);
        }

        #[test]
        fn valid_names_round_trip(
            y in 1970u32..2200, mo in 1u32..=12, d in 1u32..=28, h in 0u32..24, mi in 0u32..60, s in 0u32..60,
            slug in "[a-z0-9]{1,8}(_[a-z0-9]{1,8}){0,4}",
        ) {
            let ts = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}");
            let name = format!("{ts}_{slug}");
            let p = parse(&name, Numbering::Timestamp).unwrap();
            prop_assert_eq!(p.prefix, ts.as_str());
            prop_assert_eq!(p.slug, slug.as_str());
        }

        #[test]
        fn suggestion_is_valid_or_empty(s in "\\PC{0,40}") {
            let sug = suggest_slug(&s);
            prop_assert!(sug.is_empty() || is_valid_slug(&sug), "{:?} -> {:?}", s, sug);
        }
    }
}
