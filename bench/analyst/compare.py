"""Check that per-pupil tracker CSVs agree exactly, keyed by school URN and pupil UPN.

Each file has the columns of `vschool bench trackers --pupils-csv` (urn, upn, status, then
possible/attended/authorised/unauthorised/pct for on plan, year to date, previous term and
previous year, then the persistent and severe absence flags). The first file is the
reference; every other file must have the same columns, the same (URN, UPN) rows and the
same value in every cell. Differences are listed (the first 20 of each file) and the exit
status is 1.

Usage: python3 compare.py REFERENCE.csv OTHER.csv [OTHER.csv ...]
"""

import csv
import sys


def read(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = {}
        duplicates = 0
        for row in reader:
            key = (row[0], row[1])
            if key in rows:
                duplicates += 1
            rows[key] = row
        return header, rows, duplicates


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ref_path = sys.argv[1]
    ref_header, ref, ref_dups = read(ref_path)
    ok = ref_dups == 0
    if ref_dups:
        print(f"{ref_path}: {ref_dups} repeated (URN, UPN) rows")
    for path in sys.argv[2:]:
        header, rows, dups = read(path)
        problems = []
        if header != ref_header:
            problems.append(f"columns differ: {header} vs {ref_header}")
        if dups:
            problems.append(f"{dups} repeated (URN, UPN) rows")
        missing = sorted(set(ref) - set(rows))
        extra = sorted(set(rows) - set(ref))
        problems += [f"missing row URN {k[0]} UPN {k[1]}" for k in missing]
        problems += [f"extra row URN {k[0]} UPN {k[1]}" for k in extra]
        cells = 0
        for key in sorted(set(ref) & set(rows)):
            for name, mine, theirs in zip(ref_header, ref[key], rows[key]):
                cells += 1
                if mine != theirs:
                    problems.append(f"URN {key[0]} UPN {key[1]} {name}: {ref_path} has "
                                    f"{mine!r}, {path} has {theirs!r}")
        if problems:
            ok = False
            print(f"{path}: {len(problems)} differences from {ref_path}")
            for p in problems[:20]:
                print("  " + p)
        else:
            print(f"{path}: identical to {ref_path} ({len(rows)} pupils, "
                  f"{len(set(k[0] for k in rows))} schools, {cells} values)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
