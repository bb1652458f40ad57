//! The one error type.

use std::path::PathBuf;

/// Everything that can go wrong; `code()` gives Prisma's error code where Prisma has one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The migrations folder read at run time breaks a rule.
    #[error("migrations folder `{}` has {} problem(s):\n{}", dir.display(), problems.len(), problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// Every problem found.
        problems: Vec<prisma_migrations_build::Problem>,
    },
}

impl Error {
    /// Prisma's error code (`"P3009"` …) for errors that Prisma also reports.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Self::Folder { .. } => None,
        }
    }
}
