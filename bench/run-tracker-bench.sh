#!/usr/bin/env bash
# The tracker benchmark of issue 4, beside what an analyst would do (docs/performance.md,
# "Trackers for every school (issue 4)").
#
#   bench/run-tracker-bench.sh [--at DATE] [--work DIR] [--runs N]
#
# 1. Builds the large synthetic LA into WORK/large.db and writes its input files into
#    WORK/files (`vschool demo --size large --today 2025-03-14 --write-files`), unless both
#    are there already.
# 2. Rust: `vschool bench trackers` over that database, stage by stage, writing every pupil's
#    figures as CSV. If the binary has `vschool import`, also imports the files the analyst
#    reads into an empty database (ROUND/import.db), times that, and benchmarks over it.
# 3. The analyst: flattens the CIN census XML (bench/analyst/flatten_social_care.py), then
#    computes the same per-pupil figures from the same files with DuckDB (straight from the
#    files, and from a DuckDB database loaded from them) and with pandas.
# 4. Checks that every result is identical, pupil by pupil (bench/analyst/compare.py; the exit
#    status is 1 if not), and prints the timings and ratios (bench/analyst/report.py).
# Steps 2-4 run N times (--runs, default 1), each in WORK/round-K; the report takes the
# fastest of the runs for each figure, as the machine is shared.
#
# Needs: cargo, python3 with duckdb and pandas (`pip install duckdb pandas`). Large files go
# under WORK (default /tmp/vschool-tracker-bench, about 1.5 GB), never into the repository.
# VSCHOOL_BIN=path uses that binary instead of building target/release/vschool.
set -euo pipefail

AT=2025-03-14
TODAY=2025-03-14   # the synthetic LA's "today": its data runs to this date
WORK=/tmp/vschool-tracker-bench
RUNS=1
while [ $# -gt 0 ]; do
    case "$1" in
        --at) AT="$2"; shift 2 ;;
        --work) WORK="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

# No __pycache__ folders in the repository from the analyst's scripts.
export PYTHONDONTWRITEBYTECODE=1

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ANALYST="$ROOT/bench/analyst"
FILES="$WORK/files"
DB="$WORK/large.db"
mkdir -p "$WORK"

python3 -c 'import duckdb, pandas' 2>/dev/null || {
    echo "The analyst's baseline needs DuckDB and pandas: pip install duckdb pandas" >&2
    exit 1
}

if [ -z "${VSCHOOL_BIN:-}" ]; then
    echo "== building vschool (release)"
    (cd "$ROOT" && cargo build --release -p vschool-cli)
    VSCHOOL_BIN="$ROOT/target/release/vschool"
fi
vschool() { "$VSCHOOL_BIN" "$@"; }

# Seconds since the epoch, with fractions, for timing whole commands.
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }

if [ ! -f "$DB" ] || [ ! -f "$FILES/roll.csv" ]; then
    echo "== building the large LA into $DB and its files into $FILES"
    rm -f "$DB" "$DB-wal" "$DB-shm"
    vschool --db "sqlite://$DB" demo --size large --today "$TODAY" --no-serve \
        --write-files "$FILES" 2>&1 | tee "$WORK/demo.log"
    # "loaded into sqlite:///... in 4.1 s": the demo's own store load.
    python3 - "$WORK/demo.log" "$WORK/demo.json" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"loaded into \S+ in ([0-9.]+) s", text)
if m:
    json.dump({"load_seconds": float(m.group(1))}, open(sys.argv[2], "w"))
EOF
fi

HAS_IMPORT=no
vschool import --help >/dev/null 2>&1 && HAS_IMPORT=yes

