//! Reading single values (dates, names close to a misspelling) with plain-English reasons.

use time::{Date, Month};

/// Why a date could not be read, said so that someone can fix the cell.
fn date_reason(y: i32, m: u8, d: u8) -> String {
    match Month::try_from(m) {
        Err(_) => format!("{m} is not a month (months are 01 to 12)"),
        Ok(month) => {
            let days = month.length(y);
            if d == 0 {
                "day 00 is not a date".to_owned()
            } else {
                format!("not a real date: {month} {y} has {days} days")
            }
        }
    }
}

fn two_digits(b: &[u8]) -> Option<u8> {
    match b {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

/// Parses an ISO 8601 date (`2024-10-01`), as our own CSV formats write them.
pub fn parse_iso_date(raw: &str) -> Result<Date, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Err("a date is needed here".to_owned());
    }
    parse_iso_bytes(t.as_bytes()).map_err(|e| match e {
        IsoError::Shape => {
            if t.contains('/') {
                "dates in this file are written YYYY-MM-DD (e.g. 2024-10-01), not DD/MM/YYYY"
                    .to_owned()
            } else {
                "not a date: dates are written YYYY-MM-DD, e.g. 2024-10-01".to_owned()
            }
        }
        IsoError::Impossible(y, m, d) => date_reason(y, m, d),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IsoError {
    Shape,
    Impossible(i32, u8, u8),
}

/// The ISO date parser without allocation (for the attendance hot path).
pub(crate) fn parse_iso_bytes(b: &[u8]) -> Result<Date, IsoError> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(IsoError::Shape);
    }
    let mut y: i32 = 0;
    for &c in &b[0..4] {
        if !c.is_ascii_digit() {
            return Err(IsoError::Shape);
        }
        y = y * 10 + i32::from(c - b'0');
    }
    let m = two_digits(&b[5..7]).ok_or(IsoError::Shape)?;
    let d = two_digits(&b[8..10]).ok_or(IsoError::Shape)?;
    Month::try_from(m)
        .ok()
        .and_then(|month| Date::from_calendar_date(y, month, d).ok())
        .ok_or(IsoError::Impossible(y, m, d))
}

/// Parses a date as the SSDA903 writes it (`14/08/2017`; a one-digit day or month is
/// accepted, as the DfE's tools accept it).
pub fn parse_uk_date(raw: &str) -> Result<Date, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Err("a date is needed here".to_owned());
    }
    let shape = || "not a date: 903 dates are written DD/MM/YYYY, e.g. 14/08/2017".to_owned();
    let mut parts = t.split('/');
    let (Some(d), Some(m), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(shape());
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(d, 2) || !digits(m, 2) || y.len() != 4 || !digits(y, 4) {
        return Err(shape());
    }
    let (d, m, y): (u8, u8, i32) = match (d.parse(), m.parse(), y.parse()) {
        (Ok(d), Ok(m), Ok(y)) => (d, m, y),
        _ => return Err(shape()),
    };
    Month::try_from(m)
        .ok()
        .and_then(|month| Date::from_calendar_date(y, month, d).ok())
        .ok_or_else(|| date_reason(y, m, d))
}

/// Parses an XML Schema `xs:date` (`2024-10-01`, optionally with a time-zone suffix, which
/// the CIN census never uses but the type allows).
pub fn parse_xs_date(raw: &str) -> Result<Date, String> {
    let t = raw.trim();
    let core = if t.len() > 10 && t.is_char_boundary(10) {
        let (date, zone) = t.split_at(10);
        if zone == "Z" || is_zone_offset(zone) {
            date
        } else {
            t
        }
    } else {
        t
    };
    parse_iso_date(core)
}

fn is_zone_offset(z: &str) -> bool {
    let b = z.as_bytes();
    b.len() == 6
        && (b[0] == b'+' || b[0] == b'-')
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b[3] == b':'
        && b[4].is_ascii_digit()
        && b[5].is_ascii_digit()
}

