"""Flatten the DfE CIN census XML files into two CSV files an analyst's SQL can read.

The CIN census comes as one XML file per collection year (cin-census-YYYY.xml). DuckDB and
pandas read CSV, not this XML, so an analyst would first flatten it with a short Python step
like this one (standard library only). The SSDA903 files are CSV already and are read
directly by the SQL and pandas scripts.

Writes into OUT_DIR:
  cin_children.csv  la_child_id, upn, former_upn, reference_date   (one row per child per file)
  cin_plans.csv     la_child_id, kind (CIN or CP), start, end, reference_date
                    (one row per plan per file; `end` is empty while the plan is open)

Every file's rows are kept: which file wins for a plan or a child (the latest reference
date, DESIGN section 8) is decided in the SQL and pandas scripts.

Usage: python3 flatten_social_care.py FILES_DIR OUT_DIR
"""

import csv
import glob
import os
import sys
import time
import xml.etree.ElementTree as ET


def text(element, tag):
    """The stripped text of a child element, or "" when it is missing or empty."""
    value = element.findtext(tag)
    return value.strip() if value else ""


def flatten(files_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    paths = sorted(glob.glob(os.path.join(files_dir, "cin-census-*.xml")))
    if not paths:
        sys.exit(f"no cin-census-*.xml files in {files_dir}")
    children_out = open(os.path.join(out_dir, "cin_children.csv"), "w", newline="")
    plans_out = open(os.path.join(out_dir, "cin_plans.csv"), "w", newline="")
    children = csv.writer(children_out)
    plans = csv.writer(plans_out)
    children.writerow(["la_child_id", "upn", "former_upn", "reference_date"])
    plans.writerow(["la_child_id", "kind", "start", "end", "reference_date"])
    counts = {"files": 0, "children": 0, "plans": 0}
    for path in paths:
        counts["files"] += 1
        reference = ""
        # iterparse streams the file: each <Child> is handled when it closes, then freed.
        for _, element in ET.iterparse(path, events=("end",)):
            if element.tag == "ReferenceDate":
                # The header comes before the children.
                reference = (element.text or "").strip()
            elif element.tag == "Child":
                ids = element.find("ChildIdentifiers")
                child = text(ids, "LAchildID")
                children.writerow([child, text(ids, "UPN"), text(ids, "FormerUPN"), reference])
                counts["children"] += 1
                for details in element.iterfind("CINdetails"):
                    for plan in details.iterfind("CINPlanDates"):
                        plans.writerow([child, "CIN", text(plan, "CINPlanStartDate"),
                                        text(plan, "CINPlanEndDate"), reference])
                        counts["plans"] += 1
                    for plan in details.iterfind("ChildProtectionPlans"):
                        plans.writerow([child, "CP", text(plan, "CPPstartDate"),
                                        text(plan, "CPPendDate"), reference])
                        counts["plans"] += 1
                element.clear()
    children_out.close()
    plans_out.close()
    return counts


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    started = time.perf_counter()
    counts = flatten(sys.argv[1], sys.argv[2])
    seconds = time.perf_counter() - started
    print(f"flattened {counts['files']} CIN census files: {counts['children']} child rows, "
          f"{counts['plans']} plan rows in {seconds:.2f} s", file=sys.stderr)
    # The last line of standard output is the time, for bench/run-tracker-bench.sh.
    print(f"seconds={seconds:.3f}")


if __name__ == "__main__":
    main()
