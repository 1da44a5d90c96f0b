//! The national figures pages put beside the cohort's own, each under the DfE's own name,
//! definition and year (DESIGN §8: never "the same group").
//!
//! Shipped sources (Open Government Licence v3.0), in `data/dfe/`:
//! - `absence_six_half_terms_la.csv`: "Outcomes for children in need, including children
//!   looked after by local authorities in England", LA absence (six half terms), read by
//!   [`crate::comparators`];
//! - `permanent_exclusions_and_suspensions_la.csv`: the same publication's permanent
//!   exclusion and one-or-more suspension rates;
//! - `absence_natcharacteristics_total.csv`: "Pupil absence in schools in England", the
//!   all-pupil row (enrolments in state-funded primary, secondary and special schools), the
//!   newest year the project holds.

use serde::Serialize;

use crate::comparators::{academic_year_label, shipped_national, AbsenceRow};
use crate::stats::StatusGroup;

const SHIPPED_EXCLUSIONS_CSV: &str =
    include_str!("../../../data/dfe/permanent_exclusions_and_suspensions_la.csv");
const SHIPPED_ALL_PUPILS_CSV: &str =
    include_str!("../../../data/dfe/absence_natcharacteristics_total.csv");

/// The DfE's social-care group that stands beside one of ours, and how its definition
/// differs.
pub fn dfe_group_for(group: StatusGroup) -> Option<&'static str> {
    match group {
        StatusGroup::Cla => Some("CLA 12 months at 31 March"),
        StatusGroup::Cp => Some("CPPO at 31 March"),
        StatusGroup::Cin => Some("CINO at 31 March"),
        StatusGroup::PreviouslyHadSocialWorker | StatusGroup::All => None,
    }
}

/// The DfE's words for a social-care group code.
pub fn dfe_group_name(code: &str) -> &str {
    match code {
        "CINO at 31 March" => "Children in need excluding CP and CLA at 31 March",
        "CPPO at 31 March" => "Children on a child protection plan excluding CLA at 31 March",
        "CLA 12 months at 31 March" => {
            "Children looked after continuously for 12 months at 31 March"
        }
        other => other,
    }
}

/// A published national absence figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NationalAbsence {
    /// Our group it stands beside; `None` for all pupils.
    pub beside: Option<StatusGroup>,
    /// The DfE's name, definition, place, year and period.
    pub description: String,
    /// As published: `16.4`, or `c`, `x`, `z`.
    pub overall_absence_pct: String,
    pub persistent_absence_pct: String,
}

impl NationalAbsence {
    /// Attendance is 100% less overall absence, from the published one-decimal figure.
    pub fn attendance_pct(&self) -> Option<f64> {
        let absence: f64 = self.overall_absence_pct.parse().ok()?;
        Some(((1000.0 - absence * 10.0).round()) / 10.0)
    }
}

fn from_cin_row(r: &AbsenceRow) -> NationalAbsence {
    let beside = [StatusGroup::Cla, StatusGroup::Cp, StatusGroup::Cin]
        .into_iter()
        .find(|g| dfe_group_for(*g) == Some(r.social_care_group.as_str()));
    NationalAbsence {
        beside,
        description: r.description(),
        overall_absence_pct: r.pt_overall.clone(),
        persistent_absence_pct: r.pt_pa_10.clone(),
    }
}

/// The shipped files are parsed once per process: every overview page shows them.
static ABSENCE: std::sync::LazyLock<Vec<NationalAbsence>> = std::sync::LazyLock::new(read_absence);
static EXCLUSIONS: std::sync::LazyLock<Vec<NationalExclusions>> =
    std::sync::LazyLock::new(read_exclusions);

/// The national absence comparators: the three social-care groups of the newest shipped
/// CIN outcomes release (CLA, CP, CIN order), then all pupils.
pub fn absence() -> Vec<NationalAbsence> {
    ABSENCE.clone()
}

/// The national exclusion comparators of the newest year shipped (CLA, CP, CIN order).
pub fn exclusions() -> Vec<NationalExclusions> {
    EXCLUSIONS.clone()
}

fn read_absence() -> Vec<NationalAbsence> {
    let rows = shipped_national();
    let mut out: Vec<NationalAbsence> = [StatusGroup::Cla, StatusGroup::Cp, StatusGroup::Cin]
        .into_iter()
        .filter_map(|g| {
            rows.iter()
                .find(|r| Some(r.social_care_group.as_str()) == dfe_group_for(g))
        })
        .map(from_cin_row)
        .collect();
    out.extend(all_pupils());
    out
}

