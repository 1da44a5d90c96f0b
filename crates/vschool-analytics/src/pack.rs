//! What a half-term school pack says about pupils (DESIGN §3.4, §8 "Packs"): the list of a
//! school's pupils currently looked after or on a CP or CIN plan, with their allocated
//! worker, and what changed since the school's previous pack.
//!
//! The list is the tracker's current-status rows (never a previously looked-after child:
//! the tracker already leaves them out), so the pack, the tracker and the school's pages
//! always agree.

use serde::{Deserialize, Serialize};
use time::Date;
use vschool_domain::social_care::{CohortStatus, TrackerStatus};
use vschool_domain::{NcYear, Upn};

use crate::tracker::{Tracker, Worker};

/// One pupil on a pack's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackPupil {
    pub upn: Upn,
    pub forename: String,
    pub surname: String,
    pub nc_year: Option<NcYear>,
    pub status: CohortStatus,
    /// Start of the continuous spell in the status.
    pub plan_start: Option<Date>,
    pub worker: Option<Worker>,
}

impl PackPupil {
    pub fn name(&self) -> String {
        format!("{} {}", self.forename, self.surname)
    }
}

/// The list: the tracker's pupils who are looked after or on a CP or CIN plan, in UPN order.
pub fn list(tracker: &Tracker) -> Vec<PackPupil> {
    tracker
        .rows
        .iter()
        .filter_map(|r| match r.status {
            TrackerStatus::Current(status) => Some(PackPupil {
                upn: r.upn,
                forename: r.forename.clone(),
                surname: r.surname.clone(),
                nc_year: r.nc_year,
                status,
                plan_start: r.plan_date,
                worker: r.worker.clone(),
            }),
            TrackerStatus::Ever6 => None,
        })
        .collect()
}

/// Why a pupil left the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Leaving {
    /// Still on roll at the school, but no longer looked after or on a plan.
    NoLongerOnPlan,
    /// No longer on the school's roll.
    LeftSchool,
}

/// One change since the school's previous pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// On the list now, not on the previous one.
    New { pupil: PackPupil },
    /// On the previous list, not on this one.
    Left { pupil: PackPupil, why: Leaving },
    /// On both, in a different status (e.g. a CIN plan became a CP plan).
    StatusChanged {
        pupil: PackPupil,
        from: CohortStatus,
    },
    /// On both, with a different allocated worker (or one allocated, or none now).
    WorkerChanged {
        pupil: PackPupil,
        from: Option<Worker>,
    },
}

impl Change {
    pub fn pupil(&self) -> &PackPupil {
        match self {
            Change::New { pupil }
            | Change::Left { pupil, .. }
            | Change::StatusChanged { pupil, .. }
            | Change::WorkerChanged { pupil, .. } => pupil,
        }
    }
}

/// Counts of each kind of change, for the dry run and the pack's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCounts {
    pub new: usize,
    pub left: usize,
    pub status_changed: usize,
    pub worker_changed: usize,
}

impl ChangeCounts {
    pub fn of(changes: &[Change]) -> Self {
        let mut c = ChangeCounts::default();
        for change in changes {
            match change {
                Change::New { .. } => c.new += 1,
                Change::Left { .. } => c.left += 1,
                Change::StatusChanged { .. } => c.status_changed += 1,
                Change::WorkerChanged { .. } => c.worker_changed += 1,
            }
        }
        c
    }

    pub fn total(&self) -> usize {
        self.new + self.left + self.status_changed + self.worker_changed
    }
}

/// Two workers are the same person when their email is the same (names are spelt
/// differently from one allocations file to the next); without emails, by name.
fn same_worker(a: Option<&Worker>, b: Option<&Worker>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            let (ea, eb) = (a.email.trim(), b.email.trim());
            if !ea.is_empty() || !eb.is_empty() {
                ea.eq_ignore_ascii_case(eb)
            } else {
                a.name.trim().eq_ignore_ascii_case(b.name.trim())
            }
        }
        _ => false,
    }
}

