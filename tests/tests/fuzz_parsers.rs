//! Property tests over everything that parses user input: folder names, `checksums.lock`, `migration_lock.toml`,
//! whole migration folders (what loads is what is on disk, checked against `std::fs` and `sha256sum`), and
//! database URLs through
//! `Database::connect_with` (the URL parser is crate-private; parsing errors come before any connection).
//! Nothing may panic; every error must say something; no error may show the URL's password.
//!
//! Default: 256 cases per property (64 for folders and connects); `PM_STRESS_FULL=1`: 2,000 (500).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use prisma_migrations::{ConnectOptions, Database, Migrations};
use prisma_migrations_build::{
    LockFile, Numbering, Options, Provider, checksum, lint, name, order, read_lock_toml_provider,
};
use prisma_migrations_tests::ScratchDir;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn full() -> bool {
    std::env::var_os("PM_STRESS_FULL").is_some_and(|v| !v.is_empty() && v != "0")
}

fn runner(small: u32, large: u32) -> TestRunner {
    TestRunner::new(Config {
        cases: if full() { large } else { small },
        failure_persistence: None,
        ..Config::default()
    })
}

/// Arbitrary text, biased towards the characters the parsers split on.
fn texty() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,80}",
        "[0-9_a-zA-Z \\-\\.]{0,40}",
        "[0-9]{10,16}_[a-z_]{0,12}",
        proptest::collection::vec(any::<char>(), 0..40).prop_map(|v| v.into_iter().collect()),
    ]
}

#[test]
fn folder_name_parser_never_panics() {
    runner(256, 2000)
        .run(&texty(), |s| {
            for numbering in [Numbering::Timestamp, Numbering::Sequential] {
                match name::parse(&s, numbering) {
                    Ok(p) => {
                        prop_assert_eq!(format!("{}_{}", p.prefix, p.slug), s.clone());
                        prop_assert!(name::is_valid_slug(p.slug));
                    }
                    Err(e) => prop_assert!(!e.to_string().is_empty()),
                }
            }
            let suggestion = name::suggest_slug(&s);
            prop_assert!(suggestion.is_empty() || name::is_valid_slug(&suggestion));
            Ok(())
        })
        .unwrap();
}

/// `checksums.lock` text: comments, blank lines, good lines, and damaged ones.
fn lock_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("# a comment".to_owned()),
        Just(String::new()),
        ("[0-9]{14}_[a-z]{1,8}", "[0-9a-f]{64}").prop_map(|(n, c)| format!("{n} {c}")),
        ("[0-9]{14}_[a-z]{1,8}", "[0-9a-fA-Fg]{0,70}").prop_map(|(n, c)| format!("{n} {c}")),
        "\\PC{0,60}",
        ("[^\\n]{0,20}", "[ \\t\\r]{0,3}", "[^\\n]{0,20}", "[ \\t]{0,3}", "[^\\n]{0,10}")
            .prop_map(|(a, b, c, d, e)| format!("{a}{b}{c}{d}{e}")),
    ];
    (proptest::collection::vec(line, 0..12), prop_oneof![Just("\n"), Just("\r\n")]).prop_map(|(lines, eol)| {
        let mut s = lines.join(eol);
        s.push_str(eol);
        s
    })
}

