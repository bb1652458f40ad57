//! What the lint's errors claim, checked on the real databases: the statement it flags does what the rule's
//! `why` says when deployed (through the Migrator, in the session Prisma would use) onto a released table that has
//! rows, and the lint flags exactly that migration beforehand.

use prisma_migrations::{Database, Migrator};
use prisma_migrations_build::lint::{LintConfig, lint};
use prisma_migrations_build::lockfile::LockFile;
use prisma_migrations_build::{Options, Provider};
use prisma_migrations_tests::MigrationsDir;

const CREATE: &str = "20250101120000_create_u";
const CHANGE: &str = "20250201120000_change_u";

/// Deploys `create`, inserts `rows`, locks the first migration, adds `change`; returns the lint's rules for
/// `change` and the deploy's outcome.
async fn deploy(
    url: &str,
    provider: Provider,
    create: &str,
    rows: &str,
    change: &str,
) -> (Vec<&'static str>, Result<(), String>) {
    let dir = MigrationsDir::new().provider(provider.as_str()).add(CREATE, create);
    let db = Database::connect(url).await.expect("connect");
    Migrator::new(&dir.load()).deploy(&db).await.expect("deploy the released migration");
    execute(provider, url, rows).await;
    let first = prisma_migrations_build::load(&dir.path(), &Options::default()).expect("load");
    let lock = LockFile::from_pairs(first.migrations.iter().map(|m| (m.name.as_str(), m.checksum.as_str())));
    std::fs::write(dir.path().join("checksums.lock"), lock.render()).expect("write checksums.lock");
    let dir = dir.add(CHANGE, change);
    let folder = prisma_migrations_build::load(&dir.path(), &Options::default()).expect("load");
    let rules = lint(&folder, provider, &LintConfig::default())
        .into_iter()
        .inspect(|f| assert_eq!(f.migration, CHANGE, "only the new migration is linted"))
        .map(|f| f.rule.name)
        .collect();
    let outcome = Migrator::new(&dir.load()).deploy(&db).await.map(drop).map_err(|e| e.to_string());
    (rules, outcome)
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_required_column_silently_fills_existing_rows() {
    let db = prisma_migrations_tests::mysql().await;
    let (rules, outcome) = deploy(
        db.url(),
        Provider::Mysql,
        "CREATE TABLE `u` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n",
        "INSERT INTO `u` (`id`) VALUES (1), (2);",
        "ALTER TABLE `u` ADD COLUMN `tenant_id` INTEGER NOT NULL;\n",
    )
    .await;
    assert_eq!(rules, ["adding-required-field"]);
    outcome.expect("MySQL accepts it");
    let pool = sqlx::MySqlPool::connect(db.url()).await.expect("connect");
    let filled: Vec<i32> =
        sqlx::query_scalar("SELECT `tenant_id` FROM `u` ORDER BY `id`").fetch_all(&pool).await.expect("select");
    pool.close().await;
    assert_eq!(filled, [0, 0], "the existing rows got the type's implicit default, as Atlas MY101 warns");
}

#[tokio::test(flavor = "multi_thread")]
async fn mysql_enum_value_removed_fails_on_a_row_holding_it() {
    let db = prisma_migrations_tests::mysql().await;
    let (rules, outcome) = deploy(
        db.url(),
        Provider::Mysql,
        "CREATE TABLE `u` (`id` INTEGER NOT NULL, `role` ENUM('USER', 'ADMIN', 'GUEST') NOT NULL, PRIMARY KEY (`id`));\n",
        "INSERT INTO `u` VALUES (1, 'GUEST'), (2, 'USER');",
        "ALTER TABLE `u` MODIFY `role` ENUM('USER', 'ADMIN') NOT NULL;\n",
    )
    .await;
    assert_eq!(rules, ["changing-enum-values"]);
    let err = outcome.expect_err("a row holds the removed value");
    assert!(err.contains("P3018") && err.contains("Data truncated"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_required_column_fails_on_a_table_with_rows() {
    let db = prisma_migrations_tests::postgres().await;
    let (rules, outcome) = deploy(
        db.url(),
        Provider::Postgresql,
        "CREATE TABLE \"u\" (\"id\" INTEGER NOT NULL, CONSTRAINT \"u_pkey\" PRIMARY KEY (\"id\"));\n",
        "INSERT INTO \"u\" VALUES (1);",
        "ALTER TABLE \"u\" ADD COLUMN \"email\" TEXT NOT NULL;\n",
    )
    .await;
    assert_eq!(rules, ["adding-required-field"]);
    let err = outcome.expect_err("existing rows have no value");
    assert!(err.contains("P3018") && err.contains("contains null values"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_redefinition_leaving_out_a_column_deletes_its_data() {
    let db = prisma_migrations_tests::sqlite();
    std::fs::File::create(db.path()).expect("an empty file is an empty SQLite database");
    let (rules, outcome) = deploy(
        &db.url(),
        Provider::Sqlite,
        "CREATE TABLE \"u\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"email\" TEXT NOT NULL, \"name\" TEXT);\n",
        "INSERT INTO \"u\" VALUES (1, 'a@example.com', 'A');",
        "PRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\n\
         CREATE TABLE \"new_u\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"name\" TEXT);\n\
         INSERT INTO \"new_u\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"u\";\n\
         DROP TABLE \"u\";\nALTER TABLE \"new_u\" RENAME TO \"u\";\nPRAGMA foreign_keys=ON;\nPRAGMA defer_foreign_keys=OFF;\n",
    )
    .await;
    assert_eq!(rules, ["redefining-table", "ban-drop-column"]);
    outcome.expect("SQLite accepts it");
    let cols: Vec<String> = sqlx_columns(&db.path()).await;
    assert_eq!(cols, ["id", "name"], "`email` and its data are gone");
}

async fn sqlx_columns(path: &std::path::Path) -> Vec<String> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display())).await.expect("open");
    let cols = sqlx::query_scalar("SELECT name FROM pragma_table_info('u') ORDER BY cid")
        .fetch_all(&pool)
        .await
        .expect("columns");
    pool.close().await;
    cols
}

async fn execute(provider: Provider, url: &str, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match provider {
        Provider::Mysql => {
            let pool = sqlx::MySqlPool::connect(url).await.expect("connect");
            sqlx::raw_sql(sql).execute(&pool).await.expect("insert rows");
            pool.close().await;
        }
        Provider::Sqlite => {
            let path = url.trim_start_matches("file:");
            let pool = sqlx::SqlitePool::connect(&format!("sqlite:{path}")).await.expect("open");
            sqlx::raw_sql(sql).execute(&pool).await.expect("insert rows");
            pool.close().await;
        }
        _ => {
            let pool = sqlx::PgPool::connect(url).await.expect("connect");
            sqlx::raw_sql(sql).execute(&pool).await.expect("insert rows");
            pool.close().await;
        }
    }
}
