//! Which folders count and in what order, as Prisma's CLI decides it:
//! - the order is `localeCompare`'s (prisma/prisma `listMigrations.ts`), checked against Node itself on
//!   thousands of generated ASCII names and against the order the Prisma CLI (the oracle) applies generated
//!   names in on PostgreSQL;
//! - the authoring rules (names, vague slugs, shared timestamps) never stop a run-time command: warnings on
//!   stderr and in `--json`, naming the CLI's flags;
//! - a symlinked folder is not a migration for Prisma (1 of 1 real + 1 link applied): the CLI leaves it out
//!   too, with a warning naming it.

mod cli_support;
mod folder_support;

use cli_support::pm;
use folder_support::{node_locale, node_sort, pg_rows};
use prisma_migrations::{Migrations, Migrator};
use prisma_migrations_build::{Options, order};
use prisma_migrations_tests::{MigrationsDir, oracle, postgres, sqlite};

/// A small deterministic generator (xorshift64*); the seed is printed so a failure can be replayed with
/// `PM_ORDER_SEED`.
struct Rng(u64);

impl Rng {
    fn from_env() -> Self {
        let seed = std::env::var("PM_ORDER_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs() ^ u64::from(d.subsec_nanos()))
        });
        eprintln!("prisma_folders: PM_ORDER_SEED={seed}");
        Self(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).expect("below n, a usize")
    }
}

/// Characters real folder names mix (separators, case, digits) more often than the rest of printable ASCII.
const FAVOURED: &[u8] = b"__--aAbBzZ019";

/// A name made to hit the cases where `localeCompare` and byte order part: a shared or near timestamp, then a
/// tail of printable ASCII without `/` (a folder name).
fn generated_name(rng: &mut Rng, max_tail: usize) -> String {
    let mut name = format!("2024030412364{}", rng.below(3));
    let len = 1 + rng.below(max_tail);
    for _ in 0..len {
        let c = if rng.below(2) == 0 {
            FAVOURED[rng.below(FAVOURED.len())]
        } else {
            loop {
                let c = 0x20 + u8::try_from(rng.below(95)).expect("below 95");
                if c != b'/' {
                    break c;
                }
            }
        };
        name.push(char::from(c));
    }
    name
}

