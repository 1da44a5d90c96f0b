//! Sign-in rate limits, per account and per address, counted from the audit trail's
//! `sign-in-failed` events: no state in the process, so limits hold across restarts and
//! across several instances of the service.

use time::Duration;

use crate::error::AppError;
use crate::state::AppState;

/// Failed attempts from one address allowed per window, as a multiple of the per-account
/// limit: a council or school office may share one public address.
const PER_ADDRESS_FACTOR: u32 = 10;

/// `Err(minutes)` when sign-in must be refused for this email or address now.
pub async fn check(state: &AppState, email: &str, from: &str) -> Result<Result<(), u32>, AppError> {
    let config = state.config();
    let window = Duration::try_from(config.sign_in_window).unwrap_or(Duration::minutes(15));
    let minutes = u32::try_from(window.whole_minutes()).unwrap_or(15).max(1);
    let (by_account, by_address) = state
        .store()
        .sign_in_failures_since(email, from, state.now() - window)
        .await?;
    let max = i64::from(config.sign_in_max_failures);
    if by_account >= max || by_address >= max * i64::from(PER_ADDRESS_FACTOR) {
        Ok(Err(minutes))
    } else {
        Ok(Ok(()))
    }
}
