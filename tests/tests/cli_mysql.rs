//! The `prisma-migrations` binary on MariaDB: deploy and status, a partial failure (MySQL runs DDL without a
//! transaction), reset with foreign keys and views, db execute.

mod cli_support;

use cli_support::{json_has, list, pm, q};
use prisma_migrations_tests::{MigrationsDir, mysql};

const INIT: &str = "20250101120000_init";
const POSTS: &str = "20250102120000_add_posts";

fn folder() -> MigrationsDir {
    MigrationsDir::new()
        .add(INIT, "CREATE TABLE `User` (`id` INT AUTO_INCREMENT PRIMARY KEY, `email` VARCHAR(191) NOT NULL);\n")
        .add(
            POSTS,
            "CREATE TABLE `Post` (`id` INT AUTO_INCREMENT PRIMARY KEY, `author` INT, \
             FOREIGN KEY (`author`) REFERENCES `User`(`id`));\n",
        )
        .provider("mysql")
}

async fn tables(url: &str) -> Vec<String> {
    let pool = sqlx::MySqlPool::connect(url).await.unwrap();
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.into_iter().map(|(n,)| n).collect()
}

#[tokio::test]
async fn deploy_status_failure_and_resolve() {
    let dir = folder();
    let db = mysql().await;
    let pm = pm(dir.root()).env("DATABASE_URL", db.url());
    pm.run(&["migrate", "status"]).expect(1).has(&["have not yet been applied:", INIT, POSTS]);
    pm.run(&["migrate", "deploy"]).expect(0).has(&[
        &format!("Datasource: MySQL database \"{}\"", db.name()),
        &format!("Applying {POSTS} … done ("),
        "All migrations have been successfully applied.",
    ]);
    let run = pm.run(&["migrate", "status", "--json"]);
    json_has(run.expect(0).json(), "applied", &list(&[INIT, POSTS]));

    // The first statement commits before the second fails: P3018 names the statement; the table stays.
    dir.write(
        "20250103120000_add_tags",
        "CREATE TABLE `Tag` (`id` INT PRIMARY KEY);\nINSERT INTO `Nope` VALUES (1);\n",
    );
    let run = pm.run(&["migrate", "deploy", "--json"]);
    run.expect(1);
    json_has(run.json(), "code", &q("P3018"));
    json_has(run.json(), "failed", &q("20250103120000_add_tags"));
    assert!(run.json().contains("at statement 2") && run.json().contains("1146"), "{}", run.stdout);
    assert!(tables(db.url()).await.contains(&"Tag".to_owned()));
    pm.run(&["migrate", "deploy"]).expect(1).has(&["Error: P3009", "20250103120000_add_tags"]);
    pm.clone().stdin("DROP TABLE `Tag`;").run(&["db", "execute", "--stdin"]).expect(0);
    pm.run(&["migrate", "resolve", "--rolled-back", "20250103120000_add_tags"]).expect(0);
    dir.write("20250103120000_add_tags", "CREATE TABLE `Tag` (`id` INT PRIMARY KEY);\n");
    pm.run(&["migrate", "deploy"]).expect(0).has(&["Applying 20250103120000_add_tags … done"]);
    pm.run(&["verify"]).expect(0);

    // migration_lock.toml says mysql: a PostgreSQL URL is refused before any access (P3019).
    let run = pm.run(&["migrate", "status", "--database-url", "file:./x.db", "--json"]);
    json_has(run.expect(1).json(), "code", &q("P3019"));
}

#[tokio::test]
async fn reset_drops_tables_with_foreign_keys_and_views() {
    let dir = folder();
    let db = mysql().await;
    let pm = pm(dir.root()).env("DATABASE_URL", db.url());
    pm.run(&["migrate", "deploy"]).expect(0);
    pm.clone()
        .stdin("INSERT INTO `User` (`email`) VALUES ('a@x'); INSERT INTO `Post` (`author`) VALUES (1); CREATE VIEW `V` AS SELECT 1 AS one;")
        .run(&["db", "execute", "--stdin"])
        .expect(0);
    pm.run(&["migrate", "reset"]).expect(1).has(&["--force"]);
    let run = pm.run(&["migrate", "reset", "--force", "--json"]);
    run.expect(0);
    assert!(run.json().contains("view `V`") && run.json().contains("table `Post`"), "{}", run.stdout);
    assert_eq!(tables(db.url()).await, ["Post", "User", "_prisma_migrations"]);
    let pool = sqlx::MySqlPool::connect(db.url()).await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM `User`").fetch_one(&pool).await.unwrap();
    pool.close().await;
    assert_eq!(n, 0);
    pm.run(&["migrate", "status"]).expect(0);
}
