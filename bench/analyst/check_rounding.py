"""Check that the scripts' rounding is the DfE's, for every count a tracker period can hold.

The rule (docs/methodology.md): attendance % = attended / possible x 100 in double precision,
then the double's exact value rounded half up to one decimal. Python's Decimal gives the
exact value; the scripts use cheaper expressions, checked here against it for every
0 <= attended <= possible <= 732 (two sessions a day, 366 days):

  DuckDB   round(attended::DOUBLE / possible * 100, 1)
  pandas   floor(x * 10 + 0.5) / 10 on the same double (numpy's round() is half to even
           and fails this check)

Usage: python3 check_rounding.py        (exit status 1 if any expression disagrees)
"""

import sys
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import numpy as np
import pandas as pd

MAX_POSSIBLE = 732


def main():
    pairs = pd.DataFrame([(a, p) for p in range(1, MAX_POSSIBLE + 1) for a in range(p + 1)],
                         columns=["attended", "possible"])
    x = pairs["attended"] / pairs["possible"] * 100.0
    truth = [str(Decimal(v).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) for v in x]

    con = duckdb.connect()
    con.register("pairs", pairs)
    in_duckdb = [r[0] for r in con.execute(
        "SELECT printf('%.1f', round(attended::DOUBLE / possible * 100, 1)) FROM pairs").fetchall()]
    in_pandas = [f"{v:.1f}" for v in np.floor(x * 10 + 0.5) / 10]
    half_even = [f"{v:.1f}" for v in np.round(x, 1)]

    failed = False
    for name, values, expected_ok in (("DuckDB round()", in_duckdb, True),
                                      ("pandas floor(x*10+0.5)/10", in_pandas, True),
                                      ("numpy round() (half to even)", half_even, False)):
        wrong = [(a, p, v, t) for (a, p), v, t in
                 zip(pairs.itertuples(index=False), values, truth) if v != t]
        print(f"{name}: {len(wrong)} of {len(pairs)} differ from the exact rule"
              + (f", e.g. {wrong[0][0]}/{wrong[0][1]}: {wrong[0][2]} not {wrong[0][3]}"
                 if wrong else ""))
        if expected_ok and wrong:
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
