// A replaced list: `cleanup` is vague, `fix_user_email_index` no longer is.
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("fixtures/vague-name-replaced", vague_names = ["cleanup"]);

fn main() {}
