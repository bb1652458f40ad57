//! The `prisma-migrations` command line: Prisma's `migrate deploy | status | resolve |
//! reset` and `db execute`, plus `verify`, `plan`, `rollback`, `lock` and `lint`, with Prisma's output shape and exit
//! codes (0 ok, 1 not up to date or failed, 2 wrong usage) and `--json` on every command.
//!
//! An application gets the same commands over its embedded migrations:
//!
//! ```no_run
//! static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("prisma/migrations");
//!
//! fn main() -> std::process::ExitCode {
//!     // `myapp migrate status`, `myapp migrate deploy`, `myapp verify` …
//!     prisma_migrations_cli::run(&MIGRATIONS)
//! }
//! ```
//!
//! There `--migrations` is not needed, except by `lock`, which writes the folder's `checksums.lock`.
//!
//! Adding a command (e.g. `fleet deploy`): a variant of `args::Command` with its clap arguments (all clap types
//! live in `args.rs`, which uses no other module here, so the command files depend on it and not the reverse) and an
//! `after_long_help` that states what it changes and its exit codes, its name in `Command::name` (the JSON
//! `command` field), and a line in `dispatch` calling `async fn(&Ctx, &Args) -> Result<Json, Failure>` in its own
//! file here. `Ctx` gives the migrations, the URL (flag, environment, `.env`), `preamble` and `connect_for`
//! (P3019 first); return the command's data as a [`Json`] object, or a `Failure` (`ctx.fail(&error)` adds the
//! remedy; `quiet` when the text output already explained it). `finish` prints the JSON document or the
//! `Error: Pxxxx` block and picks the exit code.

#![allow(clippy::single_match_else, reason = "`match` on an Option with a multi-line `None` arm reads better")]

mod args;
mod context;
mod dotenv;
mod failure;
mod fleet;
mod lint;
mod lock;
mod migrate;
mod output;
mod progress;
mod reset;
mod schema;
mod tools;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser as _;

use args::{Cli, Command, Db, Migrate};
use context::Ctx;
use failure::Failure;
use output::{Json, Printer};

use prisma_migrations::Migrations;

/// Runs the `prisma-migrations` binary: the migrations come from the folder (`--migrations`, default
/// `prisma/migrations`), the arguments from the process.
pub fn main() -> ExitCode {
    run_with(None, std::env::args_os())
}

/// Runs the commands over an application's embedded migrations, with the process's arguments: `myapp migrate
/// deploy`. Builds its own single-threaded tokio runtime; from async code, use [`run_async`].
pub fn run(migrations: &Migrations) -> ExitCode {
    run_with(Some(migrations), std::env::args_os())
}

/// [`run`] (with `Some`) or [`main`] (with `None`) with explicit arguments, the first being the program name.
pub fn run_with<I, T>(migrations: Option<&Migrations>, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run_async(migrations, args))
}

/// The commands, from async code (an application's own tokio runtime).
pub async fn run_async<I, T>(migrations: Option<&Migrations>, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let program = program_name(args.first());
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2, as clap does.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    execute(cli, migrations, program).await
}

/// Runs a parsed command line; `program` is how the user invokes us, for the commands printed in remedies.
async fn execute(cli: Cli, migrations: Option<&Migrations>, program: String) -> ExitCode {
    let name = cli.command.name();
    let json = cli.global.json;
    let ctx = match Ctx::new(cli.global, migrations, program) {
        Ok(ctx) => ctx,
        Err(f) => return finish(Printer::new(json), name, Err(f)),
    };
    let result = dispatch(&ctx, cli.command).await;
    let result = result.map(|data| match ctx.warnings.take() {
        w if w.is_empty() => data,
        w => data.with("warnings", Json::strings(&w)),
    });
    finish(ctx.p, name, result)
}

async fn dispatch(ctx: &Ctx<'_>, command: Command) -> Result<Json, Failure> {
    match command {
        Command::Migrate(Migrate::Deploy(a)) => migrate::deploy(ctx, &a).await,
        Command::Migrate(Migrate::Status(a)) => migrate::status(ctx, &a).await,
        Command::Migrate(Migrate::Resolve(a)) => migrate::resolve(ctx, &a).await,
        Command::Migrate(Migrate::Reset(a)) => reset::reset(ctx, &a).await,
        Command::Verify(a) => tools::verify(ctx, &a).await,
        Command::Plan(a) => tools::plan(ctx, &a).await,
        Command::Rollback(a) => tools::rollback(ctx, &a).await,
        Command::Lock(a) => lock::lock(ctx, &a).await,
        Command::Lint(a) => lint::lint(ctx, &a),
        Command::Db(Db::Execute(a)) => reset::execute(ctx, &a).await,
        Command::Fleet(f) => fleet::run(ctx, &f).await,
    }
}

/// Prints the JSON document (or the error block) and turns the result into the exit code.
fn finish(p: Printer, command: &str, result: Result<Json, Failure>) -> ExitCode {
    let (ok, code, error, remedy, data) = match result {
        Ok(data) => (true, None, None, Vec::new(), data),
        Err(f) => {
            f.print(p);
            (false, f.code, Some(f.message), f.remedy, f.data)
        }
    };
    if p.is_json() {
        let mut doc = Json::obj().with("ok", ok).with("code", code).with("error", error).with("command", command);
        if !remedy.is_empty() {
            doc.set("remedy", Json::strings(&remedy));
        }
        if let Json::Obj(fields) = data {
            for (k, v) in fields {
                doc.set(&k, v);
            }
        }
        p.document(&doc);
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The file name of argv[0] (`prisma-migrations`, `myapp`).
fn program_name(arg0: Option<&OsString>) -> String {
    arg0.and_then(|a| std::path::Path::new(a).file_name())
        .map_or_else(|| "prisma-migrations".to_owned(), |n| n.to_string_lossy().into_owned())
}
