use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use time::Duration;
use vschool_store::{AuditAction, AuditEvent, AuditObject, NewRequest};

use super::{
    plausible, CheckedContact, ContactForm, LinkInvalidPage, RequestPage, RequestedPage,
    UnsubscribedPage, Voice, MAX_PER_ADDRESS_PER_HOUR, MAX_PER_EMAIL_PER_DAY,
};
use crate::auth::csrf;
use crate::client::ClientAddr;
use crate::components::FormErrors;
use crate::error::AppError;
use crate::layout::Page;
use crate::render::{page, page_with_status};
use crate::state::AppState;
use crate::util::token_hash;

/// `POST /subscribe`
pub async fn request(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<ContactForm>,
) -> Result<Response, AppError> {
    let ix = crate::index::current(&state).await?;
    let checked = form.check(&ix, Voice::Yours);
    let token = if layout.csrf_token.is_empty() {
        csrf::anonymous_token(&state, &headers).0
    } else {
        layout.csrf_token.clone()
    };
    let again = |errors: FormErrors, status: StatusCode| {
        page_with_status(
            status,
            &RequestPage {
                layout: layout.clone(),
                csrf: token.clone(),
                errors,
                name: form.name.clone(),
                role: form.role.clone(),
                school: form.school.clone(),
                email: form.email.clone(),
            },
        )
    };
    let CheckedContact {
        urn,
        name,
        role,
        email,
    } = match checked {
        Ok(c) => c,
        Err(errors) => return again(errors, StatusCode::OK),
    };
    let now = state.now();
    let (by_address, _) = state
        .store()
        .subscription_requests_since(&from, &email, now - Duration::hours(1))
        .await?;
    let (_, by_email) = state
        .store()
        .subscription_requests_since(&from, &email, now - Duration::days(1))
        .await?;
    if by_address >= MAX_PER_ADDRESS_PER_HOUR || by_email >= MAX_PER_EMAIL_PER_DAY {
        let mut errors = FormErrors::new();
        errors.add(
            "name",
            "Too many requests have been sent from here: wait an hour and try again, or email the Virtual School",
        );
        return again(errors, StatusCode::TOO_MANY_REQUESTS);
    }
    state
        .store()
        .subscription_request_create(
            &NewRequest {
                urn,
                name,
                role,
                email: email.clone(),
                origin: from.clone(),
            },
            now,
        )
        .await?;
    crate::audit::record(
        &state,
        &AuditEvent {
            at: now,
            actor: email,
            role: "public".into(),
            action: AuditAction::Change,
            object: AuditObject::Pack,
            upn: None,
            la_child_id: None,
            urn: Some(urn),
            detail: "asked to receive the school's packs".into(),
            from,
        },
    )
    .await?;
    page(&RequestedPage {
        layout,
        school: ix.school_name(urn),
    })
}

/// `POST /unsubscribe/{token}`: the confirmation button, or a mail program's one-click
/// unsubscribe (RFC 8058). The unguessable token is the credential, so this path needs no
/// CSRF token (see `auth::csrf`).
pub async fn unsubscribe(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let done = if plausible(&token) {
        state
            .store()
            .unsubscribe_by_token(&token_hash(&token), state.now())
            .await?
    } else {
        None
    };
    let Some((urn, email)) = done else {
        return page_with_status(StatusCode::NOT_FOUND, &LinkInvalidPage { layout });
    };
    crate::audit::record(
        &state,
        &AuditEvent {
            at: state.now(),
            actor: email,
            role: "public".into(),
            action: AuditAction::Change,
            object: AuditObject::Pack,
            upn: None,
            la_child_id: None,
            urn: Some(urn),
            detail: "unsubscribed from the school's packs with the emailed link".into(),
            from,
        },
    )
    .await?;
    let school = state
        .store()
        .setting(urn)
        .await?
        .map(|s| s.name)
        .unwrap_or_else(|| format!("school {urn}"));
    page(&UnsubscribedPage { layout, school })
}
