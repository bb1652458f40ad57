//! Reads the folder through build-support, the same code the runtime and CLI use, and turns every problem it
//! reports into a compile error spanned at the folder literal (or the option at fault), all in one build.

use std::env;
use std::path::{Path, PathBuf};

use prisma_migrations_build::{Folder, Problem, ProblemKind};
use proc_macro2::Span;

use crate::attr::Args;

/// Overrides `CARGO_MANIFEST_DIR` as the base of relative folders: trybuild compiles test cases in a crate of its
/// own under `target/`, so the test suite points this at the package that holds the fixtures.
const MANIFEST_DIR_OVERRIDE: &str = "PRISMA_MIGRATIONS_MANIFEST_DIR";

/// A folder that passed every rule.
pub struct Loaded {
    /// What build-support read.
    pub folder: Folder,
    /// The provider the list reports: the `provider` option, else `migration_lock.toml`'s, canonical.
    pub provider: Option<prisma_migrations_build::Provider>,
    /// Lint findings at level `warn`, as messages: shown as warnings by `expand`.
    pub warnings: Vec<String>,
    /// Lint findings at level `error`, combined; kept apart from the folder's problems so that a failed build
    /// still shows the warnings too.
    pub lint_errors: Option<syn::Error>,
}

impl Loaded {
    /// The folder, unless the lint found errors.
    pub fn checked(&self) -> syn::Result<&Self> {
        self.lint_errors.clone().map_or(Ok(self), Err)
    }
}

/// Reads and checks the folder `args` names.
pub fn load(args: &Args) -> syn::Result<Loaded> {
    let span = args.dir_span();
    let shown = args.dir_value();
    let base = manifest_dir().ok_or_else(|| {
        syn::Error::new(
            span,
            format!("cannot resolve `{shown}`: neither `{MANIFEST_DIR_OVERRIDE}` nor `CARGO_MANIFEST_DIR` is set; build with cargo"),
        )
    })?;
    let dir = base.join(&shown);
    let folder = prisma_migrations_build::load(&dir, &args.options()).map_err(|problems| {
        let errors = problems.iter().map(|p| syn::Error::new(span_of(p, args), relative(&p.message, &dir, &shown)));
        crate::combine(errors).unwrap_or_else(|| syn::Error::new(span, format!("cannot read `{shown}`")))
    })?;
    let provider = args.provider().or_else(|| {
        let text = folder.lock_toml.as_deref()?;
        prisma_migrations_build::Provider::parse(prisma_migrations_build::read_lock_toml_provider(text)?)
    });
    let (lint_errors, warnings) = match provider {
        Some(provider) => lint(&folder, provider, args, span),
        None => (None, Vec::new()),
    };
    Ok(Loaded { folder, provider, warnings, lint_errors })
}

/// Lints the migrations `checksums.lock` does not list: every `error` finding a compile error at the folder
/// literal, combined; the messages of the `warn` ones.
fn lint(
    folder: &Folder,
    provider: prisma_migrations_build::Provider,
    args: &Args,
    span: Span,
) -> (Option<syn::Error>, Vec<String>) {
    let config = args.lint.clone().unwrap_or_default();
    let findings = prisma_migrations_build::lint::lint(folder, provider, &config);
    let (errors, warnings): (Vec<_>, Vec<_>) =
        findings.iter().partition(|f| f.level == prisma_migrations_build::lint::Level::Error);
    (
        crate::combine(errors.iter().map(|f| syn::Error::new(span, f.message()))),
        warnings.iter().map(|f| f.message()).collect(),
    )
}

/// The base directory: the override if set, else the invoking crate's manifest dir; made absolute so that
/// `include_str!` (which resolves relative paths against the source file) reads the same file.
pub(crate) fn manifest_dir() -> Option<PathBuf> {
    let raw =
        env::var_os(MANIFEST_DIR_OVERRIDE).filter(|v| !v.is_empty()).or_else(|| env::var_os("CARGO_MANIFEST_DIR"))?;
    let path = PathBuf::from(raw);
    if path.is_absolute() { Some(path) } else { env::current_dir().ok().map(|cwd| cwd.join(path)) }
}

/// Where a problem is shown: a bad `exempt_until` at its value, everything else at the folder literal.
fn span_of(problem: &Problem, args: &Args) -> Span {
    match (&problem.kind, &args.exempt_until) {
        (ProblemKind::BadOption, Some(lit)) if problem.message.contains("exempt_until") => lit.span(),
        _ => args.dir_span(),
    }
}

/// Messages name the folder as the user wrote it, not as an absolute path of the build machine.
fn relative(message: &str, dir: &Path, shown: &str) -> String {
    match dir.to_str() {
        Some(abs) => message.replace(abs, shown),
        None => message.to_owned(),
    }
}
