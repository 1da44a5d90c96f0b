//! `GET /api/v1/pupils[?school=URN][&page=N]` and `GET /api/v1/pupils/{upn}`.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Serialize;
use vschool_domain::periods::period_figures;
use vschool_domain::{SessionTally, TrackerStatus, Upn, Urn, YearRegister};
use vschool_store::{AuditAction, AuditObject, RegisterFilter};

use super::auth::ApiUser;
use super::json;
use crate::audit;
use crate::auth::{Scope, User};
use crate::error::AppError;
use crate::index::{self, ChildEntry};
use crate::state::AppState;

/// Pupils per page when no school is given.
pub const PAGE_SIZE: usize = 100;

#[derive(Debug, Serialize)]
struct PupilsJson {
    pupils: Vec<PupilRow>,
}

#[derive(Debug, Serialize)]
struct PupilRow {
    upn: String,
    name: String,
    /// The school the pupil is on roll at today (main or single registration first).
    urn: Option<u32>,
    /// `CLA`, `CP`, `CIN`, `ever6`, or null when none applies today.
    status: Option<&'static str>,
}

fn status_code(s: Option<TrackerStatus>) -> Option<&'static str> {
    s.map(|s| s.code())
}

async fn audit_children(
    state: &AppState,
    user: &User,
    from: &str,
    children: &[&ChildEntry],
    detail: &str,
) -> Result<(), AppError> {
    let events: Vec<_> = children
        .iter()
        .map(|c| {
            audit::about_child(
                audit::by(
                    state,
                    user,
                    from,
                    AuditAction::View,
                    AuditObject::Child,
                    detail,
                ),
                &c.la_child_id,
                c.upn,
            )
        })
        .collect();
    audit::record_many(state, &events).await
}

pub async fn list(
    State(state): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    ApiUser(user): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !user.role.sees_child_level_data() {
        return Err(AppError::Forbidden);
    }
    let today = state.clock().today();
    let scope = Scope::for_user(&user, today);
    let school = match q.get("school") {
        None => None,
        Some(raw) => Some(Urn::parse(raw).map_err(|_| AppError::BadRequest)?),
    };
    let page: usize = match q.get("page") {
        None => 1,
        Some(raw) => raw
            .parse()
            .ok()
            .filter(|p| *p >= 1 && *p <= 1_000_000)
            .ok_or(AppError::BadRequest)?,
    };
    let ix = index::current(&state).await?;
    let mut shown: Vec<&ChildEntry> = match school {
        Some(urn) => {
            // A school outside the caller's scope is a 404, whatever it holds.
            if !scope.covers_school(urn) {
                return Err(AppError::NotFound);
            }
            crate::routes::schools::pupils_at(&ix, &scope, urn).collect()
        }
        None => ix.children_in(&scope).filter(|c| c.upn.is_some()).collect(),
    };
    shown.sort_by_key(|c| c.upn);
    let shown: Vec<&ChildEntry> = if school.is_some() {
        shown
    } else {
        shown
            .into_iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect()
    };
    audit_children(&state, &user, &from, &shown, "listed by the API").await?;
    json(&PupilsJson {
        pupils: shown
            .iter()
            .filter_map(|c| {
                Some(PupilRow {
                    upn: c.upn?.to_string(),
                    name: c.display_name(),
                    urn: match school {
                        Some(u) => Some(u.get()),
                        None => c.school_on(today).map(|e| e.urn.get()),
                    },
                    status: status_code(c.status_on(today)),
                })
            })
            .collect(),
    })
}

#[derive(Debug, Serialize)]
struct Figures {
    possible: u32,
    attended: u32,
    authorised: u32,
    unauthorised: u32,
    attendance_pct: Option<f64>,
}

impl From<&SessionTally> for Figures {
    fn from(t: &SessionTally) -> Self {
        Figures {
            possible: t.possible(),
            attended: t.attended,
            authorised: t.authorised,
            unauthorised: t.unauthorised,
            attendance_pct: t.attendance_pct().map(|p| p.as_f64()),
        }
    }
}

#[derive(Debug, Serialize)]
struct SchoolAttendance {
    urn: u32,
    on_plan: Figures,
    year_to_date: Figures,
    previous_term: Figures,
    previous_year: Figures,
    persistent_absence: bool,
    severe_absence: bool,
    part_time_sessions: u32,
}

#[derive(Debug, Serialize)]
struct WorkerJson {
    name: String,
    email: String,
    team: String,
}

#[derive(Debug, Serialize)]
struct EnrolmentJson {
    urn: u32,
    entry_date: String,
    leaving_date: Option<String>,
    enrol_status: &'static str,
    nc_year: String,
}

