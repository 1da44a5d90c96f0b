#!/usr/bin/env bash
# Benchmark (issue 3, DESIGN §7): a large LA's full year of attendance marks imported with
# `vschool import attendance` into a database that does not yet hold that file's marks, on
# SQLite and on PostgreSQL, beside DuckDB loading the same CSV in the same run. Prints a
# table of wall time and peak memory (/usr/bin/time -v, "Maximum resident set size").
#
#   scripts/bench-import.sh [WORKDIR]
#
# WORKDIR (default /tmp/vschool-bench) keeps the generated files between runs. PostgreSQL
# comes from VSCHOOL_BENCH_PG (default postgres://postgres@127.0.0.1:5432/test): a scratch
# database is created beside it and dropped afterwards. DuckDB comes from PyPI (installed
# with pip when missing). Each database is prepared first (untimed) with the settings
# register and the roll, as an LA's would be, so the import also checks every mark against
# the enrolments.
set -euo pipefail
cd "$(dirname "$0")/.."

work=${1:-/tmp/vschool-bench}
pg=${VSCHOOL_BENCH_PG:-postgres://postgres@127.0.0.1:5432/test}
today=2025-03-14
mkdir -p "$work"

command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
python3 -c 'import duckdb' 2>/dev/null || python3 -m pip install --quiet duckdb

echo "== building vschool (release)" >&2
cargo build --release -q -p vschool-cli
vschool=$PWD/target/release/vschool

files=$work/files
if [ ! -f "$files/attendance-2023-24.csv" ]; then
  echo "== generating the large LA's files into $files" >&2
  rm -f "$work/demo.db"*
  "$vschool" --db "sqlite://$work/demo.db" demo --size large --write-files "$files" \
    --no-serve --today "$today" >/dev/null
fi
marks=$files/attendance-2023-24.csv
rows=$(( $(wc -l < "$marks") - 1 ))
size_mb=$(( $(stat -c %s "$marks") / 1000000 ))

# timed NAME COMMAND...: runs it under /usr/bin/time -v; appends "NAME wall rss" to $results.
results=$work/results.txt
: > "$results"
timed() {
  local name=$1; shift
  local log=$work/time.log
  /usr/bin/time -v "$@" > "$work/out.log" 2> "$log" || { cat "$work/out.log" "$log" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$log")
  echo "$name|$wall|$rss" >> "$results"
  echo "   $name: ${wall} s, ${rss} MB" >&2
}

prepare() {
  "$vschool" --db "$1" import gias "$files"/edubasealldata*.csv >/dev/null
  "$vschool" --db "$1" import roll "$files/roll.csv" >/dev/null
}

echo "== SQLite" >&2
rm -f "$work/bench.db"*
sqlite_url="sqlite://$work/bench.db"
prepare "$sqlite_url"
sync
timed "vschool import, SQLite" "$vschool" --db "$sqlite_url" import attendance "$marks"
grep -q "^Loaded" "$work/out.log" || { cat "$work/out.log"; exit 1; }
timed "vschool import again (unchanged), SQLite" "$vschool" --db "$sqlite_url" import attendance "$marks"

echo "== PostgreSQL" >&2
scratch=vschool_bench_$$
admin_psql() { PGOPTIONS='-c client_min_messages=warning' psql "$pg" -qAtc "$1" >/dev/null; }
admin_psql "DROP DATABASE IF EXISTS $scratch"
admin_psql "CREATE DATABASE $scratch"
trap 'admin_psql "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" || true' EXIT
pg_url="${pg%/*}/$scratch"
prepare "$pg_url"
timed "vschool import, PostgreSQL" "$vschool" --db "$pg_url" import attendance "$marks"
grep -q "^Loaded" "$work/out.log" || { cat "$work/out.log"; exit 1; }
timed "vschool import again (unchanged), PostgreSQL" "$vschool" --db "$pg_url" import attendance "$marks"

echo "== DuckDB" >&2
rm -f "$work/duck.db"*
timed "DuckDB CREATE TABLE AS read_csv, file" python3 -c "
import duckdb
con = duckdb.connect('$work/duck.db')
con.execute(\"CREATE TABLE marks AS SELECT * FROM read_csv('$marks')\")
assert con.execute('SELECT count(*) FROM marks').fetchone()[0] == $rows
"
timed "DuckDB CREATE TABLE AS read_csv, in memory" python3 -c "
import duckdb
con = duckdb.connect()
con.execute(\"CREATE TABLE marks AS SELECT * FROM read_csv('$marks')\")
"
duck_version=$(python3 -c 'import duckdb; print(duckdb.__version__)')

duck=$(awk -F'|' '/DuckDB .*, file/ { print $2 }' "$results")
echo
echo "Large LA, $(basename "$marks"): $(echo "$rows" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') marks, $size_mb MB; $(nproc) cores; DuckDB $duck_version"
echo
echo "| what | wall time | peak memory | time ÷ DuckDB (file) |"
echo "|---|---|---|---|"
while IFS='|' read -r name wall rss; do
  ratio=$(awk -v a="$wall" -v b="$duck" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
  echo "| $name | $wall s | $rss MB | $ratio |"
done < "$results"
