//! A rolling deploy played with two releases of one migrations folder: the `prisma-migrations` binary run over
//! release 1's folder (the old replicas) and over release 2's, which adds a migration (the new replicas), as
//! the README's recipe runs them: new replicas `migrate deploy`, old ones `verify --allow-newer`. Also
//! `migrate deploy --to`. Rows are read from the database directly (`Env`), not through the tool.

#[macro_use]
#[allow(unused_macros, reason = "this binary runs no shared scenario")]
mod runtime_common;
mod cli_support;

use cli_support::{json_has, list, pm, q};
use prisma_migrations_tests::MigrationsDir;
use runtime_common::scenarios::{M1, M2, M3, S1, S2, S3_FIXED};
use runtime_common::{Env, Kind};

fn release_1() -> MigrationsDir {
    MigrationsDir::new().add(M1, S1).add(M2, S2)
}

fn release_2() -> MigrationsDir {
    MigrationsDir::new().add(M1, S1).add(M2, S2).add(M3, S3_FIXED)
}

async fn rolling_deploy(kind: Kind) {
    let env = Env::new(kind).await;
    let (old, new) = (release_1(), release_2());
    let (old_dir, new_dir) = (old.path(), new.path());
    let old_dir = old_dir.to_str().expect("utf-8 path");
    let new_dir = new_dir.to_str().expect("utf-8 path");
    let cwd = old.root();
    let run = |dir: &str, args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--migrations", dir, "--database-url", &env.url]);
        pm(cwd).run(&all)
    };
    let row_names = || async { env.rows().await.into_iter().map(|r| r.name).collect::<Vec<_>>() };

    // `--to`: the first migration only, then the same target again (a no-op that says so), then an unknown one.
    run(new_dir, &["migrate", "deploy", "--to", M1])
        .expect(0)
        .has(&[&format!("All migrations up to {M1} have been successfully applied")]);
    assert_eq!(row_names().await, [M1]);
    let again = run(new_dir, &["migrate", "deploy", "--to", M1, "--json"]);
    again.expect(0);
    json_has(again.json(), "target", &format!("{{\"name\":{},\"already_applied\":true}}", q(M1)));
    json_has(again.json(), "applied", "[]");
    run(new_dir, &["migrate", "deploy", "--to", M1])
        .expect(0)
        .has(&[&format!("Migration {M1} is already applied: nothing to do.")]);
    run(new_dir, &["migrate", "deploy", "--to", "20250102000000_create_post"])
        .expect(1)
        .has(&["P3017", "`20250102000000_create_post`"]);
    assert_eq!(row_names().await, [M1]);

    // Release 1 is live: deployed, its replicas verify.
    run(old_dir, &["migrate", "deploy"]).expect(0);
    run(old_dir, &["verify"]).expect(0);

    // Release 2 rolls out: a new replica deploys its migration.
    let deployed = run(new_dir, &["migrate", "deploy", "--json"]);
    deployed.expect(0);
    json_has(deployed.json(), "newer_in_database", "[]");
    assert_eq!(row_names().await, [M1, M2, M3]);
    assert!(env.has_table("tags").await);

    // An old replica restarts. Strict, it refuses to start (the crash loop of a rolling deploy) …
    run(old_dir, &["verify"]).expect(1).has(&[M3, "missing from the migrations folder"]);
    run(old_dir, &["migrate", "deploy"]).expect(1).has(&[M3]);
    // … with --allow-newer it starts: verify passes, deploy applies nothing and says the database is newer.
    run(old_dir, &["verify", "--allow-newer"]).expect(0);
    let old_deploy = run(old_dir, &["migrate", "deploy", "--allow-newer", "--json"]);
    old_deploy.expect(0);
    json_has(old_deploy.json(), "applied", "[]");
    json_has(old_deploy.json(), "newer_in_database", &list(&[M3]));
    run(old_dir, &["migrate", "deploy", "--allow-newer"]).expect(0).has(&[
        "The database is newer than",
        M3,
        "Nothing to apply.",
    ]);
    let status = run(old_dir, &["migrate", "status", "--allow-newer", "--json"]);
    status.expect(0);
    json_has(status.json(), "newer_in_database", &list(&[M3]));
    json_has(status.json(), "missing_locally", "[]");
    run(old_dir, &["migrate", "status"]).expect(1);
    assert_eq!(row_names().await, [M1, M2, M3], "the old release wrote nothing");

    // New replicas verify strictly.
    run(new_dir, &["verify"]).expect(0);

    // A release that deleted (or renamed) a migration is not an old release: still refused with --allow-newer.
    let broken = MigrationsDir::new().add(M1, S1).add(M3, S3_FIXED);
    let broken_dir = broken.path();
    let broken_dir = broken_dir.to_str().expect("utf-8 path");
    run(broken_dir, &["verify", "--allow-newer"]).expect(1).has(&[M2]);
    run(broken_dir, &["migrate", "deploy", "--allow-newer"]).expect(1).has(&[M2]);
}

#[tokio::test(flavor = "multi_thread")]
async fn rolling_deploy_postgres() {
    rolling_deploy(Kind::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rolling_deploy_mysql() {
    rolling_deploy(Kind::MySql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rolling_deploy_sqlite() {
    rolling_deploy(Kind::Sqlite).await;
}
