//! The LA's half-term dates: set with `vschool calendar set` or on the calendar page; a half
//! term the LA has not set uses the shipped default (`vschool_domain::term_dates`), and
//! pages and packs then say "default dates" (DESIGN §8 "Packs").

use time::{Date, OffsetDateTime};
use vschool_domain::calendar::AcademicYear;
use vschool_domain::term_dates::{HalfTerm, HalfTermNameError, TermYear};
use vschool_store::{HalfTermDates, Store, StoreError};

use crate::format::long_date;

/// A half term with where its dates came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedHalfTerm {
    pub half: HalfTerm,
    /// The shipped default, not the LA's own dates.
    pub default_dates: bool,
}

impl ResolvedHalfTerm {
    /// `2024/25-3`.
    pub fn name(&self) -> String {
        self.half.name()
    }

    /// "Spring 1 2024/25: 6 January to 14 February 2025".
    pub fn describe(&self) -> String {
        format!(
            "{} {}: {} to {}",
            season(self.half.number),
            self.half.year,
            long_date(self.half.start),
            long_date(self.half.end)
        )
    }

    /// "default dates" or "the LA's dates", for pages and packs.
    pub fn source_label(&self) -> &'static str {
        if self.default_dates {
            "default dates"
        } else {
            "the local authority's dates"
        }
    }
}

/// "Autumn 1" … "Summer 2".
pub fn season(number: u8) -> &'static str {
    match number {
        1 => "Autumn 1",
        2 => "Autumn 2",
        3 => "Spring 1",
        4 => "Spring 2",
        5 => "Summer 1",
        _ => "Summer 2",
    }
}

/// The path of a half term in the service's addresses: `2024/25-3` reads as itself
/// (`/schools/100001/packs/2024/25-3`), the routes taking it as two segments.
pub fn path(half_term: &str) -> String {
    half_term.to_owned()
}

/// Puts a half-term name back together from its two path segments (`2024`, `25-3`).
pub fn from_path(first: &str, second: &str) -> Result<String, HalfTermNameError> {
    let name = format!("{first}/{second}");
    HalfTerm::parse_name(&name)?;
    Ok(name)
}

/// A year's six half terms: the LA's where set, else the default.
pub async fn year(store: &Store, year: AcademicYear) -> Result<Vec<ResolvedHalfTerm>, StoreError> {
    let set = store.half_term_dates(Some(year)).await?;
    Ok(merge(year, &set))
}

fn merge(year: AcademicYear, set: &[HalfTermDates]) -> Vec<ResolvedHalfTerm> {
    let default = TermYear::default_for(year);
    (1..=6u8)
        .filter_map(|n| match set.iter().find(|d| d.number == n) {
            Some(d) => Some(ResolvedHalfTerm {
                half: HalfTerm {
                    year,
                    number: n,
                    start: d.start,
                    end: d.end,
                },
                default_dates: false,
            }),
            None => default.half_term(n).map(|h| ResolvedHalfTerm {
                half: *h,
                default_dates: true,
            }),
        })
        .collect()
}

/// The half term called `name` (`2024/25-3`), with the LA's dates if it set them.
pub async fn resolve(
    store: &Store,
    name: &str,
) -> Result<ResolvedHalfTerm, crate::packs::PackError> {
    let (y, number) = HalfTerm::parse_name(name)?;
    year(store, y)
        .await?
        .into_iter()
        .find(|h| h.half.number == number)
        .ok_or(crate::packs::PackError::HalfTermName(HalfTermNameError))
}

/// The most recent half term that has ended before `today` (the run a page offers first).
pub async fn latest_ended(store: &Store, today: Date) -> Result<ResolvedHalfTerm, StoreError> {
    let this = AcademicYear::containing(today);
    let mut all = year(store, this.previous()).await?;
    all.extend(year(store, this).await?);
    let ended = all.iter().rev().find(|h| h.half.end < today).copied();
    Ok(ended.unwrap_or(all[0]))
}

/// Half terms to offer on the packs page: the current and previous academic years', newest
/// first, those that have ended only.
pub async fn offered(store: &Store, today: Date) -> Result<Vec<ResolvedHalfTerm>, StoreError> {
    let this = AcademicYear::containing(today);
    let mut all = year(store, this.previous()).await?;
    all.extend(year(store, this).await?);
    all.retain(|h| h.half.end < today);
    all.reverse();
    Ok(all)
}

/// Why dates cannot be set, in words the person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("half term {0} does not exist: half terms are numbered 1 to 6")]
    Number(u8),
    #[error("half term {number} ends ({end}) before it starts ({start}): check the dates")]
    EndsBeforeStart {
        number: u8,
        start: String,
        end: String,
    },
    #[error("half term {number} must fall inside the academic year {year} (1 August to 31 July)")]
    OutsideYear { number: u8, year: AcademicYear },
    #[error("half term {later} must start after half term {earlier} ends: check the dates")]
    Overlap { earlier: u8, later: u8 },
    #[error("line {line}: {reason}")]
    File { line: usize, reason: String },
    #[error(transparent)]
    Store(#[from] StoreErrorText),
}

