//! The runtime against a real Sqlite database: every shared scenario (`runtime_common/scenarios.rs`), then what
//! is specific to Sqlite.

#[macro_use]
mod runtime_common;

use runtime_common::Kind;

const KIND: Kind = Kind::Sqlite;

shared_scenarios!(KIND);

use std::time::{Duration, Instant};

use prisma_migrations::{ConnectOptions, Database, Migrator};
use prisma_migrations_tests::{MigrationsDir, ScratchDir};
use runtime_common::Env;
use runtime_common::scenarios::{M1, M2, S1, S2};

/// `file:./x.db` is relative to the base directory; a missing file is no error at connect, `create_if_missing`
/// makes the file and its directory, as Prisma's deploy does (prisma-engines `sqlite/connector/native/mod.rs`,
/// `create_database`, creates the parent directories); until then `verify` is P1003.
#[tokio::test(flavor = "multi_thread")]
async fn relative_file_url_and_create_if_missing() {
    let scratch = ScratchDir::new();
    let opts = ConnectOptions::new().base_dir(scratch.path());
    let url = "file:./nested/dir/dev.db?connection_limit=1";
    let db = Database::connect_with(url, &opts).await.unwrap();
    assert!(!db.exists().await.unwrap());
    let m = MigrationsDir::new().add(M1, S1).load();
    let missing = Migrator::new(&m).verify(&db).await.unwrap_err();
    assert_eq!(missing.code(), Some("P1003"), "{missing}");
    assert!(missing.to_string().contains("nested/dir/dev.db"), "{missing}");
    assert!(!scratch.path().join("nested").exists(), "nothing created before asked");
    assert!(db.create_if_missing().await.unwrap());
    assert!(scratch.path().join("nested/dir/dev.db").is_file());
    assert!(!db.create_if_missing().await.unwrap());
    assert!(db.exists().await.unwrap());
    Migrator::new(&m).deploy(&db).await.unwrap();
    db.close().await;
    let db = Database::connect_with(url, &opts).await.unwrap();
    assert!(!db.create_if_missing().await.unwrap(), "an existing file is not created again");
    db.close().await;
    // `file:dev.db` (no `./`) and the `sqlite:` scheme reach the same kind of database.
    let db = Database::connect_with("file:nested/dir/dev.db", &opts).await.unwrap();
    Migrator::new(&MigrationsDir::new().add(M1, S1).load()).verify(&db).await.unwrap();
    db.close().await;
    let abs = format!("sqlite://{}", scratch.path().join("nested/dir/dev.db").display());
    let db = Database::connect(&abs).await.unwrap();
    Migrator::new(&MigrationsDir::new().add(M1, S1).load()).verify(&db).await.unwrap();
    db.close().await;
}

/// Rows written as epoch milliseconds by Prisma and as text by driver adapters or by hand are read and
/// ordered by their real time.
#[tokio::test(flavor = "multi_thread")]
async fn mixed_timestamp_formats_are_ordered_by_time() {
    let env = Env::new(KIND).await;
    let db = env.connect().await;
    let dir = MigrationsDir::new().add(M1, S1);
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    // Two rows of migrations the folder lacks: TEXT from 2024 inserted first, INTEGER ms from 2023 second.
    env.exec(
        "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, started_at, applied_steps_count) \
         VALUES ('a', 'x', '2024-05-01T10:00:00.000Z', '20240501100000_text_row', '2024-05-01T10:00:00.000Z', 1), \
                ('b', 'y', 1682935200000, '20230501100000_integer_row', 1682935200000, 1), \
                ('c', 'z', '2022-05-01 10:00:00', '20220501100000_plain_row', '2022-05-01 10:00:00', 1)",
    )
    .await;
    let status = Migrator::new(&dir.load()).status(&db).await.unwrap();
    let missing: Vec<(&str, String)> =
        status.missing_locally.iter().map(|r| (r.migration_name.as_str(), r.started_at.to_rfc3339())).collect();
    assert_eq!(
        missing,
        [
            ("20220501100000_plain_row", "2022-05-01T10:00:00+00:00".to_owned()),
            ("20230501100000_integer_row", "2023-05-01T10:00:00+00:00".to_owned()),
            ("20240501100000_text_row", "2024-05-01T10:00:00+00:00".to_owned()),
        ]
    );
    assert_eq!(status.migrations[0].state, prisma_migrations::MigrationState::Applied);
}

