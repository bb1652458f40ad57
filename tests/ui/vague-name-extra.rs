// A name the crate added to the vague list.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/vague-name-extra", extra_vague_names = ["hotfix"]);

fn main() {}
