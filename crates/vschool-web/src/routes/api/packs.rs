//! A school's half-term packs in the API, scoped as on the pages (a DSL reads only their
//! own schools' packs; a school out of scope is the same 404 as one without packs):
//!
//! - `GET /api/v1/schools/{urn}/packs`: every version of every pack, by half term, newest
//!   half term first;
//! - `GET /api/v1/schools/{urn}/packs/{half_term}[?version=N]`: one pack (the latest
//!   version unless `version` is given): its list, what changed since the school's previous
//!   pack, and its tracker, exactly the tracker JSON contract of `vschool tracker` as at the
//!   half term's last day. `half_term` is written `2024-25-3` (or `2024/25-3`, encoded or
//!   not: the route takes the rest of the path).
//!
//! Both are audited: the list as one view of the school's packs; a pack as the pages audit it
//! (one event for the pack, one per child it names), and a DSL's read counts as the school
//! reading its pack ("last pack read" on the schools list).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use vschool_analytics::pack::{Change, Leaving, PackPupil};
use vschool_analytics::tracker::json::TrackerJson;
use vschool_analytics::tracker::Worker;
use vschool_domain::calendar::iso;
use vschool_domain::term_dates::HalfTerm;
use vschool_store::{AuditAction, AuditObject};

use super::auth::ApiUser;
use super::json;
use crate::audit;
use crate::client::ClientAddr;
use crate::error::AppError;
use crate::index;
use crate::routes::portal::packs::{record_read, the_pack, Shown};
use crate::routes::portal::school_in_scope_for;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct SchoolJson {
    pub urn: u32,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct PackListJson {
    pub school: SchoolJson,
    /// Newest half term first.
    pub packs: Vec<HalfTermJson>,
}

/// A half term's pack, every version of it.
#[derive(Debug, Serialize)]
pub struct HalfTermJson {
    /// `2024/25-3`.
    pub half_term: String,
    /// The path of the latest version (`/api/v1/schools/100001/packs/2024-25-3`).
    pub href: String,
    /// The half term's last day: the pack's figures are as at this date.
    pub as_at: String,
    /// The half term's dates were the shipped default, not the LA's own.
    pub default_dates: bool,
    /// Newest first.
    pub versions: Vec<VersionJson>,
}

#[derive(Debug, Serialize)]
pub struct VersionJson {
    pub version: i64,
    /// RFC 3339, UTC.
    pub built_at: String,
    /// Pupils on the list.
    pub pupils: i64,
}

#[derive(Debug, Serialize)]
pub struct PackJson {
    pub school: SchoolJson,
    pub half_term: String,
    pub start: String,
    pub as_at: String,
    pub default_dates: bool,
    pub version: i64,
    /// Every version of this half term's pack, newest first.
    pub versions: Vec<i64>,
    pub built_at: String,
    /// The half term of the pack "what changed" compares with; `null` for the first.
    pub compared_with: Option<String>,
    /// Pupils looked after or on a CP or CIN plan, in UPN order.
    pub list: Vec<PupilJson>,
    pub changes: Vec<ChangeJson>,
    /// Exactly the tracker JSON (`vschool tracker --format json`) as at `as_at`.
    pub tracker: TrackerJson,
}

#[derive(Debug, Serialize)]
pub struct PupilJson {
    pub upn: String,
    pub forename: String,
    pub surname: String,
    /// National curriculum year as the roll gives it (`N1`, `N2`, `R`, `1`–`14`, `X`).
    pub year_group: Option<String>,
    /// `CLA`, `CP` or `CIN`.
    pub status: &'static str,
    /// Start of the continuous spell in the status.
    pub since: Option<String>,
    pub worker: Option<WorkerJson>,
}

#[derive(Debug, Serialize)]
pub struct WorkerJson {
    pub name: String,
    pub email: String,
    pub team: String,
}

/// One change since the previous pack. Every field is always present.
#[derive(Debug, Serialize)]
pub struct ChangeJson {
    /// `new`, `left`, `status_changed` or `worker_changed`.
    pub change: &'static str,
    /// As on this pack's list; for `left`, as on the previous one.
    pub pupil: PupilJson,
    /// `left` only: `no_longer_on_plan` (still on roll) or `left_school`; else `null`.
    pub reason: Option<&'static str>,
    /// `status_changed` only: the status before; else `null`.
    pub previous_status: Option<&'static str>,
    /// `worker_changed` only: the worker before (`null` if none was allocated); else `null`.
    pub previous_worker: Option<WorkerJson>,
}

fn timestamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn worker(w: &Worker) -> WorkerJson {
    WorkerJson {
        name: w.name.clone(),
        email: w.email.clone(),
        team: w.team.clone(),
    }
}

fn pupil(p: &PackPupil) -> PupilJson {
    PupilJson {
        upn: p.upn.to_string(),
        forename: p.forename.clone(),
        surname: p.surname.clone(),
        year_group: p.nc_year.map(|y| y.code()),
        status: p.status.code(),
        since: p.plan_start.map(iso),
        worker: p.worker.as_ref().map(worker),
    }
}

fn change(c: &Change) -> ChangeJson {
    let (change, reason, previous_status, previous_worker) = match c {
        Change::New { .. } => ("new", None, None, None),
        Change::Left { why, .. } => (
            "left",
            Some(match why {
                Leaving::NoLongerOnPlan => "no_longer_on_plan",
                Leaving::LeftSchool => "left_school",
            }),
            None,
            None,
        ),
        Change::StatusChanged { from, .. } => ("status_changed", None, Some(from.code()), None),
        Change::WorkerChanged { from, .. } => {
            ("worker_changed", None, None, from.as_ref().map(worker))
        }
    };
    ChangeJson {
        change,
        pupil: pupil(c.pupil()),
        reason,
        previous_status,
        previous_worker,
    }
}

/// `2024/25-3`, `2024-25-3` or `202425-3` → `2024/25-3`; anything else is a 404 (no such
/// pack), as for a well-formed half term without a pack.
fn half_term_name(raw: &str) -> Result<String, AppError> {
    let (year, number) = HalfTerm::parse_name(raw).map_err(|_| AppError::NotFound)?;
    Ok(format!("{year}-{number}"))
}

/// `version=N` (a whole number from 1); anything else is a 400.
fn version_param(q: &HashMap<String, String>) -> Result<Option<i64>, AppError> {
    match q.get("version") {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|v| *v >= 1)
            .map(Some)
            .ok_or(AppError::BadRequest),
    }
}

