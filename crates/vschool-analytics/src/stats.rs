//! Group figures for the Virtual School's cohort analysis: attendance, absence, persistent
//! and severe absence, part-time timetables, exclusions, by status, school, year group,
//! phase, SEN and ethnicity.
//!
//! Two bases, and every figure says which it uses (DESIGN §4):
//! - **enrolment**: one unit per pupil per school, counting the marks that school recorded
//!   (how national all-pupil statistics count; a dual-registered pupil counts at both);
//! - **pupil**: one unit per pupil, all their schools' marks together (how the DfE's
//!   children-in-need outcomes count).

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use vschool_domain::periods::{period_figures, ReportPeriod};
use vschool_domain::pupil::ExclusionCategory;
use vschool_domain::social_care::{CohortStatus, TrackerStatus};
use vschool_domain::{AcademicYear, Percent, SessionTally, Upn, Urn};

use crate::snapshot::LaSnapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Base {
    Enrolment,
    Pupil,
}

impl Base {
    pub fn label(&self) -> &'static str {
        match self {
            Base::Enrolment => "enrolments (a pupil at two schools counts at each)",
            Base::Pupil => "pupils (each pupil once, all their schools' marks)",
        }
    }
}

/// What the rows are broken down by (besides status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Breakdown {
    Status,
    School,
    YearGroup,
    Phase,
    Sen,
    Ethnicity,
}

/// The status groups statistics report: the three current statuses, pupils who previously
/// had a social worker, and all of them together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum StatusGroup {
    #[serde(rename = "CLA")]
    Cla,
    #[serde(rename = "CP")]
    Cp,
    #[serde(rename = "CIN")]
    Cin,
    #[serde(rename = "ever6")]
    PreviouslyHadSocialWorker,
    #[serde(rename = "all")]
    All,
}

impl StatusGroup {
    pub const ALL: [StatusGroup; 5] = [
        StatusGroup::Cla,
        StatusGroup::Cp,
        StatusGroup::Cin,
        StatusGroup::PreviouslyHadSocialWorker,
        StatusGroup::All,
    ];

    pub fn of(status: TrackerStatus) -> Self {
        match status {
            TrackerStatus::Current(CohortStatus::Cla) => StatusGroup::Cla,
            TrackerStatus::Current(CohortStatus::Cp) => StatusGroup::Cp,
            TrackerStatus::Current(CohortStatus::Cin) => StatusGroup::Cin,
            TrackerStatus::Ever6 => StatusGroup::PreviouslyHadSocialWorker,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            StatusGroup::Cla => "CLA",
            StatusGroup::Cp => "CP",
            StatusGroup::Cin => "CIN",
            StatusGroup::PreviouslyHadSocialWorker => "ever6",
            StatusGroup::All => "all",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            StatusGroup::Cla => "Looked after",
            StatusGroup::Cp => "Child protection plan",
            StatusGroup::Cin => "Child in need plan",
            StatusGroup::PreviouslyHadSocialWorker => "Previously had a social worker",
            StatusGroup::All => "All children with a social worker now or in the last six years",
        }
    }
}

/// Figures for one group of units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GroupFigures {
    /// Units (pupils or enrolments) with at least one possible session in the period.
    pub units: u32,
    pub sessions: SessionTally,
    pub persistent_absentees: u32,
    pub severe_absentees: u32,
    /// Units with a C2 (part-time timetable) session in the period.
    pub on_part_time_timetable: u32,
    pub suspensions: u32,
    /// Units with one or more suspensions this academic year.
    pub suspended: u32,
    pub permanent_exclusions: u32,
    /// School days lost to suspensions, in tenths of a day.
    pub days_lost_tenths: u32,
}

impl GroupFigures {
    fn add_unit(&mut self, t: &SessionTally) {
        if t.possible() == 0 {
            return;
        }
        self.units += 1;
        self.sessions.add(t);
        self.persistent_absentees += u32::from(t.persistent_absence());
        self.severe_absentees += u32::from(t.severe_absence());
        self.on_part_time_timetable += u32::from(t.part_time > 0);
    }

    pub fn persistent_absence_pct(&self) -> Option<Percent> {
        Percent::of(u64::from(self.persistent_absentees), u64::from(self.units))
    }

    pub fn severe_absence_pct(&self) -> Option<Percent> {
        Percent::of(u64::from(self.severe_absentees), u64::from(self.units))
    }
}