#[derive(Debug, Serialize)]
struct ExclusionJson {
    urn: u32,
    category: &'static str,
    start_date: String,
    sessions: Option<u32>,
    reason: String,
}

#[derive(Debug, Serialize)]
struct AttainmentJson {
    academic_year: String,
    measure: &'static str,
    value: String,
}

#[derive(Debug, Serialize)]
struct ProfileJson {
    upn: String,
    name: String,
    birth_date: Option<String>,
    la_child_id: String,
    at: String,
    status: Option<&'static str>,
    /// Start of the current spell, or when the last plan ended for `ever6`.
    status_date: Option<String>,
    worker: Option<WorkerJson>,
    school: Option<EnrolmentJson>,
    attendance: Vec<SchoolAttendance>,
    exclusions: Vec<ExclusionJson>,
    attainment: Vec<AttainmentJson>,
    enrolments: Vec<EnrolmentJson>,
}

fn enrolment_json(e: &vschool_domain::Enrolment) -> EnrolmentJson {
    EnrolmentJson {
        urn: e.urn.get(),
        entry_date: vschool_domain::calendar::iso(e.entry),
        leaving_date: e.leaving.map(vschool_domain::calendar::iso),
        enrol_status: e.status.code(),
        nc_year: e.nc_year.code(),
    }
}

pub async fn profile(
    State(state): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    if !user.role.sees_child_level_data() {
        return Err(AppError::NotFound);
    }
    let upn = Upn::parse(raw.trim()).map_err(|_| AppError::NotFound)?;
    let today = state.clock().today();
    let scope = Scope::for_user(&user, today);
    let ix = index::current(&state).await?;
    let c = ix
        .children_in(&scope)
        .find(|c| c.upn == Some(upn))
        .ok_or(AppError::NotFound)?;
    // A DSL sees what their own schools recorded (as on the profile page).
    let own_only = user.role == crate::auth::Role::Dsl;
    let visible = |urn: Urn| !own_only || scope.covers_school(urn);

    let mut by_school: BTreeMap<Urn, Vec<YearRegister>> = BTreeMap::new();
    for r in state.store().registers(RegisterFilter::Pupil(upn)).await? {
        if visible(r.urn) {
            by_school.entry(r.urn).or_default().push(r.register);
        }
    }
    let attendance = by_school
        .iter()
        .map(|(urn, regs)| {
            let f = period_figures(regs.iter(), &c.history, today);
            SchoolAttendance {
                urn: urn.get(),
                on_plan: (&f.on_plan).into(),
                year_to_date: (&f.year_to_date).into(),
                previous_term: (&f.previous_term).into(),
                previous_year: (&f.previous_year).into(),
                persistent_absence: f.year_to_date.persistent_absence(),
                severe_absence: f.year_to_date.severe_absence(),
                part_time_sessions: f.year_to_date.part_time,
            }
        })
        .collect();
    let status = c.status_on(today);
    let status_date = match status {
        Some(TrackerStatus::Current(s)) => c.history.spell_start(s, today),
        Some(TrackerStatus::Ever6) => c.history.last_ended_on_or_before(today),
        None => None,
    };
    let worker = match status {
        Some(TrackerStatus::Current(_)) => c.worker_on(today).map(|a| WorkerJson {
            name: a.worker_name.clone(),
            email: a.worker_email.clone(),
            team: a.team.clone(),
        }),
        _ => None,
    };
    let body = ProfileJson {
        upn: upn.to_string(),
        name: c.display_name(),
        birth_date: c.birth_date.map(vschool_domain::calendar::iso),
        la_child_id: c.la_child_id.as_str().to_owned(),
        at: vschool_domain::calendar::iso(today),
        status: status_code(status),
        status_date: status_date.map(vschool_domain::calendar::iso),
        worker,
        school: c.school_on(today).map(enrolment_json),
        attendance,
        exclusions: c
            .exclusions
            .iter()
            .filter(|e| visible(e.urn))
            .map(|e| ExclusionJson {
                urn: e.urn.get(),
                category: e.category.code(),
                start_date: vschool_domain::calendar::iso(e.start),
                sessions: e.sessions,
                reason: e.reason.clone(),
            })
            .collect(),
        attainment: c
            .attainment
            .iter()
            .map(|a| AttainmentJson {
                academic_year: a.year.to_string(),
                measure: a.measure.code(),
                value: a.value.text(),
            })
            .collect(),
        enrolments: c
            .enrolments
            .iter()
            .filter(|e| visible(e.urn))
            .map(enrolment_json)
            .collect(),
    };
    audit_children(&state, &user, &from, &[c], "profile read through the API").await?;
    json(&body)
}
