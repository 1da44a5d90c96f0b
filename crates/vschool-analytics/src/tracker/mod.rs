//! The per-school attendance tracker: every pupil on roll at a school on a date who is CLA,
//! CP, CIN or previously had a social worker, with the four periods' figures counted from the
//! marks that school recorded.

pub mod csv;
pub mod json;
pub mod summary;
pub mod xlsx;

use serde::{Deserialize, Serialize};
use time::Date;

use vschool_domain::periods::{period_figures, PeriodFigures};
use vschool_domain::pupil::EnrolStatus;
use vschool_domain::social_care::{CohortStatus, TrackerStatus};
use vschool_domain::{NcYear, Percent, Upn, Urn};

use crate::snapshot::LaSnapshot;

/// One pupil's row in a school's tracker. Serialisable so that a half-term pack can keep
/// the tracker exactly as it was on the half term's last day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackerRow {
    pub upn: Upn,
    pub forename: String,
    pub surname: String,
    pub nc_year: Option<NcYear>,
    pub enrol_status: Option<EnrolStatus>,
    pub status: TrackerStatus,
    /// Start of the continuous spell in the current status; for Ever6, when the last plan or
    /// episode ended.
    pub plan_date: Option<Date>,
    /// Allocated worker on the date (never for Ever6).
    pub worker: Option<Worker>,
    pub figures: PeriodFigures,
    /// The school's aspirational target for the year, in tenths of a percent.
    pub target: Option<Percent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worker {
    pub name: String,
    pub email: String,
    pub team: String,
}

impl TrackerRow {
    pub fn name(&self) -> String {
        format!("{} {}", self.forename, self.surname)
    }

    /// Persistent absence on the year to date.
    pub fn persistent_absence(&self) -> bool {
        self.figures.year_to_date.persistent_absence()
    }

    pub fn severe_absence(&self) -> bool {
        self.figures.year_to_date.severe_absence()
    }

    /// Year-to-date attendance minus previous-term attendance, in tenths of a point.
    pub fn change_since_last_term(&self) -> Option<i64> {
        let now = self.figures.year_to_date.attendance_pct()?;
        let before = self.figures.previous_term.attendance_pct()?;
        Some(now.points_since(before))
    }
}

/// A school's tracker on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracker {
    pub urn: Urn,
    pub school_name: String,
    pub at: Date,
    /// In UPN order.
    pub rows: Vec<TrackerRow>,
}

/// The status groups, each a sheet of the workbook and a section of the page.
pub const GROUPS: [TrackerStatus; 4] = [
    TrackerStatus::Current(CohortStatus::Cla),
    TrackerStatus::Current(CohortStatus::Cp),
    TrackerStatus::Current(CohortStatus::Cin),
    TrackerStatus::Ever6,
];

impl Tracker {
    pub fn rows_in(&self, group: TrackerStatus) -> impl Iterator<Item = &TrackerRow> {
        self.rows.iter().filter(move |r| r.status == group)
    }
}

/// Aspirational targets the school has set, looked up by pupil.
pub trait Targets {
    fn target_for(&self, urn: Urn, upn: Upn) -> Option<Percent>;

    /// The target for a pupil in a status group: a school may set one for the whole group
    /// (DESIGN §8 "The tracker": per pupil, optionally per status group). By default only
    /// the pupil's own target counts.
    fn target_in(&self, urn: Urn, upn: Upn, _status: TrackerStatus) -> Option<Percent> {
        self.target_for(urn, upn)
    }
}

/// No targets set.
pub struct NoTargets;

impl Targets for NoTargets {
    fn target_for(&self, _: Urn, _: Upn) -> Option<Percent> {
        None
    }
}

/// Builds a school's tracker for a date; `None` when the URN is not in the register.
pub fn build(snapshot: &LaSnapshot, urn: Urn, at: Date, targets: &dyn Targets) -> Option<Tracker> {
    let setting = snapshot.setting(urn)?;
    let mut rows = Vec::new();
    for upn in snapshot.pupils_on_roll(urn, at) {
        let Some(child) = snapshot.child_for(upn) else {
            continue;
        };
        let Some(status) = snapshot.school_visible_status(child, at) else {
            continue;
        };
        let pupil = snapshot.pupil(upn);
        let enrolment = snapshot.on_roll(upn, urn, at);
        let plan_date = match status {
            TrackerStatus::Current(s) => child.history.spell_start(s, at),
            TrackerStatus::Ever6 => child.history.last_ended_on_or_before(at),
        };
        let worker = match status {
            TrackerStatus::Current(_) => snapshot.worker_on(child, at).map(|a| Worker {
                name: a.worker_name.clone(),
                email: a.worker_email.clone(),
                team: a.team.clone(),
            }),
            TrackerStatus::Ever6 => None,
        };
        rows.push(TrackerRow {
            upn,
            forename: pupil.map(|p| p.forename.clone()).unwrap_or_default(),
            surname: pupil.map(|p| p.surname.clone()).unwrap_or_default(),
            nc_year: enrolment.map(|e| e.nc_year),
            enrol_status: enrolment.map(|e| e.status),
            status,
            plan_date,
            worker,
            figures: period_figures(snapshot.registers(upn, urn), &child.history, at),
            target: targets.target_in(urn, upn, status),
        });
    }
    Some(Tracker {
        urn,
        school_name: setting.name.clone(),
        at,
        rows,
    })
}

/// Every school's tracker for a date, for schools with at least one tracker pupil, in URN
/// order. Schools are shared among the machine's cores ([`par_map`]).
pub fn build_all(snapshot: &LaSnapshot, at: Date, targets: &(dyn Targets + Sync)) -> Vec<Tracker> {
    par_map(&snapshot.schools_with_pupils(), |&urn| {
        build(snapshot, urn, at, targets)
    })
    .into_iter()
    .flatten()
    .filter(|t| !t.rows.is_empty())
    .collect()
}

/// `items.iter().map(f).collect()`, with the items shared among the machine's cores (scoped
/// threads, each taking the next item as it finishes one, so a large school does not hold
/// up a whole share). Results come back in the items' order. Every school's tracker and
/// every school's workbook are independent of each other: on the 2-core machine of DESIGN
/// section 7 this nearly halves `vschool tracker --all`.
pub fn par_map<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            // A worker that panicked passes its panic on, as the plain loop would.
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}
