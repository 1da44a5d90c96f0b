//! The overview's filters: academic year, phase, group and base, from a GET form so they work
//! without JavaScript and can be bookmarked. None of them is personal data, so they may sit in
//! the query string. Values the form never offers are ignored (the default applies) rather
//! than refused: a stale bookmark still opens the page.

use serde::{Deserialize, Serialize};
use time::Date;
use vschool_analytics::overview::OverviewRequest;
use vschool_analytics::stats::{Base, StatusGroup};
use vschool_domain::{AcademicYear, Phase};

/// The query string as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FilterQuery {
    pub year: Option<String>,
    pub phase: Option<String>,
    pub group: Option<String>,
    pub base: Option<String>,
}

/// The filters as understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filters {
    pub year: AcademicYear,
    pub phase: Option<Phase>,
    pub group: Option<StatusGroup>,
    pub base: Base,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[derive(Serialize)]
struct QueryOut<'a> {
    year: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    phase: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    base: &'a str,
}

impl Filters {
    pub fn read(q: &FilterQuery, today: Date) -> Filters {
        let this_year = AcademicYear::containing(today);
        Filters {
            year: nonempty(&q.year)
                .and_then(|y| AcademicYear::parse(y).ok())
                .filter(|y| *y <= this_year && y.0 >= 2000)
                .unwrap_or(this_year),
            phase: nonempty(&q.phase).and_then(Phase::parse_gias),
            group: nonempty(&q.group)
                .and_then(StatusGroup::parse)
                .filter(|g| *g != StatusGroup::All),
            // The DfE's children-in-need outcomes count pupils: the default, as for
            // `vschool stats`.
            base: nonempty(&q.base)
                .and_then(Base::parse)
                .unwrap_or(Base::Pupil),
        }
    }

    /// The report date: today in the current academic year, else the year's last day.
    pub fn at(&self, today: Date) -> Date {
        if self.year == AcademicYear::containing(today) {
            today
        } else {
            self.year.end()
        }
    }

    pub fn request(&self, today: Date) -> OverviewRequest {
        OverviewRequest {
            at: self.at(today),
            base: self.base,
            phase: self.phase.map(|p| p.gias_name().to_owned()),
            group: self.group,
        }
    }

    /// The query string that gives these filters back (for download links).
    pub fn query(&self) -> String {
        serde_urlencoded::to_string(QueryOut {
            year: self.year.to_string(),
            phase: self.phase.map(|p| p.gias_name()),
            group: self.group.map(|g| g.code()),
            base: self.base.code(),
        })
        .unwrap_or_default()
    }

    /// The filters in words, for notes under tables and in downloads.
    pub fn describe(&self) -> String {
        format!(
            "Academic year {}; {}; {}.",
            self.year,
            self.phase
                .map(|p| format!("schools of phase {}", p.gias_name()))
                .unwrap_or_else(|| "all phases".into()),
            self.group
                .map(|g| format!("group: {}", g.label().to_lowercase()))
                .unwrap_or_else(|| "all groups".into())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn defaults_and_round_trip() {
        let today = date!(2025 - 03 - 14);
        let f = Filters::read(&FilterQuery::default(), today);
        assert_eq!(f.year, AcademicYear(2024));
        assert_eq!(f.base, Base::Pupil);
        assert_eq!(f.at(today), today);
        let q = FilterQuery {
            year: Some("2023/24".into()),
            phase: Some("Primary".into()),
            group: Some("CP".into()),
            base: Some("enrolment".into()),
        };
        let f = Filters::read(&q, today);
        assert_eq!(f.at(today), date!(2024 - 07 - 31));
        assert_eq!(
            f.query(),
            "year=2023%2F24&phase=Primary&group=CP&base=enrolment"
        );
        // Nonsense is ignored, never an error; future years are not offered.
        let q = FilterQuery {
            year: Some("2030/31".into()),
            phase: Some("<script>".into()),
            group: Some("all".into()),
            base: Some("x".into()),
        };
        assert_eq!(
            Filters::read(&q, today),
            Filters::read(&FilterQuery::default(), today)
        );
    }
}