/// What changed from `previous` to `current` (both lists of one school). `still_on_roll`
/// says whether a pupil who left the list is still on the school's roll at the new pack's
/// date. New pupils come first, then those who left, then status and worker changes, each
/// in UPN order. With no previous pack (`None`), nothing is reported as changed: the first
/// pack has nothing to compare with.
pub fn changes(
    previous: Option<&[PackPupil]>,
    current: &[PackPupil],
    still_on_roll: impl Fn(Upn) -> bool,
) -> Vec<Change> {
    let Some(previous) = previous else {
        return Vec::new();
    };
    let mut new = Vec::new();
    let mut left = Vec::new();
    let mut moved = Vec::new();
    let mut workers = Vec::new();
    for p in current {
        match previous.iter().find(|q| q.upn == p.upn) {
            None => new.push(Change::New { pupil: p.clone() }),
            Some(q) => {
                if q.status != p.status {
                    moved.push(Change::StatusChanged {
                        pupil: p.clone(),
                        from: q.status,
                    });
                }
                if !same_worker(q.worker.as_ref(), p.worker.as_ref()) {
                    workers.push(Change::WorkerChanged {
                        pupil: p.clone(),
                        from: q.worker.clone(),
                    });
                }
            }
        }
    }
    for q in previous {
        if !current.iter().any(|p| p.upn == q.upn) {
            let why = if still_on_roll(q.upn) {
                Leaving::NoLongerOnPlan
            } else {
                Leaving::LeftSchool
            };
            left.push(Change::Left {
                pupil: q.clone(),
                why,
            });
        }
    }
    let mut out = Vec::with_capacity(new.len() + left.len() + moved.len() + workers.len());
    for mut group in [new, left, moved, workers] {
        group.sort_by_key(|c| c.pupil().upn);
        out.extend(group);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn upn(n: u32) -> Upn {
        Upn::from_body(&format!("9990000000{n:02}")).expect("a valid UPN body")
    }

    fn worker(name: &str, email: &str) -> Option<Worker> {
        Some(Worker {
            name: name.into(),
            email: email.into(),
            team: "North".into(),
        })
    }

    fn pupil(n: u32, status: CohortStatus, w: Option<Worker>) -> PackPupil {
        PackPupil {
            upn: upn(n),
            forename: format!("P{n}"),
            surname: "Test".into(),
            nc_year: Some(NcYear::Year(5)),
            status,
            plan_start: Some(date!(2024 - 09 - 01)),
            worker: w,
        }
    }

    /// Worked by hand. Previous pack: 1 CIN (Ann), 2 CP (Bob), 3 CLA (Cy), 4 CIN (none),
    /// 5 CIN (Ann). This pack: 1 CP (Ann), 2 CP (Dee), 4 CIN (Eve), 6 CLA (Cy).
    /// So: 6 is new; 3 left (still on roll: plan ended) and 5 left (not on roll); 1 moved
    /// CIN → CP; 2's worker Bob → Dee; 4 gained a worker (none → Eve).
    #[test]
    fn what_changed_worked_by_hand() {
        use CohortStatus::*;
        let ann = worker("Ann Worker", "ann@x.example");
        let previous = vec![
            pupil(1, Cin, ann.clone()),
            pupil(2, Cp, worker("Bob", "bob@x.example")),
            pupil(3, Cla, worker("Cy", "cy@x.example")),
            pupil(4, Cin, None),
            pupil(5, Cin, ann.clone()),
        ];
        let current = vec![
            // Same email, name spelt differently: the same worker.
            pupil(1, Cp, worker("Ann  worker", "ANN@x.example")),
            pupil(2, Cp, worker("Dee", "dee@x.example")),
            pupil(4, Cin, worker("Eve", "eve@x.example")),
            pupil(6, Cla, worker("Cy", "cy@x.example")),
        ];
        let got = changes(Some(&previous), &current, |u| u == upn(3));
        let summary: Vec<String> = got
            .iter()
            .map(|c| match c {
                Change::New { pupil } => format!("new {}", pupil.forename),
                Change::Left { pupil, why } => format!("left {} {why:?}", pupil.forename),
                Change::StatusChanged { pupil, from } => {
                    format!("status {} {from:?}->{:?}", pupil.forename, pupil.status)
                }
                Change::WorkerChanged { pupil, from } => format!(
                    "worker {} {}->{}",
                    pupil.forename,
                    from.as_ref().map_or("none", |w| w.name.as_str()),
                    pupil.worker.as_ref().map_or("none", |w| w.name.as_str())
                ),
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                "new P6",
                "left P3 NoLongerOnPlan",
                "left P5 LeftSchool",
                "status P1 Cin->Cp",
                "worker P2 Bob->Dee",
                "worker P4 none->Eve",
            ]
        );
        assert_eq!(
            ChangeCounts::of(&got),
            ChangeCounts {
                new: 1,
                left: 2,
                status_changed: 1,
                worker_changed: 2
            }
        );
        assert_eq!(ChangeCounts::of(&got).total(), 6);
    }

    #[test]
    fn the_first_pack_and_an_unchanged_list_report_nothing() {
        let list = vec![pupil(1, CohortStatus::Cp, worker("Bob", "bob@x.example"))];
        assert!(changes(None, &list, |_| true).is_empty());
        assert!(changes(Some(&list), &list, |_| true).is_empty());
        // Everyone leaving is reported, even to an empty list.
        assert_eq!(changes(Some(&list), &[], |_| false).len(), 1);
    }
}
