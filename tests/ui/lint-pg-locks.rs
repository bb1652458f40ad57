// PostgreSQL lock rules: an index and a NOT NULL on a released table are warnings; the index and foreign key
// on `posts`, created by an unreleased migration, are not findings. The `compile_error!` makes this a
// compile-fail case, so that trybuild checks the warnings it prints after the error.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/lint-pg-locks");

compile_error!("the warnings below are the test");

fn main() {}
