// A history adopted with `prisma-migrations lock`: names that break every authoring rule, in Prisma's order
// (`add_post_tags` before `AddPosts`, `a_b` before `a1`), with a const each.
#[derive(prisma_migrations::Migrations)]
#[migrations(dir = "fixtures/legacy-history", provider = "postgresql")]
pub(crate) struct Legacy;

fn main() {
    let ids = [
        Legacy::INIT,
        Legacy::_20190202000000_ADD_USERS_NAME,
        Legacy::V3,
        Legacy::ADD_POST_TAGS,
        Legacy::ADD_POSTS,
        Legacy::A_B,
        Legacy::A1,
        Legacy::FIX,
        Legacy::MIGRATION,
        Legacy::ADD_COMMENTS,
        Legacy::ADD_COMMENTS_INDEX,
        Legacy::REMOVE_TRACE_SESSION_PROJECT_ID_IDX,
        Legacy::REMOVE_TRACE_SESSION_UPDATED_AT_IDX,
        Legacy::ADD_USER_EMAIL_INDEX,
    ];
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(id.index(), i);
        assert_eq!(Legacy::ALL.as_slice()[i].name(), id.name());
    }
    assert_eq!(Legacy::ALL.len(), ids.len());
}
