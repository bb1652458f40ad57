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
    // Prisma's rule (prisma-engines `schema-engine/core/src/commands/mark_migration_rolled_back.rs`): P3012 only
    // when every row of the name finished; otherwise mark the failed rows, of which there may be none (a second
    // call after a first one succeeds and changes nothing).
    if rows.iter().all(|r| r.finished_at.is_some()) {
        return Err(Error::NotFailed { name: name.to_owned() });
    }
    let now = Utc::now();
    for r in rows.iter().filter(|r| r.is_failed()) {
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
    crash_point!("down-script-done");
    // Every row of the name goes, so that no tool sees the migration as present: Prisma 6.16.1's status decides
    // by the first row of a name and counts even a rolled-back one as applied (tests/tests/cli_postgres.rs,
    // `status_exits_1_where_prisma_exits_0`), and its resolve --applied refuses a name with any finished row
    // (P3008, prisma-engines mark_migration_applied.rs). Deleting is the one write after which Prisma 6 and 7's
    // status, deploy and resolve and ours all agree it is pending (tests/tests/interop.rs,
    // `ours_rolls_back_then_prisma_sees_it_pending_*`); what the rows said goes to the log.
    let ids: Vec<&str> = rows.iter().filter(|r| r.migration_name == name).map(|r| r.id.as_str()).collect();
    let finished_at = own.last().and_then(|r| r.finished_at);
    tracing::info!(name, rows = ?ids, ?finished_at, "deleting the migration's rows");
    conn.delete_rows(name).await?;
    tracing::info!(name, "migration rolled back");
    Ok(())
}
