//! One account's sessions and API tokens, for the Virtual School Head (DESIGN §8: users,
//! sessions, tokens): when each session started, when it was last seen and where from
//! (never a secret), ending one or all of them; listing, creating and revoking API tokens.
//! A new token is shown once, on the page that answers the form.
//!
//! Sessions are named on the page by a reference derived from the hash they are stored
//! under, so neither a session id nor its stored hash appears in the page.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use time::Duration;
use vschool_store::{Account, SessionSummary};

use super::{AccountPage, SessionRow, TokenCreatedPage, TokenRow};
use crate::accounts;
use crate::auth::{session, CurrentUser, Role};
use crate::client::ClientAddr;
use crate::components::{Banner, FormErrors, SummaryRow};
use crate::error::AppError;
use crate::format::{long_date_time, short_date_time};
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;
use crate::util::hex;

/// The longest label of an API token.
const LABEL_MAX: usize = 100;

/// The page's name for a session.
fn session_ref(s: &SessionSummary) -> String {
    let digest = Sha256::digest(format!("session-ref:{}", s.token_hash).as_bytes());
    hex(&digest[..16])
}

async fn account(state: &AppState, id: i64) -> Result<Account, AppError> {
    state
        .store()
        .account_by_id(id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn live_sessions(state: &AppState, id: i64) -> Result<Vec<SessionSummary>, AppError> {
    let idle = Duration::try_from(state.config().session_idle).unwrap_or(Duration::minutes(30));
    let absolute =
        Duration::try_from(state.config().session_absolute).unwrap_or(Duration::hours(12));
    let now = state.now();
    Ok(state
        .store()
        .sessions_of_user(id, now - idle, now - absolute)
        .await?)
}

fn signed_in_with(s: &SessionSummary) -> String {
    let first = if s.first_factor == session::BY_OIDC {
        "Council single sign-on"
    } else {
        "Password"
    };
    if s.second_factor {
        if s.first_factor == session::BY_OIDC {
            first.to_owned()
        } else {
            "Password and authenticator".to_owned()
        }
    } else {
        format!("{first}; security code not given yet")
    }
}

/// The account page, with a banner after a change or errors in the token form.
async fn account_page(
    state: &AppState,
    layout: Layout,
    id: i64,
    banner: Option<Banner>,
    errors: FormErrors,
    label: String,
) -> Result<Response, AppError> {
    let a = account(state, id).await?;
    let role = Role::parse(&a.role)
        .map(|r| r.label().to_owned())
        .unwrap_or_else(|| a.role.clone());
    let details = vec![
        SummaryRow::new("Email", a.email.clone()),
        SummaryRow::new("Role", role),
        SummaryRow::new(
            "Last signed in",
            a.last_sign_in_at
                .map(long_date_time)
                .unwrap_or_else(|| "Never".into()),
        ),
    ];
    let sessions = live_sessions(state, id)
        .await?
        .iter()
        .map(|s| SessionRow {
            reference: session_ref(s),
            started: short_date_time(s.created_at),
            last_seen: short_date_time(s.last_seen_at),
            from: s.origin.clone(),
            how: signed_in_with(s),
        })
        .collect();
    let tokens = state
        .store()
        .api_tokens_of(id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            label: t.label,
            created: short_date_time(t.created_at),
            last_used: t
                .last_used_at
                .map(short_date_time)
                .unwrap_or_else(|| "Never".into()),
            live: t.revoked_at.is_none(),
            revoked: t.revoked_at.map(short_date_time).unwrap_or_default(),
        })
        .collect();
    page(&AccountPage {
        layout,
        banner,
        id,
        name: a.name,
        details,
        sessions,
        tokens,
        errors,
        token_label: label,
    })
}

/// `GET /users/{id}`
pub async fn show(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    account_page(&state, layout, id, None, FormErrors::new(), String::new()).await
}

/// `POST /users/{id}/sessions/{reference}/revoke`: ends one session.
pub async fn end_session(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path((id, reference)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let a = account(&state, id).await?;
    let Some(s) = live_sessions(&state, id)
        .await?
        .into_iter()
        .find(|s| session_ref(s) == reference)
    else {
        let banner = Banner {
            success: false,
            heading: "That session had already ended".into(),
            body: String::new(),
        };
        return account_page(
            &state,
            layout,
            id,
            Some(banner),
            FormErrors::new(),
            String::new(),
        )
        .await;
    };
    accounts::end_session(state.store(), &who.actor(&from), &a.email, &s)
        .await
        .map_err(AppError::internal)?;
    let banner = Banner {
        success: true,
        heading: format!("A session of {} has been ended", a.name),
        body: format!(
            "The session started {} from {} is signed out.",
            long_date_time(s.created_at),
            s.origin
        ),
    };
    account_page(
        &state,
        layout,
        id,
        Some(banner),
        FormErrors::new(),
        String::new(),
    )
    .await
}

/// `POST /users/{id}/sessions/revoke`: ends every session (API tokens stay).
pub async fn end_sessions(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let a = account(&state, id).await?;
    let n = accounts::end_sessions(state.store(), &who.actor(&from), &a.email)
        .await
        .map_err(AppError::internal)?;
    let banner = Banner {
        success: true,
        heading: format!("{} has been signed out of every session", a.name),
        body: format!("{n} sessions ended. Their API tokens still work."),
    };
    account_page(
        &state,
        layout,
        id,
        Some(banner),
        FormErrors::new(),
        String::new(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    label: String,
}

/// `POST /users/{id}/tokens`: a new API token, shown once.
pub async fn create_token(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let a = account(&state, id).await?;
    let label = form.label.trim().to_owned();
    let mut errors = FormErrors::new();
    if label.is_empty() {
        errors.add("label", "Enter what the token is for");
    } else if label.chars().count() > LABEL_MAX {
        errors.add(
            "label",
            format!("What the token is for must be {LABEL_MAX} characters or fewer"),
        );
    } else if label.chars().any(char::is_control) {
        errors.add("label", "What the token is for must be one line of text");
    }
    if !errors.is_empty() {
        return account_page(&state, layout, id, None, errors, form.label).await;
    }
    let token = accounts::create_api_token(state.store(), &who.actor(&from), &a.email, &label)
        .await
        .map_err(AppError::internal)?;
    page(&TokenCreatedPage {
        layout,
        id,
        name: a.name,
        label,
        token,
    })
}

/// `POST /users/{id}/tokens/{token}/revoke`
pub async fn revoke_token(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path((id, token)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let a = account(&state, id).await?;
    let revoked = accounts::revoke_api_token(state.store(), &who.actor(&from), &a.email, token)
        .await
        .map_err(AppError::internal)?;
    let banner = if revoked {
        Banner {
            success: true,
            heading: "The API token has been revoked".into(),
            body: "Programs using it can no longer reach the API.".into(),
        }
    } else {
        Banner {
            success: false,
            heading: "That API token had already been revoked".into(),
            body: String::new(),
        }
    };
    account_page(
        &state,
        layout,
        id,
        Some(banner),
        FormErrors::new(),
        String::new(),
    )
    .await
}
