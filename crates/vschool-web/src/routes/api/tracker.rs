//! `GET /api/v1/schools/{urn}/tracker?at=DATE`: exactly the tracker JSON of
//! `vschool tracker`, for schools in the caller's scope.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use vschool_analytics::tracker::{self, NoTargets};
use vschool_domain::Urn;
use vschool_store::{AuditAction, AuditObject};

use super::auth::ApiUser;
use super::date_param;
use crate::audit;
use crate::auth::Scope;
use crate::client::ClientAddr;
use crate::error::AppError;
use crate::state::AppState;

pub async fn get(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !user.role.sees_schools() {
        return Err(AppError::Forbidden);
    }
    let urn = Urn::parse(&raw).map_err(|_| AppError::NotFound)?;
    let scope = Scope::for_user(&user, state.clock().today());
    if !scope.covers_school(urn) {
        return Err(AppError::NotFound);
    }
    let at = date_param(q.get("at").map(String::as_str), state.clock().today())?;
    let snapshot = state.snapshot().await?;
    let t = tracker::build(&snapshot, urn, at, &NoTargets).ok_or(AppError::NotFound)?;
    let body = tracker::json::to_json(&t).map_err(AppError::internal)?;
    // One event per pupil listed (DESIGN §8).
    let events: Vec<_> = t
        .rows
        .iter()
        .filter_map(|row| {
            let child = snapshot.child_for(row.upn)?;
            Some(audit::about_school(
                audit::about_child(
                    audit::by(
                        &state,
                        &user,
                        &from,
                        AuditAction::Download,
                        AuditObject::Child,
                        "in the tracker JSON",
                    ),
                    &child.la_child_id,
                    Some(row.upn),
                ),
                urn,
            ))
        })
        .collect();
    audit::record_many(&state, &events).await?;
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(res)
}
