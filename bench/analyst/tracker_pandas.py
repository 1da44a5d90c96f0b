"""Every school's attendance tracker, per pupil, with pandas: the analyst's second baseline.

The same figures as duckdb/tracker.sql and `vschool tracker --all` (DESIGN sections 4 and 8,
docs/methodology.md), step by step in pandas, from the same input files. The CIN census XML
must be flattened first (flatten_social_care.py FILES_DIR FLAT_DIR). Writes one CSV row per
school and pupil, the columns of `vschool bench trackers --pupils-csv`.

Usage:
  python3 tracker_pandas.py --files FILES_DIR --flat FLAT_DIR --at 2025-03-14 --out OUT.csv \
      [--timings FILE.json]
"""

import argparse
import datetime as dt
import glob
import json
import os
import time

import numpy as np
import pandas as pd

from periods import report_periods

# What each attendance code counts as (docs/methodology.md). Codes keep one meaning across
# the 2024 change (H authorised and J attending before 19 August 2024; the import rejects a
# code used outside its set), so the category does not depend on the date. Any other code
# (D X Q Y Y1-Y7 Z #) is not a possible session.
CATEGORY = {}
CATEGORY.update({c: "attended" for c in ["/", "\\", "L", "K", "V", "P", "W", "B", "J"]})
CATEGORY.update({c: "authorised" for c in ["C1", "M", "J1", "S", "C2", "C", "T", "R", "I", "E", "H"]})
CATEGORY.update({c: "unauthorised" for c in ["G", "N", "O", "U"]})

# A period of care ending with one of these makes the child previously looked after
# (adoption, child arrangements order, special guardianship): never in a school's tracker.
PERMANENCE = {"E11", "E12", "E41", "E43", "E44", "E45", "E46", "E47", "E48"}

PERIODS = ["op", "ytd", "pt", "py"]
CATEGORIES = ["attended", "authorised", "unauthorised"]


def read_social_care(files, flat):
    """Children's UPNs and the spans (CIN plans, CP plans, episodes of care)."""
    cin_children = pd.read_csv(os.path.join(flat, "cin_children.csv"), dtype=str)
    cin_plans = pd.read_csv(os.path.join(flat, "cin_plans.csv"), dtype=str)
    header = pd.read_csv(os.path.join(files, "header.csv"), dtype=str,
                         usecols=["CHILD", "UPN"])
    episodes = pd.read_csv(os.path.join(files, "episodes.csv"), dtype=str,
                           usecols=["CHILD", "DECOM", "DEC", "LS", "REC"])

    # Each child's identifiers: the newest CIN census that lists the child, else the 903
    # header's UPN (UN1-UN5 there mean "no UPN").
    newest = (cin_children.sort_values("reference_date")
              .drop_duplicates("la_child_id", keep="last")
              .set_index("la_child_id"))
    h = header.rename(columns={"CHILD": "la_child_id", "UPN": "upn_903"}).set_index("la_child_id")
    h.loc[h["upn_903"].str.startswith("UN", na=False), "upn_903"] = np.nan
    children = newest[["upn", "former_upn"]].join(h, how="outer")
    children["upn"] = children["upn"].fillna(children["upn_903"])
    children = children.reset_index()[["la_child_id", "upn", "former_upn"]]

    # A plan is (child, kind, start); the newest file listing it has its final end date.
    plans = (cin_plans.sort_values("reference_date")
             .drop_duplicates(["la_child_id", "kind", "start"], keep="last"))
    plans = pd.DataFrame({
        "la_child_id": plans["la_child_id"],
        "kind": plans["kind"],
        "start": pd.to_datetime(plans["start"], format="%Y-%m-%d"),
        "end": pd.to_datetime(plans["end"], format="%Y-%m-%d"),
    })
    episodes = pd.DataFrame({
        "la_child_id": episodes["CHILD"],
        "start": pd.to_datetime(episodes["DECOM"], format="%d/%m/%Y"),
        "end": pd.to_datetime(episodes["DEC"], format="%d/%m/%Y"),
        "legal_status": episodes["LS"].str.strip(),
        "reason_ceased": episodes["REC"].str.strip(),
    })
    # Short breaks (V3, V4) are not "looked after".
    care = episodes[~episodes["legal_status"].isin(["V3", "V4"])]
    spans = pd.concat([plans, care.assign(kind="CLA")[["la_child_id", "kind", "start", "end"]]],
                      ignore_index=True)
    return children, spans, episodes


