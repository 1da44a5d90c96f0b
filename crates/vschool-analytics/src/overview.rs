//! The Virtual School team's LA overview, computed in one pass over a snapshot: the cohort
//! today and at the end of the last half term, cohort counts month by month, attendance,
//! absence, suspensions and part-time timetables by group (year to date and on plan),
//! attendance by half term, the ten schools with most children with a social worker, and
//! the breakdowns by school, year group, phase, SEN and ethnicity.
//!
//! Every figure is an aggregate of [`crate::stats::unit_figures`], so the page, the
//! downloads, `vschool stats` and the API agree. Nothing is suppressed here: suppression is
//! decided by who looks ([`crate::published::publish`]).

use std::collections::BTreeMap;

use time::{Date, Duration};
use vschool_domain::periods::ReportPeriod;
use vschool_domain::social_care::{CohortCounts, TrackerStatus};
use vschool_domain::term_dates::{HalfTerm, TermYear};
use vschool_domain::{count_cohort, AcademicYear, SessionTally, Urn};

use crate::snapshot::LaSnapshot;
use crate::stats::{
    aggregate, tally_between, unit_figures, Base, Breakdown, GroupFigures, StatsRow, StatusGroup,
    UnitFigures, Window,
};

/// What the overview is asked for (the page's filters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OverviewRequest {
    /// The report date: today, or the last day of an earlier academic year.
    pub at: Date,
    pub base: Base,
    /// Only pupils at schools of this phase (GIAS's wording), when given.
    pub phase: Option<String>,
    /// Only this status group, when given.
    pub group: Option<StatusGroup>,
}

/// One half term's attendance, by status group.
#[derive(Debug, Clone)]
pub struct HalfTermFigures {
    pub half_term: HalfTerm,
    /// The last date counted: the half term's last day, or the report date inside it.
    pub to: Date,
    pub rows: Vec<StatsRow>,
}

/// A school among those with most children with a social worker now.
#[derive(Debug, Clone)]
pub struct TopSchool {
    pub urn: Urn,
    /// Children with a social worker now (CLA, CP or CIN plan) on roll.
    pub children_now: u32,
    /// Their attendance this year at this school (enrolment base).
    pub figures: GroupFigures,
}

#[derive(Debug, Clone)]
pub struct Overview {
    pub request: OverviewRequest,
    /// Headline counts on the report date (children aged 0–17, whatever their schooling).
    pub cohort: CohortCounts,
    /// The same on the last day of the previous half term (default dates).
    pub previous: Option<(HalfTerm, CohortCounts)>,
    /// Cohort counts at the end of each month over the last three years, then the report
    /// date.
    pub series: Vec<(Date, CohortCounts)>,
    /// Year to date, by status (each status row and `all`).
    pub year_to_date: Vec<StatsRow>,
    /// On plan this year, by status.
    pub on_plan: Vec<StatsRow>,
    /// Units on roll on the report date, by status group, whether or not they have marks.
    pub on_roll: BTreeMap<StatusGroup, u32>,
    /// Every pupil on roll, known to social care or not (the LA's own "all pupils" as far as
    /// the schools' files hold them), year to date.
    pub all_pupils: SessionTally,
    pub all_pupils_units: u32,
    pub half_terms: Vec<HalfTermFigures>,
    /// Year to date, by each of [`Breakdown::DIMENSIONS`].
    pub breakdowns: Vec<(Breakdown, Vec<StatsRow>)>,
    pub top_schools: Vec<TopSchool>,
    /// The academic years with marks, any of them (for the filter).
    pub register_years: Vec<AcademicYear>,
    /// The phases of the LA's settings (for the filter).
    pub phases: Vec<&'static str>,
}

impl Overview {
    /// The row of a status group in a list of status rows.
    pub fn row(rows: &[StatsRow], group: StatusGroup) -> Option<&StatsRow> {
        rows.iter().find(|r| r.status == group)
    }
}