#[test]
fn checksums_lock_parser_never_panics() {
    runner(256, 2000)
        .run(&lock_text(), |text| {
            match LockFile::parse(&text) {
                Ok(lock) => {
                    // A parsed file renders and parses back to the same entries.
                    let again = LockFile::parse(&lock.render()).expect("a rendered lock file parses");
                    let pairs = |l: &LockFile| {
                        l.entries.iter().map(|e| (e.name.clone(), e.checksum.clone())).collect::<Vec<_>>()
                    };
                    prop_assert_eq!(pairs(&again), pairs(&lock));
                    prop_assert!(lock.entries.iter().all(|e| checksum::is_well_formed(&e.checksum)));
                }
                Err(errors) => {
                    prop_assert!(!errors.is_empty());
                    let lines = text.lines().count();
                    for e in &errors {
                        prop_assert!(e.line >= 1 && e.line <= lines, "line {} of {}", e.line, lines);
                        let prefix = format!("line {}: ", e.line);
                        prop_assert!(e.to_string().starts_with(&prefix));
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn migration_lock_toml_reader_never_panics() {
    let text = prop_oneof![
        "\\PC{0,120}",
        ("[#a-z ]{0,20}", "provider[ =\"a-z\\r]{0,20}", "[^\\n]{0,20}").prop_map(|(a, b, c)| format!("{a}\n{b}\n{c}")),
    ];
    runner(256, 2000)
        .run(&text, |text| {
            if let Some(p) = read_lock_toml_provider(&text) {
                // What Prisma would read: a part of the first `provider` line.
                let line = text.lines().find(|l| l.starts_with("provider")).expect("a provider line");
                prop_assert!(line.contains(p), "{:?} from {:?}", p, line);
                let _ = prisma_migrations_build::Provider::parse(p);
            } else {
                prop_assert!(!text.lines().any(|l| l.starts_with("provider")));
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn checksum_matching_never_panics() {
    runner(256, 2000)
        .run(&("\\PC{0,80}", "[0-9a-f]{0,70}|\\PC{0,70}"), |(script, stored)| {
            let sum = checksum::checksum(&script);
            prop_assert!(checksum::is_well_formed(&sum));
            prop_assert!(checksum::matches(&sum, &script));
            let _ = checksum::matches(&stored, &script);
            Ok(())
        })
        .unwrap();
}

/// One entry of a generated migrations folder.
#[derive(Debug, Clone)]
enum Entry {
    Migration { name: String, sql: Vec<u8>, down: Option<Vec<u8>> },
    File { name: String, bytes: Vec<u8> },
    EmptyDir(String),
}

fn entry() -> impl Strategy<Value = Entry> {
    let name = prop_oneof![
        "20[0-9]{12}_[a-z]{1,6}(_[a-z0-9]{1,4})?",
        "[0-9]{1,3}_[a-z]{1,6}",
        "[\\.a-zA-Z0-9 _\\-é中]{1,16}",
        Just("migration_lock.toml".to_owned()),
        Just("checksums.lock".to_owned()),
    ];
    let bytes = prop_oneof![
        "\\PC{0,60}".prop_map(String::into_bytes),
        sql_words().prop_map(String::into_bytes),
        Just(b"CREATE TABLE t (id INTEGER);\n".to_vec()),
        Just(Vec::new()),
        proptest::collection::vec(any::<u8>(), 0..40),
        Just(b"provider = \"sqlite\"\n".to_vec()),
    ];
    // Well-formed migrations too, so that a good share of the folders load.
    let valid = (
        "202[0-4](0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]_create_[a-z]{1,6}",
        "[a-z]{1,8}",
        proptest::option::of("\\PC{1,30}"),
    )
        .prop_map(|(name, table, down)| Entry::Migration {
            name,
            sql: format!("CREATE TABLE \"{table}\" (id INTEGER);\n").into_bytes(),
            down: down.map(String::into_bytes),
        });
    prop_oneof![
        6 => valid,
        4 => (name.clone(), bytes.clone(), proptest::option::of(bytes.clone()))
            .prop_map(|(name, sql, down)| Entry::Migration { name, sql, down }),
        2 => (name.clone(), bytes).prop_map(|(name, bytes)| Entry::File { name, bytes }),
        1 => name.prop_map(Entry::EmptyDir),
    ]
}

/// Statements the lint reads, shuffled: keywords, names, quotes, comments and acknowledgements.
fn sql_words() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "ALTER TABLE",
        "\"t\"",
        "`t`",
        "[t]",
        "ADD COLUMN",
        "DROP",
        "COLUMN",
        "CREATE TABLE",
        "CREATE INDEX",
        "ON",
        "(",
        ")",
        ",",
        ";",
        "RENAME TO",
        "NOT NULL",
        "DEFAULT",
        "ENUM('a', 'b')",
        "MODIFY",
        "CHANGE",
        "CONCURRENTLY",
        "UNIQUE",
        "FOREIGN KEY",
        "\n-- prisma-migrations: allow ban-drop-column\n",
        "/*",
        "*/",
        "$$",
        "'",
        "\"",
        "BEGIN",
        "END",
        "CREATE TRIGGER",
        "INSERT INTO",
        "SELECT",
        "\n",
        "é",
    ]);
    proptest::collection::vec(word, 0..40).prop_map(|w| w.join(" "))
}

fn write_folder(dir: &Path, entries: &[Entry]) {
    for e in entries {
        // A later entry may collide with an earlier one (a file where a folder is): skip what cannot be made.
        let _ = match e {
            Entry::Migration { name, sql, down } => std::fs::create_dir_all(dir.join(name))
                .and_then(|()| std::fs::write(dir.join(name).join("migration.sql"), sql))
                .and_then(|()| down.as_ref().map_or(Ok(()), |d| std::fs::write(dir.join(name).join("down.sql"), d))),
            Entry::File { name, bytes } => std::fs::write(dir.join(name), bytes),
            Entry::EmptyDir(name) => std::fs::create_dir_all(dir.join(name)),
        };
    }
}

/// `sha256sum` (coreutils) of a file: an oracle independent of build-support's checksum.
fn sha256sum(file: &Path) -> String {
    let out = std::process::Command::new("sha256sum").arg(file).output().expect("run sha256sum (coreutils)");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_owned()
}

/// A generated folder either loads at run time exactly what is on disk (every subfolder, hidden ones too, as
/// Prisma lists them; its `migration.sql` and `down.sql` byte for byte, the checksum `sha256sum` gives, in
/// Prisma's order), or fails with one-line problems each naming an entry of the folder. The build (build-support's
/// `load`) refuses exactly what the run-time load refuses or warns about, and what it accepts has strictly
/// increasing timestamps.
#[test]
fn generated_folders_load_what_is_on_disk_or_explain() {
    let strategy = (proptest::collection::vec(entry(), 0..8), any::<bool>());
    let loaded_some = std::sync::atomic::AtomicUsize::new(0);
    runner(64, 500)
        .run(&strategy, |(entries, sequential)| {
            let scratch = ScratchDir::new();
            let dir = scratch.path().join("migrations");
            std::fs::create_dir_all(&dir).expect("mkdir");
            write_folder(&dir, &entries);
            let options = Options {
                numbering: if sequential { Numbering::Sequential } else { Numbering::Timestamp },
                ..Options::default()
            };
            let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
                .expect("list")
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            on_disk.sort();
            let built = prisma_migrations_build::load(&dir, &options);
            match Migrations::load_with_warnings(&dir, &options) {
                Ok((m, warnings)) => {
                    match &built {
                        Ok(_) => prop_assert!(warnings.is_empty(), "{:?}", warnings),
                        // What stops only the build (authoring rules) is what the run-time load warns about.
                        Err(problems) => prop_assert_eq!(problems, &warnings),
                    }
                    loaded_some.fetch_add(usize::from(!m.is_empty()), std::sync::atomic::Ordering::Relaxed);
                    let mut names: Vec<String> = m.iter().map(|m| m.name().to_owned()).collect();
                    let in_order = names.clone();
                    names.sort();
                    prop_assert_eq!(&names, &on_disk, "every subfolder is a migration");
                    for pair in in_order.windows(2) {
                        prop_assert!(order::cmp(&pair[0], &pair[1]).is_lt(), "Prisma's order: {:?}", in_order);
                        if built.is_ok() {
                            let key = |n: &str| n.split('_').next().unwrap_or_default().parse::<u128>().unwrap_or(0);
                            prop_assert!(key(&pair[0]) < key(&pair[1]), "the build's order: {:?}", in_order);
                        }
                    }
                    for mig in &m {
                        let folder = dir.join(mig.name());
                        let sql = std::fs::read(folder.join("migration.sql")).expect("read migration.sql");
                        prop_assert_eq!(mig.sql().as_bytes(), &sql[..]);
                        prop_assert_eq!(mig.checksum(), sha256sum(&folder.join("migration.sql")));
                        let down = std::fs::read(folder.join("down.sql")).ok();
                        prop_assert_eq!(mig.down_sql().map(str::as_bytes), down.as_deref());
                    }
                    // The lint reads any script without panicking, for every provider, and says where.
                    let scanned =
                        prisma_migrations_build::load_for_run(&dir, &options).expect("build-support loads it too");
                    for provider in [Provider::Postgresql, Provider::Mysql, Provider::Sqlite, Provider::Cockroachdb] {
                        for f in lint::lint(&scanned.folder, provider, &lint::LintConfig::default()) {
                            prop_assert!(f.line >= 1 && f.col >= 1);
                            prop_assert!(!f.message().contains('\n'), "one line: {:?}", f.message());
                        }
                    }
                }
                Err(prisma_migrations::Error::Folder { problems, .. }) => {
                    prop_assert!(!problems.is_empty());
                    prop_assert!(problems.iter().all(|p| !p.kind.is_warning_at_run_time()), "{:?}", problems);
                    prop_assert!(built.is_err(), "the build accepts what the run-time load refuses");
                    for p in &problems {
                        prop_assert!(!p.message.trim().is_empty());
                        prop_assert!(!p.message.contains('\n'), "one line: {:?}", p.message);
                    }
                }
                Err(e) => prop_assert!(false, "a folder problem is `Error::Folder`, got {}", e),
            }
            Ok(())
        })
        .unwrap();
    let loaded_some = loaded_some.into_inner();
    eprintln!("fuzz_parsers: {loaded_some} generated folders loaded one migration or more");
    assert!(loaded_some > 0, "no generated folder loaded a migration: the property was never exercised");
}

fn password() -> impl Strategy<Value = String> {
    prop_oneof!["Pw[A-Za-z0-9]{10}", "Pw[A-Za-z0-9]{4}[@:/?#%+ ]{1,3}[A-Za-z0-9]{4}"]
}

/// URLs: random text, and structured URLs with damaged parts. Hosts are loopback or unparseable, and a URL
/// that parses reaches only a closed port with `pool_timeout=1`, so nothing waits long or leaves the machine
/// (no empty port: `127.0.0.1:` means the default port, where a real server may listen).
fn url() -> impl Strategy<Value = (String, Option<String>)> {
    let scheme = prop_oneof![
        Just("postgresql://"),
        Just("postgres://"),
        Just("mysql://"),
        Just("mariadb://"),
        Just("PostgreSQL://"),
        Just("file:"),
        Just("sqlite:"),
        Just("sqlite://"),
        Just("oracle://"),
        Just(""),
        Just("postgresql:"),
        Just("mysql:/"),
    ];
    let user = prop_oneof![Just(String::new()), "[a-z]{1,8}", "[^@/:]{0,8}"];
    let host = prop_oneof![
        Just(""),
        Just("127.0.0.1"),
        Just("[::1]"),
        Just("[::1"),
        Just("[zz]"),
        Just("h o s t"),
        Just("256.256.256.256"),
        Just("ho%st"),
    ];
    let port = prop_oneof![Just(":1"), Just(":99999"), Just(":abc"), Just(":-1"), Just(":65536")];
    let path = prop_oneof![Just(String::new()), "/[a-z]{1,8}", "/\\PC{0,12}", "/[a-z]{1,5}/[a-z]{1,5}"];
    let query = proptest::collection::vec(
        (
            prop_oneof![
                Just("schema"),
                Just("connection_limit"),
                Just("pool_timeout"),
                Just("sslmode"),
                Just("socket_timeout"),
                Just("statement_cache_size"),
                Just("pgbouncer"),
                Just("x"),
            ],
            "[a-z0-9%\\-\\.]{0,8}",
        ),
        0..4,
    );
    let structured =
        (scheme, user, password(), host, port, path, query).prop_map(|(scheme, user, pw, host, port, path, query)| {
            let mut url = format!("{scheme}{user}:{pw}@{host}{port}{path}?pool_timeout=1");
            for (k, v) in query.iter().filter(|(k, _)| *k != "pool_timeout") {
                let _ = write!(url, "&{k}={v}");
            }
            // A `file:`/`sqlite:` URL has no password: what looks like one is part of a file name.
            let pw = (!scheme.starts_with("file") && !scheme.starts_with("sqlite")).then_some(pw);
            (url, pw)
        });
    prop_oneof![
        2 => "\\PC{0,60}".prop_map(|s| (s, None)),
        1 => ("(file|sqlite):[a-zA-Z0-9_\\./ ]{0,20}", "(\\?[a-z_]{1,10}=[a-z0-9]{0,4})?").prop_map(|(a, b)| (format!("{a}{b}"), None)),
        6 => structured,
    ]
}

#[test]
fn connect_with_garbage_urls_errs_without_panicking_or_leaking_the_password() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let scratch = ScratchDir::new();
    let opts = ConnectOptions::new().base_dir(scratch.path());
    let codes = std::cell::RefCell::new(std::collections::BTreeMap::<String, usize>::new());
    runner(64, 500)
        .run(&url(), |(url, pw)| {
            let result = rt.block_on(async {
                tokio::time::timeout(Duration::from_secs(20), Database::connect_with(&url, &opts)).await
            });
            let Ok(result) = result else {
                prop_assert!(false, "connect did not return within 20 s: {}", url);
                unreachable!()
            };
            match result {
                Ok(db) => {
                    // Only SQLite in-memory (`sqlite::memory:`-like) URLs can succeed here.
                    prop_assert_eq!(db.kind(), prisma_migrations::DatabaseKind::Sqlite, "{}", url);
                    if let Some(pw) = &pw {
                        prop_assert!(!format!("{db:?}").contains(pw.as_str()), "{:?}", db);
                    }
                    rt.block_on(db.close());
                }
                Err(e) => {
                    let shown = format!("{e} {e:?}");
                    prop_assert!(!e.to_string().trim().is_empty());
                    if let Some(pw) = &pw {
                        prop_assert!(!shown.contains(pw.as_str()), "password shown for {}: {}", url, shown);
                    }
                    *codes.borrow_mut().entry(e.code().unwrap_or("-").to_owned()).or_default() += 1;
                }
            }
            Ok(())
        })
        .unwrap();
    eprintln!("fuzz_parsers: connect error codes {:?}", codes.borrow());
    // Nothing was created beside the base directory's scratch files.
    assert_eq!(std::fs::read_dir(scratch.path()).map_or(0, Iterator::count), 0, "no file created");
}

#[test]
fn redact_url_never_shows_the_password() {
    let strategy = (
        prop_oneof![
            Just("postgresql://"),
            Just("mysql://"),
            Just("x://"),
            Just("postgres://"),
            Just(""),
            Just("postgresql:"),
            Just("mysql:/"),
            Just(" postgresql://"),
        ],
        "[a-z]{0,6}",
        password(),
        "[a-z0-9\\.\\[\\]:@]{0,12}",
        prop_oneof!["(/\\PC{0,10})?", "/://[a-z@:]{0,6}", "\\?[a-z]=[a-z@:/]{0,6}"],
    );
    runner(256, 2000)
        .run(&strategy, |(scheme, user, pw, host, rest)| {
            let url = format!("{scheme}{user}:{pw}@{host}{rest}");
            let shown = prisma_migrations::redact_url(&url);
            prop_assert!(!shown.contains(&pw), "{} -> {}", url, shown);
            Ok(())
        })
        .unwrap();
}
