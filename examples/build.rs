//! Rebuild when a migration is added or removed, not only when an embedded file changes: `migrations!` embeds
//! every file it reads, but only cargo:rerun-if-changed on the folders makes cargo notice a new folder.

fn main() {
    prisma_migrations_build::track("prisma/migrations");
    prisma_migrations_build::track("fleet/postgres/migrations");
}