/// One row of a breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsRow {
    /// The breakdown value: a URN, a year group, a phase, …; empty for `--by status`.
    pub group: String,
    pub status: StatusGroup,
    pub figures: GroupFigures,
}

/// A unit: the pupil, the school (None on the pupil base) and their status.
struct Unit {
    upn: Upn,
    urn: Option<Urn>,
    status: TrackerStatus,
}

fn units(snapshot: &LaSnapshot, at: Date, base: Base) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for urn in snapshot.schools_with_pupils() {
        for upn in snapshot.pupils_on_roll(urn, at) {
            let Some(child) = snapshot.child_for(upn) else {
                continue;
            };
            // Virtual School aggregates include previously looked-after children.
            let Some(status) = child.history.tracker_status_on(at) else {
                continue;
            };
            match base {
                Base::Enrolment => out.push(Unit {
                    upn,
                    urn: Some(urn),
                    status,
                }),
                Base::Pupil => {
                    if seen.insert(upn) {
                        out.push(Unit {
                            upn,
                            urn: None,
                            status,
                        });
                    }
                }
            }
        }
    }
    out
}

fn breakdown_value(snapshot: &LaSnapshot, unit: &Unit, by: Breakdown, at: Date) -> String {
    let enrolment = || match unit.urn {
        Some(urn) => snapshot.on_roll(unit.upn, urn, at),
        None => snapshot.enrolments_of(unit.upn).find(|e| e.on_roll(at)),
    };
    match by {
        Breakdown::Status => String::new(),
        Breakdown::School => unit
            .urn
            .or_else(|| enrolment().map(|e| e.urn))
            .map(|u| u.to_string())
            .unwrap_or_default(),
        Breakdown::YearGroup => enrolment()
            .map(|e| e.nc_year.code())
            .unwrap_or_else(|| "unknown".into()),
        Breakdown::Phase => enrolment()
            .and_then(|e| snapshot.setting(e.urn))
            .map(|s| s.phase.gias_name().to_owned())
            .unwrap_or_else(|| "unknown".into()),
        Breakdown::Sen => snapshot.sen(unit.upn).unwrap_or("unknown").to_owned(),
        Breakdown::Ethnicity => snapshot
            .ethnicity(unit.upn)
            .or_else(|| {
                snapshot
                    .child_for(unit.upn)
                    .and_then(|c| c.ethnicity.as_deref())
            })
            .unwrap_or("unknown")
            .to_owned(),
    }
}

/// Group figures for a date and period, broken down, on a base. Rows are sorted by group,
/// then status; every breakdown value gets an `all` row.
pub fn stats(
    snapshot: &LaSnapshot,
    at: Date,
    period: ReportPeriod,
    by: Breakdown,
    base: Base,
) -> Vec<StatsRow> {
    let mut groups: BTreeMap<(String, StatusGroup), GroupFigures> = BTreeMap::new();
    let year = AcademicYear::containing(at);
    for unit in units(snapshot, at, base) {
        let Some(child) = snapshot.child_for(unit.upn) else {
            continue;
        };
        let tally = match unit.urn {
            Some(urn) => {
                *period_figures(snapshot.registers(unit.upn, urn), &child.history, at).get(period)
            }
            None => *period_figures(
                snapshot.all_registers_of(unit.upn).map(|(_, r)| r),
                &child.history,
                at,
            )
            .get(period),
        };
        let exclusions: Vec<_> = snapshot
            .exclusions_of(unit.upn)
            .filter(|x| {
                unit.urn.is_none_or(|u| u == x.urn)
                    && AcademicYear::containing(x.start) == year
                    && x.start <= at
            })
            .collect();
        let value = breakdown_value(snapshot, &unit, by, at);
        for status in [StatusGroup::of(unit.status), StatusGroup::All] {
            let g = groups.entry((value.clone(), status)).or_default();
            g.add_unit(&tally);
            let susp = exclusions
                .iter()
                .filter(|x| x.category == ExclusionCategory::Suspension);
            let n = susp.clone().count() as u32;
            g.suspensions += n;
            g.suspended += u32::from(n > 0);
            g.days_lost_tenths += susp.map(|x| x.days_lost_tenths()).sum::<u32>();
            g.permanent_exclusions += exclusions
                .iter()
                .filter(|x| x.category == ExclusionCategory::Permanent)
                .count() as u32;
        }
    }
    groups
        .into_iter()
        .map(|((group, status), figures)| StatsRow {
            group,
            status,
            figures,
        })
        .collect()
}
