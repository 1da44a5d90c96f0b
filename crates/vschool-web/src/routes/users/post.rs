use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use vschool_domain::Urn;

use super::get::users_page;
use super::{role_options, LinkPage, NewUserPage};
use crate::accounts::{self, AccountError, NewUser};
use crate::auth::{CurrentUser, Role};
use crate::client::ClientAddr;
use crate::components::{Banner, FormErrors};
use crate::error::AppError;
use crate::format::long_date;
use crate::layout::Page;
use crate::render::page;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    schools: String,
    #[serde(default)]
    worker_email: String,
}

/// `POST /users/new`
pub async fn create(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Form(form): Form<NewUserForm>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let mut errors = FormErrors::new();
    // In the order the fields appear, so the error summary reads top to bottom.
    if form.name.trim().is_empty() {
        errors.add("name", "Enter the person’s full name");
    }
    if form.email.trim().is_empty() {
        errors.add("email", "Enter the person’s work email address");
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Select what the person does");
    }
    let mut schools = Vec::new();
    for part in form
        .schools
        .split([',', ' ', '\n'])
        .filter(|p| !p.trim().is_empty())
    {
        match Urn::parse(part.trim()) {
            Ok(u) => schools.push(u),
            Err(_) => {
                errors.add(
                    "schools",
                    "Enter each school’s 6-digit URN, separated by commas",
                );
                break;
            }
        }
    }
    let show = |errors: FormErrors| {
        page(&NewUserPage {
            layout: layout.clone(),
            errors,
            email: form.email.clone(),
            name: form.name.clone(),
            role: form.role.clone(),
            schools: form.schools.clone(),
            worker_email: form.worker_email.clone(),
            roles: role_options(),
        })
    };
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return show(errors);
    };
    let new = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        role,
        schools: if role == Role::Dsl {
            schools
        } else {
            Vec::new()
        },
        worker_email: (role == Role::SocialWorker && !form.worker_email.trim().is_empty())
            .then(|| form.worker_email.clone()),
    };
    match accounts::add_user(state.store(), state.config(), &who.actor(&from), new).await {
        Ok(link) => page(&LinkPage {
            layout,
            heading: "Account created".into(),
            name: form.name.trim().to_owned(),
            url: link.url,
            expires: long_date(link.expires_at.date()),
        }),
        Err(e) => {
            let field = match e {
                AccountError::BadEmail(_) | AccountError::EmailTaken(_) => "email",
                AccountError::NameMissing => "name",
                AccountError::SchoolsRequired | AccountError::UnknownSchool(_) => "schools",
                AccountError::WorkerEmailNotAllowed(_) => "worker_email",
                AccountError::SchoolsNotAllowed(_) | AccountError::BadRole(_) => "role",
                AccountError::NoSuchAccount(_)
                | AccountError::BadPassword(_)
                | AccountError::Store(_)
                | AccountError::Key(_) => return Err(AppError::internal(e)),
            };
            let mut message = e.to_string();
            if let Some(first) = message.get(..1) {
                message = first.to_uppercase() + &message[1..];
            }
            errors.add(field, message);
            show(errors)
        }
    }
}

async fn account_email(state: &AppState, id: i64) -> Result<(String, String), AppError> {
    let a = state
        .store()
        .account_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((a.email, a.name))
}

/// `POST /users/{id}/link`: a new one-time set-password link (a forgotten password).
pub async fn link(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let (email, name) = account_email(&state, id).await?;
    let link = accounts::password_link(state.store(), state.config(), &who.actor(&from), &email)
        .await
        .map_err(AppError::internal)?;
    page(&LinkPage {
        layout,
        heading: "New set-password link".into(),
        name,
        url: link.url,
        expires: long_date(link.expires_at.date()),
    })
}

/// `POST /users/{id}/revoke`: ends every session and API token of the account.
pub async fn revoke(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let (email, name) = account_email(&state, id).await?;
    let (sessions, tokens) = accounts::revoke_access(state.store(), &who.actor(&from), &email)
        .await
        .map_err(AppError::internal)?;
    users_page(
        &state,
        layout,
        Some(Banner {
            success: true,
            heading: format!("{name} has been signed out everywhere"),
            body: format!("{sessions} sessions ended and {tokens} API tokens revoked."),
        }),
    )
    .await
}

/// `POST /users/{id}/reset-second-factor`: the person enrols a new authenticator at their
/// next sign-in (a lost phone).
pub async fn reset_second_factor(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let (email, name) = account_email(&state, id).await?;
    state.store().account_reset_totp(id).await?;
    accounts::revoke_access(state.store(), &who.actor(&from), &email)
        .await
        .map_err(AppError::internal)?;
    users_page(
        &state,
        layout,
        Some(Banner {
            success: true,
            heading: format!("{name} will set up a new authenticator app"),
            body: "They have been signed out and will scan a new QR code at their next sign-in."
                .into(),
        }),
    )
    .await
}