fn generated_names(rng: &mut Rng, count: usize, max_tail: usize) -> Vec<String> {
    let mut names: Vec<String> = (0..count).map(|_| generated_name(rng, max_tail)).collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn order_is_node_locale_compare_on_generated_ascii_names() {
    let mut rng = Rng::from_env();
    // All printable ASCII pairs once, then generated names (short tails collide on prefixes most).
    let mut names: Vec<String> = (0x20u8..0x7f)
        .flat_map(|a| (0x20u8..0x7f).map(move |b| format!("{}{}", char::from(a), char::from(b))))
        .collect();
    names.extend(generated_names(&mut rng, 6000, 8));
    let expected = node_sort(&names);
    assert_eq!(expected.len(), names.len(), "node returned another number of names");
    let mut ours = names.clone();
    order::sort(&mut ours);
    if ours != expected {
        let at = ours.iter().zip(&expected).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "order differs from Node's localeCompare (locale {}) at {at}: ours {:?}, Node {:?}",
            node_locale(),
            &ours[at.saturating_sub(2)..(at + 3).min(ours.len())],
            &expected[at.saturating_sub(2)..(at + 3).min(expected.len())]
        );
    }
    // The same order through the folder reader, on names that are folders.
    let dir = MigrationsDir::new();
    let folder_names: Vec<String> = names.iter().filter(|n| n.len() > 14).take(300).cloned().collect();
    for n in &folder_names {
        dir.write(n, "SELECT 1;\n");
    }
    let (loaded, _) = Migrations::load_with_warnings(dir.path(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let loaded: Vec<String> = loaded.iter().map(|m| m.name().to_owned()).collect();
    assert_eq!(loaded, node_sort(&folder_names));
}

/// The order the real Prisma CLI applies generated names in, read back from `_prisma_migrations` by
/// `started_at`, is the order this toolkit applies the same folder in.
#[tokio::test(flavor = "multi_thread")]
async fn oracle_applies_generated_names_in_our_order() {
    let mut rng = Rng::from_env();
    // Names whose byte order is not Prisma's, else the test could not tell the two apart.
    let names = loop {
        let names = generated_names(&mut rng, 24, 5);
        let mut ours = names.clone();
        order::sort(&mut ours);
        if ours != names {
            break names;
        }
    };
    let dir = MigrationsDir::new().provider("postgresql");
    for n in &names {
        dir.write(n, "SELECT 1;\n");
    }
    let (prisma_db, our_db) = (postgres().await, postgres().await);
    let out = oracle().run(prisma_db.url(), &dir.path(), &["migrate", "deploy"]);
    assert_eq!(out.code, Some(0), "prisma migrate deploy:\n{}", out.all());
    let prisma_order: Vec<String> = pg_rows(prisma_db.url()).await.into_iter().map(|r| r.name).collect();
    assert_eq!(prisma_order.len(), names.len(), "Prisma applied every folder");

    let (migrations, _) =
        Migrations::load_with_warnings(dir.path(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let db = prisma_migrations::Database::connect(our_db.url()).await.expect("connect");
    Migrator::new(&migrations).deploy(&db).await.unwrap_or_else(|e| panic!("{e}"));
    db.close().await;
    let our_order: Vec<String> = pg_rows(our_db.url()).await.into_iter().map(|r| r.name).collect();
    assert_eq!(our_order, prisma_order, "applied order (byte order would be {names:?})");
    assert_ne!(prisma_order, names, "Prisma's order is not byte order here");
}

/// Folder-rule remedies name the settings of whoever reads the folder: the macro's options
/// (`numbering = "sequential"`, `exempt_until`) at compile time, the CLI's flags (`--sequential`,
/// `--exempt-until`) for the CLI; never the other's.
#[test]
fn folder_rule_remedies_name_the_callers_own_settings() {
    use prisma_migrations_build::Surface;
    let dir = MigrationsDir::new()
        .provider("sqlite")
        .add("01_init", "CREATE TABLE \"a\" (\"id\" INTEGER);\n")
        .add("20250102120000_fix", "CREATE TABLE \"c\" (\"id\" INTEGER);\n");
    let text = |surface| {
        let options = Options { surface, exempt_until: Some("00_gone".to_owned()), ..Options::default() };
        let problems = prisma_migrations_build::load(&dir.path(), &options).expect_err("broken rules");
        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    };
    let (cli, mac) = (text(Surface::Cli), text(Surface::Macro));
    for (shown, own, other) in [
        (&cli, ["`--sequential`", "`--exempt-until`"], ["numbering =", "`exempt_until`"]),
        (&mac, ["`numbering = \"sequential\"`", "`exempt_until`"], ["--sequential", "--exempt-until"]),
    ] {
        for o in own {
            assert!(shown.contains(o), "names {o}:\n{shown}");
        }
        for o in other {
            assert!(!shown.contains(o), "does not name {o}:\n{shown}");
        }
    }
}

/// A history the build refuses (numbered, dashed, vague, shared timestamps) deploys, verifies and reports
/// status through the CLI; each broken rule is a warning on stderr and in `--json`, naming the CLI's flag.
#[test]
fn authoring_rules_are_warnings_for_the_cli() {
    let dir = MigrationsDir::new()
        .provider("sqlite")
        .add("01_init", "CREATE TABLE \"a\" (\"id\" INTEGER);\n")
        .add("20250101120000-add-b", "CREATE TABLE \"b\" (\"id\" INTEGER);\n")
        .add("20250102120000_fix", "CREATE TABLE \"c\" (\"id\" INTEGER);\n")
        .add("20250103120000_add_d", "CREATE TABLE \"d\" (\"id\" INTEGER);\n")
        .add("20250103120000_add_e", "CREATE TABLE \"e\" (\"id\" INTEGER);\n");
    assert!(prisma_migrations_build::load(&dir.path(), &Options::default()).is_err(), "the build refuses it");
    let db = sqlite();
    let url = db.url();
    let run = pm(dir.root()).run(&["migrate", "deploy", "--database-url", &url]);
    run.expect(0).has(&["5 migrations found", "All migrations have been successfully applied."]);
    for name in ["01_init", "20250101120000-add-b", "20250102120000_fix", "20250103120000_add_e"] {
        assert!(
            run.stderr.lines().any(|l| l.starts_with("warning: ") && l.contains(name)),
            "a warning naming {name}:\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("`--sequential`") && !run.stderr.contains("numbering ="), "{}", run.stderr);
    assert!(run.stderr.contains("keep the name and run `prisma-migrations lock`"), "{}", run.stderr);
    pm(dir.root()).run(&["verify", "--database-url", &url]).expect(0);
    pm(dir.root()).run(&["migrate", "status", "--database-url", &url]).expect(0);
    let json = pm(dir.root()).run(&["verify", "--json", "--database-url", &url]);
    json.expect(0);
    assert!(json.stderr.is_empty(), "nothing on stderr in --json mode: {}", json.stderr);
    assert!(
        json.json().contains("\"warnings\":[\"migration folder `01_init` has a 2-digit timestamp"),
        "{}",
        json.stdout
    );
}

/// One real folder and one symbolic link to another folder: the Prisma CLI finds and applies 1; so does the
/// CLI, naming the link in a warning. The rows are the same.
#[tokio::test(flavor = "multi_thread")]
async fn symlinked_folder_is_left_out_as_prisma_leaves_it_out() {
    let outside = MigrationsDir::new().add("20250102120000_add_posts", "CREATE TABLE \"posts\" (\"id\" INTEGER);\n");
    let dir = MigrationsDir::new()
        .provider("postgresql")
        .add("20250101120000_init", "CREATE TABLE \"t\" (\"id\" INTEGER);\n");
    std::os::unix::fs::symlink(
        outside.path().join("20250102120000_add_posts"),
        dir.path().join("20250102120000_add_posts"),
    )
    .expect("symlink");
    let (prisma_db, our_db) = (postgres().await, postgres().await);
    let out = oracle().run(prisma_db.url(), &dir.path(), &["migrate", "deploy"]);
    assert_eq!(out.code, Some(0), "prisma migrate deploy:\n{}", out.all());
    assert!(out.all().contains("1 migration found"), "{}", out.all());
    let run = pm(dir.root()).run(&["migrate", "deploy", "--database-url", our_db.url()]);
    run.expect(0).has(&["1 migration found", "migration folder `20250102120000_add_posts` is a symbolic link"]);
    assert_eq!(pg_rows(our_db.url()).await, pg_rows(prisma_db.url()).await);
}
