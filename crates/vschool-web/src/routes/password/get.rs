use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;

use super::{plausible, LinkInvalidPage, SetPasswordPage};
use crate::accounts::{set_password_path, PURPOSE_RESET};
use crate::auth::csrf;
use crate::components::FormErrors;
use crate::error::AppError;
use crate::layout::Page;
use crate::render::{page, page_with_status};
use crate::state::AppState;
use crate::util::token_hash;

/// `GET /set-password/{token}`
pub async fn set_password(
    State(state): State<AppState>,
    Page(layout): Page,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let link = if plausible(&token) {
        state
            .store()
            .password_link_get(&token_hash(&token), state.now())
            .await?
    } else {
        None
    };
    let Some(link) = link else {
        return page_with_status(StatusCode::NOT_FOUND, &LinkInvalidPage { layout });
    };
    let (csrf, set) = csrf::anonymous_token(&state, &headers);
    let mut res = page(&SetPasswordPage {
        layout,
        csrf,
        action: set_password_path(&token),
        errors: FormErrors::new(),
        reset: link.purpose == PURPOSE_RESET,
    })?;
    if let Some(set) = set {
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    Ok(res)
}
