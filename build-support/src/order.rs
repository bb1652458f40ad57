//! The order Prisma applies migrations in.
//!
//! Prisma's CLI lists the folder and sorts the names with JavaScript's `a.localeCompare(b)`
//! (prisma/prisma `packages/migrate/src/utils/listMigrations.ts`), which is ICU's collation for the default
//! locale. For `en` and the root locale that is the CLDR root collation, which differs from byte order: it
//! compares case-insensitively first (`a` and `A` share a primary weight; lowercase wins only as a tie-break)
//! and puts punctuation before digits before letters (`_` and `-` sort before `0`, so `…_a_b` precedes
//! `…_a1`, where byte order puts `1` first).
//!
//! This module implements that collation exactly for printable ASCII, where it needs no tables from ICU: every
//! such character has one primary weight (below), no secondary difference, and a tertiary weight that only
//! separates lowercase from uppercase; CLDR root has no contractions among them and, with the default
//! `alternate = non-ignorable`, punctuation is compared like any other character. ICU4X's collator would
//! cover every name but costs ~12 s of release build on two cores for names that real histories never use.
//! A name with any other character (non-ASCII, control characters) is sorted here by a deterministic
//! approximation and reported as [`ProblemKind::UncertainOrder`](crate::ProblemKind::UncertainOrder).
//!
//! Locales that tailor ASCII letters (Danish `aa`, Lithuanian `y`, Turkish `I`, Estonian `z`) make Prisma's
//! own order depend on the machine that runs it; this is the order of `en` and the root locale.

use std::cmp::Ordering;

/// Printable ASCII in CLDR root order: whitespace, punctuation, symbols, digits, letters (case folded).
/// Checked against Node's `localeCompare` by `tests/tests/prisma_folders.rs`.
const PRIMARY_ORDER: &[u8] = b" _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

/// Primary weights of printable ASCII, 1-based; 0 for anything else.
const PRIMARY: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut i = 0;
    while i < PRIMARY_ORDER.len() {
        let c = PRIMARY_ORDER[i];
        // Index + 1 fits: the list has fewer than 255 entries.
        #[allow(clippy::cast_possible_truncation, reason = "fewer than 255 entries")]
        let weight = (i + 1) as u8;
        table[c as usize] = weight;
        if c.is_ascii_lowercase() {
            table[c.to_ascii_uppercase() as usize] = weight;
        }
        i += 1;
    }
    table
};

/// Whether Prisma's order for this name is known exactly: every character is printable ASCII.
pub fn is_certain(name: &str) -> bool {
    name.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Compares two migration names as Prisma orders them (`localeCompare` in the `en`/root locale); exact when
/// both names are [certain](is_certain), a total order in every case.
pub fn cmp(a: &str, b: &str) -> Ordering {
    primary(a)
        .cmp(primary(b))
        .then_with(|| tertiary(a).cmp(tertiary(b)))
        // Only names with characters outside the table can still tie; bytes make the order total.
        .then_with(|| a.cmp(b))
}

/// Sorts names into Prisma's order.
pub fn sort(names: &mut [String]) {
    names.sort_by(|a, b| cmp(a, b));
}

/// The primary weight of each character: printable ASCII by the table, anything else after every letter,
/// by code point (an approximation: see the module comment).
fn primary(s: &str) -> impl Iterator<Item = u32> + '_ {
    s.chars().map(|c| match u32::from(c) {
        n if n < 128 && PRIMARY[n as usize] != 0 => u32::from(PRIMARY[n as usize]),
        n => 256 + n,
    })
}

/// Lowercase (and everything caseless) before uppercase, character by character.
fn tertiary(s: &str) -> impl Iterator<Item = bool> + '_ {
    s.chars().map(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        sort(&mut v);
        v
    }

    #[test]
    fn table_covers_printable_ascii_once() {
        let mut seen = PRIMARY_ORDER.to_vec();
        seen.extend(b'A'..=b'Z');
        seen.sort_unstable();
        assert_eq!(seen, (0x20u8..0x7f).collect::<Vec<_>>());
    }

    #[test]
    fn prisma_measured_pair() {
        // PRISMA.md: the CLI applies `…_a_b` before `…_a1`; bytes would put `a1` first.
        assert_eq!(sorted(&["20240304123642_a1", "20240304123642_a_b"]), ["20240304123642_a_b", "20240304123642_a1"]);
    }

    #[test]
    fn case_is_a_tie_break_only() {
        assert_eq!(sorted(&["aB", "ab", "Ab", "ac"]), ["ab", "aB", "Ab", "ac"]);
        assert_eq!(cmp("a", "a"), Ordering::Equal);
    }

    #[test]
    fn uncertain_names() {
        assert!(is_certain("20250101120000_add_users"));
        assert!(!is_certain("20250101120000_café"));
        assert!(!is_certain("20250101120000_a\tb"));
    }
}
