//! Lists a migrations folder and reads its files. Problems that make a file unusable are reported here; the
//! naming, ordering and lock rules are in `rules`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::lockfile::{self, LockFile};
use crate::provider::LOCK_TOML;
use crate::{Problem, ProblemKind, checksum};

/// A migrations folder as read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// The folder itself.
    pub dir: PathBuf,
    /// Its migrations, in Prisma's order (`crate::order`).
    pub migrations: Vec<ScannedMigration>,
    /// The text of `migration_lock.toml`, when present.
    pub lock_toml: Option<String>,
    /// The parsed `checksums.lock`, when present.
    pub checksums_lock: Option<LockFile>,
    /// Every plain file that was read, so a build can track them.
    pub files_read: Vec<PathBuf>,
}

/// One migration folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedMigration {
    /// The folder name, verbatim: Prisma's `migration_name`.
    pub name: String,
    /// Absolute (or as-given) path of `migration.sql`.
    pub sql_path: PathBuf,
    /// The script.
    pub sql: String,
    /// Prisma's checksum of the script.
    pub checksum: String,
    /// `down.sql` beside it, when present.
    pub down_path: Option<PathBuf>,
    /// The text of `down.sql`.
    pub down_sql: Option<String>,
}

impl ScannedMigration {
    /// The digits before the first `_` (empty for a name that has none).
    pub fn prefix(&self) -> &str {
        split_name(&self.name).0
    }

    /// What follows the first `_`, or the whole name when it has no digit prefix.
    pub fn slug(&self) -> &str {
        split_name(&self.name).1
    }
}

/// Splits a name into its leading digits and the rest, leniently (for names exempt from the rules).
pub fn split_name(name: &str) -> (&str, &str) {
    match name.split_once('_') {
        Some((p, s)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (p, s),
        _ => ("", name),
    }
}

pub(crate) fn scan(dir: &Path) -> (Option<Folder>, Vec<Problem>) {
    let mut problems = Vec::new();
    let Some(names) = list_names(dir, &mut problems) else { return (None, problems) };
    let mut files_read = Vec::new();
    let migrations =
        names.into_iter().filter_map(|name| read_migration(dir, name, &mut files_read, &mut problems)).collect();
    let lock_toml = read_optional(&dir.join(LOCK_TOML), &mut files_read, &mut problems);
    let checksums_path = dir.join(lockfile::FILE_NAME);
    let checksums_lock =
        read_optional(&checksums_path, &mut files_read, &mut problems).and_then(|text| match LockFile::parse(&text) {
            Ok(lock) => Some(lock),
            Err(errors) => {
                problems.extend(errors.into_iter().map(|e| Problem {
                    kind: ProblemKind::BadChecksumsLock,
                    path: checksums_path.clone(),
                    message: format!("`{}` {e}; regenerate it with `prisma-migrations lock`", lockfile::FILE_NAME),
                }));
                None
            }
        });
    let folder = Folder { dir: dir.to_owned(), migrations, lock_toml, checksums_lock, files_read };
    (Some(folder), problems)
}

/// The names of the sub-directories, sorted; `None` when the folder cannot be listed.
fn list_names(dir: &Path, problems: &mut Vec<Problem>) -> Option<Vec<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let message = if e.kind() == io::ErrorKind::NotFound {
                format!(
                    "migrations folder `{}` does not exist; create it with `prisma migrate dev`, or fix the path",
                    dir.display()
                )
            } else {
                format!("cannot list migrations folder `{}`: {e}", dir.display())
            };
            problems.push(Problem { kind: ProblemKind::FolderMissing, path: dir.to_owned(), message });
            return None;
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(unreadable(dir, &format!("cannot list migrations folder `{}`: {e}", dir.display())));
                continue;
            }
        };
        let file_type = match entry.file_type() {
            Ok(t) => t,
            Err(e) => {
                problems.push(unreadable(&entry.path(), &format!("cannot read `{}`: {e}", entry.path().display())));
                continue;
            }
        };
        // Prisma lists the folder with `readdir(withFileTypes)` and keeps `isDirectory()` entries, which is
        // false for a symbolic link: a linked folder is not a migration there. It is reported rather than
        // dropped silently (an error for the build; at run time a warning, and left out as Prisma leaves it).
        if file_type.is_symlink() {
            if let Some(problem) = symlink_problem(&entry) {
                problems.push(problem);
            }
            continue;
        }
        if !file_type.is_dir() {
            continue;
        }
        match entry.file_name().into_string() {
            Ok(name) => names.push(name),
            Err(raw) => problems.push(Problem {
                kind: ProblemKind::BadName,
                path: entry.path(),
                message: format!(
                    "migration folder `{}` has a name that is not UTF-8; rename it",
                    raw.to_string_lossy()
                ),
            }),
        }
    }
    // `read_dir` order is the platform's: sort explicitly, in Prisma's order.
    crate::order::sort(&mut names);
    Some(names)
}

