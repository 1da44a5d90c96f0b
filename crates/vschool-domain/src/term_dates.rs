//! Typical English school term dates: the default calendar a Virtual School uses until the LA
//! sets its own half-term dates (DESIGN §8 "Packs": pages and packs then say "default dates").
//!
//! Each academic year has six half terms, named `2024/25-1` … `2024/25-6`. A half term runs
//! from its first to its last day of term, both inclusive; the holidays lie between them. Inside
//! a half term, weekends and bank holidays are not school days, and five INSET (staff training)
//! days a year are planned whole-school closures, which registers mark `#`.
//!
//! The shipped table covers 2021/22 to 2027/28. It was drawn up from the pattern most English
//! LAs follow (term starts in the first days of September; half-term weeks in late October,
//! mid-February and at the late-May bank holiday; two weeks at Christmas and at Easter; term
//! ends around 20–23 July) so that every year has 195 days of term: 190 days with pupils and 5
//! INSET days, the statutory pattern. Years outside the table are *projected* by the same rules
//! (`DatesSource::Projected`), so a calendar exists for every year but says it is a guess.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::macros::date;
use time::{Date, Duration, Month, Weekday};

use crate::calendar::{easter_sunday, AcademicYear};

/// First academic year of the shipped table (2021/22, when the CWSW duty began).
pub const TABLE_FIRST_YEAR: AcademicYear = AcademicYear(2021);
/// Last academic year of the shipped table (2027/28).
pub const TABLE_LAST_YEAR: AcademicYear = AcademicYear(2027);

/// One half term: the days from `start` to `end` inclusive are term time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HalfTerm {
    pub year: AcademicYear,
    /// 1 to 6: autumn 1 and 2, spring 1 and 2, summer 1 and 2.
    pub number: u8,
    pub start: Date,
    pub end: Date,
}

impl HalfTerm {
    /// The name the system uses for the half term, e.g. `2024/25-3`.
    pub fn name(&self) -> String {
        format!("{}-{}", self.year, self.number)
    }

    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }

    /// Reads a half-term name such as `2024/25-3`.
    pub fn parse_name(raw: &str) -> Result<(AcademicYear, u8), HalfTermNameError> {
        let t = raw.trim();
        let (year, number) = t.rsplit_once('-').ok_or(HalfTermNameError)?;
        let year = AcademicYear::parse(year).map_err(|_| HalfTermNameError)?;
        let number: u8 = number.parse().map_err(|_| HalfTermNameError)?;
        if !(1..=6).contains(&number) {
            return Err(HalfTermNameError);
        }
        Ok((year, number))
    }
}

impl fmt::Display for HalfTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.year, self.number)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("a half term is written like 2024/25-3 (the academic year, a hyphen, and 1 to 6)")]
pub struct HalfTermNameError;

/// Where a year's dates come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DatesSource {
    /// The shipped table of typical dates.
    Table,
    /// Worked out by the table's rules for a year the table does not hold.
    Projected,
}

/// What a date is for a school following a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DayKind {
    Weekend,
    /// A weekday outside every half term.
    Holiday,
    /// A bank holiday in England (in term or not).
    BankHoliday,
    /// A planned whole-school closure in term time (INSET day): registers mark `#`.
    Closure,
    /// A day pupils are expected in school.
    SchoolDay,
}

/// One academic year's half terms and closure days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermYear {
    pub year: AcademicYear,
    /// Six half terms in date order.
    pub half_terms: Vec<HalfTerm>,
    /// INSET days: weekdays inside half terms when pupils do not attend (`#`).
    pub closures: Vec<Date>,
    pub source: DatesSource,
}

impl TermYear {
    /// The default (typical English) dates for an academic year: the shipped table where it
    /// has the year, else projected by the same rules.
    pub fn default_for(year: AcademicYear) -> TermYear {
        table_year(year).unwrap_or_else(|| projected_year(year))
    }

