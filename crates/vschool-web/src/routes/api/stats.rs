//! `GET /api/v1/stats?at=&by=&base=&period=&suppressed=`: exactly the document
//! `vschool stats --format json` prints (one definition, `vschool_analytics::published::
//! StatsReport`), for the same parameters and defaults (`by=status`, `base=pupil`,
//! `period=year_to_date`, `suppressed=false`). A DSL always gets it suppressed: the figures
//! are the LA's, beyond their own pupils. Computed once per data version and parameters.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use vschool_analytics::published::period_from_key;
use vschool_analytics::stats::{Base, Breakdown};
use vschool_domain::periods::ReportPeriod;

use super::auth::ApiUser;
use super::date_param;
use crate::analysis::{self, StatsKey};
use crate::auth::Role;
use crate::error::AppError;
use crate::state::AppState;

pub async fn get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !user.role.sees_aggregates() {
        return Err(AppError::Forbidden);
    }
    let at = date_param(q.get("at").map(String::as_str), state.clock().today())?;
    let by = match q.get("by") {
        None => Breakdown::Status,
        Some(b) => Breakdown::parse(b).ok_or(AppError::BadRequest)?,
    };
    let base = match q.get("base") {
        None => Base::Pupil,
        Some(b) => Base::parse(b).ok_or(AppError::BadRequest)?,
    };
    let period = match q.get("period") {
        None => ReportPeriod::YearToDate,
        Some(p) => period_from_key(p).ok_or(AppError::BadRequest)?,
    };
    let suppressed = match q.get("suppressed").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(AppError::BadRequest),
    } || user.role == Role::Dsl;
    let body = analysis::stats_json(
        &state,
        StatsKey {
            at,
            period,
            by,
            base,
            suppressed,
        },
    )
    .await?;
    let mut res = body.as_str().to_owned().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(res)
}
