"""Every school's attendance tracker, per pupil, with DuckDB: the analyst's baseline.

Runs duckdb/load.sql and duckdb/tracker.sql through the duckdb Python package
(`pip install duckdb pandas`) and writes one CSV row per school and pupil, the same columns
as `vschool bench trackers --pupils-csv`. Three ways to run it:

  from files (default)   DuckDB reads the input files while the query runs (views);
                         end to end from the files on disk.
  --load-into DB         load the input files into tables in the DuckDB database file DB,
                         then stop (the analyst's one-off import).
  --database DB          run the tracker query on the tables of DB ("from a loaded
                         database", the counterpart of the Rust tracker over its store).

The CIN census XML must be flattened first (flatten_social_care.py FILES_DIR FLAT_DIR).

Usage:
  python3 tracker_duckdb.py --files FILES_DIR --flat FLAT_DIR --at 2025-03-14 --out OUT.csv
  python3 tracker_duckdb.py --files FILES_DIR --flat FLAT_DIR --load-into analyst.duckdb
  python3 tracker_duckdb.py --database analyst.duckdb --at 2025-03-14 --out OUT.csv \
      [--warm-runs 2]
Add --timings FILE.json to keep the timings.
"""

import argparse
import datetime as dt
import json
import os
import string
import sys
import time

import duckdb

from periods import report_periods

HERE = os.path.dirname(os.path.abspath(__file__))


def connect(*args, **kwargs):
    """A DuckDB connection without the progress bar (it would fill the benchmark's log)."""
    con = duckdb.connect(*args, **kwargs)
    con.execute("SET enable_progress_bar = false")
    return con


def sql_file(name, values):
    """A SQL file of duckdb/ with its ${placeholders} filled in."""
    with open(os.path.join(HERE, "duckdb", name)) as f:
        return string.Template(f.read()).substitute(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", help="folder of input files (vschool demo --write-files)")
    parser.add_argument("--flat", help="folder of the flattened CIN census CSVs")
    parser.add_argument("--at", type=dt.date.fromisoformat, help="report date, YYYY-MM-DD")
    parser.add_argument("--out", help="CSV to write, one row per school and pupil")
    parser.add_argument("--load-into", help="load the files into this DuckDB database and stop")
    parser.add_argument("--database", help="run on the tables of this DuckDB database")
    parser.add_argument("--timings", help="write the timings here as JSON")
    parser.add_argument("--warm-runs", type=int, default=0,
                        help="then run the tracker query this many times more on the same "
                             "connection and report the fastest as warm_tracker_seconds")
    args = parser.parse_args()

    timings = {}
    started = time.perf_counter()
    if args.load_into:
        if not (args.files and args.flat):
            sys.exit("--load-into needs --files and --flat")
        if os.path.exists(args.load_into):
            os.remove(args.load_into)  # a fresh load each time
        con = connect(args.load_into)
        con.execute(sql_file("load.sql", {"relation": "TABLE", "files": args.files,
                                          "flat": args.flat}))
        con.close()
        timings["load_seconds"] = time.perf_counter() - started
    else:
        if not (args.at and args.out):
            sys.exit("give --at DATE and --out FILE.csv")
        if args.database:
            con = connect(args.database, read_only=True)
        else:
            if not (args.files and args.flat):
                sys.exit("give --files and --flat (or --database)")
            con = connect()  # in memory; the input relations are views over the files
            con.execute(sql_file("load.sql", {"relation": "VIEW", "files": args.files,
                                              "flat": args.flat}))
        values = {k: v.isoformat() for k, v in report_periods(args.at).items()}
        values["out"] = args.out
        con.execute(sql_file("tracker.sql", values))
        timings["tracker_seconds"] = time.perf_counter() - started
        # Again on the same connection, with the tables already in DuckDB's memory: the
        # counterpart of the Rust tracker over a snapshot already loaded (as the web server
        # keeps one).
        warm = []
        for _ in range(args.warm_runs):
            t = time.perf_counter()
            con.execute(sql_file("tracker.sql", values))
            warm.append(time.perf_counter() - t)
        if warm:
            timings["warm_tracker_seconds"] = min(warm)
        rows = con.execute("SELECT count(*), count(DISTINCT urn) FROM result").fetchone()
        con.close()
        timings["pupils"], timings["schools"] = rows
    timings["duckdb_version"] = duckdb.__version__
    timings["mode"] = ("load" if args.load_into else "database" if args.database else "files")

    print(json.dumps(timings))
    if args.timings:
        with open(args.timings, "w") as f:
            json.dump(timings, f, indent=2)


if __name__ == "__main__":
    main()
