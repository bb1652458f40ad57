//! The resolve workflow and `rollback`, under the migration lock.

use chrono::Utc;

use super::{init_table, new_id};
use crate::backend::{Conn, NewRow};
use crate::report::MigrationRecord;
use crate::{Error, Migration};

/// `resolve --applied` once the migration is found: refuses a name with a finished row (P3008), marks its failed
/// rows rolled back, inserts a finished row.
pub(super) async fn resolve_applied_locked(conn: &mut Conn, m: &Migration) -> Result<(), Error> {
    let name = m.name();
    let rows = match conn.load_rows().await? {
        Some(rows) => rows,
        None => {
            init_table(conn, false).await?;
            Vec::new()
        }
    };
    let rows: Vec<&MigrationRecord> = rows.iter().filter(|r| r.migration_name == name).collect();
    // Prisma refuses when any row of the name has finished_at set, rolled back or not
    // (mark_migration_applied.rs).
    if rows.iter().any(|r| r.finished_at.is_some()) {
        return Err(Error::AlreadyApplied { name: name.to_owned() });
    }
    let now = Utc::now();
    for r in rows.iter().filter(|r| r.is_failed()) {
        conn.set_rolled_back(&r.id, now).await?;
    }
    let id = new_id();
    let row = NewRow { id: &id, checksum: m.checksum(), name, started_at: now, finished_at: Some(now), logs: Some("") };
    conn.insert_row(&row).await?;
    tracing::info!(name, "migration marked as applied");
    Ok(())
}

pub(super) async fn resolve_rolled_back_locked(conn: &mut Conn, name: &str) -> Result<(), Error> {
    let rows = conn.load_rows().await?.ok_or(Error::TableMissing)?;
    let rows: Vec<&MigrationRecord> = rows.iter().filter(|r| r.migration_name == name).collect();
    if rows.is_empty() {
        return Err(Error::NeverApplied { name: name.to_owned() });
    }
    let failed: Vec<&&MigrationRecord> = rows.iter().filter(|r| r.is_failed()).collect();
    if failed.is_empty() {
        return Err(Error::NotFailed { name: name.to_owned() });
    }
    let now = Utc::now();
    for r in failed {
        conn.set_rolled_back(&r.id, now).await?;
    }
    tracing::info!(name, "migration marked as rolled back");
    Ok(())
}

pub(super) async fn rollback_locked(conn: &mut Conn, name: &str, down: &str, force: bool) -> Result<(), Error> {
    let rows = conn.load_rows().await?.ok_or(Error::TableMissing)?;
    let applied: Vec<&MigrationRecord> = rows.iter().filter(|r| r.is_applied()).collect();
    let own: Vec<&&MigrationRecord> = applied.iter().filter(|r| r.migration_name == name).collect();
    if own.is_empty() {
        return Err(Error::NotApplied { name: name.to_owned() });
    }
    // Rows are in started_at order: the last applied row is the latest migration.
    if let Some(latest) = applied.last().filter(|r| r.migration_name != name && !force) {
        return Err(Error::NotLatest { name: name.to_owned(), latest: latest.migration_name.clone() });
    }
    if let Err(e) = conn.run_script(down).await {
        return Err(Error::RollbackFailed {
            name: name.to_owned(),
            database_error_code: e.code,
            database_error: e.message,
            statement: e.statement,
        });
    }
    let now = Utc::now();
    for r in own {
        conn.set_rolled_back(&r.id, now).await?;
    }
    tracing::info!(name, "migration rolled back");
    Ok(())
}
