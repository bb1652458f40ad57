// A CamelCase name instead of lowercase snake_case.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/camel-case");

fn main() {}