    pub fn day_kind(&self, date: Date) -> DayKind {
        if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            return DayKind::Weekend;
        }
        if is_bank_holiday(date) {
            return DayKind::BankHoliday;
        }
        if !self.half_terms.iter().any(|h| h.contains(date)) {
            return DayKind::Holiday;
        }
        if self.closures.contains(&date) {
            return DayKind::Closure;
        }
        DayKind::SchoolDay
    }

    pub fn is_school_day(&self, date: Date) -> bool {
        self.day_kind(date) == DayKind::SchoolDay
    }

    /// Every day pupils are expected in school, in date order.
    pub fn school_days(&self) -> Vec<Date> {
        self.term_days()
            .into_iter()
            .filter(|d| !self.closures.contains(d))
            .collect()
    }

    /// Every weekday of term that is not a bank holiday (school days and INSET days).
    pub fn term_days(&self) -> Vec<Date> {
        let mut out = Vec::with_capacity(200);
        for h in &self.half_terms {
            let mut d = h.start;
            while d <= h.end {
                if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
                    && !is_bank_holiday(d)
                {
                    out.push(d);
                }
                d += Duration::days(1);
            }
        }
        out
    }

    /// The half term a date falls in (none in the holidays).
    pub fn half_term_containing(&self, date: Date) -> Option<&HalfTerm> {
        self.half_terms.iter().find(|h| h.contains(date))
    }

    /// Half term 1 to 6.
    pub fn half_term(&self, number: u8) -> Option<&HalfTerm> {
        self.half_terms.iter().find(|h| h.number == number)
    }

    /// The first and last days of term in the year.
    pub fn first_day(&self) -> Date {
        self.half_terms
            .first()
            .map_or(self.year.start(), |h| h.start)
    }

    pub fn last_day(&self) -> Date {
        self.half_terms.last().map_or(self.year.end(), |h| h.end)
    }
}

/// The default half term called `name` (e.g. `2024/25-3`).
pub fn default_half_term(name: &str) -> Result<HalfTerm, HalfTermNameError> {
    let (year, number) = HalfTerm::parse_name(name)?;
    TermYear::default_for(year)
        .half_term(number)
        .copied()
        .ok_or(HalfTermNameError)
}

/// The default half term containing a date, if the date is in term time.
pub fn default_half_term_containing(date: Date) -> Option<HalfTerm> {
    TermYear::default_for(AcademicYear::containing(date))
        .half_term_containing(date)
        .copied()
}

/// One row of the shipped table: six (first day, last day) pairs and five INSET days.
struct Row {
    year: i32,
    half_terms: [(Date, Date); 6],
    inset: [Date; 5],
}