/// The all-pupil national absence row.
pub fn all_pupils() -> Option<NationalAbsence> {
    let mut r = csv::ReaderBuilder::new().from_reader(SHIPPED_ALL_PUPILS_CSV.as_bytes());
    let headers = r.headers().ok()?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (year, overall, pa) = (
        col("year")?,
        col("sess_overall_percent")?,
        col("enrolments_pa_10_exact_percent")?,
    );
    let rec = r.records().next()?.ok()?;
    Some(NationalAbsence {
        beside: None,
        description: format!(
            "All pupils (enrolments) in state-funded primary, secondary and special schools, England, {}, six half terms",
            academic_year_label(rec.get(year)?)
        ),
        overall_absence_pct: rec.get(overall)?.trim().to_owned(),
        persistent_absence_pct: rec.get(pa)?.trim().to_owned(),
    })
}

/// A published national exclusions figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NationalExclusions {
    pub beside: StatusGroup,
    pub description: String,
    /// Permanent exclusions as a percentage of pupils, as published (`0.38`).
    pub permanent_exclusion_pct: String,
    /// Pupils with one or more suspensions, as a percentage of pupils (`8.73`).
    pub one_or_more_suspensions_pct: String,
}

fn read_exclusions() -> Vec<NationalExclusions> {
    let mut r = csv::ReaderBuilder::new().from_reader(
        SHIPPED_EXCLUSIONS_CSV
            .trim_start_matches('\u{feff}')
            .as_bytes(),
    );
    let Ok(headers) = r.headers().cloned() else {
        return Vec::new();
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(period), Some(level), Some(group), Some(perm), Some(sus)) = (
        col("time_period"),
        col("geographic_level"),
        col("social_care_group"),
        col("pt_perm_excl"),
        col("pt_one_plus_sus"),
    ) else {
        return Vec::new();
    };
    let rows: Vec<csv::StringRecord> = r
        .records()
        .filter_map(Result::ok)
        .filter(|rec| rec.get(level) == Some("National"))
        .collect();
    let latest = rows
        .iter()
        .filter_map(|rec| rec.get(period))
        .max()
        .unwrap_or_default()
        .to_owned();
    [StatusGroup::Cla, StatusGroup::Cp, StatusGroup::Cin]
        .into_iter()
        .filter_map(|g| {
            let code = dfe_group_for(g)?;
            let rec = rows.iter().find(|rec| {
                rec.get(period) == Some(latest.as_str()) && rec.get(group) == Some(code)
            })?;
            Some(NationalExclusions {
                beside: g,
                description: format!(
                    "{}, England, {}",
                    dfe_group_name(code),
                    academic_year_label(&latest)
                ),
                permanent_exclusion_pct: rec.get(perm)?.trim().to_owned(),
                one_or_more_suspensions_pct: rec.get(sus)?.trim().to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absence_comparators_carry_the_dfe_names_and_years() {
        let a = absence();
        assert_eq!(a.len(), 4);
        assert_eq!(a[0].beside, Some(StatusGroup::Cla));
        assert_eq!(
            a[2].description,
            "Children in need excluding CP and CLA at 31 March, England, 2021/22, six half terms"
        );
        assert_eq!(a[2].overall_absence_pct, "16.4");
        assert_eq!(a[2].attendance_pct(), Some(83.6));
        let all = &a[3];
        assert_eq!(all.beside, None);
        assert!(all.description.contains("2016/17"), "{}", all.description);
        assert_eq!(all.overall_absence_pct, "4.7");
        assert_eq!(all.persistent_absence_pct, "10.8");
    }

    #[test]
    fn exclusion_comparators_are_the_newest_year() {
        let e = exclusions();
        assert_eq!(e.len(), 3);
        let cin = &e[2];
        assert_eq!(cin.beside, StatusGroup::Cin);
        assert_eq!(
            cin.description,
            "Children in need excluding CP and CLA at 31 March, England, 2020/21"
        );
        assert_eq!(cin.permanent_exclusion_pct, "0.38");
        assert_eq!(cin.one_or_more_suspensions_pct, "8.73");
    }
}