fn keeps(req: &OverviewRequest, u: &UnitFigures) -> bool {
    req.phase
        .as_deref()
        .is_none_or(|p| u.value(Breakdown::Phase) == p)
        && req.group.is_none_or(|g| StatusGroup::of(u.status) == g)
}

/// The last day of each month from 35 months before `at`'s month, then `at`.
pub fn month_ends(at: Date) -> Vec<Date> {
    let mut out = Vec::with_capacity(37);
    let first_of_month = at.replace_day(1).unwrap_or(at);
    let mut d = first_of_month;
    for _ in 0..35 {
        d = (d - Duration::days(1)).replace_day(1).unwrap_or(d);
    }
    while d < first_of_month {
        let next = (d + Duration::days(32))
            .replace_day(1)
            .unwrap_or(first_of_month);
        out.push(next - Duration::days(1));
        d = next;
    }
    out.push(at);
    out
}

/// The half term of the default calendar that ended last before `at`.
pub fn previous_half_term(at: Date) -> Option<HalfTerm> {
    let year = AcademicYear::containing(at);
    [year.previous(), year]
        .into_iter()
        .flat_map(|y| TermYear::default_for(y).half_terms)
        .filter(|h| h.end < at)
        .max_by_key(|h| h.end)
}

/// Builds the overview for a request.
pub fn build(snapshot: &LaSnapshot, req: &OverviewRequest) -> Overview {
    let at = req.at;
    let children = &snapshot.data.children;
    let cohort = count_cohort(children, at);
    let previous = previous_half_term(at).map(|h| (h, count_cohort(children, h.end)));
    let series = month_ends(at)
        .into_iter()
        .map(|d| (d, count_cohort(children, d)))
        .collect();

    let ytd = unit_figures(
        snapshot,
        at,
        Window::Period(ReportPeriod::YearToDate),
        req.base,
    );
    let keep = |u: &UnitFigures| keeps(req, u);
    let year_to_date = aggregate(&ytd, Breakdown::Status, keep);
    let mut on_roll: BTreeMap<StatusGroup, u32> = BTreeMap::new();
    for u in ytd.iter().filter(|u| keep(u)) {
        *on_roll.entry(StatusGroup::of(u.status)).or_default() += 1;
        *on_roll.entry(StatusGroup::All).or_default() += 1;
    }
    let on_plan = aggregate(
        &unit_figures(snapshot, at, Window::Period(ReportPeriod::OnPlan), req.base),
        Breakdown::Status,
        keep,
    );
    let breakdowns = Breakdown::DIMENSIONS
        .into_iter()
        .map(|by| (by, aggregate(&ytd, by, keep)))
        .collect();

    let (all_pupils, all_pupils_units) = all_pupils(snapshot, req);
    let half_terms = half_terms(snapshot, req);
    let top_schools = top_schools(snapshot, req, &ytd);

    Overview {
        request: req.clone(),
        cohort,
        previous,
        series,
        year_to_date,
        on_plan,
        on_roll,
        all_pupils,
        all_pupils_units,
        half_terms,
        breakdowns,
        top_schools,
        // The filter's choices, worked out once with the figures, not on every page view.
        register_years: {
            let mut y: Vec<AcademicYear> = snapshot
                .data
                .registers
                .iter()
                .map(|r| r.register.year)
                .collect();
            y.sort();
            y.dedup();
            y
        },
        phases: phases(snapshot),
    }
}

/// Every pupil on roll on the report date, whether known to social care or not, year to
/// date, on the request's base and phase.
fn all_pupils(snapshot: &LaSnapshot, req: &OverviewRequest) -> (SessionTally, u32) {
    let at = req.at;
    let (from, to) = ReportPeriod::YearToDate.dates(at);
    let mut total = SessionTally::default();
    let mut units = 0u32;
    let mut seen = std::collections::HashSet::new();
    for urn in snapshot.schools_with_pupils() {
        let phase_ok = req.phase.as_deref().is_none_or(|p| {
            snapshot
                .setting(urn)
                .is_some_and(|s| s.phase.gias_name() == p)
        });
        if !phase_ok {
            continue;
        }
        for upn in snapshot.pupils_on_roll(urn, at) {
            let t = match req.base {
                Base::Enrolment => tally_between(snapshot.registers(upn, urn), from, to),
                Base::Pupil => {
                    if !seen.insert(upn) {
                        continue;
                    }
                    tally_between(snapshot.all_registers_of(upn).map(|(_, r)| r), from, to)
                }
            };
            if t.possible() > 0 {
                units += 1;
                total.add(&t);
            }
        }
    }
    (total, units)
}

