//! The academic calendar: academic years (1 August – 31 July), the school census terms,
//! and the sessions of a year (two a day, AM and PM).

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, Duration, Month};

/// An academic year, named by the calendar year it starts in: `AcademicYear(2024)` is
/// 2024/25, from 1 August 2024 to 31 July 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AcademicYear(pub i32);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("an academic year is written like 2024/25")]
pub struct AcademicYearError;

/// Builds a date we know to be valid (the first of a month, the 31st of July and the like).
fn ymd(year: i32, month: Month, day: u8) -> Date {
    // The callers only pass days that exist in every year; fall back to the first of the
    // month rather than panic if that were ever not so.
    Date::from_calendar_date(year, month, day)
        .or_else(|_| Date::from_calendar_date(year, month, 1))
        .unwrap_or(Date::MIN)
}

impl AcademicYear {
    /// The academic year a date falls in.
    pub fn containing(date: Date) -> Self {
        if date.month() >= Month::August {
            AcademicYear(date.year())
        } else {
            AcademicYear(date.year() - 1)
        }
    }

    /// Parses `2024/25` (also `2024-25` and `202425`, as DfE files write it).
    pub fn parse(raw: &str) -> Result<Self, AcademicYearError> {
        let t = raw.trim();
        let (a, b) = if let Some((a, b)) = t.split_once(['/', '-']) {
            (a, b)
        } else if t.len() == 6 {
            t.split_at(4)
        } else {
            return Err(AcademicYearError);
        };
        let start: i32 = a.parse().map_err(|_| AcademicYearError)?;
        let end: i32 = b.parse().map_err(|_| AcademicYearError)?;
        if a.len() != 4
            || b.len() != 2
            || (start + 1) % 100 != end
            || !(1900..=2999).contains(&start)
        {
            return Err(AcademicYearError);
        }
        Ok(AcademicYear(start))
    }

    pub fn start(&self) -> Date {
        ymd(self.0, Month::August, 1)
    }

    pub fn end(&self) -> Date {
        ymd(self.0 + 1, Month::July, 31)
    }

    pub fn previous(&self) -> Self {
        AcademicYear(self.0 - 1)
    }

    pub fn next(&self) -> Self {
        AcademicYear(self.0 + 1)
    }

    /// Number of days in the year (366 when it holds a 29 February).
    pub fn days(&self) -> usize {
        ((self.end() - self.start()).whole_days() + 1) as usize
    }

    /// Number of sessions (two a day) in the year: the length of a compact register.
    pub fn sessions(&self) -> usize {
        self.days() * 2
    }

    /// The day index (0 = 1 August) of a date inside this year.
    pub fn day_index(&self, date: Date) -> Option<usize> {
        if date < self.start() || date > self.end() {
            return None;
        }
        Some((date - self.start()).whole_days() as usize)
    }

    pub fn date_of_day(&self, index: usize) -> Date {
        self.start() + Duration::days(index as i64)
    }

    /// The census term containing a date of this year.
    pub fn term_of(&self, date: Date) -> Option<CensusTerm> {
        CensusTerm::ALL.into_iter().find(|t| {
            let (from, to) = t.dates(*self);
            from <= date && date <= to
        })
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, also known
/// as Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Date {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = ((h + l - 7 * m + 114) % 31) + 1;
    let month = if month == 3 {
        Month::March
    } else {
        Month::April
    };
    ymd(year, month, day as u8)
}

/// The school census terms, which the DfE's absence statistics use: autumn 1 August –
/// 31 December, spring 1 January – Easter Sunday, summer Easter Monday – 31 July.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CensusTerm {
    Autumn,
    Spring,
    Summer,
}

impl CensusTerm {
    pub const ALL: [CensusTerm; 3] = [CensusTerm::Autumn, CensusTerm::Spring, CensusTerm::Summer];

    /// First and last day of this term in an academic year.
    pub fn dates(&self, year: AcademicYear) -> (Date, Date) {
        let easter = easter_sunday(year.0 + 1);
        match self {
            CensusTerm::Autumn => (year.start(), ymd(year.0, Month::December, 31)),
            CensusTerm::Spring => (ymd(year.0 + 1, Month::January, 1), easter),
            CensusTerm::Summer => (easter + Duration::days(1), year.end()),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            CensusTerm::Autumn => "autumn",
            CensusTerm::Spring => "spring",
            CensusTerm::Summer => "summer",
        }
    }
}

/// A census term of a particular academic year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TermOfYear {
    pub year: AcademicYear,
    pub term: CensusTerm,
}

impl TermOfYear {
    pub fn containing(date: Date) -> Self {
        let year = AcademicYear::containing(date);
        // Every date of an academic year lies in one of its three terms.
        let term = year.term_of(date).unwrap_or(CensusTerm::Autumn);
        TermOfYear { year, term }
    }