/// A store error as text, so that [`CalendarError`] can be compared in tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StoreErrorText(pub String);

impl From<StoreError> for CalendarError {
    fn from(e: StoreError) -> Self {
        CalendarError::Store(StoreErrorText(e.to_string()))
    }
}

/// Sets half terms of one academic year: each `(number, start, end)` replaces that half
/// term's dates. The year's six half terms, with these changes, must each start on or
/// before they end, lie inside the year and follow each other without overlapping.
pub async fn set(
    store: &Store,
    year_of: AcademicYear,
    changes: &[(u8, Date, Date)],
    by: &str,
    at: OffsetDateTime,
) -> Result<Vec<ResolvedHalfTerm>, CalendarError> {
    let mut set = store.half_term_dates(Some(year_of)).await?;
    for &(number, start, end) in changes {
        if !(1..=6).contains(&number) {
            return Err(CalendarError::Number(number));
        }
        if end < start {
            return Err(CalendarError::EndsBeforeStart {
                number,
                start: long_date(start),
                end: long_date(end),
            });
        }
        if start < year_of.start() || end > year_of.end() {
            return Err(CalendarError::OutsideYear {
                number,
                year: year_of,
            });
        }
        set.retain(|d| d.number != number);
        set.push(HalfTermDates {
            year: year_of,
            number,
            start,
            end,
            set_at: at,
            set_by: by.to_owned(),
        });
    }
    let merged = merge(year_of, &set);
    for pair in merged.windows(2) {
        if pair[1].half.start <= pair[0].half.end {
            return Err(CalendarError::Overlap {
                earlier: pair[0].half.number,
                later: pair[1].half.number,
            });
        }
    }
    let changed: Vec<HalfTermDates> = set
        .into_iter()
        .filter(|d| changes.iter().any(|(n, _, _)| *n == d.number))
        .collect();
    store.set_half_term_dates(&changed).await?;
    Ok(merged)
}

/// Reads a calendar file: a CSV with a header `HalfTerm,From,To` and one line per half term
/// (`3,2025-01-06,2025-02-14`).
pub fn parse_file(text: &str) -> Result<Vec<(u8, Date, Date)>, CalendarError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || (line_no == 1 && line.to_ascii_lowercase().starts_with("halfterm")) {
            continue;
        }
        let parts: Vec<&str> = line
            .split(',')
            .map(|p| p.trim().trim_matches('"'))
            .collect();
        let bad = |reason: &str| CalendarError::File {
            line: line_no,
            reason: reason.to_owned(),
        };
        let [n, from, to] = parts.as_slice() else {
            return Err(bad(
                "expected three values: half term (1 to 6), from date, to date",
            ));
        };
        let number: u8 = n.parse().map_err(|_| bad("the half term must be 1 to 6"))?;
        let from = vschool_domain::calendar::parse_iso_date(from)
            .ok_or_else(|| bad("the from date must be written like 2025-01-06"))?;
        let to = vschool_domain::calendar::parse_iso_date(to)
            .ok_or_else(|| bad("the to date must be written like 2025-02-14"))?;
        out.push((number, from, to));
    }
    if out.is_empty() {
        return Err(CalendarError::File {
            line: 1,
            reason: "the file lists no half terms (header HalfTerm,From,To then one line each)"
                .into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn files_are_read_with_line_numbers_in_errors() {
        let got =
            parse_file("HalfTerm,From,To\n3,2025-01-06,2025-02-14\n4,2025-02-24,2025-04-04\n")
                .expect("reads");
        assert_eq!(
            got,
            vec![
                (3, date!(2025 - 01 - 06), date!(2025 - 02 - 14)),
                (4, date!(2025 - 02 - 24), date!(2025 - 04 - 04))
            ]
        );
        let err = parse_file("HalfTerm,From,To\n3,6/1/2025,2025-02-14\n").expect_err("bad date");
        assert_eq!(
            err.to_string(),
            "line 2: the from date must be written like 2025-01-06"
        );
        assert!(parse_file("HalfTerm,From,To\n").is_err());
    }

    #[test]
    fn half_terms_read_in_paths() {
        assert_eq!(from_path("2024", "25-3").as_deref(), Ok("2024/25-3"));
        assert!(from_path("2024", "25-7").is_err());
        assert!(from_path("..", "x").is_err());
        assert_eq!(season(3), "Spring 1");
    }

    #[test]
    fn the_default_fills_what_the_la_did_not_set() {
        let y = AcademicYear(2024);
        let set = vec![HalfTermDates {
            year: y,
            number: 3,
            start: date!(2025 - 01 - 07),
            end: date!(2025 - 02 - 13),
            set_at: OffsetDateTime::UNIX_EPOCH,
            set_by: "x".into(),
        }];
        let merged = merge(y, &set);
        assert_eq!(merged.len(), 6);
        assert!(merged[0].default_dates);
        assert!(!merged[2].default_dates);
        assert_eq!(merged[2].half.end, date!(2025 - 02 - 13));
        assert_eq!(merged[2].source_label(), "the local authority's dates");
        assert_eq!(
            merged[2].describe(),
            "Spring 1 2024/25: 7 January 2025 to 13 February 2025"
        );
    }
}
