// `2_add_posts` sorts after `10_add_tags`: numbers must be zero-padded.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/numbered-out-of-order", numbering = "sequential");

fn main() {}