    /// The whole census term before this one.
    pub fn previous(&self) -> Self {
        match self.term {
            CensusTerm::Autumn => TermOfYear {
                year: self.year.previous(),
                term: CensusTerm::Summer,
            },
            CensusTerm::Spring => TermOfYear {
                year: self.year,
                term: CensusTerm::Autumn,
            },
            CensusTerm::Summer => TermOfYear {
                year: self.year,
                term: CensusTerm::Spring,
            },
        }
    }

    pub fn dates(&self) -> (Date, Date) {
        self.term.dates(self.year)
    }
}

impl fmt::Display for TermOfYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} term {}", self.term.name(), self.year)
    }
}

/// Morning or afternoon register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Session {
    Am,
    Pm,
}

impl Session {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "AM" => Some(Session::Am),
            "PM" => Some(Session::Pm),
            _ => None,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            Session::Am => "AM",
            Session::Pm => "PM",
        }
    }
    pub fn offset(&self) -> usize {
        match self {
            Session::Am => 0,
            Session::Pm => 1,
        }
    }
}

/// The six years before a date for Ever6: from the same calendar date six years earlier
/// (29 February → 28 February) up to and including the date.
pub fn six_years_before(date: Date) -> Date {
    years_before(date, 6)
}

/// The same calendar date `n` years earlier, 29 February becoming 28 February.
pub fn years_before(date: Date, n: i32) -> Date {
    let year = date.year() - n;
    Date::from_calendar_date(year, date.month(), date.day())
        .unwrap_or_else(|_| ymd(year, date.month(), 28))
}

/// Age in whole years on a date.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age
}

/// Parses an ISO 8601 date (`2024-10-01`).
pub fn parse_iso_date(raw: &str) -> Option<Date> {
    let t = raw.trim();
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = t[0..4].parse().ok()?;
    let m: u8 = t[5..7].parse().ok()?;
    let d: u8 = t[8..10].parse().ok()?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// Parses a UK date as the SSDA903 writes it (`14/08/2017`).
pub fn parse_uk_date(raw: &str) -> Option<Date> {
    let t = raw.trim();
    let mut parts = t.split('/');
    let d: u8 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let ys = parts.next()?;
    if parts.next().is_some() || ys.len() != 4 {
        return None;
    }
    let y: i32 = ys.parse().ok()?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// Writes a date as `2024-10-01`.
pub fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month() as u8,
        date.day()
    )
}

/// Writes a date as `01/10/2024`, the SSDA903 form.
pub fn uk(date: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        date.day(),
        date.month() as u8,
        date.year()
    )
}

