//! `GET /sign-in/oidc` and `GET /sign-in/oidc/callback`: single sign-on with the council's
//! identity provider (see `crate::auth::oidc`). Both are plain links and redirects, no
//! forms: a form that redirects to another site would be stopped by the page's
//! `form-action 'self'` policy.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::Deserialize;
use vschool_store::{AuditAction, AuditEvent, AuditObject};

use super::SsoRefusedPage;
use crate::auth::oidc::{self, Flow, Identity, Refusal};
use crate::auth::session::{self, cookie};
use crate::auth::{rate_limit, SignedIn};
use crate::client::ClientAddr;
use crate::error::AppError;
use crate::layout::{Layout, Page};
use crate::render::page_with_status;
use crate::state::AppState;

/// The path the provider sends the browser back to.
pub const CALLBACK: &str = "/sign-in/oidc/callback";

fn flow_cookie_name(tls: bool) -> &'static str {
    if tls {
        "__Host-vschool_oidc"
    } else {
        "vschool_oidc"
    }
}

fn flow_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let tls = state.config().tls;
    let secure = if tls { "; Secure" } else { "" };
    // Lax: the provider's redirect back is a top-level navigation from another site.
    let v = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        flow_cookie_name(tls)
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn redirect_uri(state: &AppState) -> String {
    state.config().absolute(CALLBACK)
}

/// A refusal: audited as a failed sign-in (and so counted by the rate limits), logged
/// without personal data, and shown as a page.
async fn refuse(
    state: &AppState,
    layout: Layout,
    from: &str,
    who: Option<&Identity>,
    refusal: Refusal,
) -> Result<Response, AppError> {
    let detail = refusal.detail();
    tracing::warn!(reason = %detail, "single sign-on refused");
    let (actor, role) = match who {
        Some(id) => {
            let role = state
                .store()
                .account_by_email(&id.email)
                .await?
                .map(|a| a.role)
                .unwrap_or_default();
            (id.email.clone(), role)
        }
        None => ("unknown".to_owned(), String::new()),
    };
    crate::audit::record(
        state,
        &AuditEvent {
            at: state.now(),
            actor,
            role,
            action: AuditAction::SignInFailed,
            object: AuditObject::User,
            upn: None,
            la_child_id: None,
            urn: None,
            detail,
            from: from.to_owned(),
        },
    )
    .await?;
    let (status, heading, paragraphs) = refusal.page();
    let mut res = page_with_status(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        &SsoRefusedPage {
            layout,
            heading,
            paragraphs,
        },
    )?;
    res.headers_mut()
        .append(header::SET_COOKIE, flow_cookie(state, "", 0));
    Ok(res)
}

/// `GET /sign-in/oidc`: off to the provider.
pub async fn start(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: Option<Extension<SignedIn>>,
) -> Result<Response, AppError> {
    let Some(config) = state.config().oidc.clone() else {
        return Err(AppError::NotFound);
    };
    if let Some(Extension(s)) = who {
        if s.is_complete() {
            return Ok(Redirect::to("/").into_response());
        }
    }
    let now = state.now();
    let flow = Flow::new(now);
    let url = match oidc::authorization_url(
        state.oidc_cache(),
        &config,
        &redirect_uri(&state),
        &flow,
        now,
    )
    .await
    {
        Ok(url) => url,
        Err(r) => return refuse(&state, layout, &from, None, r).await,
    };
    let mut res = Redirect::to(&url).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        flow_cookie(
            &state,
            &flow.seal(state.key()),
            oidc::FLOW_VALID_FOR.whole_seconds(),
        ),
    );
    Ok(res)
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// `GET /sign-in/oidc/callback`: back from the provider.
pub async fn callback(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    let Some(config) = state.config().oidc.clone() else {
        return Err(AppError::NotFound);
    };
    let now = state.now();
    let flow = cookie(&headers, flow_cookie_name(state.config().tls))
        .and_then(|c| Flow::open(state.key(), c, now));
    let Some(flow) = flow else {
        return refuse(&state, layout, &from, None, Refusal::NoFlow).await;
    };
    if !q
        .state
        .as_deref()
        .is_some_and(|s| oidc::state_matches(&flow, s))
    {
        return refuse(&state, layout, &from, None, Refusal::StateMismatch).await;
    }
    if let Some(error) = q.error {
        // The provider's error code only (a short token), never its free-text description.
        let code: String = error
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect();
        return refuse(&state, layout, &from, None, Refusal::ProviderSaid(code)).await;
    }
    let Some(code) = q.code.filter(|c| !c.is_empty()) else {
        return refuse(
            &state,
            layout,
            &from,
            None,
            Refusal::ProviderSaid("no code".into()),
        )
        .await;
    };
    let identity = match oidc::redeem(
        state.oidc_cache(),
        &config,
        &redirect_uri(&state),
        &flow,
        &code,
        now,
    )
    .await
    {
        Ok(id) => id,
        Err(r) => return refuse(&state, layout, &from, None, r).await,
    };
    if let Err(minutes) = rate_limit::check(&state, &identity.email, &from).await? {
        return refuse(
            &state,
            layout,
            &from,
            Some(&identity),
            Refusal::TooManyAttempts(minutes),
        )
        .await;
    }
    let account = state
        .store()
        .account_by_email(&identity.email)
        .await?
        .filter(|a| a.disabled_at.is_none());
    let Some(account) = account else {
        return refuse(&state, layout, &from, Some(&identity), Refusal::NoAccount).await;
    };

    let clear = flow_cookie(&state, "", 0);
    if identity.mfa {
        // The provider checked a second factor (DESIGN §8): signed in.
        let cookie = session::start_complete(&state, account.id, &from, session::BY_OIDC).await?;
        crate::audit::record(
            &state,
            &AuditEvent {
                at: now,
                actor: account.email.clone(),
                role: account.role.clone(),
                action: AuditAction::SignIn,
                object: AuditObject::User,
                upn: None,
                la_child_id: None,
                urn: None,
                detail: "council single sign-on with its own second factor (amr mfa)".into(),
                from: from.clone(),
            },
        )
        .await?;
        state.store().account_signed_in(account.id, now).await?;
        let mut res = Redirect::to("/").into_response();
        res.headers_mut().append(header::SET_COOKIE, cookie);
        res.headers_mut().append(header::SET_COOKIE, clear);
        return Ok(res);
    }
    // Without the provider's second factor, ours follows, as after a password.
    let cookie = session::start(&state, account.id, &from, session::BY_OIDC).await?;
    let next = if account.totp_secret.is_some() {
        "/sign-in/second-factor"
    } else {
        "/sign-in/second-factor/enrol"
    };
    let mut res = Redirect::to(next).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res.headers_mut().append(header::SET_COOKIE, clear);
    Ok(res)
}