def statuses(spans, episodes, p):
    """Each child's status on the report date: CLA > CP > CIN, else ever6, else none."""
    at = pd.Timestamp(p["at"])
    end_or_at = spans["end"].fillna(at)
    covers = (spans["start"] <= at) & (end_or_at >= at)
    in_six_years = (spans["start"] <= at) & (end_or_at >= pd.Timestamp(p["six_years_before"]))
    flags = pd.DataFrame({
        "la_child_id": spans["la_child_id"],
        "cla": covers & (spans["kind"] == "CLA"),
        "cp": covers & (spans["kind"] == "CP"),
        "cin": covers & (spans["kind"] == "CIN"),
        "ever6": in_six_years,
    }).groupby("la_child_id").any()
    flags["status"] = np.select([flags["cla"], flags["cp"], flags["cin"], flags["ever6"]],
                                ["CLA", "CP", "CIN", "ever6"], default="")
    flags = flags[flags["status"] != ""]

    # Previously looked after: the episode that ended last on or before the date (any legal
    # status) ended in adoption, a child arrangements order or special guardianship.
    ended = episodes[episodes["end"] <= at].sort_values(["la_child_id", "end", "start"])
    last_care = ended.drop_duplicates("la_child_id", keep="last").set_index("la_child_id")
    plac = last_care.index[last_care["reason_ceased"].isin(PERMANENCE)]
    hidden = (flags["status"] == "ever6") & flags.index.isin(plac)
    return flags.loc[~hidden, "status"]


def links(children):
    """Pupil UPN -> LA child id: the child with that UPN, else the one it is the FormerUPN of."""
    current = children.dropna(subset=["upn"])[["upn", "la_child_id"]]
    former = children.dropna(subset=["former_upn"])
    former = former[~former["former_upn"].isin(current["upn"])]
    former = former[["former_upn", "la_child_id"]].rename(columns={"former_upn": "upn"})
    return pd.concat([current, former], ignore_index=True)


def plan_days(candidates, spans, p):
    """(UPN, day) for every day of this academic year up to the date that a span covers."""
    at, year_start = pd.Timestamp(p["at"]), pd.Timestamp(p["year_start"])
    s = spans.merge(candidates[["upn", "la_child_id"]], on="la_child_id")
    s = s.assign(first=s["start"].clip(lower=year_start),
                 last=s["end"].fillna(at).clip(upper=at))
    s = s[s["first"] <= s["last"]]
    days = [pd.date_range(a, b) for a, b in zip(s["first"], s["last"])]
    out = pd.DataFrame({
        "UPN": np.repeat(s["upn"].to_numpy(), [len(d) for d in days]),
        "day": np.concatenate([d.to_numpy() for d in days]) if days else [],
    })
    # A day covered by two spans counts once.
    return out.drop_duplicates()


def read_marks(files, candidate_upns):
    """Every candidate's marks from the attendance files, with each code's category."""
    frames = []
    for path in sorted(glob.glob(os.path.join(files, "attendance-*.csv"))):
        m = pd.read_csv(path, usecols=["UPN", "URN", "Date", "Code"],
                        dtype={"UPN": str, "URN": "int32", "Date": str, "Code": str})
        frames.append(m[m["UPN"].isin(candidate_upns)])
    marks = pd.concat(frames, ignore_index=True)
    marks["category"] = marks["Code"].map(CATEGORY)  # not possible -> NaN
    marks = marks[marks["Code"].notna() & (marks["Code"] != "-")]  # empty or "-": no mark
    marks["day"] = pd.to_datetime(marks["Date"], format="%Y-%m-%d")
    return marks.drop(columns=["Date", "Code"])


def tallies(marks, days, p):
    """Counts by school and pupil: attended, authorised, unauthorised in each period."""
    at = pd.Timestamp(p["at"])
    marks = marks.merge(days.assign(on_plan=True), on=["UPN", "day"], how="left")
    in_period = {
        "ytd": marks["day"].between(pd.Timestamp(p["year_start"]), at),
        "pt": marks["day"].between(pd.Timestamp(p["pt_from"]), pd.Timestamp(p["pt_to"])),
        "py": marks["day"].between(pd.Timestamp(p["py_from"]), pd.Timestamp(p["py_to"])),
    }
    in_period["op"] = in_period["ytd"] & marks["on_plan"].fillna(False).astype(bool)
    columns = {"URN": marks["URN"], "UPN": marks["UPN"],
               "first_mark": marks["day"], "last_mark": marks["day"]}
    for period in PERIODS:
        for category in CATEGORIES:
            columns[f"{period}_{category}"] = in_period[period] & (marks["category"] == category)
    counts = pd.DataFrame(columns).groupby(["URN", "UPN"]).agg(
        {c: ("min" if c == "first_mark" else "max" if c == "last_mark" else "sum")
         for c in columns if c not in ("URN", "UPN")})
    return counts.reset_index()


