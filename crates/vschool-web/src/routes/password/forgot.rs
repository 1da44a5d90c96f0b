//! `GET` and `POST /forgot-password`: asking for a password-reset email (see
//! `crate::auth::reset`). The answer is the same page whatever was typed.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::{ForgotPasswordPage, ResetSentPage};
use crate::accounts::normalise_email;
use crate::auth::{csrf, rate_limit, reset, SignedIn};
use crate::client::ClientAddr;
use crate::components::FormErrors;
use crate::error::AppError;
use crate::layout::Page;
use crate::render::{page, page_with_status};
use crate::state::AppState;

/// `GET /forgot-password`
pub async fn form(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    who: Option<Extension<SignedIn>>,
) -> Result<Response, AppError> {
    if matches!(who, Some(Extension(s)) if s.is_complete()) {
        return Ok(Redirect::to("/").into_response());
    }
    let (token, set) = csrf::anonymous_token(&state, &headers);
    let mut res = page(&ForgotPasswordPage {
        layout,
        csrf: token,
        email: String::new(),
        errors: FormErrors::new(),
    })?;
    if let Some(set) = set {
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    Ok(res)
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// `POST /forgot-password`
pub async fn send(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<ForgotForm>,
) -> Result<Response, AppError> {
    let (token, _) = csrf::anonymous_token(&state, &headers);
    let show = |errors: FormErrors, status: StatusCode| {
        page_with_status(
            status,
            &ForgotPasswordPage {
                layout: layout.clone(),
                csrf: token.clone(),
                email: form.email.trim().to_owned(),
                errors,
            },
        )
    };
    let mut errors = FormErrors::new();
    let Some(email) = normalise_email(&form.email) else {
        if form.email.trim().is_empty() {
            errors.add("email", "Enter your email address");
        } else {
            errors.add(
                "email",
                "Enter an email address in the correct format, like name@example.gov.uk",
            );
        }
        return show(errors, StatusCode::OK);
    };
    if let Err(minutes) = rate_limit::check_reset_requests(&state, &email, &from).await? {
        errors.add(
            "email",
            format!("You have asked for too many emails. Wait {minutes} minutes, then try again"),
        );
        return show(errors, StatusCode::TOO_MANY_REQUESTS);
    }
    reset::request(&state, &email, &from).await?;
    let minutes = state.config().reset_link_valid_for.as_secs() / 60;
    page(&ResetSentPage {
        layout,
        email,
        valid_for: if minutes == 60 {
            "1 hour".to_owned()
        } else {
            format!("{minutes} minutes")
        },
    })
}
