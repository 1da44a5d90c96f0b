//! `GET /api/v1/cohort?at=DATE[&suppressed=true]`: exactly `vschool cohort --format json`.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;

use super::auth::ApiUser;
use super::{date_param, json};
use crate::auth::Role;
use crate::error::AppError;
use crate::state::AppState;

/// The cohort JSON: these keys in this order (the CLI's contract).
#[derive(Debug, Serialize)]
struct CohortJson {
    at: String,
    #[serde(rename = "CLA")]
    cla: Value,
    #[serde(rename = "CP")]
    cp: Value,
    #[serde(rename = "CIN")]
    cin: Value,
    ever6: Value,
}

/// A count, or `"c"` for 1 to 5 when suppressed (DESIGN §8).
fn figure(n: u32, suppress: bool) -> Value {
    if suppress && (1..=5).contains(&n) {
        Value::from("c")
    } else {
        Value::from(n)
    }
}

pub async fn get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !user.role.sees_aggregates() {
        return Err(AppError::Forbidden);
    }
    let at = date_param(q.get("at").map(String::as_str), state.clock().today())?;
    let suppress = match q.get("suppressed").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(AppError::BadRequest),
    } || user.role == Role::Dsl; // LA figures beyond a DSL's own pupils are suppressed.
                                 // From the cached snapshot's children, not a database read: the same children and the
                                 // same rule (`count_cohort`) as `Store::cohort_counts`, computed once per date.
    let c = crate::analysis::cohort(&state, at).await?;
    json(&CohortJson {
        at: vschool_domain::calendar::iso(at),
        cla: figure(c.cla, suppress),
        cp: figure(c.cp, suppress),
        cin: figure(c.cin, suppress),
        ever6: figure(c.ever6, suppress),
    })
}
