use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use vschool_store::{AuditAction, AuditEvent, AuditObject};

use super::get::enrol_page;
use super::{SecondFactorPage, SignInPage};
use crate::accounts::normalise_email;
use crate::auth::session::{clear_cookie, session_cookie_name};
use crate::auth::{csrf, password, rate_limit, session, totp, HalfSignedIn, SignedIn};
use crate::client::ClientAddr;
use crate::components::FormErrors;
use crate::error::AppError;
use crate::layout::Page;
use crate::render::{page, page_with_status};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

const WRONG: &str = "Enter a correct email address and password";

fn too_many(minutes: u32) -> String {
    format!("You have tried to sign in too many times. Wait {minutes} minutes, then try again")
}

/// A sign-in attempt that failed, for the audit trail (and so for the rate limit).
fn failure(state: &AppState, email: &str, role: &str, from: &str, detail: &str) -> AuditEvent {
    AuditEvent {
        at: state.now(),
        actor: email.to_owned(),
        role: role.to_owned(),
        action: AuditAction::SignInFailed,
        object: AuditObject::User,
        upn: None,
        la_child_id: None,
        urn: None,
        detail: detail.to_owned(),
        from: from.to_owned(),
    }
}

/// `POST /sign-in`
pub async fn sign_in(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let (token, _) = csrf::anonymous_token(&state, &headers);
    let show = |errors: FormErrors, status: StatusCode| {
        let p = SignInPage {
            layout: layout.clone(),
            csrf: token.clone(),
            email: form.email.trim().to_owned(),
            errors,
            sso: state.config().oidc.is_some(),
        };
        page_with_status(status, &p)
    };

    let mut errors = FormErrors::new();
    let email = normalise_email(&form.email);
    if form.email.trim().is_empty() {
        errors.add("email", "Enter your email address");
    } else if email.is_none() {
        errors.add(
            "email",
            "Enter an email address in the correct format, like name@example.gov.uk",
        );
    }
    if form.password.is_empty() {
        errors.add("password", "Enter your password");
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return show(errors, StatusCode::OK);
    };

    if let Err(minutes) = rate_limit::check(&state, &email, &from).await? {
        errors.add("email", too_many(minutes));
        return show(errors, StatusCode::TOO_MANY_REQUESTS);
    }

    let account = state.store().account_by_email(&email).await?;
    let hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let ok = password::verify(form.password.clone(), hash).await?;
    let account = match account {
        Some(a) if ok && a.disabled_at.is_none() => a,
        other => {
            let role = other.map(|a| a.role).unwrap_or_default();
            crate::audit::record(
                &state,
                &failure(&state, &email, &role, &from, "wrong email or password"),
            )
            .await?;
            errors.add("email", WRONG);
            return show(errors, StatusCode::OK);
        }
    };

    let cookie = session::start(&state, account.id, &from, session::BY_PASSWORD).await?;
    let next = if account.totp_secret.is_some() {
        "/sign-in/second-factor"
    } else {
        "/sign-in/second-factor/enrol"
    };
    let mut res = Redirect::to(next).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

fn code_error(code: &str) -> &'static str {
    if code.trim().is_empty() {
        "Enter the 6-digit security code from your authenticator app"
    } else if totp::normalise(code).is_none() {
        "The security code must be 6 digits"
    } else {
        "The security code is not correct or has been used. Enter the code your app shows now"
    }
}

/// Finishes a sign-in: new session id, audit, last sign-in time, home.
pub(crate) async fn finish(
    state: &AppState,
    s: &SignedIn,
    from: &str,
    how: &str,
) -> Result<Response, AppError> {
    let cookie = session::complete(state, s).await?;
    crate::audit::record(
        state,
        &crate::audit::by(
            state,
            &s.user,
            from,
            AuditAction::SignIn,
            AuditObject::User,
            how,
        ),
    )
    .await?;
    state
        .store()
        .account_signed_in(s.user.id, state.now())
        .await?;
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(res)
}

/// Checks a code against a secret and uses its time step up. `None`: wrong or replayed.
async fn accept_code(
    state: &AppState,
    user_id: i64,
    secret: &str,
    code: &str,
) -> Result<Option<i64>, AppError> {
    let Some(step) = totp::matching_step(secret, code, state.now())? else {
        return Ok(None);
    };
    Ok(state
        .store()
        .account_use_totp_step(user_id, step)
        .await?
        .then_some(step))
}

/// `POST /sign-in/second-factor`
pub async fn second_factor(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    HalfSignedIn(s): HalfSignedIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::new();
    if let Err(minutes) = rate_limit::check(&state, &s.user.email, &from).await? {
        errors.add("code", too_many(minutes));
        return page_with_status(
            StatusCode::TOO_MANY_REQUESTS,
            &SecondFactorPage { layout, errors },
        );
    }
    let Some(secret) = totp::enrolled_secret(&state, s.user.id).await? else {
        return Ok(Redirect::to("/sign-in/second-factor/enrol").into_response());
    };
    if totp::normalise(&form.code).is_some()
        && accept_code(&state, s.user.id, &secret, &form.code)
            .await?
            .is_some()
    {
        let how = if s.first_factor == session::BY_OIDC {
            "council single sign-on and authenticator code"
        } else {
            "password and authenticator code"
        };
        return finish(&state, &s, &from, how).await;
    }
    if totp::normalise(&form.code).is_some() {
        crate::audit::record(
            &state,
            &failure(
                &state,
                &s.user.email,
                s.user.role.code(),
                &from,
                "wrong security code",
            ),
        )
        .await?;
    }
    errors.add("code", code_error(&form.code));
    page(&SecondFactorPage { layout, errors })
}

/// `POST /sign-in/second-factor/enrol`: confirms the new secret with its first code.
pub async fn enrol(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    HalfSignedIn(s): HalfSignedIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    if s.user.totp_enrolled {
        return Ok(Redirect::to("/sign-in/second-factor").into_response());
    }
    let Some(secret) = s.pending_totp_secret.clone() else {
        return Ok(Redirect::to("/sign-in/second-factor/enrol").into_response());
    };
    let mut errors = FormErrors::new();
    if let Err(minutes) = rate_limit::check(&state, &s.user.email, &from).await? {
        errors.add("code", too_many(minutes));
        return enrol_page(&state, layout, &s, &secret, errors);
    }
    if let Some(step) = totp::matching_step(&secret, &form.code, state.now())? {
        totp::save_enrolled(&state, s.user.id, &secret, step).await?;
        let how = if s.first_factor == session::BY_OIDC {
            "council single sign-on and a newly enrolled authenticator"
        } else {
            "password and a newly enrolled authenticator"
        };
        return finish(&state, &s, &from, how).await;
    }
    errors.add("code", code_error(&form.code));
    enrol_page(&state, layout, &s, &secret, errors)
}

/// `POST /sign-out`
pub async fn sign_out(
    State(state): State<AppState>,
    who: Option<Extension<SignedIn>>,
) -> Result<Response, AppError> {
    if let Some(Extension(s)) = who {
        state
            .store()
            .session_revoke(&s.session_hash, state.now())
            .await?;
    }
    let tls = state.config().tls;
    let mut res = Redirect::to("/signed-out").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        clear_cookie(session_cookie_name(tls), tls),
    );
    Ok(res)
}
