"""The report dates the tracker needs for a report date, as DESIGN sections 4 and 8 define them.

Shared by the DuckDB and pandas scripts, which an analyst would also drive from Python:

  year_start       1 August of the academic year holding the report date
  previous term    the whole census term before the report date's term; census terms are
                   autumn 1 Aug - 31 Dec, spring 1 Jan - Easter Sunday, summer Easter Monday -
                   31 Jul (marks after the report date never count, so the end is capped there)
  previous year    the whole previous academic year, 1 Aug - 31 Jul
  six_years_before the same calendar date six years earlier (29 February -> 28 February), the
                   start of the Ever6 window
"""

import datetime as dt

from dateutil.easter import easter  # dateutil comes with pandas


def academic_year_start(day):
    """1 August of the academic year (1 Aug - 31 Jul) holding `day`."""
    year = day.year if day.month >= 8 else day.year - 1
    return dt.date(year, 8, 1)


def census_terms(year_start):
    """The three census terms of the academic year starting on `year_start`."""
    y = year_start.year
    easter_sunday = easter(y + 1)
    return [
        (year_start, dt.date(y, 12, 31)),
        (dt.date(y + 1, 1, 1), easter_sunday),
        (easter_sunday + dt.timedelta(days=1), dt.date(y + 1, 7, 31)),
    ]


def six_years_before(day):
    try:
        return day.replace(year=day.year - 6)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 6, day=28)


def report_periods(at):
    """Every date the scripts need for report date `at`, as datetime.date values."""
    year_start = academic_year_start(at)
    previous_year_start = dt.date(year_start.year - 1, 8, 1)
    terms = census_terms(year_start)
    index = next(i for i, (start, end) in enumerate(terms) if start <= at <= end)
    if index == 0:
        # Autumn: the previous term is the summer term of the previous academic year.
        pt_from, pt_to = census_terms(previous_year_start)[2]
    else:
        pt_from, pt_to = terms[index - 1]
    return {
        "at": at,
        "year_start": year_start,
        "pt_from": pt_from,
        "pt_to": min(pt_to, at),
        "py_from": previous_year_start,
        "py_to": dt.date(year_start.year, 7, 31),
        "six_years_before": six_years_before(at),
    }


if __name__ == "__main__":
    # The worked example of DESIGN section 4 and the benchmark's date.
    for day in (dt.date(2024, 11, 22), dt.date(2025, 3, 14), dt.date(2024, 2, 29)):
        print(day, report_periods(day))
