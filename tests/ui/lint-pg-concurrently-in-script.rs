// CREATE INDEX CONCURRENTLY in a script of several statements fails at deploy (one implicit transaction).
static MIGRATIONS: prisma_migrations::Migrations =
    prisma_migrations::migrations!("fixtures/lint-pg-concurrently-in-script");

fn main() {}