/// A symbolic link among the migrations: one to a folder or a broken one is reported, one to a file is
/// ignored like any plain file.
fn symlink_problem(entry: &fs::DirEntry) -> Option<Problem> {
    let shown = entry.file_name().to_string_lossy().into_owned();
    let message = match fs::metadata(entry.path()) {
        Ok(meta) if meta.is_dir() => format!(
            "migration folder `{shown}` is a symbolic link, which Prisma does not list as a migration (it lists only real directories); replace the link with the folder itself, or remove it"
        ),
        Ok(_) => return None,
        Err(_) => format!(
            "`{shown}` in the migrations folder is a broken symbolic link, which Prisma ignores; remove it, or make it the migration folder it was meant to be"
        ),
    };
    Some(Problem { kind: ProblemKind::SymlinkedFolder, path: entry.path(), message })
}

fn read_migration(
    dir: &Path,
    name: String,
    files_read: &mut Vec<PathBuf>,
    problems: &mut Vec<Problem>,
) -> Option<ScannedMigration> {
    let folder = dir.join(&name);
    let sql_path = folder.join("migration.sql");
    let sql = match read_script(&sql_path, &name, "migration.sql") {
        Ok(Some(sql)) => sql,
        Ok(None) => {
            problems.push(Problem {
                kind: ProblemKind::MissingScript,
                message: format!(
                    "migration `{name}` has no `migration.sql`; add the script, or delete the folder if it is not a migration"
                ),
                path: sql_path,
            });
            return None;
        }
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    files_read.push(sql_path.clone());
    if sql.trim().is_empty() {
        problems.push(Problem {
            kind: ProblemKind::EmptyScript,
            message: format!("`{name}/migration.sql` is empty; write the migration, or delete the folder"),
            path: sql_path.clone(),
        });
    }
    let down_path = folder.join("down.sql");
    let down_sql = read_script(&down_path, &name, "down.sql").unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    if down_sql.is_some() {
        files_read.push(down_path.clone());
    }
    Some(ScannedMigration {
        checksum: checksum::checksum(&sql),
        name,
        sql_path,
        sql,
        down_path: down_sql.as_ref().map(|_| down_path),
        down_sql,
    })
}

/// Reads a script of a migration: `Ok(None)` when it does not exist.
fn read_script(path: &Path, name: &str, file: &str) -> Result<Option<String>, Problem> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(_) if path.is_dir() => {
            return Err(Problem {
                kind: ProblemKind::MissingScript,
                path: path.to_owned(),
                message: format!("`{name}/{file}` is a directory, not a file; the script must be a plain file"),
            });
        }
        Err(e) => return Err(unreadable(path, &format!("cannot read `{name}/{file}`: {e}"))),
    };
    String::from_utf8(bytes).map(Some).map_err(|e| Problem {
        kind: ProblemKind::NotUtf8,
        path: path.to_owned(),
        message: format!(
            "`{name}/{file}` is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8 — Prisma would hash a lossy copy and the checksums would not match",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// Reads an optional plain file of the folder, recording it as read.
fn read_optional(path: &Path, files_read: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) -> Option<String> {
    let shown = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            problems.push(unreadable(path, &format!("cannot read `{shown}`: {e}")));
            return None;
        }
    };
    files_read.push(path.to_owned());
    String::from_utf8(bytes)
        .map_err(|_| {
            problems.push(Problem {
                kind: ProblemKind::NotUtf8,
                path: path.to_owned(),
                message: format!("`{shown}` is not valid UTF-8"),
            });
        })
        .ok()
}

fn unreadable(path: &Path, message: &str) -> Problem {
    Problem { kind: ProblemKind::Unreadable, path: path.to_owned(), message: message.to_owned() }
}
