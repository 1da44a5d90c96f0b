//! Turning askama templates into responses.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;

/// Marks a 4xx/5xx response whose body is already a full page (a form shown again with its
/// errors), so the error-page middleware leaves it alone.
#[derive(Debug, Clone, Copy)]
pub struct Rendered;

/// A page, 200 OK.
pub fn page<T: Template>(t: &T) -> Result<Response, AppError> {
    Ok(Html(t.render()?).into_response())
}

/// A page with another status (e.g. a form shown again with a 429 message).
pub fn page_with_status<T: Template>(status: StatusCode, t: &T) -> Result<Response, AppError> {
    let mut res = (status, Html(t.render()?)).into_response();
    res.extensions_mut().insert(Rendered);
    Ok(res)
}
