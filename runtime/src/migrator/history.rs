//! How a history reads: the state of each local migration from its rows, decided by one function for `status`
//! (full rows) and `verify` (the narrow rows of one SELECT), so the two cannot disagree.

use std::collections::HashMap;

use super::Migrator;
use crate::backend::{Conn, RowState};
use crate::report::{MigrationRecord, MigrationState, MigrationStatus};
use crate::{Error, Migration};

/// `verify`'s answer from rows read without an order.
enum Verdict {
    Decided(Result<(), Error>),
    /// The order of the rows could change the answer or its wording: read them again, sorted.
    NeedsOrder,
}

impl Migrator<'_> {
    /// Reads the rows once, unsorted; only when their order matters — a name with several applied rows (the
    /// first one's checksum decides, as in `status`; a normal history never has that) or rows missing locally
    /// (listed in `started_at` order) — are they read again, sorted. So the narrow SELECT needs no `ORDER BY`,
    /// which cost as much as the rest of the query for 1,000 rows (BENCHMARKS.md).
    pub(super) async fn verify_on(&self, conn: &mut Conn) -> Result<(), Error> {
        let rows = conn.load_states().await?.unwrap_or_default();
        if let Verdict::Decided(verdict) = self.verdict(&rows, false) {
            return verdict;
        }
        let rows: Vec<RowState> = conn.load_rows().await?.unwrap_or_default().into_iter().map(RowState::from).collect();
        match self.verdict(&rows, true) {
            Verdict::Decided(verdict) => verdict,
            Verdict::NeedsOrder => Ok(()),
        }
    }

    /// `verify`'s answer: every local migration applied unedited, no failed one, no applied row missing
    /// locally (the last two unless allowed), unless the rows are not `ordered` and their order could change the
    /// answer or its wording.
    fn verdict(&self, rows: &[RowState], ordered: bool) -> Verdict {
        let mut by_name = rows_by_name(rows);
        if !ordered && by_name.values().any(|own| own.iter().filter(|r| Row::is_applied(**r)).nth(1).is_some()) {
            return Verdict::NeedsOrder;
        }
        let (mut pending, mut failed, mut edited) = (Vec::new(), Vec::new(), Vec::new());
        for m in self.migrations {
            let own = by_name.remove(m.name()).unwrap_or_default();
            match decide(m, &own).0 {
                MigrationState::Pending | MigrationState::RolledBack => pending.push(m.name().to_owned()),
                MigrationState::Failed => failed.push(m.name().to_owned()),
                MigrationState::Edited if !self.allow.edited => edited.push(m.name().to_owned()),
                _ => {}
            }
        }
        // What is left in `by_name` has no local folder.
        let newer_accepted = self.allow.newer && pending.is_empty() && {
            let names: Vec<String> = by_name
                .iter()
                .filter(|(_, own)| own.iter().any(|r| !r.rolled_back()))
                .map(|(name, _)| (*name).to_owned())
                .collect();
            self.accepts_newer(rows, &names)
        };
        let missing_locally = if self.allow.missing || by_name.is_empty() || newer_accepted {
            Vec::new()
        } else if ordered {
            self.missing(rows)
        } else {
            return Verdict::NeedsOrder;
        };
        Verdict::Decided(
            if pending.is_empty() && failed.is_empty() && edited.is_empty() && missing_locally.is_empty() {
                Ok(())
            } else {
                Err(Error::NotUpToDate { pending, failed, edited, missing_locally })
            },
        )
    }
}

/// The state of one local migration from its rows: a failed row wins, then an applied row (edited when its
/// checksum does not match), then all rolled back; no row = pending.
pub(super) fn migration_status(m: &Migration, own: &[&MigrationRecord]) -> MigrationStatus {
    let (state, row) = decide(m, own);
    MigrationStatus {
        name: m.name().to_owned(),
        state,
        started_at: row.map(|r| r.started_at),
        finished_at: row.and_then(|r| r.finished_at),
        rolled_back_at: row.and_then(|r| r.rolled_back_at),
        logs: row.and_then(|r| r.logs.clone()),
        checksum_matches: row.is_none_or(|r| checksum_matches(&r.checksum, m)),
        attempts: own.len(),
    }
}

/// The columns that decide a migration's state, read from a full row (status) or a narrow one (verify), so
/// both decide with the same code.
pub(super) trait Row {
    fn name(&self) -> &str;
    fn checksum(&self) -> &str;
    fn finished(&self) -> bool;
    fn rolled_back(&self) -> bool;

    fn is_applied(&self) -> bool {
        self.finished() && !self.rolled_back()
    }

    fn is_failed(&self) -> bool {
        !self.finished() && !self.rolled_back()
    }
}

impl Row for MigrationRecord {
    fn name(&self) -> &str {
        &self.migration_name
    }
    fn checksum(&self) -> &str {
        &self.checksum
    }
    fn finished(&self) -> bool {
        self.finished_at.is_some()
    }
    fn rolled_back(&self) -> bool {
        self.rolled_back_at.is_some()
    }
}

impl Row for RowState {
    fn name(&self) -> &str {
        &self.name
    }
    fn checksum(&self) -> &str {
        &self.checksum
    }
    fn finished(&self) -> bool {
        self.finished
    }
    fn rolled_back(&self) -> bool {
        self.rolled_back
    }
}

/// The state of one local migration from its rows (in `started_at` order) and the row that decides it.
pub(super) fn decide<'r, R: Row>(m: &Migration, own: &[&'r R]) -> (MigrationState, Option<&'r R>) {
    if let Some(r) = own.iter().rev().find(|r| r.is_failed()) {
        (MigrationState::Failed, Some(*r))
    } else if let Some(r) = own.iter().find(|r| r.is_applied()) {
        let matches = checksum_matches(r.checksum(), m);
        (if matches { MigrationState::Applied } else { MigrationState::Edited }, Some(*r))
    } else if let Some(r) = own.last() {
        (MigrationState::RolledBack, Some(*r))
    } else {
        (MigrationState::Pending, None)
    }
}

/// The rows of each name, in `started_at` order: one pass, so status and verify stay linear in the history
/// (scanning every row per migration would be quadratic).
pub(super) fn rows_by_name<R: Row>(rows: &[R]) -> HashMap<&str, Vec<&R>> {
    let mut by_name: HashMap<&str, Vec<&R>> = HashMap::with_capacity(rows.len());
    for r in rows {
        by_name.entry(r.name()).or_default().push(r);
    }
    by_name
}

/// Prisma's tolerant checksum comparison, with the file's precomputed checksum tried first: equal to it is a
/// match without hashing the script again (up to three SHA-256 per call otherwise).
pub(super) fn checksum_matches(stored: &str, m: &Migration) -> bool {
    stored == m.checksum() || prisma_migrations_build::checksum::matches(stored, m.sql())
}
