//! The rules a folder must follow: names, order, provider, and `checksums.lock`. Every problem is collected,
//! never only the first.

use std::cmp::Ordering;

use crate::name::{self, NameError, Numbering};
use crate::order;
use crate::provider::{LOCK_TOML, Provider, read_lock_toml_provider};
use crate::scan::Folder;
use crate::{Options, Problem, ProblemKind, checksum, lockfile};

/// Prisma's limit on the slug `migrate dev` writes.
const MAX_SLUG_LEN: usize = 200;

pub(crate) fn check(folder: &Folder, options: &Options) -> Vec<Problem> {
    let mut problems = Vec::new();
    let provider = check_provider(folder, options, &mut problems);
    check_names(folder, options, provider, &mut problems);
    check_order(folder, options, &mut problems);
    check_locked(folder, &mut problems);
    problems
}

fn check_provider(folder: &Folder, options: &Options, problems: &mut Vec<Problem>) -> Option<Provider> {
    let path = folder.dir.join(LOCK_TOML);
    let expected = match options.provider.as_deref().map(|p| (p, Provider::parse(p))) {
        Some((_, Some(p))) => Some(p),
        Some((raw, None)) => {
            problems.push(Problem {
                kind: ProblemKind::BadOption,
                path: folder.dir.clone(),
                message: format!("unknown provider `{raw}`; expected one of `postgresql`, `mysql`, `sqlite`, `cockroachdb`, `sqlserver`"),
            });
            None
        }
        None => None,
    };
    let text = folder.lock_toml.as_deref()?;
    let Some(raw) = read_lock_toml_provider(text) else {
        problems.push(Problem {
            kind: ProblemKind::BadLockToml,
            path,
            message: format!(
                "`{LOCK_TOML}` has no `provider = \"…\"` line; restore it as `prisma migrate dev` wrote it"
            ),
        });
        return expected;
    };
    let Some(locked) = Provider::parse(raw) else {
        problems.push(Problem {
            kind: ProblemKind::BadLockToml,
            path,
            message: format!("`{LOCK_TOML}` names unknown provider `{raw}`; Prisma reads the first line starting with `provider` as `provider = \"<name>\"`"),
        });
        return expected;
    };
    if let Some(expected) = expected
        && expected != locked
    {
        problems.push(Problem {
            kind: ProblemKind::ProviderMismatch,
            path,
            message: format!("`{LOCK_TOML}` says provider `{locked}` but `{expected}` was given (Prisma P3019); these migrations were written for {locked}"),
        });
    }
    Some(expected.unwrap_or(locked))
}

/// What a remedy that renames a migration adds: renaming an applied migration would make it run again.
const KEEP_APPLIED: &str = "if a database already applied it, keep the name and run `prisma-migrations lock`";

/// Whether the authoring rules skip this migration: it is released (in `checksums.lock`) or, in Prisma's
/// order, not after `exempt_until`.
fn is_exempt(folder: &Folder, options: &Options, name: &str) -> bool {
    folder.checksums_lock.as_ref().is_some_and(|lock| lock.get(name).is_some())
        || options.exempt_until.as_deref().is_some_and(|e| order::cmp(name, e) != Ordering::Greater)
}

