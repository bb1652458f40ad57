// Every problem of a folder is reported in one build.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/three-bad-folders");

fn main() {}
