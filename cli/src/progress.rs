//! Live deploy progress (`Applying 20250101120000_init … done (12 ms)`), printed from the migrator's deploy
//! observer as each migration starts and ends.

use prisma_migrations::DeployEvent;

use crate::output::{Printer, human_duration};

/// Prints one step (nothing in JSON mode: the printer drops text lines there).
pub(crate) fn print(p: Printer, event: DeployEvent<'_>) {
    match event {
        DeployEvent::Applying { name } => p.partial(&format!("Applying {} … ", p.out.cyan(name))),
        DeployEvent::Applied(m) => {
            p.line(&format!("{} {}", p.out.green("done"), p.out.dim(&format!("({})", human_duration(m.duration)))));
        }
        DeployEvent::Failed { .. } => p.line(&p.out.red("failed")),
        _ => {}
    }
}