/// `GET /api/v1/schools/{urn}/packs`
pub async fn list(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    if !user.role.sees_schools() {
        return Err(AppError::Forbidden);
    }
    let ix = index::current(&state).await?;
    let urn = school_in_scope_for(&state, &user, &raw, &ix)?;
    let mut packs: Vec<HalfTermJson> = Vec::new();
    for p in state.store().pack_summaries(urn).await? {
        let v = VersionJson {
            version: p.version,
            built_at: timestamp(p.built_at),
            pupils: p.pupils,
        };
        match packs.last_mut() {
            Some(h) if h.half_term == p.half_term => h.versions.push(v),
            _ => packs.push(HalfTermJson {
                href: format!(
                    "/api/v1/schools/{urn}/packs/{}",
                    p.half_term.replace('/', "-")
                ),
                half_term: p.half_term,
                as_at: iso(p.as_at),
                default_dates: p.default_dates,
                versions: vec![v],
            }),
        }
    }
    audit::record(
        &state,
        &audit::about_school(
            audit::by(
                &state,
                &user,
                &from,
                AuditAction::View,
                AuditObject::Pack,
                "the school's list of packs (API)",
            ),
            urn,
        ),
    )
    .await?;
    json(&PackListJson {
        school: SchoolJson {
            urn: urn.get(),
            name: ix.school_name(urn),
        },
        packs,
    })
}

/// `GET /api/v1/schools/{urn}/packs/{half_term}[?version=N]`
pub async fn get(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiUser(user): ApiUser,
    Path((raw, half)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !user.role.sees_schools() {
        return Err(AppError::Forbidden);
    }
    let version = version_param(&q)?;
    let name = half_term_name(&half)?;
    let (urn, versions, pack, c) = the_pack(&state, &user, &raw, &name, version).await?;
    record_read(
        &state,
        &user,
        &from,
        AuditAction::View,
        &pack,
        &c,
        Shown::Everything,
    )
    .await?;
    json(&PackJson {
        school: SchoolJson {
            urn: urn.get(),
            name: c.school_name.clone(),
        },
        half_term: c.half_term.clone(),
        start: iso(c.half_term_start),
        as_at: iso(c.as_at),
        default_dates: c.default_dates,
        version: pack.version,
        versions: versions.iter().map(|v| v.version).collect(),
        built_at: timestamp(pack.built_at),
        compared_with: c.compared_with.clone(),
        list: c.list.iter().map(pupil).collect(),
        changes: c.changes.iter().map(change).collect(),
        tracker: TrackerJson::from(&c.tracker),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_terms_are_read_in_every_spelling() {
        for raw in ["2024/25-3", "2024-25-3", "202425-3", " 2024/25-3 "] {
            assert_eq!(
                half_term_name(raw).ok().as_deref(),
                Some("2024/25-3"),
                "{raw}"
            );
        }
        for raw in ["2024/26-3", "2024/25-7", "2024/25", "", "x/y-1"] {
            assert!(half_term_name(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn versions_are_whole_numbers_from_one() {
        let q = |v: &str| HashMap::from([("version".to_owned(), v.to_owned())]);
        assert_eq!(version_param(&HashMap::new()).ok(), Some(None));
        assert_eq!(version_param(&q("2")).ok(), Some(Some(2)));
        assert!(version_param(&q("0")).is_err());
        assert!(version_param(&q("x")).is_err());
    }
}