fn half_terms(snapshot: &LaSnapshot, req: &OverviewRequest) -> Vec<HalfTermFigures> {
    let at = req.at;
    TermYear::default_for(AcademicYear::containing(at))
        .half_terms
        .into_iter()
        .filter(|h| h.start <= at)
        .map(|h| {
            let to = h.end.min(at);
            let units = unit_figures(snapshot, to, Window::Dates(h.start, to), req.base);
            HalfTermFigures {
                half_term: h,
                to,
                rows: aggregate(&units, Breakdown::Status, |u| keeps(req, u)),
            }
        })
        .collect()
}

/// The ten schools with most children with a social worker now, on the enrolment base (each
/// school's own marks) whatever the request's base.
fn top_schools(
    snapshot: &LaSnapshot,
    req: &OverviewRequest,
    ytd: &[UnitFigures],
) -> Vec<TopSchool> {
    let enrolment_units;
    let units = if req.base == Base::Enrolment {
        ytd
    } else {
        enrolment_units = unit_figures(
            snapshot,
            req.at,
            Window::Period(ReportPeriod::YearToDate),
            Base::Enrolment,
        );
        &enrolment_units
    };
    let mut by_school: BTreeMap<Urn, (u32, GroupFigures)> = BTreeMap::new();
    for u in units.iter().filter(|u| keeps(req, u)) {
        let (TrackerStatus::Current(_), Some(urn)) = (u.status, u.urn) else {
            continue;
        };
        let e = by_school.entry(urn).or_default();
        e.0 += 1;
        e.1.add(u);
    }
    let mut out: Vec<TopSchool> = by_school
        .into_iter()
        .map(|(urn, (children_now, figures))| TopSchool {
            urn,
            children_now,
            figures,
        })
        .collect();
    // Most children first; URN order among equals, so the list is stable.
    out.sort_by(|a, b| b.children_now.cmp(&a.children_now).then(a.urn.cmp(&b.urn)));
    out.truncate(10);
    out
}

/// The academic years with marks in the snapshot, newest first, up to `today`'s.
pub fn years_with_data(snapshot: &LaSnapshot, today: Date) -> Vec<AcademicYear> {
    let this = AcademicYear::containing(today);
    let mut years: Vec<AcademicYear> = snapshot
        .data
        .registers
        .iter()
        .map(|r| r.register.year)
        .filter(|y| *y <= this)
        .collect();
    years.push(this);
    years.sort();
    years.dedup();
    years.reverse();
    years
}

/// The phases of the schools pupils are on roll at, in GIAS's order.
pub fn phases(snapshot: &LaSnapshot) -> Vec<&'static str> {
    let mut out: Vec<vschool_domain::Phase> =
        snapshot.data.settings.iter().map(|s| s.phase).collect();
    out.sort();
    out.dedup();
    out.into_iter().map(|p| p.gias_name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn month_ends_run_three_years_to_the_date() {
        let m = month_ends(date!(2025 - 03 - 14));
        assert_eq!(m.len(), 36);
        assert_eq!(m[0], date!(2022 - 04 - 30));
        assert_eq!(m[1], date!(2022 - 05 - 31));
        assert_eq!(m[34], date!(2025 - 02 - 28));
        assert_eq!(m[35], date!(2025 - 03 - 14));
    }

    #[test]
    fn previous_half_term_is_the_last_to_end() {
        let h = previous_half_term(date!(2025 - 03 - 14)).expect("a half term");
        assert_eq!(h.name(), "2024/25-3");
        assert!(h.end < date!(2025 - 03 - 14));
    }
}
