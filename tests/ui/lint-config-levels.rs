// Per-crate levels: `ban-drop-column` off, the index rule raised to an error, `adding-not-nullable-field` off.
static DATA_LOSS_OFF: prisma_migrations::Migrations = prisma_migrations::migrations!(
    "fixtures/lint-pg-data-loss",
    lint(ban-drop-column = "off", adding-required-field = "off", renaming-column = "warn", ban-drop-table = "off"),
);

#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/lint-pg-locks", lint(require-concurrent-index-creation = "error", adding-not-nullable-field = "off"))]
pub struct Db;

fn main() {}
