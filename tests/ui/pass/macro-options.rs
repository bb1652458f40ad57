// Every option of `migrations!`, in a static, a const and a local.
use prisma_migrations::{Migrations, migrations};

static NUMBERED: Migrations = migrations!("fixtures/valid-numbered", numbering = "sequential", provider = "mysql");
static LEGACY: Migrations = migrations!(
    "fixtures/valid-exempt",
    exempt_until = "20190303000000_fix",
    vague_names = [],
    extra_vague_names = ["hotfix"],
);
const LOCKED: Migrations = migrations!("fixtures/valid-locked", provider = "sqlite",);

fn main() {
    assert_eq!(NUMBERED.len(), 3);
    assert_eq!(NUMBERED.provider(), Some(prisma_migrations::build::Provider::Mysql));
    assert_eq!(NUMBERED.iter().map(|m| m.timestamp()).collect::<Vec<_>>(), ["01", "02", "03"]);
    assert_eq!(LEGACY.len(), 7);
    assert_eq!(LEGACY.provider(), None);
    assert_eq!(LOCKED.len(), 3);
    assert_eq!(LOCKED.provider(), Some(prisma_migrations::build::Provider::Sqlite));
    let empty = migrations!("fixtures/valid-no-migrations");
    assert!(empty.is_empty());
    assert_eq!(empty.provider(), Some(prisma_migrations::build::Provider::Sqlite));
}
