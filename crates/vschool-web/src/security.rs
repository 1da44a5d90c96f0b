//! Security headers on every response, and request limits.
//!
//! The Content-Security-Policy allows scripts, styles and images only from this origin and
//! no inline script or style at all (GOV.UK Frontend needs none once `app.js` does the
//! body-class snippet), forbids framing (`frame-ancestors 'none'`, with the older
//! `X-Frame-Options` for old browsers), and limits where forms may post.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// HSTS for a year, for the whole host; sent only when the service is reached over TLS
/// (browsers ignore it over plain HTTP, and a local demo must not pin a host to HTTPS):
/// see `over_tls`.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

/// Is the request known to have reached us over HTTPS? With trusted proxies configured,
/// only when one of them says so (`X-Forwarded-Proto: https`); without, when the public
/// URL is `https://` (the service runs behind a TLS terminator it was told about).
fn over_tls(state: &AppState, req: &Request) -> bool {
    let forwarded = req
        .extensions()
        .get::<crate::client::ClientInfo>()
        .is_some_and(|c| c.forwarded_https);
    if state.config().trusted_proxies.is_empty() {
        state.config().tls || forwarded
    } else {
        forwarded
    }
}

pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let hsts = over_tls(&state, &req);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    // `same-origin`, not `no-referrer`: with `no-referrer` browsers send `Origin: null` on
    // form posts, which would defeat the Origin check of the CSRF defence.
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    if hsts {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            STRICT_TRANSPORT_SECURITY,
        );
    }
    // Pages hold personal data: no browser or proxy may keep a copy. Assets set their own
    // long-lived caching and keep it.
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    res
}
