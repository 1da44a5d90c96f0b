//! GOV.UK-style error pages (and JSON problems under `/api/`), for every 4xx and 5xx.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::auth::SignedIn;
use crate::error::{AppError, ErrorKind};
use crate::layout::Layout;
use crate::render::Rendered;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    layout: Layout,
    title: &'static str,
    advice: Vec<String>,
    signed_in: bool,
    sign_in_link: bool,
}

/// The router's fallback: no route matched.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Replaces the body of every error response that is not already a full page.
pub async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let who = req.extensions().get::<SignedIn>().cloned();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.extensions().get::<Rendered>().is_some()
    {
        return res;
    }
    let kind = res
        .extensions()
        .get::<ErrorKind>()
        .copied()
        .unwrap_or_else(|| ErrorKind::from_status(status));
    // Headers worth keeping from the original response.
    let keep: Vec<_> = [header::RETRY_AFTER, header::ALLOW, header::WWW_AUTHENTICATE]
        .into_iter()
        .filter_map(|name| res.headers().get(&name).map(|v| (name, v.clone())))
        .collect();

    let mut out = if is_api {
        problem(status, kind)
    } else if kind == ErrorKind::Unauthenticated {
        // Pages send people to sign in (303, so the browser follows with a GET).
        return Redirect::to("/sign-in").into_response();
    } else {
        let signed_in = who.as_ref().is_some_and(|s| s.is_complete());
        let page = ErrorPage {
            layout: Layout::new(&state, who.as_ref(), &path),
            title: kind.title(),
            advice: kind.advice(),
            signed_in,
            sign_in_link: !signed_in
                && matches!(kind, ErrorKind::Forbidden | ErrorKind::FormExpired),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "rendering an error page");
                (
                    status,
                    "Sorry, there is a problem with the service. Try again later.",
                )
                    .into_response()
            }
        }
    };
    for (name, value) in keep {
        out.headers_mut().insert(name, value);
    }
    out
}

/// An RFC 9457 problem document for API clients.
fn problem(status: StatusCode, kind: ErrorKind) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": kind.title(),
        "status": status.as_u16(),
        "detail": kind.advice().join(" "),
    });
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if kind == ErrorKind::Unauthenticated {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"vschool\""),
        );
    }
    res
}
