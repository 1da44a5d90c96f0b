//! Cross-site request forgery defence for every form (OWASP's primary pattern):
//!
//! 1. the request must come from our own origin: `Origin` (or, when a browser sends none,
//!    `Sec-Fetch-Site`) is checked;
//! 2. the form must carry the synchronizer token: the session's token when signed in, or
//!    before sign-in the random value of a `SameSite=Strict` cookie the form page set.
//!
//! The API (`/api/`) is exempt: it authenticates with bearer tokens only, never cookies.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::auth::session::{cookie, csrf_cookie_name, set_cookie};
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::state::AppState;
use crate::util::random_token;

/// The hidden field's name.
pub const FIELD: &str = "csrf_token";

/// The only paths that take `multipart/form-data` (file uploads).
pub const MULTIPART_PATHS: &[&str] = &["/data/upload"];

/// `/schools/{urn}/tracker/upload`: a school's filled-in tracker workbook (its handler,
/// `routes::portal::targets::upload`, checks the token).
fn is_tracker_upload(path: &str) -> bool {
    path.strip_prefix("/schools/")
        .and_then(|rest| rest.strip_suffix("/tracker/upload"))
        .is_some_and(|urn| urn.len() == 6 && urn.bytes().all(|b| b.is_ascii_digit()))
}

/// The token a multipart form must carry, for its handler to check (see [`protect`]).
#[derive(Debug, Clone)]
pub struct MultipartCsrf(pub String);

impl MultipartCsrf {
    pub fn matches(&self, given: &str) -> bool {
        tokens_match(given, &self.0)
    }
}

/// Only POST changes anything here: pages have no PUT, PATCH or DELETE routes (those get
/// 405 from the router), and the API is checked by its bearer token.
fn unsafe_method(m: &Method) -> bool {
    *m == Method::POST
}

/// Is the request from our own origin, as far as the browser tells us?
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let expected = match state.config().public_origin() {
            Some(o) => o.to_owned(),
            None => {
                let scheme = if state.config().tls { "https" } else { "http" };
                let host = headers
                    .get(header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                format!("{scheme}://{host}")
            }
        };
        return origin.eq_ignore_ascii_case(&expected);
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        // Neither header: an old browser or a script; the token alone decides.
        None => true,
    }
}

fn tokens_match(given: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// Middleware: rejects a form post that fails either check with "This form has expired".
pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // An unsubscribe link's unguessable token is its own credential, and mail programs
    // POST to it from elsewhere for one-click unsubscribe (RFC 8058): no CSRF check.
    if !unsafe_method(req.method())
        || req.uri().path().starts_with("/api/")
        || req.uri().path().starts_with("/unsubscribe/")
    {
        return next.run(req).await;
    }
    if !same_origin(&state, req.headers()) {
        return AppError::FormExpired.into_response();
    }
    let expected = match req.extensions().get::<SignedIn>() {
        Some(s) => s.csrf_token.clone(),
        None => cookie(req.headers(), csrf_cookie_name(state.config().tls))
            .unwrap_or("")
            .to_owned(),
    };
    // An upload is too large to buffer here: the origin is checked above, and the token is
    // checked by the upload handler from the form's first field, before any file is read
    // (`routes::data::upload`).
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if is_multipart
        && (MULTIPART_PATHS.contains(&req.uri().path()) || is_tracker_upload(req.uri().path()))
    {
        let mut req = req;
        req.extensions_mut().insert(MultipartCsrf(expected));
        return next.run(req).await;
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return AppError::FormExpired.into_response();
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, state.config().body_limit).await {
        Ok(b) => b,
        Err(_) => return crate::error::ErrorKind::TooLarge.status().into_response(),
    };
    let given = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v))
        .unwrap_or_default();
    if !tokens_match(&given, &expected) {
        return AppError::FormExpired.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The anonymous CSRF token for a form page shown before sign-in: the cookie's value if
/// the browser has one, else a new value and the `Set-Cookie` that gives it.
pub fn anonymous_token(
    state: &AppState,
    headers: &HeaderMap,
) -> (String, Option<axum::http::HeaderValue>) {
    let tls = state.config().tls;
    match cookie(headers, csrf_cookie_name(tls)).filter(|t| t.len() == 64) {
        Some(t) => (t.to_owned(), None),
        None => {
            let t = random_token();
            let set = set_cookie(csrf_cookie_name(tls), &t, tls, "Strict");
            (t, Some(set))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_expected_never_matches() {
        assert!(!tokens_match("", ""));
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abd", "abc"));
    }
}
