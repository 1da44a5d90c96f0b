//! The JSON API under `/api/v1`, for scripts and other systems. Callers authenticate with a
//! bearer token (`vschool token create --email E`), never a cookie, so the API needs no CSRF
//! defence and a stolen browser session cannot use it. The same roles and scopes apply as
//! on the pages; errors are RFC 9457 problem documents; request logs record route
//! templates only.

pub mod auth;
pub mod cohort;
pub mod packs;
pub mod pupils;
pub mod stats;
pub mod tracker;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use time::Date;

use crate::error::AppError;

/// The OpenAPI 3.1 document, kept by hand beside the handlers.
pub const OPENAPI: &str = include_str!("openapi.json");

/// `GET /api/v1/openapi.json`
pub async fn openapi() -> Response {
    let mut res = OPENAPI.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// A JSON body with the right content type.
pub fn json<T: serde::Serialize>(value: &T) -> Result<Response, AppError> {
    let body = serde_json::to_string(value).map_err(AppError::internal)?;
    let mut res = body.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(res)
}

/// `at=YYYY-MM-DD`, defaulting to today; anything else, or a date outside 1900–2100 (no
/// record of this service is that old, and far dates only invite overflow), is a 400.
pub fn date_param(raw: Option<&str>, today: Date) -> Result<Date, AppError> {
    match raw {
        None => Ok(today),
        Some(s) => vschool_domain::calendar::parse_iso_date(s.trim())
            .filter(|d| (1900..=2100).contains(&d.year()))
            .ok_or(AppError::BadRequest),
    }
}
