//! Schools: the list (the Virtual School team sees every school with pupils who have or had
//! a social worker; a DSL sees their own) and a school's page with its pupils.

pub mod figures;
pub mod get;
pub mod page;
pub mod year_group;

use std::sync::Arc;

use time::Date;
use vschool_domain::{CohortStatus, TrackerStatus, Upn, Urn};

use vschool_analytics::snapshot::LaSnapshot;
use vschool_domain::periods::period_figures;
use vschool_domain::{NcYear, Setting};

use crate::auth::scope::school_visible;
use crate::auth::{CurrentUser, Role, Scope};
use crate::error::AppError;
use crate::index::{ChildEntry, Index};
use crate::state::AppState;
use page::PupilLine;

/// A school and the pupils its pages show the reader, each with their figures there.
pub struct SchoolPupils<'a> {
    pub urn: Urn,
    pub name: String,
    pub setting: &'a Setting,
    pub today: Date,
    pub lines: Vec<PupilLine<'a>>,
}

/// The school a page is about, if the reader may see it (else 404, as for an unknown URN),
/// with its pupils in the reader's scope and their figures from this school's own marks.
pub fn load_lines<'a>(
    state: &AppState,
    who: &CurrentUser,
    ix: &'a Index,
    snapshot: &Arc<LaSnapshot>,
    raw_urn: &str,
) -> Result<SchoolPupils<'a>, AppError> {
    who.require(Role::sees_schools)?;
    let urn = Urn::parse(raw_urn).map_err(|_| AppError::NotFound)?;
    let today = state.clock().today();
    let scope = Scope::for_user(who.user(), today);
    if !scope.covers_school(urn) {
        return Err(AppError::NotFound);
    }
    let setting = ix.setting(urn).ok_or(AppError::NotFound)?;
    // Ids first, then each child by id: the children borrow from the index alone, not from
    // this function's scope.
    let ids: Vec<String> = pupils_at(ix, &scope, urn).map(|c| c.id.clone()).collect();
    let shown: Vec<(&ChildEntry, Upn, TrackerStatus)> = ids
        .iter()
        .filter_map(|id| ix.child(&scope, id))
        .filter_map(|c| Some((c, c.upn?, c.status_on(today)?)))
        .collect();
    let upns: Vec<Upn> = shown.iter().map(|(_, upn, _)| *upn).collect();
    // The cached snapshot's registers, not the database, and each pupil's figures kept
    // once computed: school pages are read often and must answer in milliseconds.
    let figures = state
        .analysis()
        .school_figures(snapshot, urn, today, &upns, |i| {
            let (c, upn, _) = shown[i];
            period_figures(snapshot.registers(upn, urn), &c.history, today)
        });
    let lines = shown
        .into_iter()
        .zip(figures)
        .map(|((c, _, status), figures)| PupilLine {
            child: c,
            year_group: c
                .enrolments
                .iter()
                .find(|e| e.urn == urn && e.on_roll(today))
                .map(|e| e.nc_year)
                .unwrap_or(NcYear::X),
            status,
            figures,
        })
        .collect();
    Ok(SchoolPupils {
        urn,
        name: setting.name.clone(),
        setting,
        today,
        lines,
    })
}

/// The children a school's pages show: on roll there on the scope's date, visible to
/// schools (the tracker's rule: never a child whose only claim is a past adoption, SGO or
/// CAO), and within the reader's scope.
pub fn pupils_at<'a>(
    ix: &'a Index,
    scope: &'a Scope,
    urn: Urn,
) -> impl Iterator<Item = &'a ChildEntry> {
    let date = scope.today();
    ix.enrolled_at(scope, urn)
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
