//! `prisma-migrations`: Prisma Migrate's deploy, status and resolve without Node.js, plus verify, plan,
//! rollback, lock, db execute and migrate reset. `prisma-migrations --help` lists them.

fn main() -> std::process::ExitCode {
    prisma_migrations_cli::main()
}
