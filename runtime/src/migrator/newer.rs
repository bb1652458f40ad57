//! `allow_newer`: a database ahead of this list of migrations, as an old release meets it during a rolling
//! deploy, and `deploy_to`'s cut of the pending list.

use std::cmp::Ordering;
use std::collections::HashSet;

use prisma_migrations_build::order;

use super::Migrator;
use super::history::Row;
use crate::Migration;

impl Migrator<'_> {
    /// Whether `allow_newer` accepts these names (rows the list lacks): each sorts after the list's latest
    /// migration in Prisma's order (`localeCompare`, the order Prisma applies folders in, so a newer release's
    /// migrations come after ours), and none has a failed row. The caller checks that no local migration is
    /// pending.
    pub(super) fn accepts_newer<R: Row>(&self, rows: &[R], names: &[String]) -> bool {
        if !self.allow.newer {
            return false;
        }
        let latest = self.migrations.as_slice().last().map(Migration::name);
        let after_latest = |name: &str| latest.is_none_or(|l| order::cmp(name, l) == Ordering::Greater);
        let names: HashSet<&str> = names.iter().map(String::as_str).collect();
        names.iter().all(|name| after_latest(name))
            && rows.iter().filter(|r| names.contains(r.name())).all(|r| !r.is_failed())
    }
}

/// Cuts `pending` (folder order) after `target`; `false` when the target is not pending (already applied),
/// which leaves nothing to apply.
pub(super) fn up_to(pending: &mut Vec<&Migration>, target: &Migration) -> bool {
    match pending.iter().position(|m| m.name() == target.name()) {
        Some(i) => {
            pending.truncate(i + 1);
            true
        }
        None => {
            pending.clear();
            false
        }
    }
}
