//! Server-side sessions. The browser holds a random 256-bit id in a cookie; the database
//! holds its SHA-256 with the account, the CSRF token, whether the second factor was
//! checked, and when it was last used. A session ends on sign-out, when revoked from the
//! user-admin page or by a password change, after `session_idle` without a request, and
//! `session_absolute` after sign-in whatever happens.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use time::Duration;

use crate::auth::{Role, SignedIn, User};
use crate::error::AppError;
use crate::state::AppState;
use crate::util::{random_token, token_hash};

/// Session cookie name. With TLS the `__Host-` prefix makes browsers refuse the cookie
/// unless it is `Secure`, has `Path=/` and no `Domain`, so no other host can plant one.
pub fn session_cookie_name(tls: bool) -> &'static str {
    if tls {
        "__Host-vschool_session"
    } else {
        "vschool_session"
    }
}

/// The anonymous CSRF cookie (sign-in and set-password forms, before any session).
pub fn csrf_cookie_name(tls: bool) -> &'static str {
    if tls {
        "__Host-vschool_csrf"
    } else {
        "vschool_csrf"
    }
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

/// `Set-Cookie` for a session-lifetime cookie (no expiry: it dies with the browser, and the
/// server ends it sooner).
pub fn set_cookie(name: &str, value: &str, tls: bool, same_site: &str) -> HeaderValue {
    let secure = if tls { "; Secure" } else { "" };
    let v = format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes a cookie.
pub fn clear_cookie(name: &str, tls: bool) -> HeaderValue {
    let secure = if tls { "; Secure" } else { "" };
    let v = format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A session id is 64 hex characters; anything else is not looked up.
fn plausible_token(t: &str) -> bool {
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Loads the account behind an id, with its schools' names for the header. `None` when the
/// account is gone, disabled or holds a role this version does not know.
pub async fn load_user(state: &AppState, user_id: i64) -> Result<Option<User>, AppError> {
    let Some(account) = state.store().account_by_id(user_id).await? else {
        return Ok(None);
    };
    if account.disabled_at.is_some() {
        return Ok(None);
    }
    let Some(role) = Role::parse(&account.role) else {
        tracing::warn!(account = account.id, "account has an unknown role");
        return Ok(None);
    };
    let mut school_names = Vec::with_capacity(account.schools.len());
    for urn in &account.schools {
        let name = state
            .store()
            .setting(*urn)
            .await?
            .map(|s| s.name)
            .unwrap_or_else(|| format!("URN {urn}"));
        school_names.push(name);
    }
    Ok(Some(User {
        id: account.id,
        email: account.email,
        name: account.name,
        role,
        schools: account.schools,
        school_names,
        worker_email: account.worker_email,
        totp_enrolled: account.totp_secret.is_some(),
    }))
}

/// Finds the session a request's cookie names, if it is live.
async fn find(state: &AppState, headers: &HeaderMap) -> Result<Option<SignedIn>, AppError> {
    let tls = state.config().tls;
    let Some(token) = cookie(headers, session_cookie_name(tls)).filter(|t| plausible_token(t))
    else {
        return Ok(None);
    };
    let hash = token_hash(token);
    let Some(rec) = state.store().session_get(&hash).await? else {
        return Ok(None);
    };
    let now = state.now();
    let idle = Duration::try_from(state.config().session_idle).unwrap_or(Duration::minutes(30));
    let absolute =
        Duration::try_from(state.config().session_absolute).unwrap_or(Duration::hours(12));
    if rec.revoked_at.is_some() || now - rec.last_seen_at > idle || now - rec.created_at > absolute
    {
        return Ok(None);
    }
    let Some(user) = load_user(state, rec.user_id).await? else {
        return Ok(None);
    };
    // Writing on every request would make every page view a write; a minute's precision is
    // plenty for a 30-minute idle limit.
    if now - rec.last_seen_at > Duration::minutes(1) {
        state.store().session_touch(&hash, now).await?;
    }
    // A secret being enrolled is stored sealed; one that does not open (the key changed)
    // is as good as none: enrolment starts again with a new one.
    let pending_totp_secret = rec
        .pending_totp_secret
        .and_then(|p| state.key().open_pending_totp(user.id, &p))
        .map(|p| p.secret);
    Ok(Some(SignedIn {
        user,
        csrf_token: rec.csrf_token,
        second_factor: rec.second_factor,
        session_hash: hash,
        pending_totp_secret,
        first_factor: rec.first_factor,
    }))
}

/// Middleware: puts the request's [`SignedIn`] (if any) in its extensions. A cookie that
/// names no live session is removed.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let tls = state.config().tls;
    let had_cookie = cookie(req.headers(), session_cookie_name(tls)).is_some();
    let found = match find(&state, req.headers()).await {
        Ok(found) => found,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let live = found.is_some();
    if let Some(s) = found {
        req.extensions_mut().insert(s);
    }
    let mut res = next.run(req).await;
    if had_cookie && !live && !res.headers().contains_key(header::SET_COOKIE) {
        res.headers_mut().append(
            header::SET_COOKIE,
            clear_cookie(session_cookie_name(tls), tls),
        );
    }
    res
}

/// How a session's first factor was given.
pub const BY_PASSWORD: &str = "password";
pub const BY_OIDC: &str = "oidc";

/// A new session for an account whose first factor (`BY_PASSWORD` or `BY_OIDC`) was just
/// checked. Returns the cookie to set. The second factor is still to come.
pub async fn start(
    state: &AppState,
    user_id: i64,
    origin: &str,
    first_factor: &str,
) -> Result<HeaderValue, AppError> {
    let token = random_token();
    let csrf = random_token();
    let now = state.now();
    // Housekeeping at each sign-in: sessions idle past the absolute limit, or ended, are
    // dead rows (sign-ins stay in the audit trail).
    let absolute =
        Duration::try_from(state.config().session_absolute).unwrap_or(Duration::hours(12));
    state.store().sessions_purge(now - absolute).await?;
    state
        .store()
        .session_create(
            &token_hash(&token),
            user_id,
            &csrf,
            origin,
            first_factor,
            now,
        )
        .await?;
    let tls = state.config().tls;
    Ok(set_cookie(session_cookie_name(tls), &token, tls, "Lax"))
}

/// Marks the second factor as done and gives the session a new id; returns the new cookie.
pub async fn complete(state: &AppState, session: &SignedIn) -> Result<HeaderValue, AppError> {
    let token = random_token();
    let csrf = random_token();
    let ok = state
        .store()
        .session_complete_second_factor(
            &session.session_hash,
            &token_hash(&token),
            &csrf,
            state.now(),
        )
        .await?;
    if !ok {
        return Err(AppError::Unauthenticated);
    }
    let tls = state.config().tls;
    Ok(set_cookie(session_cookie_name(tls), &token, tls, "Lax"))
}

/// A new session that is complete at once: the first factor already included a second
/// (single sign-on whose token says `amr` `mfa`). Returns the cookie to set.
pub async fn start_complete(
    state: &AppState,
    user_id: i64,
    origin: &str,
    first_factor: &str,
) -> Result<HeaderValue, AppError> {
    let first = random_token();
    let now = state.now();
    let absolute =
        Duration::try_from(state.config().session_absolute).unwrap_or(Duration::hours(12));
    state.store().sessions_purge(now - absolute).await?;
    state
        .store()
        .session_create(
            &token_hash(&first),
            user_id,
            &random_token(),
            origin,
            first_factor,
            now,
        )
        .await?;
    // The same step as after a code: a new id and CSRF token, second factor done.
    let token = random_token();
    let ok = state
        .store()
        .session_complete_second_factor(
            &token_hash(&first),
            &token_hash(&token),
            &random_token(),
            now,
        )
        .await?;
    if !ok {
        return Err(AppError::Unauthenticated);
    }
    let tls = state.config().tls;
    Ok(set_cookie(session_cookie_name(tls), &token, tls, "Lax"))
}
