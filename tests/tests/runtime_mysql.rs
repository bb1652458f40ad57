//! The runtime against a real MySQL (MariaDB) database: every shared scenario (`runtime_common/scenarios.rs`), then what
//! is specific to MySQL.

mod runtime_common;

use runtime_common::Kind;
use runtime_common::scenarios;

const KIND: Kind = Kind::MySql;

#[tokio::test(flavor = "multi_thread")]
async fn conformance_deploy_fail_resolve() {
    scenarios::conformance(KIND).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn resolve_applied_on_a_failed_migration() {
    scenarios::resolve_applied_on_failed(KIND).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_not_empty_is_p3005() {
    scenarios::schema_not_empty(KIND).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn strict_by_default_lax_on_request() {
    scenarios::strict_and_lax(KIND).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_and_plan() {
    scenarios::verify_and_plan(KIND).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rollback_with_down_sql() {
    scenarios::rollback(KIND).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_deployers_in_process() {
    scenarios::concurrent_deployers(KIND).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_mismatch_is_p3019() {
    scenarios::provider_mismatch(KIND).await;
}
