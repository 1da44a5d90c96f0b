//! What every generation step shares: the size, the seed, "today", the window of years it
//! covers, and each academic year's school days (looked up millions of times, so computed once).

use std::collections::BTreeMap;

use time::{Date, Duration, Month};
use vschool_domain::calendar::six_years_before;
use vschool_domain::term_dates::{DayKind, TermYear};
use vschool_domain::AcademicYear;

use crate::Size;

/// The first CIN census whose schema we ship (and so the first we can write) is 2021, the
/// collection year 1 April 2020 – 31 March 2021.
pub(crate) const FIRST_CIN_COLLECTION_YEAR: i32 = 2021;
/// CIN plan dates first appear in the 2022 CIN census schema (1 April 2021 – 31 March 2022).
pub(crate) const FIRST_CIN_PLAN_COLLECTION_YEAR: i32 = 2022;

pub(crate) fn ymd(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day)
        .or_else(|_| Date::from_calendar_date(year, month, 28))
        .unwrap_or(Date::MIN)
}

/// The first day of a CIN census collection year (`2025` is 1 April 2024 – 31 March 2025).
pub(crate) fn collection_year_start(year: i32) -> Date {
    ymd(year - 1, Month::April, 1)
}

/// The collection year a date falls in: the year of the first 31 March on or after it.
pub(crate) fn collection_year_of(date: Date) -> i32 {
    if date.month() <= Month::March {
        date.year()
    } else {
        date.year() + 1
    }
}

/// One academic year's calendar as a lookup table by day of the year.
pub(crate) struct YearDays {
    pub year: AcademicYear,
    pub term: TermYear,
    kinds: Vec<DayKind>,
}

impl YearDays {
    fn new(year: AcademicYear) -> Self {
        let term = TermYear::default_for(year);
        let kinds = (0..year.days())
            .map(|i| term.day_kind(year.date_of_day(i)))
            .collect();
        YearDays { year, term, kinds }
    }

    pub fn kind(&self, date: Date) -> DayKind {
        self.year
            .day_index(date)
            .and_then(|i| self.kinds.get(i).copied())
            .unwrap_or(DayKind::Holiday)
    }

    pub fn kind_at(&self, index: usize) -> DayKind {
        self.kinds.get(index).copied().unwrap_or(DayKind::Holiday)
    }
}

pub(crate) struct Context {
    pub size: Size,
    pub seed: u64,
    pub today: Date,
    /// The first day of the six-year Ever6 window ending today.
    pub window_start: Date,
    /// The academic year containing today, and the one before: the years with marks.
    pub current_year: AcademicYear,
    pub previous_year: AcademicYear,
    years: BTreeMap<i32, YearDays>,
}

impl Context {
    pub fn new(size: Size, seed: u64, today: Date) -> Self {
        let current_year = AcademicYear::containing(today);
        let previous_year = current_year.previous();
        let mut years = BTreeMap::new();
        // Entry dates reach back to a pupil's first school year, up to 16 years earlier.
        for y in (current_year.0 - 16)..=(current_year.0 + 1) {
            years.insert(y, YearDays::new(AcademicYear(y)));
        }
        Context {
            size,
            seed,
            today,
            window_start: six_years_before(today),
            current_year,
            previous_year,
            years,
        }
    }

    /// The calendar of an academic year (built on demand for years outside the cache).
    pub fn year(&self, year: AcademicYear) -> std::borrow::Cow<'_, YearDays> {
        match self.years.get(&year.0) {
            Some(y) => std::borrow::Cow::Borrowed(y),
            None => std::borrow::Cow::Owned(YearDays::new(year)),
        }
    }

    pub fn day_kind(&self, date: Date) -> DayKind {
        self.year(AcademicYear::containing(date)).kind(date)
    }

    /// The first day of term (INSET included) of an academic year: when new pupils' roll
    /// entries start.
    pub fn first_term_day(&self, year: AcademicYear) -> Date {
        self.year(year).term.first_day()
    }

    /// The last day of term of an academic year: when leavers' roll entries end.
    pub fn last_term_day(&self, year: AcademicYear) -> Date {
        self.year(year).term.last_day()
    }

    /// The first school day on or after a date.
    pub fn school_day_on_or_after(&self, mut date: Date) -> Date {
        for _ in 0..400 {
            if self.day_kind(date) == DayKind::SchoolDay {
                return date;
            }
            date += Duration::days(1);
        }
        date
    }

    /// School days from `from` to `to` inclusive.
    pub fn school_days_between(&self, from: Date, to: Date) -> Vec<Date> {
        let mut out = Vec::new();
        let mut d = from;
        while d <= to {
            if self.day_kind(d) == DayKind::SchoolDay {
                out.push(d);
            }
            d += Duration::days(1);
        }
        out
    }

    /// How many times the small LA this one is.
    pub fn scale(&self) -> f64 {
        self.size.scale()
    }
}

impl Clone for YearDays {
    fn clone(&self) -> Self {
        YearDays {
            year: self.year,
            term: self.term.clone(),
            kinds: self.kinds.clone(),
        }
    }
}