fn check_names(folder: &Folder, options: &Options, provider: Option<Provider>, problems: &mut Vec<Problem>) {
    if let Some(exempt) = &options.exempt_until
        && !folder.migrations.iter().any(|m| &m.name == exempt)
    {
        problems.push(Problem {
            kind: ProblemKind::BadOption,
            path: folder.dir.clone(),
            message: format!(
                "{} names `{exempt}`, which is not a migration in this folder; give the full folder name of the last migration the naming rules should skip",
                options.surface.exempt_until()
            ),
        });
    }
    let max_name = provider.map_or(255, Provider::max_name_len);
    for m in &folder.migrations {
        let path = m.sql_path.parent().unwrap_or(&folder.dir).to_owned();
        let n = &m.name;
        if n.len() > max_name {
            problems.push(Problem {
                kind: ProblemKind::TooLong,
                path: path.clone(),
                message: format!(
                    "migration `{n}` has a {}-byte name; `_prisma_migrations.migration_name` holds at most {max_name}",
                    n.len()
                ),
            });
        }
        if is_exempt(folder, options, n) {
            // A new name with such characters is already a bad name; a released one keeps its name, but
            // where Prisma puts it is not certain.
            if !order::is_certain(n) {
                problems.push(Problem {
                    kind: ProblemKind::UncertainOrder,
                    path: path.clone(),
                    message: format!(
                        "migration `{}` has characters outside printable ASCII, so its place in the order may differ from Prisma's, which sorts with the collation of the machine's locale; check the order with `prisma migrate status` before deploying migrations around it",
                        n.escape_debug()
                    ),
                });
            }
            continue;
        }
        let slug = match name::parse(n, options.numbering) {
            Ok(parsed) => parsed.slug,
            Err(err) => {
                problems.push(name_problem(n, &err, options, path));
                continue;
            }
        };
        if slug.len() > MAX_SLUG_LEN {
            problems.push(Problem {
                kind: ProblemKind::LongSlug,
                path,
                message: format!(
                    "migration `{n}` has a {}-byte name after the timestamp; Prisma allows at most {MAX_SLUG_LEN} — shorten it, or, {KEEP_APPLIED}",
                    slug.len()
                ),
            });
        } else if is_vague(slug, &options.vague_names) {
            problems.push(Problem {
                kind: ProblemKind::VagueName,
                path,
                message: format!(
                    "migration `{n}` has a vague name; describe the change, e.g. `{}_add_user_email_index` — {KEEP_APPLIED}",
                    &n[..n.len() - slug.len() - 1]
                ),
            });
        }
    }
}

fn name_problem(n: &str, err: &NameError, options: &Options, path: std::path::PathBuf) -> Problem {
    let hint = match err {
        NameError::BadSlug | NameError::Shape => {
            let (prefix, rest) = crate::scan::split_name(n);
            let slug = name::suggest_slug(if prefix.is_empty() {
                n.trim_start_matches(|c: char| c.is_ascii_digit())
            } else {
                rest
            });
            let slug = if slug.is_empty() { "describe_the_change".to_owned() } else { slug };
            match options.numbering {
                Numbering::Timestamp => {
                    format!("rename it to `<YYYYMMDDHHMMSS>_{slug}`, as `prisma migrate dev` names folders")
                }
                Numbering::Sequential => format!("rename it to `<number>_{slug}`"),
            }
        }
        NameError::TimestampLength(_) => format!(
            "use the UTC time the migration was created, `YYYYMMDDHHMMSS`, or {} for numbered folders such as `01_init`",
            options.surface.sequential()
        ),
        NameError::NotADate(_) => "use the UTC time the migration was created, `YYYYMMDDHHMMSS`".to_owned(),
        NameError::EmptySlug => "add a name that describes the change, e.g. `_add_users_table`".to_owned(),
    };
    let kind = if matches!(err, NameError::NotADate(_) | NameError::TimestampLength(_)) {
        ProblemKind::BadTimestamp
    } else {
        ProblemKind::BadName
    };
    Problem { kind, path, message: format!("migration folder `{}` {err}; {hint} — {KEEP_APPLIED}", n.escape_debug()) }
}

/// A slug is vague when every word of it is a vague word, a number, or `v<digits>` (`fix`, `update_2`,
/// `v3`); an empty list turns the rule off.
fn is_vague(slug: &str, vague: &[String]) -> bool {
    let vague_word = |w: &str| {
        w.bytes().all(|b| b.is_ascii_digit())
            || (w.len() > 1 && w.starts_with('v') && w[1..].bytes().all(|b| b.is_ascii_digit()))
            || vague.iter().any(|v| v == w)
    };
    !vague.is_empty() && slug.split('_').all(vague_word)
}