/// Typical English term dates. Every year has 195 weekdays of term that are not bank holidays,
/// five of them INSET days (the unit test checks it).
const TABLE: &[Row] = &[
    Row {
        year: 2021,
        half_terms: [
            (date!(2021 - 09 - 01), date!(2021 - 10 - 22)),
            (date!(2021 - 11 - 01), date!(2021 - 12 - 17)),
            (date!(2022 - 01 - 04), date!(2022 - 02 - 18)),
            (date!(2022 - 02 - 28), date!(2022 - 04 - 08)),
            (date!(2022 - 04 - 25), date!(2022 - 05 - 27)),
            (date!(2022 - 06 - 06), date!(2022 - 07 - 21)),
        ],
        inset: [
            date!(2021 - 09 - 01),
            date!(2021 - 09 - 02),
            date!(2022 - 01 - 04),
            date!(2022 - 06 - 06),
            date!(2022 - 07 - 21),
        ],
    },
    Row {
        year: 2022,
        half_terms: [
            (date!(2022 - 09 - 01), date!(2022 - 10 - 21)),
            (date!(2022 - 10 - 31), date!(2022 - 12 - 16)),
            (date!(2023 - 01 - 03), date!(2023 - 02 - 10)),
            (date!(2023 - 02 - 20), date!(2023 - 03 - 31)),
            (date!(2023 - 04 - 17), date!(2023 - 05 - 26)),
            (date!(2023 - 06 - 05), date!(2023 - 07 - 25)),
        ],
        inset: [
            date!(2022 - 09 - 01),
            date!(2022 - 09 - 02),
            date!(2023 - 01 - 03),
            date!(2023 - 06 - 05),
            date!(2023 - 07 - 25),
        ],
    },
    Row {
        year: 2023,
        half_terms: [
            (date!(2023 - 09 - 04), date!(2023 - 10 - 20)),
            (date!(2023 - 10 - 30), date!(2023 - 12 - 20)),
            (date!(2024 - 01 - 04), date!(2024 - 02 - 09)),
            (date!(2024 - 02 - 19), date!(2024 - 03 - 28)),
            (date!(2024 - 04 - 15), date!(2024 - 05 - 24)),
            (date!(2024 - 06 - 03), date!(2024 - 07 - 23)),
        ],
        inset: [
            date!(2023 - 09 - 04),
            date!(2023 - 09 - 05),
            date!(2024 - 01 - 04),
            date!(2024 - 06 - 03),
            date!(2024 - 07 - 23),
        ],
    },
    Row {
        year: 2024,
        half_terms: [
            (date!(2024 - 09 - 02), date!(2024 - 10 - 25)),
            (date!(2024 - 11 - 04), date!(2024 - 12 - 20)),
            (date!(2025 - 01 - 06), date!(2025 - 02 - 14)),
            (date!(2025 - 02 - 24), date!(2025 - 04 - 04)),
            (date!(2025 - 04 - 22), date!(2025 - 05 - 23)),
            (date!(2025 - 06 - 02), date!(2025 - 07 - 22)),
        ],
        inset: [
            date!(2024 - 09 - 02),
            date!(2024 - 09 - 03),
            date!(2025 - 01 - 06),
            date!(2025 - 06 - 02),
            date!(2025 - 07 - 22),
        ],
    },
    Row {
        year: 2025,
        half_terms: [
            (date!(2025 - 09 - 01), date!(2025 - 10 - 24)),
            (date!(2025 - 11 - 03), date!(2025 - 12 - 19)),
            (date!(2026 - 01 - 05), date!(2026 - 02 - 13)),
            (date!(2026 - 02 - 23), date!(2026 - 03 - 27)),
            (date!(2026 - 04 - 13), date!(2026 - 05 - 22)),
            (date!(2026 - 06 - 01), date!(2026 - 07 - 20)),
        ],
        inset: [
            date!(2025 - 09 - 01),
            date!(2025 - 09 - 02),
            date!(2026 - 01 - 05),
            date!(2026 - 06 - 01),
            date!(2026 - 07 - 20),
        ],
    },
    Row {
        year: 2026,
        half_terms: [
            (date!(2026 - 09 - 01), date!(2026 - 10 - 23)),
            (date!(2026 - 11 - 02), date!(2026 - 12 - 18)),
            (date!(2027 - 01 - 04), date!(2027 - 02 - 12)),
            (date!(2027 - 02 - 22), date!(2027 - 03 - 25)),
            (date!(2027 - 04 - 12), date!(2027 - 05 - 28)),
            (date!(2027 - 06 - 07), date!(2027 - 07 - 21)),
        ],
        inset: [
            date!(2026 - 09 - 01),
            date!(2026 - 09 - 02),
            date!(2027 - 01 - 04),
            date!(2027 - 06 - 07),
            date!(2027 - 07 - 21),
        ],
    },
    Row {
        year: 2027,
        half_terms: [
            (date!(2027 - 09 - 01), date!(2027 - 10 - 22)),
            (date!(2027 - 11 - 01), date!(2027 - 12 - 17)),
            (date!(2028 - 01 - 04), date!(2028 - 02 - 11)),
            (date!(2028 - 02 - 21), date!(2028 - 04 - 07)),
            (date!(2028 - 04 - 24), date!(2028 - 05 - 26)),
            (date!(2028 - 06 - 05), date!(2028 - 07 - 20)),
        ],
        inset: [
            date!(2027 - 09 - 01),
            date!(2027 - 09 - 02),
            date!(2028 - 01 - 04),
            date!(2028 - 06 - 05),
            date!(2028 - 07 - 20),
        ],
    },
];

fn table_year(year: AcademicYear) -> Option<TermYear> {
    let row = TABLE.iter().find(|r| r.year == year.0)?;
    Some(TermYear {
        year,
        half_terms: row
            .half_terms
            .iter()
            .zip(1u8..)
            .map(|(&(start, end), number)| HalfTerm {
                year,
                number,
                start,
                end,
            })
            .collect(),
        closures: row.inset.to_vec(),
        source: DatesSource::Table,
    })
}

