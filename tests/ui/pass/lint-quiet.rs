// No finding: an acknowledged drop, a drop in a released migration, and new tables with their indexes and
// foreign keys (the migrations `prisma migrate dev` writes for a new model).
static ACKNOWLEDGED: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/lint-ack");
static LOCKED: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/lint-locked-skipped");

#[deny(deprecated)]
static NEW_TABLES: prisma_migrations::Migrations = prisma_migrations::migrations!(
    "fixtures/lint-pg-locks",
    lint(require-concurrent-index-creation = "off", adding-not-nullable-field = "off")
);

fn main() {
    assert_eq!(ACKNOWLEDGED.len() + LOCKED.len() + NEW_TABLES.len(), 7);
}
