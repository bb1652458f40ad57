#!/usr/bin/env bash
# Benchmark (BENCHMARKS.md, "#[prisma_migrations::test]"): per-test cost of a fresh migrated database, 100-migration
# history (100 tables, 100 indexes) x 50 tests, `#[prisma_migrations::test]` against `#[sqlx::test]` running the same
# SQL as sqlx migrations, on PostgreSQL, MySQL/MariaDB and SQLite. Each test inserts one row and reads it back.
#
#   benches/test-attr/run.sh      # PG_URL, MYSQL_URL default to the machine's servers; RUNS=3 TESTS=50 MIGRATIONS=100
#
# Builds one crate under target/bench-test-attr (BENCH_DIR) with seven test targets (pm; pm_tx_pg, pm_tx_mysql,
# pm_tx_sqlite: `#[prisma_migrations::test(transaction)]`; sqlx_pg, sqlx_mysql, sqlx_sqlite), then times each test
# binary's whole run (wall clock, median of RUNS). The per-test cost is that time
# divided by the number of tests; `cold` is prisma-migrations' first run, which builds the template (dropped first).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${BENCH_DIR:-$repo/target/bench-test-attr}
runs=${RUNS:-3}
tests=${TESTS:-50}
count=${MIGRATIONS:-100}
threads=${THREADS:-2}
pg=${PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
my=${MYSQL_URL:-mysql://root@127.0.0.1:3306/mysql}
export CARGO_TARGET_DIR=$work/target
unset PRISMA_MIGRATIONS_MANIFEST_DIR RUSTFLAGS

app=$work/app
rm -rf "$app"
mkdir -p "$app/src" "$app/tests" "$app/prisma/migrations" "$app/migrations"
cat > "$app/Cargo.toml" <<TOML
[package]
name = "bench-test-attr"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
prisma-migrations = { path = "$repo/runtime", default-features = false, features = ["test", "postgres", "sqlite", "mysql"] }
# sqlx's migrate feature only here, for the baseline.
sqlx = { version = "0.9", default-features = false, features = ["runtime-tokio", "postgres", "sqlite", "mysql", "migrate", "macros"] }
tokio = { version = "1", features = ["rt", "macros"] }

[workspace]
TOML
cp "$repo/Cargo.lock" "$app/Cargo.lock"
echo "" > "$app/src/lib.rs"
for i in $(seq 1 "$count"); do
  ts=$(printf '2025%02d%02d%02d0000' $(( (i-1)/700 + 1 )) $(( ((i-1)/24)%28 + 1 )) $(( (i-1)%24 )))
  sql="CREATE TABLE t_$i (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL);
CREATE INDEX t_${i}_name_idx ON t_$i (name);
"
  mkdir -p "$app/prisma/migrations/${ts}_create_table_$i"
  printf '%s' "$sql" > "$app/prisma/migrations/${ts}_create_table_$i/migration.sql"
  printf '%s' "$sql" > "$app/migrations/${ts}_create_table_$i.sql"
done

body='let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t_1").fetch_one(&pool).await.unwrap(); assert_eq!(n, 0);
    sqlx::query("INSERT INTO t_1 (id, name) VALUES (@ID@, '"'"'x'"'"')").execute(&pool).await.unwrap();'
{
  echo "use prisma_migrations::Database;"
  for t in $(seq 1 "$tests"); do
    b=${body//@ID@/$t}
    cat <<RS
#[prisma_migrations::test]
async fn t$t(db: Database) {
    match db.kind() {
        prisma_migrations::DatabaseKind::Postgres => { let pool = db.postgres_pool().unwrap().clone(); $b }
        prisma_migrations::DatabaseKind::MySql => { let pool = db.mysql_pool().unwrap().clone(); $b }
        prisma_migrations::DatabaseKind::Sqlite => { let pool = db.sqlite_pool().unwrap().clone(); $b }
    }
}
RS
  done
} > "$app/tests/pm.rs"
for kind in pg:PgPool:PgConnection mysql:MySqlPool:MySqlConnection sqlite:SqlitePool:SqliteConnection; do
  name=${kind%%:*}; rest=${kind#*:}; pool=${rest%%:*}; conn=${rest#*:}
  for t in $(seq 1 "$tests"); do
    b=${body//@ID@/$t}
    cat <<RS
#[sqlx::test] // runs ./migrations, sqlx's default with its migrate feature
async fn t$t(pool: sqlx::$pool) { $b }
RS
  done > "$app/tests/sqlx_$name.rs"
  # The same body on the transaction's connection: \`&pool\` is that connection.
  for t in $(seq 1 "$tests"); do
    b=${body//@ID@/$t}
    cat <<RS
#[prisma_migrations::test(transaction)]
async fn t$t(conn: &mut sqlx::$conn) { let pool = &mut *conn; $b }
RS
  done | sed 's/(&pool)/(\&mut *pool)/g' > "$app/tests/pm_tx_$name.rs"
done

cd "$app"
cargo test --offline --no-run -q 2>/dev/null || cargo test --offline --no-run
exe() { cargo test --offline --no-run --message-format=json -q 2>/dev/null | grep -o "\"executable\":\"[^\"]*/$1-[^\"]*\"" | cut -d'"' -f4; }
pm=$(exe pm); sqlx_pg=$(exe sqlx_pg); sqlx_mysql=$(exe sqlx_mysql); sqlx_sqlite=$(exe sqlx_sqlite)
pm_tx_pg=$(exe pm_tx_pg); pm_tx_mysql=$(exe pm_tx_mysql); pm_tx_sqlite=$(exe pm_tx_sqlite)

# Wall-clock seconds of one run of a test binary (which must pass).
timed() {
  local url=$1; shift
  local start end
  start=$(date +%s.%N)
  DATABASE_URL=$url "$@" --test-threads="$threads" -q > "$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

drop_templates() {
  case $1 in
    pg) psql "$pg" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'pm\_tpl\_%' OR datname LIKE 'pm\_tx\_%'" | while read -r d; do
          psql "$pg" -qc "ALTER DATABASE \"$d\" WITH IS_TEMPLATE false" -c "DROP DATABASE \"$d\""; done ;;
    mysql) mariadb -uroot -h127.0.0.1 -N -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'pm\_tpl\_%' OR schema_name LIKE 'pm\_tx\_%'" | while read -r d; do
          mariadb -uroot -h127.0.0.1 -e "DROP DATABASE \`$d\`"; done ;;
    sqlite) rm -rf "$work/sqlite-dbs" ;;
  esac
}

printf '%-8s %12s %12s %12s %8s %12s %8s\n' database "sqlx ms/test" "pm cold" "pm ms/test" "ratio" "tx ms/test" "ratio"
for db in pg mysql sqlite; do
  case $db in
    pg) url=$pg; base=$sqlx_pg; tx=$pm_tx_pg ;;
    mysql) url=$my; base=$sqlx_mysql; tx=$pm_tx_mysql ;;
    sqlite) url="file:$work/sqlite-dbs/test.db"; base=$sqlx_sqlite; tx=$pm_tx_sqlite ;;
  esac
  drop_templates "$db"
  cold=$(timed "$url" "$pm")
  timed "$url" "$tx" > /dev/null # builds the transaction tests' shared database
  s=$(for _ in $(seq "$runs"); do timed "$url" "$base"; done | median)
  p=$(for _ in $(seq "$runs"); do timed "$url" "$pm"; done | median)
  x=$(for _ in $(seq "$runs"); do timed "$url" "$tx"; done | median)
  printf '%-8s %12.1f %12.1f %12.1f %8.1f %12.1f %8.1f\n' "$db" "$(echo "$s*1000/$tests" | bc -l)" "$(echo "$cold*1000/$tests" | bc -l)" \
    "$(echo "$p*1000/$tests" | bc -l)" "$(echo "$s/$p" | bc -l)" "$(echo "$x*1000/$tests" | bc -l)" "$(echo "$s/$x" | bc -l)"
done
