use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use vschool_store::{AuditAction, AuditEvent, AuditObject};

use super::{plausible, LinkInvalidPage, PasswordSetPage, SetPasswordPage};
use crate::accounts::{set_password_path, PURPOSE_RESET};
use crate::auth::{csrf, password};
use crate::client::ClientAddr;
use crate::components::FormErrors;
use crate::error::AppError;
use crate::layout::Page;
use crate::render::{page, page_with_status};
use crate::state::AppState;
use crate::util::token_hash;

#[derive(Debug, Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /set-password/{token}`
pub async fn set_password(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<SetPasswordForm>,
) -> Result<Response, AppError> {
    let hash = token_hash(&token);
    let link = if plausible(&token) {
        state.store().password_link_get(&hash, state.now()).await?
    } else {
        None
    };
    let reset = link.as_ref().is_some_and(|l| l.purpose == PURPOSE_RESET);
    let account = match link {
        Some(l) => state.store().account_by_id(l.user_id).await?,
        None => None,
    };
    let Some(account) = account else {
        return page_with_status(StatusCode::NOT_FOUND, &LinkInvalidPage { layout });
    };

    let mut errors = FormErrors::new();
    if let Some(problem) = password::problem_with(&form.password, &account.email) {
        errors.add("password", problem);
    } else if form.confirm.is_empty() {
        errors.add("confirm", "Enter your password again");
    } else if form.confirm != form.password {
        errors.add("confirm", "The passwords do not match");
    }
    if !errors.is_empty() {
        let (csrf, _) = csrf::anonymous_token(&state, &headers);
        return page(&SetPasswordPage {
            layout,
            csrf,
            action: set_password_path(&token),
            errors,
            reset,
        });
    }

    let phc = password::hash(form.password).await?;
    let Some(_) = state
        .store()
        .password_link_redeem(&hash, &phc, state.now())
        .await?
    else {
        // Used by another request in the meantime.
        return page_with_status(StatusCode::NOT_FOUND, &LinkInvalidPage { layout });
    };
    crate::audit::record(
        &state,
        &AuditEvent {
            at: state.now(),
            actor: account.email.clone(),
            role: account.role.clone(),
            action: AuditAction::Change,
            object: AuditObject::User,
            upn: None,
            la_child_id: None,
            urn: None,
            detail: if reset {
                "reset their password from an emailed one-time link; their sessions were ended"
            } else {
                "set their password from a one-time link"
            }
            .to_owned(),
            from,
        },
    )
    .await?;
    page(&PasswordSetPage { layout, reset })
}
