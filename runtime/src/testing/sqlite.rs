//! SQLite: a migrated file per history beside the `DATABASE_URL` file, copied per test.

use std::path::{Path, PathBuf};

use super::{Dispose, Fresh, History, failed, first_time, is_stale, seen};
use crate::{ConnectOptions, Database, DatabaseUrl, Error, Migrator};

/// The directory the databases go in: that of the `DATABASE_URL` file (relative to the current directory, the
/// crate's when cargo runs its tests); the file itself is not used.
fn directory(url: &str) -> Result<PathBuf, String> {
    let parsed = DatabaseUrl::parse(url, &ConnectOptions::new()).map_err(failed("DATABASE_URL"))?;
    let path = parsed.sqlite_path().ok_or_else(|| {
        format!("DATABASE_URL `{}` is an in-memory SQLite database; use a file URL such as `file:./target/test-dbs/test.db`", parsed.redacted())
    })?;
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_owned);
    // `file:./x.db` resolves to `././x.db`: show the path without `.` parts.
    Ok(dir.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect())
}

pub(super) async fn fresh(url: &str, history: &History, name: &str) -> Result<Fresh, String> {
    let dir = directory(url)?;
    let dir_for_io = dir.clone();
    blocking(move || std::fs::create_dir_all(&dir_for_io))
        .await
        .map_err(|e| format!("creating `{}` for the test databases: {e}", dir.display()))?;
    if first_time(&format!("cleanup {}", dir.display())) {
        let d = dir.clone();
        blocking(move || remove_stale(&d)).await.map_err(|e| format!("removing stale test databases: {e}"))?;
    }
    let template = dir.join(format!("{}.sqlite", history.template));
    let ready = format!("template {}", template.display());
    if !seen(&ready) {
        ensure_template(&dir, &template, history).await?;
        first_time(&ready);
    }
    let path = dir.join(format!("{name}.sqlite"));
    let (from, to) = (template.clone(), path.clone());
    blocking(move || std::fs::copy(&from, &to))
        .await
        .map_err(|e| format!("copying `{}` to `{}`: {e}", template.display(), path.display()))?;
    let db = Database::connect(&format!("file:{}", path.display()))
        .await
        .map_err(failed(format!("opening `{}`", path.display())))?;
    Ok(Fresh { db, shown: path.display().to_string(), dispose: Dispose::File(path) })
}

pub(super) async fn remove(path: &Path) -> Result<(), Error> {
    let path = path.to_owned();
    blocking(move || {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = path.clone().into_os_string();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    })
    .await
    .map_err(|e| Error::Database {
        action: "removing the test database file",
        code: None,
        message: e.to_string(),
    })
}

fn remove_stale(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let stem = file.split('.').next().unwrap_or(file);
        if is_stale(stem) {
            match std::fs::remove_file(entry.path()) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Builds the template file unless it exists, holding an exclusive lock on `<template>.lock` (so test binaries
/// starting together build it once); built as `pmb_<pid>_<hex>.sqlite` and renamed when complete.
async fn ensure_template(dir: &Path, template: &Path, history: &History) -> Result<(), String> {
    let lock_path = template.with_extension("lock");
    let lock = {
        let p = lock_path.clone();
        blocking(move || {
            let f = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&p)?;
            f.lock()?;
            Ok(f)
        })
        .await
        .map_err(|e| format!("locking `{}`: {e}", lock_path.display()))?
    };
    let built = build_if_missing(dir, template, history).await;
    drop(lock);
    built
}

async fn build_if_missing(dir: &Path, template: &Path, history: &History) -> Result<(), String> {
    let t = template.to_owned();
    if blocking(move || Ok(t.exists())).await.unwrap_or(false) {
        return Ok(());
    }
    let building = dir.join(format!("{}.sqlite", history.building()));
    remove(&building).await.map_err(failed(format!("removing `{}`", building.display())))?;
    // Deploy creates the missing file.
    let db = Database::connect_with(&format!("file:{}", building.display()), &ConnectOptions::new())
        .await
        .map_err(failed(format!("creating `{}`", building.display())))?;
    let deployed = Migrator::new(&history.migrations).deploy(&db).await;
    // Closing the last connection checkpoints the WAL into the file, so the file alone is the whole database.
    db.close().await;
    if let Err(e) = deployed {
        let _ = remove(&building).await;
        return Err(failed(format!(
            "migrating the template `{}` failed (fix the migration; the half-built template is removed)",
            template.display()
        ))(e));
    }
    let (from, to) = (building.clone(), template.to_owned());
    blocking(move || std::fs::rename(&from, &to))
        .await
        .map_err(|e| format!("renaming `{}` to `{}`: {e}", building.display(), template.display()))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> std::io::Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(std::io::Error::other)?
}
