//! `prisma-migrations lint`: the compile-time lint from the command line, on the same fixtures as the trybuild
//! cases (tests/ui/lint-*.rs), so the two report the same findings; text, `--json` and the exit codes 0 (no
//! error-level finding), 1 (findings) and 2 (usage).

mod cli_support;

use std::path::Path;

use cli_support::{json_has, pm, q};

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
}

#[test]
fn data_loss_exits_1_naming_each_statement() {
    let run = pm(fixtures()).run(&["lint", "--migrations", "lint-pg-data-loss"]);
    run.expect(1).has(&[
        "error: `20250201120000_drop_user_email/migration.sql:2:21` `ALTER TABLE \"users\" DROP COLUMN \"email\", ADD COLUMN \"emai…` drops column `email` of `users` (ban-drop-column)",
        "migration.sql:3:1` ",
        "(adding-required-field)",
        "migration.sql:6:21` ",
        "(renaming-column)",
        "migration.sql:9:12` `DROP TABLE \"users\"` drops table `users` (ban-drop-table)",
        "1 migration of lint-pg-data-loss linted for postgresql (1 released, not linted): 4 errors, 0 warnings.",
        "-- prisma-migrations: allow <rule>: <reason>",
    ]);
}

#[test]
fn json_lists_every_finding_with_rule_level_and_location() {
    let run = pm(fixtures()).run(&["lint", "--json", "--migrations", "lint-pg-locks"]);
    let doc = run.expect(0).json();
    json_has(doc, "ok", "true");
    json_has(doc, "command", &q("lint"));
    json_has(doc, "released", "1");
    json_has(doc, "linted", "2");
    for (rule, location) in [
        ("require-concurrent-index-creation", "20250301120000_index_user_name/migration.sql:2:1"),
        ("adding-not-nullable-field", "20250301120000_index_user_name/migration.sql:5:21"),
    ] {
        json_has(doc, "rule", &q(rule));
        json_has(doc, "location", &q(location));
    }
    assert_eq!(
        doc.matches("\"rule\":").count(),
        2,
        "the index and foreign key on the new table `posts` are not findings: {doc}"
    );
    json_has(doc, "level", &q("warn"));
}

#[test]
fn levels_acknowledgements_and_released_migrations() {
    pm(fixtures()).run(&["lint", "--migrations", "lint-ack"]).expect(0).has(&["0 errors, 0 warnings"]);
    pm(fixtures()).run(&["lint", "--migrations", "lint-locked-skipped"]).expect(0).has(&["(2 released, not linted)"]);
    pm(fixtures())
        .run(&["lint", "--migrations", "lint-ack-without-reason"])
        .expect(1)
        .has(&["(invalid-acknowledgement)"]);
    pm(fixtures())
        .run(&["lint", "--migrations", "lint-pg-locks", "--rule", "require-concurrent-index-creation=error"])
        .expect(1)
        .has(&["1 error, 1 warning"]);
    pm(fixtures())
        .run(&[
            "lint",
            "--migrations",
            "lint-pg-data-loss",
            "--rule",
            "ban-drop-column=off",
            "--rule",
            "adding-required-field=warn",
            "--rule",
            "renaming-column=off",
            "--rule",
            "ban-drop-table=off",
        ])
        .expect(0)
        .has(&["0 errors, 1 warning"]);
}

#[test]
fn mysql_and_sqlite_use_the_folder_provider() {
    pm(fixtures())
        .run(&["lint", "--migrations", "lint-mysql"])
        .expect(1)
        .has(&["(changing-enum-values)", "linted for mysql"]);
    pm(fixtures()).run(&["lint", "--migrations", "lint-sqlite"]).expect(1).has(&[
        "(ban-drop-column)",
        "(redefining-table)",
        "(adding-not-nullable-field)",
        "linted for sqlite",
    ]);
}

#[test]
fn unknown_rule_or_level_is_a_usage_error() {
    pm(fixtures())
        .run(&["lint", "--migrations", "lint-ack", "--rule", "ban-drop-colum=off"])
        .expect(2)
        .has(&["unknown lint rule `ban-drop-colum`"]);
    pm(fixtures())
        .run(&["lint", "--migrations", "lint-ack", "--rule", "ban-drop-column"])
        .expect(2)
        .has(&["RULE=LEVEL"]);
}