/// Edit distance between two short strings, case-insensitive (for "did you mean").
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `target`, if it is close enough to be a misspelling of it.
pub(crate) fn closest<'a>(
    target: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // About two letters in five may be wrong ("EnrolStatus" for "EnrolmentStatus").
    let limit = (target.chars().count() * 2).div_ceil(5).max(2);
    let t = target.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(|c| {
            // "EnrolStatus" for "EnrolmentStatus": one name inside the other is as good as a
            // one-letter slip.
            let l = c.to_lowercase();
            let d = if l.len() >= 3 && (l.contains(&t) || t.contains(&l)) {
                1
            } else {
                edit_distance(target, c)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The first 31 March on or after a date: the end of the collection year it belongs to.
pub fn collection_year_of(date: Date) -> i32 {
    if (date.month() as u8, date.day()) <= (3, 31) {
        date.year()
    } else {
        date.year() + 1
    }
}

/// 31 March of a collection year.
pub fn collection_year_end(year: i32) -> Date {
    Date::from_calendar_date(year, Month::March, 31).unwrap_or(Date::MIN)
}

/// 1 April before a collection year's 31 March.
pub fn collection_year_start(year: i32) -> Date {
    Date::from_calendar_date(year - 1, Month::April, 1).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn iso_dates_and_reasons() {
        assert_eq!(parse_iso_date(" 2024-10-01 "), Ok(date!(2024 - 10 - 01)));
        assert_eq!(
            parse_iso_date("2023-02-29"),
            Err("not a real date: February 2023 has 28 days".into())
        );
        assert_eq!(
            parse_iso_date("2024-13-01"),
            Err("13 is not a month (months are 01 to 12)".into())
        );
        assert!(parse_iso_date("01/10/2024")
            .err()
            .is_some_and(|e| e.contains("YYYY-MM-DD")));
        assert!(parse_iso_date("").is_err());
        assert!(parse_iso_date("2024-1-01").is_err());
    }

    #[test]
    fn uk_dates() {
        assert_eq!(parse_uk_date("14/08/2017"), Ok(date!(2017 - 08 - 14)));
        assert_eq!(parse_uk_date("1/6/2020"), Ok(date!(2020 - 06 - 01)));
        assert!(parse_uk_date("31/06/2020")
            .err()
            .is_some_and(|e| e.contains("June 2020 has 30")));
        assert!(parse_uk_date("01/01/19").is_err());
        assert!(parse_uk_date("2017-08-14").is_err());
    }

    #[test]
    fn xs_dates() {
        assert_eq!(parse_xs_date("2022-07-21"), Ok(date!(2022 - 07 - 21)));
        assert_eq!(parse_xs_date("2022-07-21Z"), Ok(date!(2022 - 07 - 21)));
        assert_eq!(parse_xs_date("2022-07-21+01:00"), Ok(date!(2022 - 07 - 21)));
        assert!(parse_xs_date("2022-07-21T10:00").is_err());
    }

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("Session", "Sesion"), 1);
        assert_eq!(
            closest("Session", ["UPN", "Sesion", "Code"]),
            Some("Sesion")
        );
        assert_eq!(
            closest("EnrolStatus", ["EnrolmentStatus"]),
            Some("EnrolmentStatus")
        );
        assert_eq!(closest("Date", ["Code"]), None);
        assert_eq!(closest("Date", ["Dat"]), Some("Dat"));
        assert_eq!(closest("URN", ["Forename"]), None);
    }

    #[test]
    fn collection_years() {
        assert_eq!(collection_year_of(date!(2024 - 03 - 31)), 2024);
        assert_eq!(collection_year_of(date!(2024 - 04 - 01)), 2025);
        assert_eq!(collection_year_of(date!(2022 - 07 - 21)), 2023);
        assert_eq!(collection_year_start(2025), date!(2024 - 04 - 01));
        assert_eq!(collection_year_end(2025), date!(2025 - 03 - 31));
    }
}
