//! Scripts PostgreSQL will not run as one transaction: a statement it refuses inside a transaction block
//! (`CREATE INDEX CONCURRENTLY`, `VACUUM` …, listed in `prisma_migrations_build::script`), or a new enum value
//! used in the script that adds it (55P04). Such a script runs statement by statement, each its own message and
//! so its own transaction, as Prisma ≥ 7.4 runs every PostgreSQL script (prisma/prisma-engines#5767); every other
//! script stays one message and atomic, as Prisma 6 sends it.

use chrono::Utc;
use prisma_migrations_build::script::PgScript;
use sqlx::Executor as _;

use super::super::{Driver as _, Outcome, ScriptError, run_counting};
use super::Conn;
use crate::Error;

/// Whether a script that failed as one message should run again statement by statement: PostgreSQL refused a
/// statement inside the implicit transaction (25001 `active_sql_transaction`: a statement the list missed, or
/// `ALTER TYPE … ADD VALUE` before PostgreSQL 12) or the use of an enum value added in it (55P04
/// `unsafe_new_enum_value_usage`). The failed attempt was rolled back as a whole, so nothing of it remains,
/// unless the script commits on its own (then it is not retried).
pub(super) fn retry_split(e: &ScriptError, script: &PgScript<'_>) -> bool {
    matches!(e.code.as_str(), "25001" | "55P04")
        && !script.controls_transactions
        && script.may_split()
        && script.statements.len() > 1
}

impl Conn {
    /// Each statement as its own simple-query message; on failure, the 1-based number of the failing statement
    /// (comments and empty statements not counted). What ran before it stays committed.
    pub(super) async fn run_split(&mut self, statements: &[&str]) -> Result<(), ScriptError> {
        for (i, statement) in statements.iter().enumerate() {
            if let Err(mut e) = run_counting(&mut *self.c(), statement).await {
                // A failure inside the script's own `BEGIN` leaves the session in an aborted transaction.
                let _ = self.c().execute("ROLLBACK").await;
                e.statement = Some(i + 1);
                e.message = format!(
                    "{}\n\n(The script ran statement by statement because PostgreSQL cannot run all of it in one \
                     transaction: the {} statement(s) before this one are committed.)",
                    e.message, i
                );
                return Err(e);
            }
        }
        Ok(())
    }

    /// The script statement by statement after its start row committed, then its finish.
    pub(super) async fn run_split_and_finish(&mut self, id: &str, script: &PgScript<'_>) -> Result<Outcome, Error> {
        crash_point!("start-row");
        tracing::info!(statements = script.statements.len(), "running the script statement by statement");
        if let Err(e) = self.run_split(&script.statements).await {
            return Ok(Outcome::Failed(e));
        }
        crash_point!("script-done");
        match Self::finish_sql(id) {
            Some(finish) => self.simple(finish, "updating _prisma_migrations").await?,
            None => {
                self.add_step(id).await?;
                self.set_finished(id, Utc::now()).await?;
            }
        }
        Ok(Outcome::Applied)
    }
}
