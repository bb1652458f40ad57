//! `lock`: writes `checksums.lock` from the folder, or from what a database has applied (`--from-db`).

use std::path::Path;

use prisma_migrations_build::lockfile::{self, LockFile};
use prisma_migrations_build::{Folder, ScannedMigration, checksum, order};
use std::cmp::Ordering;

use crate::args::LockArgs;
use crate::context::{Ctx, describe};
use crate::failure::Failure;
use crate::output::{Json, plural};
use prisma_migrations::{Error, MigrationRecord};

pub(crate) async fn lock(ctx: &Ctx<'_>, a: &LockArgs) -> Result<Json, Failure> {
    let dir = ctx.migrations_dir();
    let loaded = prisma_migrations_build::load_ignoring_lock(&dir, &ctx.global.folder_options())
        .map_err(|problems| ctx.fail(&Error::Folder { dir: dir.clone(), problems }))?;
    // Locking a history that breaks the authoring rules is how it is adopted: say what is locked as it is.
    ctx.warn(&loaded.warnings);
    let folder = loaded.folder;
    let path = dir.join(lockfile::FILE_NAME);
    let old = read_old(&path, a.force)?;
    let (pairs, source) = match &a.from_db {
        Some(url) => {
            let url = if url.is_empty() { ctx.database_url()? } else { url.clone() };
            (from_db(ctx, &folder, &url).await?, "database")
        }
        None => (from_folder(&folder, old.as_ref(), a.force)?, "folder"),
    };
    let new = LockFile::from_pairs(pairs.iter().map(|(n, c)| (n.as_str(), c.as_str())));
    let added: Vec<&str> =
        pairs.iter().map(|(n, _)| n.as_str()).filter(|n| old.as_ref().is_none_or(|o| o.get(n).is_none())).collect();
    let changed = old
        .as_ref()
        .is_none_or(|o| o.entries.iter().map(|e| (&e.name, &e.checksum)).ne(pairs.iter().map(|(n, c)| (n, c))));
    if changed {
        std::fs::write(&path, new.render())
            .map_err(|e| Failure::msg(format!("cannot write `{}`: {e}", path.display())))?;
    }
    let p = &ctx.p;
    let shown = path.display().to_string();
    if changed {
        p.line(&p.out.green(&format!(
            "Wrote {shown}: {} locked from the {source} ({} new).",
            plural(pairs.len(), "migration"),
            added.len()
        )));
    } else {
        p.line(&format!("{shown} is up to date: {} locked.", plural(pairs.len(), "migration")));
    }
    Ok(Json::obj()
        .with("path", shown)
        .with("source", source)
        .with("written", changed)
        .with("locked", Json::strings(pairs.iter().map(|(n, _)| n)))
        .with("added", Json::strings(&added)))
}

/// The current `checksums.lock`, if any; a broken one is replaced only with `--force`.
fn read_old(path: &Path, force: bool) -> Result<Option<LockFile>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Failure::msg(format!("cannot read `{}`: {e}", path.display()))),
    };
    match LockFile::parse(&text) {
        Ok(lock) => Ok(Some(lock)),
        Err(_) if force => Ok(None),
        Err(errors) => {
            let lines: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
            Err(Failure::msg(format!("`{}` cannot be read:\n{}", path.display(), lines.join("\n")))
                .hint("Pass --force to replace it with the folder's current checksums."))
        }
    }
}

/// Every migration of the folder. A locked checksum that still matches (Prisma's CRLF-tolerant comparison) is
/// kept as written, so a refresh does not churn. The lock-file rules are build-support's, so `lock` refuses
/// exactly what a build would reject.
fn from_folder(folder: &Folder, old: Option<&LockFile>, force: bool) -> Result<Vec<(String, String)>, Failure> {
    let pairs = folder
        .migrations
        .iter()
        .map(|m| match old.and_then(|o| o.get(&m.name)) {
            Some(e) if checksum::matches(&e.checksum, &m.sql) => (m.name.clone(), e.checksum.clone()),
            _ => (m.name.clone(), m.checksum.clone()),
        })
        .collect();
    let problems = old.map(|o| prisma_migrations_build::lock_problems(folder, o)).unwrap_or_default();
    if problems.is_empty() || force {
        return Ok(pairs);
    }
    Err(Failure::msg(format!(
        "refusing to rewrite `{}`: released migrations would change:\n{}",
        lockfile::FILE_NAME,
        problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
    ))
    .hint("Revert the edits (a released migration must not change) and put changes in a new migration,")
    .hint("or pass --force to lock the folder as it is now."))
}

/// What the database has applied, with the checksums it recorded, in folder order; fails naming every
/// migration whose file no longer matches, every applied migration missing from the folder, and every
/// unapplied migration that sorts before an applied one (the build would reject that lock).
async fn from_db(ctx: &Ctx<'_>, folder: &Folder, url: &str) -> Result<Vec<(String, String)>, Failure> {
    let p = &ctx.p;
    p.line(&format!("Reading applied migrations from {}", describe(url, &ctx.base_dir())));
    let (db, _) = ctx.connect(url, false).await?;
    let rows = db.migration_records().await;
    db.close().await;
    let rows = rows.map_err(|e| ctx.fail(&e))?.ok_or_else(|| ctx.fail(&Error::TableMissing))?;
    let applied: Vec<&MigrationRecord> = rows.iter().filter(|r| r.is_applied()).collect();
    let mut problems = Vec::new();
    let mut pairs = Vec::new();
    for m in &folder.migrations {
        // The latest applied row of the name is what the database stands by.
        let Some(row) = applied.iter().rev().find(|r| r.migration_name == m.name) else { continue };
        if !checksum::matches(&row.checksum, &m.sql) {
            problems.push(format!(
                "`{}`: the database applied checksum {}…, the file now hashes to {}…",
                m.name,
                &row.checksum[..12.min(row.checksum.len())],
                &m.checksum[..12]
            ));
        }
        pairs.push((m.name.clone(), row.checksum.clone()));
    }
    let mut seen: Vec<&str> = Vec::new();
    for r in &applied {
        let name = r.migration_name.as_str();
        if !seen.contains(&name) && !folder.migrations.iter().any(|m| m.name == name) {
            problems.push(format!("`{name}` is applied in the database but not in the migrations folder"));
        }
        seen.push(name);
    }
    if let Some((newest, _)) = pairs.last() {
        let before = |m: &&ScannedMigration| order::cmp(&m.name, newest) == Ordering::Less;
        for m in folder.migrations.iter().filter(before).filter(|m| !pairs.iter().any(|(n, _)| *n == m.name)) {
            problems.push(format!("`{}` is not applied in the database but sorts before `{newest}`, which is", m.name));
        }
    }
    if problems.is_empty() {
        return Ok(pairs);
    }
    Err(Failure::msg(format!(
        "the database's applied migrations do not match the folder, so `{}` was not written:\n{}",
        lockfile::FILE_NAME,
        problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
    ))
    .hint(
        "Restore the migration files to what was applied (e.g. from version control), then run `lock --from-db` again.",
    )
    .with_data(Json::obj().with("problems", Json::strings(&problems))))
}
