//! Schools: the list (the Virtual School team sees every school with pupils who have or had
//! a social worker; a DSL sees their own) and a school's page with its pupils.

pub mod get;
pub mod page;

use time::Date;
use vschool_domain::{CohortStatus, TrackerStatus, Urn};

use crate::auth::scope::school_visible;
use crate::auth::Scope;
use crate::index::{ChildEntry, Index};

/// The children a school's pages show: on roll there on the scope's date, visible to
/// schools (the tracker's rule: never a child whose only claim is a past adoption, SGO or
/// CAO), and within the reader's scope.
pub fn pupils_at<'a>(
    ix: &'a Index,
    scope: &'a Scope,
    urn: Urn,
) -> impl Iterator<Item = &'a ChildEntry> {
    let date = scope.today();
    ix.children_in(scope)
        .filter(move |c| c.upn.is_some())
        .filter(move |c| c.enrolments.iter().any(|e| e.urn == urn && e.on_roll(date)))
        .filter(move |c| school_visible(c, date))
}

/// Counts by group: CLA, CP, CIN, previously had a social worker.
pub fn counts<'a>(children: impl Iterator<Item = &'a ChildEntry>, date: Date) -> [u64; 4] {
    let mut by = [0u64; 4];
    for c in children {
        let slot = match c.status_on(date) {
            Some(TrackerStatus::Current(CohortStatus::Cla)) => 0,
            Some(TrackerStatus::Current(CohortStatus::Cp)) => 1,
            Some(TrackerStatus::Current(CohortStatus::Cin)) => 2,
            Some(TrackerStatus::Ever6) => 3,
            None => continue,
        };
        by[slot] += 1;
    }
    by
}
