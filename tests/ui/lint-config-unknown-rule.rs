// A misspelt rule name or level is an error at the key or value.
static A: prisma_migrations::Migrations =
    prisma_migrations::migrations!("fixtures/lint-pg-data-loss", lint(ban-drop-colum = "off"));

#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/lint-pg-data-loss", lint(ban-drop-column = "ignore"))]
pub struct Db;

fn main() {}
