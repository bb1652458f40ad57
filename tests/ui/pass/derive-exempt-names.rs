// Const names for an adopted history: exempt non-conforming names, a repeated slug, a slug that would clash
// with `ALL`, and one that starts with a digit.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/valid-exempt", exempt_until = "20190303000000_fix")]
pub(crate) struct Legacy;

fn main() {
    let ids = [
        Legacy::INIT,
        Legacy::_20190202000000_ADD_USERS,
        Legacy::FIX,
        Legacy::ADD_INDEXES,
        Legacy::ADD_INDEXES_20200201120000,
        Legacy::ALL_20200301120000,
        Legacy::_2FA_CODES,
    ];
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(id.index(), i);
        assert_eq!(Legacy::ALL.as_slice()[i].name(), id.name());
    }
    assert_eq!(Legacy::LATEST, Legacy::_2FA_CODES);
    assert_eq!(Legacy::ALL.len(), 7);
}
