// An existing history that breaks the authoring rules, before `prisma-migrations lock` adopted it (the test
// copies tests/fixtures/legacy-history without its checksums.lock; with it, tests/tests/agree.rs builds).
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/legacy-history-unlocked");

fn main() {}
