//! Shared test support: real database servers, per-test databases, the Prisma oracle.
