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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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

    pub fn parse(raw: &str) -> Option<StatusGroup> {
        StatusGroup::ALL
            .into_iter()
            .find(|g| g.code().eq_ignore_ascii_case(raw.trim()))
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

impl Breakdown {
    /// The breakdowns beside status, in the order of [`UnitFigures::values`].
    pub const DIMENSIONS: [Breakdown; 5] = [
        Breakdown::School,
        Breakdown::YearGroup,
        Breakdown::Phase,
        Breakdown::Sen,
        Breakdown::Ethnicity,
    ];

    /// Where this breakdown's value sits in [`UnitFigures::values`]; `None` for status.
    pub fn index(&self) -> Option<usize> {
        Breakdown::DIMENSIONS.iter().position(|b| b == self)
    }

    pub fn code(&self) -> &'static str {
        match self {
            Breakdown::Status => "status",
            Breakdown::School => "school",
            Breakdown::YearGroup => "year-group",
            Breakdown::Phase => "phase",
            Breakdown::Sen => "sen",
            Breakdown::Ethnicity => "ethnicity",
        }
    }

    pub fn parse(raw: &str) -> Option<Breakdown> {
        [Breakdown::Status]
            .into_iter()
            .chain(Breakdown::DIMENSIONS)
            .find(|b| b.code() == raw.trim())
    }
}

impl Base {
    pub fn code(&self) -> &'static str {
        match self {
            Base::Enrolment => "enrolment",
            Base::Pupil => "pupil",
        }
    }

    pub fn parse(raw: &str) -> Option<Base> {
        [Base::Enrolment, Base::Pupil]
            .into_iter()
            .find(|b| b.code() == raw.trim())
    }
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

/// The dates a unit's attendance is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// One of the tracker's four periods for the report date.
    Period(ReportPeriod),
    /// Every session from the first date to the second, both inclusive (inside one academic
    /// year): a half term, a month. Suspensions count when they start inside it.
    Dates(Date, Date),
}

/// One unit's figures and its value for every breakdown: computed once over the LA, then
/// aggregated as many ways as a page needs ([`aggregate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFigures {
    pub upn: Upn,
    /// The school, on the enrolment base.
    pub urn: Option<Urn>,
    pub status: TrackerStatus,
    pub tally: SessionTally,
    pub suspensions: u32,
    pub days_lost_tenths: u32,
    pub permanent_exclusions: u32,
    /// The unit's value for each of [`Breakdown::DIMENSIONS`], in that order.
    pub values: [String; 5],
}

impl UnitFigures {
    /// The unit's value for a breakdown (`""` for status).
    pub fn value(&self, by: Breakdown) -> &str {
        by.index().map(|i| self.values[i].as_str()).unwrap_or("")
    }
}

/// Every unit on roll on `at` whose child has or had a social worker, with its figures for
/// `window`, on `base`.
pub fn unit_figures(
    snapshot: &LaSnapshot,
    at: Date,
    window: Window,
    base: Base,
) -> Vec<UnitFigures> {
    let year = AcademicYear::containing(at);
    let mut out = Vec::new();
    for unit in units(snapshot, at, base) {
        let Some(child) = snapshot.child_for(unit.upn) else {
            continue;
        };
        let registers: Vec<&vschool_domain::YearRegister> = match unit.urn {
            Some(urn) => snapshot.registers(unit.upn, urn).collect(),
            None => snapshot
                .all_registers_of(unit.upn)
                .map(|(_, r)| r)
                .collect(),
        };
        let tally = match window {
            Window::Period(period) => {
                *period_figures(registers.iter().copied(), &child.history, at).get(period)
            }
            Window::Dates(from, to) => tally_between(registers.iter().copied(), from, to),
        };
        let exclusions: Vec<_> = snapshot
            .exclusions_of(unit.upn)
            .filter(|x| unit.urn.is_none_or(|u| u == x.urn))
            .filter(|x| match window {
                Window::Period(_) => AcademicYear::containing(x.start) == year && x.start <= at,
                Window::Dates(from, to) => from <= x.start && x.start <= to,
            })
            .collect();
        let susp = exclusions
            .iter()
            .filter(|x| x.category == ExclusionCategory::Suspension);
        let values = Breakdown::DIMENSIONS.map(|by| breakdown_value(snapshot, &unit, by, at));
        out.push(UnitFigures {
            upn: unit.upn,
            urn: unit.urn,
            status: unit.status,
            tally,
            suspensions: susp.clone().count() as u32,
            days_lost_tenths: susp.map(|x| x.days_lost_tenths()).sum(),
            permanent_exclusions: exclusions
                .iter()
                .filter(|x| x.category == ExclusionCategory::Permanent)
                .count() as u32,
            values,
        });
    }
    out
}

/// The sessions of some registers between two dates, both inclusive.
pub fn tally_between<'a>(
    registers: impl IntoIterator<Item = &'a vschool_domain::YearRegister>,
    from: Date,
    to: Date,
) -> SessionTally {
    let year = AcademicYear::containing(from);
    let mut t = SessionTally::default();
    for r in registers.into_iter().filter(|r| r.year == year) {
        t.add(&r.tally(from, to));
    }
    t
}

impl GroupFigures {
    /// Adds one unit: its sessions (when it had any possible session) and its exclusions.
    pub fn add(&mut self, u: &UnitFigures) {
        self.add_unit(&u.tally);
        self.suspensions += u.suspensions;
        self.suspended += u32::from(u.suspensions > 0);
        self.days_lost_tenths += u.days_lost_tenths;
        self.permanent_exclusions += u.permanent_exclusions;
    }
}

/// Group figures of the units `keep` accepts, broken down. Rows are sorted by group, then
/// status; every breakdown value gets an `all` row.
pub fn aggregate(
    units: &[UnitFigures],
    by: Breakdown,
    keep: impl Fn(&UnitFigures) -> bool,
) -> Vec<StatsRow> {
    let mut groups: BTreeMap<(&str, StatusGroup), GroupFigures> = BTreeMap::new();
    for u in units.iter().filter(|u| keep(u)) {
        for status in [StatusGroup::of(u.status), StatusGroup::All] {
            groups.entry((u.value(by), status)).or_default().add(u);
        }
    }
    groups
        .into_iter()
        .map(|((group, status), figures)| StatsRow {
            group: group.to_owned(),
            status,
            figures,
        })
        .collect()
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
    aggregate(
        &unit_figures(snapshot, at, Window::Period(period), base),
        by,
        |_| true,
    )
}
