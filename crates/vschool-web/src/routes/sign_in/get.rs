use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::{group_secret, EnrolPage, SecondFactorPage, SignInPage, SignedOutPage};
use crate::auth::{csrf, totp, HalfSignedIn, SignedIn};
use crate::components::FormErrors;
use crate::error::AppError;
use crate::layout::Page;
use crate::render::page;
use crate::state::AppState;

/// `GET /sign-in`
pub async fn sign_in(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    who: Option<Extension<SignedIn>>,
) -> Result<Response, AppError> {
    match who {
        Some(Extension(s)) if s.is_complete() => return Ok(Redirect::to("/").into_response()),
        Some(_) => return Ok(Redirect::to("/sign-in/second-factor").into_response()),
        None => {}
    }
    let (token, set) = csrf::anonymous_token(&state, &headers);
    let mut res = page(&SignInPage {
        layout,
        csrf: token,
        email: String::new(),
        errors: FormErrors::new(),
        sso: state.config().oidc.is_some(),
    })?;
    if let Some(set) = set {
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    Ok(res)
}

/// `GET /sign-in/second-factor`
pub async fn second_factor(
    Page(layout): Page,
    HalfSignedIn(s): HalfSignedIn,
) -> Result<Response, AppError> {
    if !s.user.totp_enrolled {
        return Ok(Redirect::to("/sign-in/second-factor/enrol").into_response());
    }
    page(&SecondFactorPage {
        layout,
        errors: FormErrors::new(),
    })
}

/// `GET /sign-in/second-factor/enrol`: shows a QR code for a new secret. The secret is kept
/// with the session until a code from it is confirmed, so reloading shows the same code.
pub async fn enrol(
    State(state): State<AppState>,
    Page(layout): Page,
    HalfSignedIn(s): HalfSignedIn,
) -> Result<Response, AppError> {
    if s.user.totp_enrolled {
        return Ok(Redirect::to("/sign-in/second-factor").into_response());
    }
    let secret = match &s.pending_totp_secret {
        Some(secret) => secret.clone(),
        None => {
            let secret = totp::new_secret();
            let sealed = state.key().seal_pending_totp(s.user.id, &secret);
            state
                .store()
                .session_set_pending_totp(&s.session_hash, Some(&sealed))
                .await?;
            secret
        }
    };
    enrol_page(&state, layout, &s, &secret, FormErrors::new())
}

pub(super) fn enrol_page(
    state: &AppState,
    layout: crate::layout::Layout,
    s: &SignedIn,
    secret: &str,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let issuer = format!("Virtual School, {}", state.la_name());
    let url = totp::otpauth_url(secret, &issuer, &s.user.email)?;
    page(&EnrolPage {
        layout,
        qr_svg: totp::qr_svg(&url)?,
        secret_groups: group_secret(secret),
        errors,
    })
}

/// `GET /signed-out`
pub async fn signed_out(Page(layout): Page) -> Result<Response, AppError> {
    page(&SignedOutPage { layout })
}