fn ymd(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The first weekday on or after `d` that is not a bank holiday.
fn next_working_day(mut d: Date) -> Date {
    while is_weekend(d) || is_bank_holiday(d) {
        d += Duration::days(1);
    }
    d
}

/// The last weekday on or before `d` that is not a bank holiday.
fn previous_working_day(mut d: Date) -> Date {
    while is_weekend(d) || is_bank_holiday(d) {
        d -= Duration::days(1);
    }
    d
}

/// The Monday on or after `d`.
fn monday_on_or_after(d: Date) -> Date {
    d + Duration::days(i64::from((7 - d.weekday().number_days_from_monday()) % 7))
}

/// Dates for a year the table does not hold, by the rules the table follows: term starts on
/// the first working day of September; the October half-term week is the last full week of
/// October; autumn ends on the last working day on or before 20 December; spring starts on
/// the first working day on or after 4 January; the February half-term week starts on the
/// Monday from 12 to 18 February; the Easter holiday is the week before and the week after
/// Easter Sunday; the May half term is the week of the late-May bank holiday; the year ends on
/// the last working day on or before 21 July. INSET days: the first two days of the year, the
/// first day of spring and of the last half term, and the last day of the year.
fn projected_year(year: AcademicYear) -> TermYear {
    let y = year.0;
    let ht1_start = next_working_day(ymd(y, Month::September, 1));
    // The last Monday with a full week still in October.
    let october_break = monday_on_or_after(ymd(y, Month::October, 21));
    let ht1_end = previous_working_day(october_break - Duration::days(1));
    let ht2_start = october_break + Duration::days(7);
    let ht2_end = previous_working_day(ymd(y, Month::December, 20));
    let ht3_start = next_working_day(ymd(y + 1, Month::January, 4));
    let february_break = monday_on_or_after(ymd(y + 1, Month::February, 12));
    let ht3_end = previous_working_day(february_break - Duration::days(1));
    let ht4_start = february_break + Duration::days(7);
    let easter = easter_sunday(y + 1);
    let easter_break = easter - Duration::days(6); // the Monday of Holy Week
    let ht4_end = previous_working_day(easter_break - Duration::days(1));
    let ht5_start = next_working_day(easter_break + Duration::days(14));
    let late_may = last_monday(y + 1, Month::May);
    let ht5_end = previous_working_day(late_may - Duration::days(1));
    let ht6_start = late_may + Duration::days(7);
    let ht6_end = previous_working_day(ymd(y + 1, Month::July, 21));
    let pairs = [
        (ht1_start, ht1_end),
        (ht2_start, ht2_end),
        (ht3_start, ht3_end),
        (ht4_start, ht4_end),
        (ht5_start, ht5_end),
        (ht6_start, ht6_end),
    ];
    let half_terms: Vec<HalfTerm> = pairs
        .iter()
        .zip(1u8..)
        .map(|(&(start, end), number)| HalfTerm {
            year,
            number,
            start,
            end,
        })
        .collect();
    let closures = vec![
        ht1_start,
        next_working_day(ht1_start + Duration::days(1)),
        ht3_start,
        next_working_day(ht6_start),
        ht6_end,
    ];
    TermYear {
        year,
        half_terms,
        closures,
        source: DatesSource::Projected,
    }
}

fn last_monday(year: i32, month: Month) -> Date {
    let next_month_first = match month {
        Month::December => ymd(year + 1, Month::January, 1),
        m => ymd(year, m.next(), 1),
    };
    let last = next_month_first - Duration::days(1);
    last - Duration::days(i64::from(last.weekday().number_days_from_monday()))
}

fn first_monday(year: i32, month: Month) -> Date {
    monday_on_or_after(ymd(year, month, 1))
}

/// The substitute day for a fixed holiday falling at a weekend: the next weekday not already
/// taken.
fn substitute(d: Date, taken: &[Date]) -> Date {
    let mut s = d;
    while is_weekend(s) || taken.contains(&s) {
        s += Duration::days(1);
    }
    s
}

/// Bank holidays in England and Wales in a calendar year, by the standing rules plus the
/// one-off changes since 2020 (the 2022 Platinum Jubilee and the state funeral of Queen
/// Elizabeth II, the 2023 Coronation; the 2020 VE Day move).
pub fn england_bank_holidays(year: i32) -> Vec<Date> {
    let mut days = Vec::with_capacity(10);
    days.push(substitute(ymd(year, Month::January, 1), &[]));
    let easter = easter_sunday(year);
    days.push(easter - Duration::days(2));
    days.push(easter + Duration::days(1));
    // Early May: first Monday, moved to Friday 8 May in 2020 for VE Day.
    if year == 2020 {
        days.push(ymd(2020, Month::May, 8));
    } else {
        days.push(first_monday(year, Month::May));
    }
    if year == 2023 {
        days.push(ymd(2023, Month::May, 8));
    }
    // Spring: last Monday of May, moved to 2 June in 2022 with the Jubilee holiday on 3 June.
    if year == 2022 {
        days.push(ymd(2022, Month::June, 2));
        days.push(ymd(2022, Month::June, 3));
        days.push(ymd(2022, Month::September, 19));
    } else {
        days.push(last_monday(year, Month::May));
    }
    days.push(last_monday(year, Month::August));
    let christmas = substitute(ymd(year, Month::December, 25), &[]);
    days.push(christmas);
    days.push(substitute(ymd(year, Month::December, 26), &[christmas]));
    days.sort();
    days
}

/// Whether a date is a bank holiday in England.
pub fn is_bank_holiday(date: Date) -> bool {
    england_bank_holidays(date.year()).contains(&date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_holidays_match_the_published_lists() {
        // gov.uk/bank-holidays, England and Wales.
        assert_eq!(
            england_bank_holidays(2022),
            vec![
                date!(2022 - 01 - 03),
                date!(2022 - 04 - 15),
                date!(2022 - 04 - 18),
                date!(2022 - 05 - 02),
                date!(2022 - 06 - 02),
                date!(2022 - 06 - 03),
                date!(2022 - 08 - 29),
                date!(2022 - 09 - 19),
                date!(2022 - 12 - 26),
                date!(2022 - 12 - 27),
            ]
        );
        assert_eq!(
            england_bank_holidays(2023),
            vec![
                date!(2023 - 01 - 02),
                date!(2023 - 04 - 07),
                date!(2023 - 04 - 10),
                date!(2023 - 05 - 01),
                date!(2023 - 05 - 08),
                date!(2023 - 05 - 29),
                date!(2023 - 08 - 28),
                date!(2023 - 12 - 25),
                date!(2023 - 12 - 26),
            ]
        );
        assert_eq!(
            england_bank_holidays(2026),
            vec![
                date!(2026 - 01 - 01),
                date!(2026 - 04 - 03),
                date!(2026 - 04 - 06),
                date!(2026 - 05 - 04),
                date!(2026 - 05 - 25),
                date!(2026 - 08 - 31),
                date!(2026 - 12 - 25),
                date!(2026 - 12 - 28),
            ]
        );
        assert_eq!(
            england_bank_holidays(2027),
            vec![
                date!(2027 - 01 - 01),
                date!(2027 - 03 - 26),
                date!(2027 - 03 - 29),
                date!(2027 - 05 - 03),
                date!(2027 - 05 - 31),
                date!(2027 - 08 - 30),
                date!(2027 - 12 - 27),
                date!(2027 - 12 - 28),
            ]
        );
        assert!(is_bank_holiday(date!(2025 - 05 - 05)));
        assert!(!is_bank_holiday(date!(2025 - 05 - 06)));
    }

    #[test]
    fn every_table_year_has_190_pupil_days_and_5_inset_days() {
        for y in TABLE_FIRST_YEAR.0..=TABLE_LAST_YEAR.0 {
            let t = TermYear::default_for(AcademicYear(y));
            assert_eq!(t.source, DatesSource::Table);
            assert_eq!(t.half_terms.len(), 6, "{y}");
            assert_eq!(t.term_days().len(), 195, "{y}");
            assert_eq!(t.school_days().len(), 190, "{y}");
            assert_eq!(t.closures.len(), 5, "{y}");
        }
    }

    #[test]
    fn table_years_are_well_formed() {
        for y in TABLE_FIRST_YEAR.0..=TABLE_LAST_YEAR.0 {
            let year = AcademicYear(y);
            let t = TermYear::default_for(year);
            for (i, h) in t.half_terms.iter().enumerate() {
                assert_eq!(usize::from(h.number), i + 1);
                assert!(h.start <= h.end);
                assert!(year.start() <= h.start && h.end <= year.end());
                assert!(!is_weekend(h.start) && !is_weekend(h.end), "{}", h.name());
                assert!(!is_bank_holiday(h.start) && !is_bank_holiday(h.end));
                if i > 0 {
                    assert!(t.half_terms[i - 1].end < h.start);
                }
            }
            for c in &t.closures {
                assert!(t.half_term_containing(*c).is_some());
                assert_eq!(t.day_kind(*c), DayKind::Closure);
            }
            // Christmas Day and Easter Sunday fall in holidays.
            assert_eq!(t.half_term_containing(ymd(y, Month::December, 25)), None);
            assert_eq!(t.half_term_containing(easter_sunday(y + 1)), None);
        }
    }

    #[test]
    fn day_kinds_in_2024_25() {
        let t = TermYear::default_for(AcademicYear(2024));
        assert_eq!(t.day_kind(date!(2024 - 09 - 02)), DayKind::Closure);
        assert_eq!(t.day_kind(date!(2024 - 09 - 04)), DayKind::SchoolDay);
        assert_eq!(t.day_kind(date!(2024 - 09 - 07)), DayKind::Weekend);
        assert_eq!(t.day_kind(date!(2024 - 10 - 28)), DayKind::Holiday);
        assert_eq!(t.day_kind(date!(2025 - 05 - 05)), DayKind::BankHoliday);
        assert_eq!(t.day_kind(date!(2025 - 03 - 14)), DayKind::SchoolDay);
        assert!(t.is_school_day(date!(2025 - 03 - 14)));
        // Every other kind of day is not a school day.
        assert!(!t.is_school_day(date!(2024 - 09 - 02))); // INSET day
        assert!(!t.is_school_day(date!(2024 - 09 - 07))); // Saturday
        assert!(!t.is_school_day(date!(2024 - 10 - 28))); // October half term
        assert!(!t.is_school_day(date!(2025 - 05 - 05))); // early May bank holiday
        assert!(!t.is_school_day(date!(2025 - 08 - 04))); // summer holiday
        assert_eq!(
            t.half_term_containing(date!(2025 - 03 - 14))
                .map(|h| h.name()),
            Some("2024/25-4".into())
        );
    }

    #[test]
    fn half_term_names() {
        assert_eq!(
            HalfTerm::parse_name("2024/25-3"),
            Ok((AcademicYear(2024), 3))
        );
        assert_eq!(HalfTerm::parse_name("2024/25-7"), Err(HalfTermNameError));
        assert_eq!(HalfTerm::parse_name("2024/25"), Err(HalfTermNameError));
        assert_eq!(HalfTerm::parse_name("2024/26-1"), Err(HalfTermNameError));
        let h = default_half_term("2024/25-1").expect("in the table");
        assert_eq!(h.start, date!(2024 - 09 - 02));
        assert_eq!(h.end, date!(2024 - 10 - 25));
        assert_eq!(h.to_string(), "2024/25-1");
        assert_eq!(
            default_half_term_containing(date!(2025 - 07 - 22)).map(|h| h.name()),
            Some("2024/25-6".into())
        );
        assert_eq!(default_half_term_containing(date!(2025 - 07 - 23)), None);
    }

    #[test]
    fn projected_years_follow_the_rules() {
        for y in [2018, 2019, 2020, 2028, 2029, 2030, 2035] {
            let t = TermYear::default_for(AcademicYear(y));
            assert_eq!(t.source, DatesSource::Projected);
            assert_eq!(t.half_terms.len(), 6);
            for (i, h) in t.half_terms.iter().enumerate() {
                assert!(h.start <= h.end, "{}", h.name());
                assert!(!is_weekend(h.start) && !is_weekend(h.end), "{}", h.name());
                if i > 0 {
                    assert!(t.half_terms[i - 1].end < h.start, "{}", h.name());
                }
            }
            assert_eq!(t.half_term_containing(ymd(y, Month::December, 25)), None);
            assert_eq!(t.half_term_containing(easter_sunday(y + 1)), None);
            let days = t.school_days().len();
            assert!((183..=197).contains(&days), "{y}: {days} school days");
            assert_eq!(t.closures.len(), 5);
            for c in &t.closures {
                assert_eq!(t.day_kind(*c), DayKind::Closure, "{y} {c}");
            }
        }
    }

    #[test]
    fn working_days_skip_weekends_and_bank_holidays() {
        // A working day is its own next and previous working day.
        assert_eq!(
            next_working_day(date!(2025 - 05 - 02)),
            date!(2025 - 05 - 02)
        );
        assert_eq!(
            previous_working_day(date!(2025 - 05 - 02)),
            date!(2025 - 05 - 02)
        );
        // Saturday 3 May 2025, Sunday 4 and Monday 5 (early May bank holiday) are skipped:
        // forward to Tuesday 6 May, back to Friday 2 May.
        assert_eq!(
            next_working_day(date!(2025 - 05 - 03)),
            date!(2025 - 05 - 06)
        );
        assert_eq!(
            previous_working_day(date!(2025 - 05 - 05)),
            date!(2025 - 05 - 02)
        );
        // Easter 2025: Good Friday 18 April to Easter Monday 21 April.
        assert_eq!(
            next_working_day(date!(2025 - 04 - 18)),
            date!(2025 - 04 - 22)
        );
        assert_eq!(
            previous_working_day(date!(2025 - 04 - 21)),
            date!(2025 - 04 - 17)
        );
        // Christmas 2021 fell on a Saturday: the substitute days were Monday 27 and Tuesday
        // 28 December, and New Year's Day (Saturday) moved to Monday 3 January 2022.
        assert_eq!(
            next_working_day(date!(2021 - 12 - 25)),
            date!(2021 - 12 - 29)
        );
        assert_eq!(
            previous_working_day(date!(2022 - 01 - 03)),
            date!(2021 - 12 - 31)
        );
    }

    #[test]
    fn last_mondays() {
        // The spring bank holiday, the last Monday of May (31 May is a Friday in 2024, a
        // Saturday in 2025, a Sunday in 2026, a Monday in 2027, a Wednesday in 2028).
        assert_eq!(last_monday(2024, Month::May), date!(2024 - 05 - 27));
        assert_eq!(last_monday(2025, Month::May), date!(2025 - 05 - 26));
        assert_eq!(last_monday(2026, Month::May), date!(2026 - 05 - 25));
        assert_eq!(last_monday(2027, Month::May), date!(2027 - 05 - 31));
        assert_eq!(last_monday(2028, Month::May), date!(2028 - 05 - 29));
        // The summer bank holiday: 31 August 2026 is itself a Monday.
        assert_eq!(last_monday(2025, Month::August), date!(2025 - 08 - 25));
        assert_eq!(last_monday(2026, Month::August), date!(2026 - 08 - 31));
        // December looks at 1 January of the next year: 31 December 2024 is a Tuesday, so the
        // last Monday is the 30th; 31 December 2023 is a Sunday, so it is Christmas Day.
        assert_eq!(last_monday(2024, Month::December), date!(2024 - 12 - 30));
        assert_eq!(last_monday(2023, Month::December), date!(2023 - 12 - 25));
        assert_eq!(first_monday(2025, Month::May), date!(2025 - 05 - 05));
    }

    /// A projected year's six (first day, last day) pairs.
    fn projected_pairs(year: i32) -> Vec<(Date, Date)> {
        projected_year(AcademicYear(year))
            .half_terms
            .iter()
            .map(|h| (h.start, h.end))
            .collect()
    }

    #[test]
    fn projected_2028_29_exactly() {
        // Friday 1 September 2028 starts the year. The October break is the Monday on or
        // after 21 October (Monday 23rd), so term runs to Friday 20th and resumes on Monday
        // 30th; autumn ends on Wednesday 20 December. Spring starts on Thursday 4 January
        // 2029; the February break is the Monday on or after 12 February (the 12th itself), so
        // half term 3 ends on Friday 9th and 4 starts on Monday 19th. Easter Sunday is 1 April
        // 2029: the break starts on Monday 26 March (term ends Friday 23rd) and term resumes
        // two weeks later on Monday 9 April. The last Monday of May is the 28th: half term 5
        // ends on Friday 25th, 6 starts on Monday 4 June and the year ends on Friday 20 July
        // (21 July is a Saturday).
        assert_eq!(
            projected_pairs(2028),
            vec![
                (date!(2028 - 09 - 01), date!(2028 - 10 - 20)),
                (date!(2028 - 10 - 30), date!(2028 - 12 - 20)),
                (date!(2029 - 01 - 04), date!(2029 - 02 - 09)),
                (date!(2029 - 02 - 19), date!(2029 - 03 - 23)),
                (date!(2029 - 04 - 09), date!(2029 - 05 - 25)),
                (date!(2029 - 06 - 04), date!(2029 - 07 - 20)),
            ]
        );
        // INSET: the first two working days (Friday 1 and, over the weekend, Monday 4
        // September), the first day of spring, the first day of the last half term and the
        // last day of the year.
        let t = projected_year(AcademicYear(2028));
        assert_eq!(
            t.closures,
            vec![
                date!(2028 - 09 - 01),
                date!(2028 - 09 - 04),
                date!(2029 - 01 - 04),
                date!(2029 - 06 - 04),
                date!(2029 - 07 - 20),
            ]
        );
        assert_eq!(t.school_days().len(), 190);
    }

    #[test]
    fn projected_2029_30_exactly() {
        // 1 September 2029 is a Saturday: term starts on Monday 3rd. October break from
        // Monday 22nd (term to Friday 19th, back Monday 29th); autumn ends Thursday 20
        // December. Spring from Friday 4 January 2030; February break from Monday 18th (term
        // to Friday 15th, back Monday 25th). Easter Sunday is 21 April 2030: break from
        // Monday 15 April (term to Friday 12th), back Monday 29 April. Last Monday of May is
        // the 27th (term to Friday 24th, back Monday 3 June); 21 July is a Sunday, so the year
        // ends on Friday 19 July.
        assert_eq!(
            projected_pairs(2029),
            vec![
                (date!(2029 - 09 - 03), date!(2029 - 10 - 19)),
                (date!(2029 - 10 - 29), date!(2029 - 12 - 20)),
                (date!(2030 - 01 - 04), date!(2030 - 02 - 15)),
                (date!(2030 - 02 - 25), date!(2030 - 04 - 12)),
                (date!(2030 - 04 - 29), date!(2030 - 05 - 24)),
                (date!(2030 - 06 - 03), date!(2030 - 07 - 19)),
            ]
        );
        assert_eq!(
            projected_year(AcademicYear(2029)).closures,
            vec![
                date!(2029 - 09 - 03),
                date!(2029 - 09 - 04),
                date!(2030 - 01 - 04),
                date!(2030 - 06 - 03),
                date!(2030 - 07 - 19),
            ]
        );
    }

    #[test]
    fn projected_2037_38_exactly() {
        // Tuesday 1 September 2037. October break from Monday 26th (term to Friday 23rd, back
        // Monday 2 November). 20 December is a Sunday: autumn ends Friday 18th. Spring from
        // Monday 4 January 2038; February break from Monday 15th (term to Friday 12th, back
        // Monday 22nd). Easter Sunday is 25 April 2038, the latest it can be: break from
        // Monday 19 April (term to Friday 16th); two weeks on is Monday 3 May, the early May
        // bank holiday, so term resumes on Tuesday 4 May. Last Monday of May is the 31st
        // (term to Friday 28th, back Monday 7 June); the year ends on Wednesday 21 July.
        assert_eq!(
            projected_pairs(2037),
            vec![
                (date!(2037 - 09 - 01), date!(2037 - 10 - 23)),
                (date!(2037 - 11 - 02), date!(2037 - 12 - 18)),
                (date!(2038 - 01 - 04), date!(2038 - 02 - 12)),
                (date!(2038 - 02 - 22), date!(2038 - 04 - 16)),
                (date!(2038 - 05 - 04), date!(2038 - 05 - 28)),
                (date!(2038 - 06 - 07), date!(2038 - 07 - 21)),
            ]
        );
        let t = TermYear::default_for(AcademicYear(2037));
        assert_eq!(t.source, DatesSource::Projected);
        assert_eq!(
            t.closures,
            vec![
                date!(2037 - 09 - 01),
                date!(2037 - 09 - 02),
                date!(2038 - 01 - 04),
                date!(2038 - 06 - 07),
                date!(2038 - 07 - 21),
            ]
        );
    }

    #[test]
    fn projection_is_close_to_the_table() {
        // The rules reproduce the table's shape: each projected half term starts within a
        // fortnight of the tabled one.
        for y in TABLE_FIRST_YEAR.0..=TABLE_LAST_YEAR.0 {
            let table = TermYear::default_for(AcademicYear(y));
            let projected = projected_year(AcademicYear(y));
            for (a, b) in table.half_terms.iter().zip(&projected.half_terms) {
                let gap = (a.start - b.start).whole_days().abs();
                assert!(gap <= 14, "{} differs by {gap} days", a.name());
            }
        }
    }
}
