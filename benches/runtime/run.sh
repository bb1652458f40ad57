#!/usr/bin/env bash
# Runtime benchmarks (BENCHMARKS.md, "runtime"): deploy of 500 small migrations against the psql floor and the
# Prisma CLI and sqlx's own Migrator, verify with 1,000 applied against one SELECT and `prisma migrate status`, and the
# `prisma-migrations verify` process against a `psql` SELECT, on local PostgreSQL.
#   benches/runtime/run.sh [--url postgresql://postgres@127.0.0.1:5432/postgres] [pm-bench options]
# Without --url: the test harness's private server (fsync=off). See benches/runtime/pm-bench.rs for the options
# and for what exactly is measured. Needs psql, and node/npm for the Prisma CLI (installed once under target/).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p prisma-migrations-tests --bin pm-bench -p prisma-migrations-cli --bin prisma-migrations
exec "${CARGO_TARGET_DIR:-target}/release/pm-bench" --cli "${CARGO_TARGET_DIR:-target}/release/prisma-migrations" "$@"