/// Shared timestamps and numbers that do not increase: Prisma applies such folders in name order without
/// complaint, but a new migration should not depend on it. A pair of exempt migrations is history.
fn check_order(folder: &Folder, options: &Options, problems: &mut Vec<Problem>) {
    let mut prev: Option<(&str, u128)> = None;
    for m in &folder.migrations {
        let Ok(parsed) = name::parse(&m.name, options.numbering) else { continue };
        // 14 digits fit in u64; a sequential prefix may be long, so compare as numbers where it fits.
        let Ok(number) = parsed.prefix.parse::<u128>() else { continue };
        if let Some((prev_name, prev_number)) = prev
            && number <= prev_number
            && !(is_exempt(folder, options, prev_name) && is_exempt(folder, options, &m.name))
        {
            // The one to rename is the new one; the later one when both are new.
            let newer = if is_exempt(folder, options, &m.name) { prev_name } else { &m.name };
            let path = folder.dir.join(newer);
            let message = if number == prev_number {
                let what = match options.numbering {
                    Numbering::Timestamp => "timestamp",
                    Numbering::Sequential => "number",
                };
                format!(
                    "migrations `{prev_name}` and `{}` share the {what} `{}`, so only their names decide the order (Prisma applies `{prev_name}` first); give `{newer}` a later {what} — {KEEP_APPLIED}",
                    m.name, parsed.prefix
                )
            } else {
                format!(
                    "migration `{}` sorts after `{prev_name}` but has a smaller number; pad the numbers with zeros to the same width so name order is number order — {KEEP_APPLIED}",
                    m.name
                )
            };
            problems.push(Problem { kind: ProblemKind::Order, path, message });
        }
        prev = Some((&m.name, number));
    }
}

fn check_locked(folder: &Folder, problems: &mut Vec<Problem>) {
    if let Some(lock) = &folder.checksums_lock {
        problems.extend(lock_problems(folder, lock));
    }
}

/// What keeps `lock` from being the folder's `checksums.lock`: locked migrations edited or gone, and new ones
/// that sort before the newest locked one.
pub(crate) fn lock_problems(folder: &Folder, lock: &lockfile::LockFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    // Indexed by name: a long history has hundreds of locked migrations.
    let by_name: std::collections::HashMap<&str, &crate::ScannedMigration> =
        folder.migrations.iter().map(|m| (m.name.as_str(), m)).collect();
    let locked: std::collections::HashSet<&str> = lock.entries.iter().map(|e| e.name.as_str()).collect();
    for entry in &lock.entries {
        match by_name.get(entry.name.as_str()).copied() {
            None => problems.push(Problem {
                kind: ProblemKind::DeletedLocked,
                path: folder.dir.join(&entry.name),
                message: format!(
                    "migration `{}` is in `{}` but its folder is gone; a released migration must stay — restore it (e.g. `git checkout -- {}`), and undo its effect with a new migration",
                    entry.name, lockfile::FILE_NAME, entry.name
                ),
            }),
            // The scan already hashed the script: only a mismatch needs Prisma's line-ending variants.
            Some(m) if entry.checksum != m.checksum && !checksum::matches(&entry.checksum, &m.sql) => problems.push(Problem {
                kind: ProblemKind::EditedLocked,
                path: m.sql_path.clone(),
                message: format!(
                    "migration `{}` was edited after it was released: `{}` locks checksum {}…, the file now hashes to {}…; revert the edit and put the change in a new migration",
                    entry.name, lockfile::FILE_NAME, &entry.checksum[..12], &m.checksum[..12]
                ),
            }),
            Some(_) => {}
        }
    }
    let Some(newest) = lock.entries.iter().map(|e| e.name.as_str()).max_by(|a, b| order::cmp(a, b)) else {
        return problems;
    };
    for m in &folder.migrations {
        if order::cmp(&m.name, newest) == Ordering::Less && !locked.contains(m.name.as_str()) {
            problems.push(Problem {
                kind: ProblemKind::UnlockedBeforeLocked,
                path: m.sql_path.parent().unwrap_or(&folder.dir).to_owned(),
                message: format!(
                    "migration `{}` is not in `{}` but sorts before `{newest}`, the newest released migration; rename it with a newer timestamp so it runs after what was released — if a database already applied it, keep the name and add it with `prisma-migrations lock --force`",
                    m.name, lockfile::FILE_NAME
                ),
            });
        }
    }
    problems
}