/// Writes a date as people read it on pages: `14 March 2025`.
pub fn long(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn academic_year_of_dates() {
        assert_eq!(
            AcademicYear::containing(date!(2024 - 07 - 31)),
            AcademicYear(2023)
        );
        assert_eq!(
            AcademicYear::containing(date!(2024 - 08 - 01)),
            AcademicYear(2024)
        );
        assert_eq!(
            AcademicYear::containing(date!(2025 - 03 - 14)),
            AcademicYear(2024)
        );
        assert_eq!(AcademicYear(2024).to_string(), "2024/25");
        assert_eq!(AcademicYear(1999).to_string(), "1999/00");
    }

    #[test]
    fn academic_year_parsing() {
        assert_eq!(AcademicYear::parse("2024/25"), Ok(AcademicYear(2024)));
        assert_eq!(AcademicYear::parse("202122"), Ok(AcademicYear(2021)));
        assert_eq!(AcademicYear::parse("2024-25"), Ok(AcademicYear(2024)));
        assert!(AcademicYear::parse("2024/26").is_err());
        assert!(AcademicYear::parse("24/25").is_err());
        assert!(AcademicYear::parse("").is_err());
        // Each length check rejects on its own: the start year written with five digits, or
        // the end year with three, still has end = start + 1 (mod 100) and a start in range,
        // so only the length rule turns them away.
        assert_eq!(AcademicYear::parse("02024/25"), Err(AcademicYearError));
        assert_eq!(AcademicYear::parse("2024/025"), Err(AcademicYearError));
        // Surrounding blanks are trimmed.
        assert_eq!(AcademicYear::parse(" 2024/25 "), Ok(AcademicYear(2024)));
    }

    #[test]
    fn next_and_previous_years() {
        // 2024/25 is followed by 2025/26 and preceded by 2023/24.
        assert_eq!(AcademicYear(2024).next(), AcademicYear(2025));
        assert_eq!(AcademicYear(2024).previous(), AcademicYear(2023));
        assert_eq!(AcademicYear(1999).next().to_string(), "2000/01");
    }

    #[test]
    fn days_and_sessions_in_a_leap_year() {
        // 2023/24 holds 29 February 2024.
        assert_eq!(AcademicYear(2023).days(), 366);
        assert_eq!(AcademicYear(2024).days(), 365);
        assert_eq!(AcademicYear(2023).sessions(), 732);
        assert_eq!(AcademicYear(2024).day_index(date!(2024 - 08 - 01)), Some(0));
        assert_eq!(
            AcademicYear(2024).day_index(date!(2025 - 07 - 31)),
            Some(364)
        );
        assert_eq!(AcademicYear(2024).day_index(date!(2025 - 08 - 01)), None);
        assert_eq!(AcademicYear(2024).date_of_day(31), date!(2024 - 09 - 01));
    }

    #[test]
    fn easter_dates_known() {
        assert_eq!(easter_sunday(2024), date!(2024 - 03 - 31));
        assert_eq!(easter_sunday(2025), date!(2025 - 04 - 20));
        assert_eq!(easter_sunday(2026), date!(2026 - 04 - 05));
        assert_eq!(easter_sunday(2019), date!(2019 - 04 - 21));
        assert_eq!(easter_sunday(2008), date!(2008 - 03 - 23));
        assert_eq!(easter_sunday(2038), date!(2038 - 04 - 25));
    }

    #[test]
    fn easter_dates_2000_to_2040_and_rare_cases() {
        // Every Easter Sunday from 2000 to 2040 (month, day), as the anonymous Gregorian
        // algorithm gives them, checked against two independent computations (Knuth's
        // Lilius/Clavius method and the Tøndering formula) and against dates people remember:
        // 23 April 2000, 23 March 2008 (the earliest for a century), 24 April 2011,
        // 31 March 2024, 20 April 2025, 25 April 2038 (the latest possible date).
        // 2014 and 2033 have year % 19 == 0, where the epact sum is smallest.
        const EASTER: [(u8, u8); 41] = [
            (4, 23), // 2000
            (4, 15), // 2001
            (3, 31), // 2002
            (4, 20), // 2003
            (4, 11), // 2004
            (3, 27), // 2005
            (4, 16), // 2006
            (4, 8),  // 2007
            (3, 23), // 2008
            (4, 12), // 2009
            (4, 4),  // 2010
            (4, 24), // 2011
            (4, 8),  // 2012
            (3, 31), // 2013
            (4, 20), // 2014
            (4, 5),  // 2015
            (3, 27), // 2016
            (4, 16), // 2017
            (4, 1),  // 2018
            (4, 21), // 2019
            (4, 12), // 2020
            (4, 4),  // 2021
            (4, 17), // 2022
            (4, 9),  // 2023
            (3, 31), // 2024
            (4, 20), // 2025
            (4, 5),  // 2026
            (3, 28), // 2027
            (4, 16), // 2028
            (4, 1),  // 2029
            (4, 21), // 2030
            (4, 13), // 2031
            (3, 28), // 2032
            (4, 17), // 2033
            (4, 9),  // 2034
            (3, 25), // 2035
            (4, 13), // 2036
            (4, 5),  // 2037
            (4, 25), // 2038
            (4, 10), // 2039
            (4, 1),  // 2040
        ];
        for (year, (month, day)) in (2000..).zip(EASTER) {
            let month = Month::try_from(month).expect("3 or 4");
            let expected = Date::from_calendar_date(year, month, day).expect("a real date");
            assert_eq!(easter_sunday(year), expected, "{year}");
        }
        // Every year from 2000 to 2099 has the same century terms (b = 20, so b % 4 = 0),
        // which hides mistakes in them; other centuries show them.
        assert_eq!(easter_sunday(1900), date!(1900 - 04 - 15));
        assert_eq!(easter_sunday(1961), date!(1961 - 04 - 02));
        assert_eq!(easter_sunday(1999), date!(1999 - 04 - 04));
        assert_eq!(easter_sunday(2100), date!(2100 - 03 - 28));
        assert_eq!(easter_sunday(2106), date!(2106 - 04 - 18));
        // The years when the full moon rule would give 25 or 26 April and the correction
        // (m = 1) moves Easter a week earlier, to 18 or 19 April.
        assert_eq!(easter_sunday(1954), date!(1954 - 04 - 18));
        assert_eq!(easter_sunday(1981), date!(1981 - 04 - 19));
        assert_eq!(easter_sunday(2049), date!(2049 - 04 - 18));
        assert_eq!(easter_sunday(2076), date!(2076 - 04 - 19));
    }

    #[test]
    fn census_terms_2023_24() {
        let y = AcademicYear(2023);
        assert_eq!(
            CensusTerm::Autumn.dates(y),
            (date!(2023 - 08 - 01), date!(2023 - 12 - 31))
        );
        assert_eq!(
            CensusTerm::Spring.dates(y),
            (date!(2024 - 01 - 01), date!(2024 - 03 - 31))
        );
        assert_eq!(
            CensusTerm::Summer.dates(y),
            (date!(2024 - 04 - 01), date!(2024 - 07 - 31))
        );
        assert_eq!(y.term_of(date!(2024 - 03 - 31)), Some(CensusTerm::Spring));
        assert_eq!(y.term_of(date!(2024 - 04 - 01)), Some(CensusTerm::Summer));
    }

    #[test]
    fn term_names_and_display() {
        assert_eq!(CensusTerm::Autumn.name(), "autumn");
        assert_eq!(CensusTerm::Spring.name(), "spring");
        assert_eq!(CensusTerm::Summer.name(), "summer");
        // "<term> term <year>", the year written 2024/25.
        let t = TermOfYear {
            year: AcademicYear(2024),
            term: CensusTerm::Spring,
        };
        assert_eq!(t.to_string(), "spring term 2024/25");
        let t = TermOfYear {
            year: AcademicYear(2023),
            term: CensusTerm::Summer,
        };
        assert_eq!(t.to_string(), "summer term 2023/24");
    }

    #[test]
    fn sessions_parse_and_write() {
        // Either case, blanks trimmed; anything else is no session.
        assert_eq!(Session::parse("AM"), Some(Session::Am));
        assert_eq!(Session::parse(" pm "), Some(Session::Pm));
        assert_eq!(Session::parse("Pm"), Some(Session::Pm));
        assert_eq!(Session::parse("XM"), None);
        assert_eq!(Session::parse(""), None);
        assert_eq!(Session::Am.code(), "AM");
        assert_eq!(Session::Pm.code(), "PM");
        assert_eq!(Session::Am.offset(), 0);
        assert_eq!(Session::Pm.offset(), 1);
    }

    #[test]
    fn previous_term() {
        // The worked example: report date 2024-11-22 is in autumn 2024/25; the previous term
        // is summer 2023/24, Easter Monday 2024-04-01 to 2024-07-31.
        let t = TermOfYear::containing(date!(2024 - 11 - 22));
        assert_eq!(
            t,
            TermOfYear {
                year: AcademicYear(2024),
                term: CensusTerm::Autumn
            }
        );
        assert_eq!(
            t.previous().dates(),
            (date!(2024 - 04 - 01), date!(2024 - 07 - 31))
        );
        let s = TermOfYear::containing(date!(2025 - 03 - 14));
        assert_eq!(
            s.previous().dates(),
            (date!(2024 - 08 - 01), date!(2024 - 12 - 31))
        );
        let u = TermOfYear::containing(date!(2025 - 06 - 01));
        assert_eq!(
            u.previous().dates(),
            (date!(2025 - 01 - 01), date!(2025 - 04 - 20))
        );
    }

    #[test]
    fn six_years_and_leap_days() {
        assert_eq!(
            six_years_before(date!(2025 - 03 - 14)),
            date!(2019 - 03 - 14)
        );
        assert_eq!(
            six_years_before(date!(2024 - 02 - 29)),
            date!(2018 - 02 - 28)
        );
        assert_eq!(
            years_before(date!(2028 - 02 - 29), 4),
            date!(2024 - 02 - 29)
        );
    }

    #[test]
    fn ages() {
        assert_eq!(age_on(date!(2007 - 03 - 14), date!(2025 - 03 - 13)), 17);
        assert_eq!(age_on(date!(2007 - 03 - 14), date!(2025 - 03 - 14)), 18);
    }

    #[test]
    fn date_parsing() {
        assert_eq!(parse_iso_date("2024-10-01"), Some(date!(2024 - 10 - 01)));
        assert_eq!(parse_iso_date("2024-02-30"), None);
        assert_eq!(parse_iso_date("2024-1-01"), None);
        assert_eq!(parse_iso_date(" 2024-10-01 "), Some(date!(2024 - 10 - 01)));
        // Each shape check rejects on its own: an eleventh character (both hyphens in place,
        // and 2024-10-01 would be read if the length went unchecked), a slash in place of the
        // first hyphen, a slash in place of the second.
        assert_eq!(parse_iso_date("2024-10-011"), None);
        assert_eq!(parse_iso_date("2024/10-01"), None);
        assert_eq!(parse_iso_date("2024-10/01"), None);
        assert_eq!(parse_uk_date("14/08/2017"), Some(date!(2017 - 08 - 14)));
        assert_eq!(parse_uk_date("31/02/2017"), None);
        assert_eq!(parse_uk_date("14/08/17"), None);
        assert_eq!(iso(date!(2024 - 10 - 01)), "2024-10-01");
        assert_eq!(uk(date!(2024 - 10 - 01)), "01/10/2024");
        assert_eq!(long(date!(2025 - 03 - 14)), "14 March 2025");
    }
}