/// Another connection holding the database's exclusive lock makes deploy wait, then P1002.
#[tokio::test(flavor = "multi_thread")]
async fn exclusive_lock_held_elsewhere_times_out_with_p1002() {
    let env = Env::new(KIND).await;
    let db = env.connect().await;
    let m = MigrationsDir::new().add(M1, S1).load();
    let mut holder = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&runtime_common::sqlite_opts(&env.url))
        .await
        .unwrap();
    sqlx::raw_sql("PRAGMA main.locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;").execute(&mut holder).await.unwrap();
    let t = Instant::now();
    let err = Migrator::new(&m).lock_timeout(Duration::from_millis(700)).deploy(&db).await.unwrap_err();
    assert_eq!(err.code(), Some("P1002"), "{err}");
    assert!(t.elapsed() >= Duration::from_millis(700) && t.elapsed() < Duration::from_secs(8), "{:?}", t.elapsed());
    sqlx::Connection::close(holder).await.unwrap();
    Migrator::new(&m).lock_timeout(Duration::from_secs(5)).deploy(&db).await.unwrap();
    assert!(env.has_table("users").await);
}

/// Prisma's table redefinition turns foreign keys off around `DROP TABLE`: that only works outside a
/// transaction. Run as Prisma runs it, the child rows survive.
#[tokio::test(flavor = "multi_thread")]
async fn table_redefinition_keeps_child_rows() {
    let env = Env::new(KIND).await;
    let db = env.connect().await;
    let setup = format!(
        "{S2}CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE);\n\
         INSERT INTO comments (id, post_id) VALUES (1, 1);\n"
    );
    let redefine = "PRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\n\
        CREATE TABLE \"new_posts\" (id INTEGER PRIMARY KEY, title VARCHAR(200), body TEXT);\n\
        INSERT INTO \"new_posts\" (id, title) SELECT id, title FROM \"posts\";\n\
        DROP TABLE \"posts\";\n\
        ALTER TABLE \"new_posts\" RENAME TO \"posts\";\n\
        PRAGMA foreign_keys=ON;\nPRAGMA defer_foreign_keys=OFF;\n";
    let dir = MigrationsDir::new().add(M1, &setup).add(M2, redefine);
    Migrator::new(&dir.load()).deploy(&db).await.unwrap();
    let pool = sqlx::SqlitePool::connect_with(runtime_common::sqlite_opts(&env.url)).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM comments").fetch_one(&pool).await.unwrap();
    assert_eq!(n, 1, "the child row survived the redefinition");
    pool.close().await;
}

/// `sqlite::memory:`: the migration connection reaches the same in-memory database as the pool.
#[tokio::test(flavor = "multi_thread")]
async fn in_memory_database() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let m = MigrationsDir::new().add(M1, S1).add(M2, S2).load();
    assert_eq!(Migrator::new(&m).deploy(&db).await.unwrap().applied.len(), 2);
    Migrator::new(&m).verify(&db).await.unwrap();
    assert!(Migrator::new(&m).status(&db).await.unwrap().is_up_to_date());
    db.close().await;
}

/// `allow_newer` compares names in Prisma's order (`localeCompare`), not byte order: with a shared timestamp,
/// `…_a1` sorts after `…_a_b` for Prisma (the CLI applies `a_b` first, PRISMA.md) although its bytes sort before.
/// A release whose latest migration is `…_a_b` meets a database where a newer release applied `…_a1`.
#[tokio::test(flavor = "multi_thread")]
async fn allow_newer_uses_prisma_order() {
    let env = Env::new(KIND).await;
    let db = env.connect().await;
    let (a_b, a1) = ("20250102000000_a_b", "20250102000000_a1");
    assert!(a1 < a_b, "bytes put `a1` first");
    let new = MigrationsDir::new().add(M1, S1).add(a_b, S2).add(a1, "CREATE TABLE a1 (id INTEGER PRIMARY KEY);\n");
    let report = Migrator::new(&new.load()).deploy(&db).await.unwrap();
    let applied: Vec<&str> = report.applied.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(applied, [M1, a_b, a1], "Prisma's order");
    let old = MigrationsDir::new().add(M1, S1).add(a_b, S2).load();
    Migrator::new(&old).allow_newer(true).verify(&db).await.unwrap();
    assert_eq!(Migrator::new(&old).allow_newer(true).deploy(&db).await.unwrap().newer_in_database, [a1]);
    // The other way round, `a_b` is older than `a1`: a release ending at `a1` that lacks `a_b` deleted it.
    let deleted = MigrationsDir::new().add(M1, S1).add(a1, "CREATE TABLE a1 (id INTEGER PRIMARY KEY);\n").load();
    let e = Migrator::new(&deleted).allow_newer(true).verify(&db).await.unwrap_err();
    assert!(
        matches!(&e, prisma_migrations::Error::NotUpToDate { missing_locally, .. } if missing_locally == &[a_b]),
        "{e:?}"
    );
    db.close().await;
}
