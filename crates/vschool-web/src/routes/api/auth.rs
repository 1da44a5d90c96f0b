//! Bearer-token authentication for the API.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::auth::session::load_user;
use crate::auth::User;
use crate::error::AppError;
use crate::state::AppState;
use crate::util::token_hash;

/// Extractor: the account behind `Authorization: Bearer <token>`. Missing, unknown and
/// revoked tokens, and disabled accounts, are all 401.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| t.starts_with("vst_") && t.len() == 68)
            .ok_or(AppError::Unauthenticated)?;
        let record = state
            .store()
            .api_token_get(&token_hash(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let user = load_user(state, record.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        state
            .store()
            .api_token_touch(record.id, state.now())
            .await?;
        Ok(ApiUser(user))
    }
}
