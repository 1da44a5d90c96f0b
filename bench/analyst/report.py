"""Print the tracker benchmark's timings and ratios from the JSON files of one or more runs.

bench/run-tracker-bench.sh writes these into each run's folder (WORK/round-K), then calls
this script with every run's folder; each figure is the fastest of the runs (the machine is
shared, so the fastest is the one least disturbed by others' work):

  rust.json          vschool bench trackers --format json over the database `vschool demo`
                     built (stage by stage): the whole LA, also allocations, exclusions,
                     attainment and contacts
  rust-import.json   the same over a database built by `vschool import` of the files the
                     analyst reads (and GIAS, which the import needs first)
  import.json        {"seconds": ..., "each": {kind: seconds}}: those imports, from an empty
                     database
  demo.json          {"load_seconds": ...}: the demo's own store load (the stand-in when the
                     binary has no import command: it loads the generated LA, parses no file)
  flatten.json       {"seconds": ...}: flatten_social_care.py
  duckdb-files.json, duckdb-load.json, duckdb-db.json, pandas.json: the analyst's scripts

Usage: python3 report.py ROUND_DIR [ROUND_DIR ...] [--markdown]
"""

import json
import os
import sys


def load(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def stages(report):
    return {s["key"]: s["seconds"] for s in report["stages"]}


def loaded(report):
    """From the loaded store to every pupil's figures in the JSON contract: the counterpart of
    DuckDB's "from a loaded database" run, whose query ends by writing the figures as CSV."""
    st = stages(report)
    return sum(st[k] for k in ("open", "load", "index", "build", "json"))


def measure(folder):
    """Every figure of one run, by name (None where not measured), and facts about the run."""
    rust = load(folder, "rust.json")
    rust_import = load(folder, "rust-import.json")
    imported = load(folder, "import.json")
    demo = load(folder, "demo.json")
    flatten = load(folder, "flatten.json")
    duck_files = load(folder, "duckdb-files.json")
    duck_load = load(folder, "duckdb-load.json")
    duck_db = load(folder, "duckdb-db.json")
    pandas = load(folder, "pandas.json")
    if not all([rust, flatten, duck_files, duck_load, duck_db, pandas]):
        sys.exit(f"{folder}: a timing file is missing; run bench/run-tracker-bench.sh")
    st = stages(rust)
    f = {
        "rust_open": st["open"],
        "rust_load": st["load"],
        "rust_index": st["index"],
        "rust_build": st["build"],
        "rust_json": st["json"],
        "rust_xlsx_summary": st["xlsx_summary"],
        "rust_xlsx_build": st["xlsx_build"],
        "rust_xlsx_write": st["xlsx_write"],
        "rust_xlsx": rust["xlsx_seconds"],
        "rust_loaded_demo": loaded(rust),
        "import": imported["seconds"] if imported else None,
        **{f"import_{k}": v for k, v in (imported or {}).get("each", {}).items()},
        "rust_import_load": stages(rust_import)["load"] if rust_import else None,
        "rust_loaded_import": loaded(rust_import) if rust_import else None,
        "demo_load": demo["load_seconds"] if demo else None,
        "flatten": flatten["seconds"],
        "duckdb_files": duck_files["tracker_seconds"],
        "duckdb_load": duck_load["load_seconds"],
        "duckdb_db": duck_db["tracker_seconds"],
        "duckdb_warm": duck_db.get("warm_tracker_seconds"),
        "rust_in_memory": st["build"] + st["json"],
        "pandas": pandas["tracker_seconds"],
    }
    f["duckdb_from_files"] = f["flatten"] + f["duckdb_files"]
    f["pandas_from_files"] = f["flatten"] + f["pandas"]
    if f["import"] is not None and f["rust_loaded_import"] is not None:
        f["rust_from_files"] = f["import"] + f["rust_loaded_import"]
    elif f["demo_load"] is not None:
        f["rust_from_files"] = f["demo_load"] + f["rust_loaded_demo"]
    else:
        f["rust_from_files"] = None
    facts = {"at": rust["at"], "pupils": rust["tracker_pupils"], "schools": rust["schools"],
             "marks": rust["marks"], "duckdb": duck_files.get("duckdb_version"),
             "pandas": pandas.get("pandas_version"), "imported": imported is not None}
    return f, facts


def main():
    folders = [a for a in sys.argv[1:] if not a.startswith("--")]
    markdown = "--markdown" in sys.argv[1:]
    if not folders:
        sys.exit(__doc__)
    runs = [measure(d) for d in folders]
    facts = runs[0][1]
    best = {}
    for name in runs[0][0]:
        values = [r[0][name] for r in runs if r[0][name] is not None]
        best[name] = min(values) if values else None

    rows = [
        ("Rust: open the database", "rust_open"),
        ("Rust: load_dataset (SQLite, the whole demo LA)", "rust_load"),
        ("Rust: index (LaSnapshot::new)", "rust_index"),
        ("Rust: every school's tracker (build_all; target < 2 s)", "rust_build"),
        ("Rust: every tracker as JSON", "rust_json"),
        ("Rust: XLSX summary figures (LA and school statistics)", "rust_xlsx_summary"),
        ("Rust: XLSX build every workbook", "rust_xlsx_build"),
        ("Rust: XLSX write every workbook", "rust_xlsx_write"),
        ("Rust: every XLSX written (target < 30 s)", "rust_xlsx"),
        ("Rust: vschool import of the files, empty database", "import"),
        ("  of which gias", "import_gias"),
        ("  of which cin-census (5 XML files)", "import_cin-census"),
        ("  of which ssda903", "import_ssda903"),
        ("  of which roll", "import_roll"),
        ("  of which attendance (2 files, 23.6 M marks)", "import_attendance"),
        ("Rust: load_dataset of the imported store", "rust_import_load"),
        ("Rust: the demo's store load (generated LA, no parsing)", "demo_load"),
        ("Python: flatten the CIN census XML (xml.etree)", "flatten"),
        ("DuckDB: tracker straight from the files", "duckdb_files"),
        ("DuckDB: load the files into a DuckDB database", "duckdb_load"),
        ("DuckDB: tracker from its loaded database", "duckdb_db"),
        ("DuckDB: the same again, tables already in memory", "duckdb_warm"),
        ("pandas: tracker from the files", "pandas"),
    ]
    rows = [(label, best.get(key)) for label, key in rows if best.get(key) is not None]
    end_to_end = [("in memory (Rust: loaded snapshot, as the web server; DuckDB: warm)",
                   best["rust_in_memory"], best["duckdb_warm"], None)]
    if best["rust_loaded_import"] is not None:
        end_to_end.append(("from a loaded store, same inputs (Rust: SQLite from the import)",
                           best["rust_loaded_import"], best["duckdb_db"], None))
    end_to_end += [
        ("from a loaded store: Rust over the whole demo LA",
         best["rust_loaded_demo"], best["duckdb_db"], None),
        ("from the input files (DuckDB, pandas: with the XML flattening)",
         best["rust_from_files"], best["duckdb_from_files"], best["pandas_from_files"]),
    ]
    if facts["imported"]:
        files_how = ("`vschool import` of the files the analyst reads (and GIAS) into an empty "
                     "SQLite database, then the tracker over it")
    else:
        files_how = ("no import command in this binary: the demo's store load (the generated "
                     "LA written into SQLite; no file parsed) + the tracker")

    def secs(x):
        return f"{x:.2f}" if x is not None else "-"

    def ratio(a, b):
        return f"{a / b:.1f}x" if a and b else "-"

    print(f"Trackers for every school at {facts['at']}: {facts['pupils']} pupils at "
          f"{facts['schools']} schools, {facts['marks']:,} marks; DuckDB {facts['duckdb']}, "
          f"pandas {facts['pandas']}; fastest of {len(runs)} run(s)")
    print()
    if markdown:
        print("| stage | seconds |")
        print("|---|---|")
        for label, s in rows:
            print(f"| {label} | {secs(s)} |")
        print()
        print("| end to end (seconds) | Rust | DuckDB | pandas | DuckDB ÷ Rust | pandas ÷ Rust |")
        print("|---|---|---|---|---|---|")
        for label, r, d, p in end_to_end:
            print(f"| {label} | {secs(r)} | {secs(d)} | {secs(p)} | {ratio(d, r)} | {ratio(p, r)} |")
    else:
        width = max(len(label) for label, _ in rows)
        for label, s in rows:
            print(f"  {label:<{width}}  {secs(s):>7} s")
        print()
        w = max(len(label) for label, *_ in end_to_end)
        print(f"  {'end to end (seconds)':<{w}} {'Rust':>7} {'DuckDB':>7} {'pandas':>7} "
              f"{'DuckDB/Rust':>11} {'pandas/Rust':>11}")
        for label, r, d, p in end_to_end:
            print(f"  {label:<{w}} {secs(r):>7} {secs(d):>7} {secs(p):>7} "
                  f"{ratio(d, r):>11} {ratio(p, r):>11}")
    print()
    print(f"Rust from the files: {files_how}.")


if __name__ == "__main__":
    main()