def pct(attended, possible):
    """attended / possible x 100 rounded half up to one decimal, "" when nothing was possible.
    floor(x x 10 + 0.5) on the double gives the DfE's rounding of the double for every count
    a year can hold (check_rounding.py); numpy's own round() is half to even."""
    x = attended / possible.where(possible > 0) * 100.0
    rounded = np.floor(x * 10 + 0.5) / 10
    return rounded.map(lambda v: "" if pd.isna(v) else f"{v:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", required=True)
    parser.add_argument("--flat", required=True)
    parser.add_argument("--at", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--out", required=True)
    parser.add_argument("--timings")
    args = parser.parse_args()
    started = time.perf_counter()
    p = report_periods(args.at)
    at = pd.Timestamp(p["at"])

    children, spans, episodes = read_social_care(args.files, args.flat)
    status = statuses(spans, episodes, p)
    candidates = links(children).merge(status.rename("status"), left_on="la_child_id",
                                       right_index=True)
    days = plan_days(candidates, spans, p)
    marks = read_marks(args.files, set(candidates["upn"]))
    counts = tallies(marks, days, p)

    # On roll on the date: an enrolment C, M or S covering it; or marks at a school with no
    # enrolment for the pupil at all, between the first and last of them.
    roll = pd.read_csv(os.path.join(args.files, "roll.csv"), dtype=str,
                       usecols=["UPN", "URN", "EntryDate", "LeavingDate", "EnrolStatus"])
    roll["URN"] = roll["URN"].astype("int32")
    entry = pd.to_datetime(roll["EntryDate"], format="%Y-%m-%d")
    leaving = pd.to_datetime(roll["LeavingDate"], format="%Y-%m-%d").fillna(at)
    on_roll = roll[roll["EnrolStatus"].isin(["C", "M", "S"]) & (entry <= at) & (leaving >= at)]
    on_roll = on_roll[["URN", "UPN"]]
    enrolled = counts.merge(roll[["URN", "UPN"]].drop_duplicates(), on=["URN", "UPN"],
                            how="left", indicator=True)
    by_marks = enrolled[(enrolled["_merge"] == "left_only")
                        & (enrolled["first_mark"] <= at) & (enrolled["last_mark"] >= at)]
    on_roll = pd.concat([on_roll, by_marks[["URN", "UPN"]]]).drop_duplicates()

    t = (on_roll.merge(candidates, left_on="UPN", right_on="upn")
         .merge(counts, on=["URN", "UPN"], how="left"))
    out = pd.DataFrame({"urn": t["URN"], "upn": t["UPN"], "status": t["status"]})
    for period in PERIODS:
        n = {c: t[f"{period}_{c}"].fillna(0).astype("int64") for c in CATEGORIES}
        possible = n["attended"] + n["authorised"] + n["unauthorised"]
        out[f"{period}_possible"] = possible
        for c in CATEGORIES:
            out[f"{period}_{c}"] = n[c]
        out[f"{period}_pct"] = pct(n["attended"], possible)
    # Persistent (>= 10%) and severe (>= 50%) absence on the year to date, in whole numbers.
    absent = out["ytd_authorised"] + out["ytd_unauthorised"]
    possible = out["ytd_possible"]
    out["persistent_absence"] = ((possible > 0) & (absent * 10 >= possible)).astype(int)
    out["severe_absence"] = ((possible > 0) & (absent * 2 >= possible)).astype(int)
    out = out.sort_values(["urn", "upn"])
    out.to_csv(args.out, index=False)

    timings = {"tracker_seconds": time.perf_counter() - started, "pupils": len(out),
               "schools": int(out["urn"].nunique()), "pandas_version": pd.__version__}
    print(json.dumps(timings))
    if args.timings:
        with open(args.timings, "w") as f:
            json.dump(timings, f, indent=2)


if __name__ == "__main__":
    main()
