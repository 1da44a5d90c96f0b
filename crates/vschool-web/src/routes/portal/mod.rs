//! The school portal (DESIGN §8 "Who may do what": a DSL reads their own schools' packs):
//! the school's tracker online and as XLSX, aspirational targets (a form, or the filled-in
//! workbook uploaded back), and the school's packs, current and previous. A DSL sees only
//! their own schools; the Virtual School team sees every school; anyone else, and any
//! school out of scope, gets the same 404 as a school that does not exist. Every view and
//! download of child-level data is audited, one event per child.

pub mod packs;
pub mod targets;
pub mod tracker;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use vschool_analytics::tracker::Tracker;
use vschool_analytics::LaSnapshot;
use vschool_domain::Urn;
use vschool_store::{AuditAction, AuditEvent, AuditObject};

use crate::audit;
use crate::auth::{CurrentUser, Scope, User};
use crate::error::AppError;
use crate::index::Index;
use crate::state::AppState;

/// The school of a portal page, if the reader may see it (else 404).
pub(crate) fn school_in_scope(
    state: &AppState,
    who: &CurrentUser,
    raw: &str,
    ix: &Index,
) -> Result<Urn, AppError> {
    school_in_scope_for(state, who.user(), raw, ix)
}

/// The same for any signed-in user (the API's token holders too).
pub(crate) fn school_in_scope_for(
    state: &AppState,
    user: &User,
    raw: &str,
    ix: &Index,
) -> Result<Urn, AppError> {
    let urn = Urn::parse(raw).map_err(|_| AppError::NotFound)?;
    let scope = Scope::for_user(user, state.clock().today());
    if !user.role.sees_schools() || !scope.covers_school(urn) || ix.setting(urn).is_none() {
        return Err(AppError::NotFound);
    }
    Ok(urn)
}

/// One audit event per pupil of a tracker (DESIGN §8: a page or file listing children
/// records one event per child).
pub(crate) fn tracker_events(
    state: &AppState,
    who: &CurrentUser,
    from: &str,
    snapshot: &LaSnapshot,
    tracker: &Tracker,
    action: AuditAction,
    detail: &str,
) -> Vec<AuditEvent> {
    tracker
        .rows
        .iter()
        .map(|r| {
            let e = audit::by(state, who.user(), from, action, AuditObject::Child, detail);
            let e = match snapshot.child_for(r.upn) {
                Some(c) => audit::about_child(e, &c.la_child_id, Some(r.upn)),
                None => {
                    let mut e = e;
                    e.upn = Some(r.upn);
                    e
                }
            };
            audit::about_school(e, tracker.urn)
        })
        .collect()
}

/// An XLSX file as a download.
pub(crate) fn xlsx_download(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
