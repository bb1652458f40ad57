#!/usr/bin/env bash
# Benchmark: expansion time of `prisma_migrations::migrations!` vs `sqlx::migrate!` on the same 1,000 migrations
# (~5 MB of SQL). Builds two tiny crates once (dependencies included), then touches each crate's main.rs and times
# a rebuild of just that crate RUNS times (median), with `cargo check` (expansion + type check, no codegen) and
# with `cargo build`. Prints the ratio prisma/sqlx from the same run.
#
#   benches/macro-expansion/run.sh            # RUNS=9 MIGRATIONS=1000 LOCKED=0 by default
#   RUNS=5 MIGRATIONS=200 benches/macro-expansion/run.sh
#   LOCKED=990 benches/macro-expansion/run.sh  # the first 990 in checksums.lock: only the 10 newest are linted
#
# Two prisma crates: `migrations!` as users get it (the lint on) and with every lint rule off (the lint returns
# before reading a script), so the difference is the lint's own share.
#
# Everything is written under target/bench-macro (BENCH_DIR to change it); nothing in the source tree.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${BENCH_DIR:-$repo/target/bench-macro}
runs=${RUNS:-9}
count=${MIGRATIONS:-1000}
locked=${LOCKED:-0}
cargo=${CARGO:-cargo}
export CARGO_TARGET_DIR=$work/target
unset PRISMA_MIGRATIONS_MANIFEST_DIR RUSTFLAGS

rm -rf "$work/prisma-app" "$work/nolint-app" "$work/sqlx-app" "$work/empty-app"
mkdir -p "$work/prisma-app/src" "$work/nolint-app/src" "$work/sqlx-app/src" "$work/empty-app/src"

# The floor: rustc starting up on a crate with no macro and no dependency.
cat >"$work/empty-app/Cargo.toml" <<TOML
[package]
name = "bench-empty-app"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]
TOML
echo 'fn main() {}' >"$work/empty-app/src/main.rs"

cat >"$work/prisma-app/Cargo.toml" <<TOML
[package]
name = "bench-prisma-app"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
prisma-migrations = { path = "$repo/runtime", default-features = false }

[workspace]
TOML
cat >"$work/prisma-app/src/main.rs" <<'RS'
static MIGRATIONS: prisma_migrations::Migrations = prisma_migrations::migrations!("prisma/migrations");

fn main() {
    println!("{}", MIGRATIONS.len());
}
RS

sed 's/name = "bench-prisma-app"/name = "bench-nolint-app"/' "$work/prisma-app/Cargo.toml" >"$work/nolint-app/Cargo.toml"
off=$(printf '%s = "off", ' ban-drop-column ban-drop-table renaming-column renaming-table adding-required-field \
    adding-not-nullable-field changing-column-type require-concurrent-index-creation require-concurrent-index-deletion \
    ban-concurrent-index-creation-in-transaction constraint-missing-not-valid adding-foreign-key-constraint \
    disallowed-unique-constraint adding-field-with-default prefer-timestamptz prefer-bigint-over-int \
    invalid-acknowledgement)
cat >"$work/nolint-app/src/main.rs" <<RS
static MIGRATIONS: prisma_migrations::Migrations =
    prisma_migrations::migrations!("../prisma-app/prisma/migrations", lint($off));

fn main() {
    println!("{}", MIGRATIONS.len());
}
RS

# sqlx::migrate! needs only `migrate` (the Migrator type) and `macros` (the proc macro); no driver, no runtime.
cat >"$work/sqlx-app/Cargo.toml" <<TOML
[package]
name = "bench-sqlx-app"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
sqlx = { version = "0.9", default-features = false, features = ["migrate", "macros"] }

[workspace]
TOML
cat >"$work/sqlx-app/src/main.rs" <<'RS'
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

fn main() {
    println!("{}", MIGRATOR.iter().count());
}
RS
cp "$repo/Cargo.lock" "$work/prisma-app/Cargo.lock"
cp "$repo/Cargo.lock" "$work/nolint-app/Cargo.lock"

python3 "$here/generate.py" "$work/prisma-app/prisma/migrations" "$work/sqlx-app/migrations" "$count"
# checksums.lock for the oldest $locked migrations, as `prisma-migrations lock` writes it (sha256sum as the oracle).
if [ "$locked" -gt 0 ]; then
    (cd "$work/prisma-app/prisma/migrations" && ls -d */ | sed 's#/$##' | sort | head -n "$locked" |
        while read -r m; do echo "$m $(sha256sum "$m/migration.sql" | cut -d' ' -f1)"; done) \
        >"$work/prisma-app/prisma/migrations/checksums.lock"
fi

offline=--offline
"$cargo" fetch --offline --manifest-path "$work/sqlx-app/Cargo.toml" >/dev/null 2>&1 || offline=
for app in prisma-app nolint-app sqlx-app empty-app; do
    "$cargo" build $offline -q --manifest-path "$work/$app/Cargo.toml"
    "$cargo" check $offline -q --manifest-path "$work/$app/Cargo.toml"
done

# Wall time in milliseconds of one rebuild of one crate after touching its main.rs.
time_ms() {
    local app=$1 cmd=$2 start end
    touch "$work/$app/src/main.rs"
    start=$(date +%s%N)
    "$cargo" "$cmd" $offline -q --manifest-path "$work/$app/Cargo.toml"
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "rustc: $(rustc --version)"
echo "migrations: $count ($locked in checksums.lock), SQL bytes per layout: $(cat "$work"/sqlx-app/migrations/*.sql | wc -c), runs: $runs (median)"
for cmd in check build; do
    # Interleaved, so that load from other processes affects all three alike.
    ps=() ns=() ss=() es=()
    for _ in $(seq "$runs"); do
        ps+=("$(time_ms prisma-app "$cmd")")
        ns+=("$(time_ms nolint-app "$cmd")")
        ss+=("$(time_ms sqlx-app "$cmd")")
        es+=("$(time_ms empty-app "$cmd")")
    done
    p=$(printf '%s\n' "${ps[@]}" | median)
    n=$(printf '%s\n' "${ns[@]}" | median)
    s=$(printf '%s\n' "${ss[@]}" | median)
    e=$(printf '%s\n' "${es[@]}" | median)
    ratio=$(awk -v p="$p" -v s="$s" 'BEGIN { printf "%.2f", p / s }')
    net=$(awk -v p="$p" -v s="$s" -v e="$e" 'BEGIN { printf "%.2f", (p - e) / (s - e) }')
    echo "cargo $cmd of the leaf crate: prisma migrations! ${p} ms, sqlx migrate! ${s} ms, empty crate ${e} ms;" \
        "ratio prisma/sqlx ${ratio} (${net} after subtracting the empty crate)"
    echo "  lint off: ${n} ms, ratio $(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.2f", n / s }');" \
        "the lint's own share: $((p - n)) ms"
    echo "  samples prisma: ${ps[*]}"
    echo "  samples lint off: ${ns[*]}"
    echo "  samples sqlx:   ${ss[*]}"
done
