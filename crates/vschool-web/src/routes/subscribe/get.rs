use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;

use super::{plausible, LinkInvalidPage, RequestPage, UnsubscribePage};
use crate::auth::csrf;
use crate::components::FormErrors;
use crate::error::AppError;
use crate::layout::Page;
use crate::render::{page, page_with_status};
use crate::state::AppState;
use crate::util::token_hash;

/// `GET /subscribe`: "Ask to receive your school's packs".
pub async fn request(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    // Signed in, the session's token is the one a form must carry; else the cookie's.
    let (token, set) = if layout.csrf_token.is_empty() {
        csrf::anonymous_token(&state, &headers)
    } else {
        (layout.csrf_token.clone(), None)
    };
    let mut res = page(&RequestPage {
        layout,
        csrf: token,
        errors: FormErrors::new(),
        name: String::new(),
        role: String::new(),
        school: String::new(),
        email: String::new(),
    })?;
    if let Some(set) = set {
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    Ok(res)
}

/// `GET /unsubscribe/{token}`: asks to confirm (mail scanners open links; only the button,
/// or a mail program's one-click POST, unsubscribes).
pub async fn unsubscribe(
    State(state): State<AppState>,
    Page(layout): Page,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let found = if plausible(&token) {
        state.store().unsubscribe_token(&token_hash(&token)).await?
    } else {
        None
    };
    let Some((urn, _)) = found else {
        return page_with_status(StatusCode::NOT_FOUND, &LinkInvalidPage { layout });
    };
    let school = state
        .store()
        .setting(urn)
        .await?
        .map(|s| s.name)
        .unwrap_or_else(|| format!("school {urn}"));
    page(&UnsubscribePage {
        layout,
        school,
        action: format!("/unsubscribe/{token}"),
    })
}
