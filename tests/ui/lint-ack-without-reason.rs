// An acknowledgement without a reason is itself an error, and acknowledges nothing.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/lint-ack-without-reason");

fn main() {}
