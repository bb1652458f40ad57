//! `lint`: the compile-time lint of the macros, over the folder, for CI and for repositories without Rust code.
//! It reads the folder with the same function as the macros and lints the same migrations (those not in
//! `checksums.lock`) with the same rules, so it reports what `cargo build` would.

use prisma_migrations_build::lint::{self, Level, LintConfig};
use prisma_migrations_build::{Provider, read_lock_toml_provider};

use crate::args::LintArgs;
use crate::context::Ctx;
use crate::failure::Failure;
use crate::output::{Json, plural};
use prisma_migrations::Error;

pub(crate) fn lint(ctx: &Ctx<'_>, a: &LintArgs) -> Result<Json, Failure> {
    let dir = ctx.migrations_dir();
    let mut options = ctx.global.folder_options();
    options.provider.clone_from(&a.provider);
    let folder = prisma_migrations_build::load(&dir, &options)
        .map_err(|problems| ctx.fail(&Error::Folder { dir: dir.clone(), problems }))?;
    let provider = a
        .provider
        .as_deref()
        .and_then(Provider::parse)
        .or_else(|| folder.lock_toml.as_deref().and_then(read_lock_toml_provider).and_then(Provider::parse))
        .ok_or_else(|| {
            Failure::msg(format!("`{}` has no migration_lock.toml, so the provider is unknown", ctx.dir_shown()))
                .hint("pass it: `--provider postgresql` (or mysql, sqlite, cockroachdb)")
        })?;
    let config = LintConfig { levels: a.rules.clone() };
    let findings = lint::lint(&folder, provider, &config);
    let released = folder.checksums_lock.as_ref().map_or(0, |l| l.entries.len());
    let linted = folder.migrations.len().saturating_sub(released);
    let p = &ctx.p;
    for f in &findings {
        let label = match f.level {
            Level::Error => p.out.red("error"),
            _ => p.out.yellow("warning"),
        };
        p.line(&format!("{label}: {}", f.message()));
    }
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let warnings = findings.len() - errors;
    let summary = format!(
        "{} of {} linted for {provider} ({released} released, not linted): {}, {}.",
        plural(linted, "migration"),
        ctx.dir_shown(),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    let data = Json::obj()
        .with("provider", provider.as_str())
        .with("linted", linted)
        .with("released", released)
        .with("findings", Json::Arr(findings.iter().map(finding_json).collect()));
    if errors > 0 {
        return Err(Failure::msg(summary)
            .hint("fix each statement, or acknowledge it on the line above with `-- prisma-migrations: allow <rule>: <reason>`")
            .with_data(data));
    }
    p.line(&summary);
    Ok(data)
}

fn finding_json(f: &lint::Finding) -> Json {
    Json::obj()
        .with("rule", f.rule.name)
        .with("level", f.level.as_str())
        .with("migration", f.migration.as_str())
        .with("line", f.line)
        .with("column", f.col)
        .with("location", f.location())
        .with("excerpt", f.excerpt.as_str())
        .with("detail", f.detail.as_str())
        .with("why", f.rule.why)
        .with("remedy", f.rule.remedy)
        .with("message", f.message())
}