agree=0
for round in $(seq 1 "$RUNS"); do
    R="$WORK/round-$round"
    rm -rf "$R"
    mkdir -p "$R"
    [ -f "$WORK/demo.json" ] && cp "$WORK/demo.json" "$R/"
    echo "== round $round of $RUNS (load average: $(cut -d' ' -f1-3 /proc/loadavg))"

    echo "-- Rust: vschool bench trackers over the demo's database"
    vschool --db "sqlite://$DB" bench trackers --at "$AT" --format json \
        --pupils-csv "$R/rust.csv" > "$R/rust.json"
    CSVS=("$R/rust.csv")

    if [ "$HAS_IMPORT" = yes ]; then
        echo "-- Rust: vschool import of the files into an empty database, then the benchmark"
        IDB="$R/import.db"
        # Migrations first, so the import timings are the imports alone.
        vschool --db "sqlite://$IDB" bench trackers --at "$AT" > /dev/null
        # What the analyst reads; GIAS first, as the import checks URNs against it.
        commands=(
            "gias $FILES/edubasealldata*.csv"
            "cin-census $FILES/cin-census-*.xml"
            "ssda903 $FILES/header.csv $FILES/episodes.csv"
            "roll $FILES/roll.csv"
            "attendance $FILES/attendance-*.csv"
        )
        : > "$R/import.log"
        each=()
        for c in "${commands[@]}"; do
            start=$(now)
            # shellcheck disable=SC2086  # the globs in each command are meant to expand
            vschool --db "sqlite://$IDB" import $c >> "$R/import.log" 2>&1 || {
                echo "vschool import $c failed:" >&2; tail -20 "$R/import.log" >&2; exit 1; }
            each+=("${c%% *}=$(elapsed "$start" "$(now)")")
        done
        # {"seconds": total, "each": {"gias": s, "cin-census": s, ...}}
        python3 -c "import json, sys; each = dict(a.split('=') for a in sys.argv[2:]); each = {k: float(v) for k, v in each.items()}; json.dump({'seconds': sum(each.values()), 'each': each}, open(sys.argv[1], 'w'))" \
            "$R/import.json" "${each[@]}"
        vschool --db "sqlite://$IDB" bench trackers --at "$AT" --format json \
            --pupils-csv "$R/rust-import.csv" > "$R/rust-import.json"
        CSVS+=("$R/rust-import.csv")
        rm -f "$IDB" "$IDB-wal" "$IDB-shm"
    fi

    (
        cd "$ANALYST"
        echo "-- Python: flatten the CIN census XML"
        python3 flatten_social_care.py "$FILES" "$R/flat" | tail -1 | sed 's/seconds=//' |
            python3 -c "import json, sys; json.dump({'seconds': float(sys.stdin.read())}, open('$R/flatten.json', 'w'))"
        echo "-- DuckDB: straight from the files"
        python3 tracker_duckdb.py --files "$FILES" --flat "$R/flat" --at "$AT" \
            --out "$R/duckdb.csv" --timings "$R/duckdb-files.json"
        echo "-- DuckDB: load the files into a DuckDB database, then the tracker from it"
        python3 tracker_duckdb.py --files "$FILES" --flat "$R/flat" \
            --load-into "$R/analyst.duckdb" --timings "$R/duckdb-load.json"
        python3 tracker_duckdb.py --database "$R/analyst.duckdb" --at "$AT" \
            --out "$R/duckdb-db.csv" --timings "$R/duckdb-db.json" --warm-runs 2
        rm -f "$R/analyst.duckdb"
        echo "-- pandas: from the files"
        python3 tracker_pandas.py --files "$FILES" --flat "$R/flat" --at "$AT" \
            --out "$R/pandas.csv" --timings "$R/pandas.json"
    )
    CSVS+=("$R/duckdb.csv" "$R/duckdb-db.csv" "$R/pandas.csv")

    echo "-- do they agree, pupil by pupil?"
    python3 "$ANALYST/compare.py" "${CSVS[@]}" || agree=1
done

echo "== timings (the fastest of $RUNS run(s) for each figure)"
python3 "$ANALYST/report.py" "$WORK"/round-*
exit "$agree"
