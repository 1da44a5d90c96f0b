//! Rate limits, per account and per address, counted from the audit trail: no state in the
//! process, so limits hold across restarts and across several instances of the service.
//! Sign-in counts its `sign-in-failed` events; asking for a password-reset email counts its
//! own requests (whether or not the address has an account, so the limit says nothing
//! about which addresses do).

use time::Duration;

use crate::error::AppError;
use crate::state::AppState;

/// Failed attempts from one address allowed per window, as a multiple of the per-account
/// limit: a council or school office may share one public address.
const PER_ADDRESS_FACTOR: u32 = 10;

/// The start of every audit detail of a password-reset request (see `auth::reset`).
pub const RESET_REQUESTED: &str = "asked for a password reset email";

/// `Err(minutes)` when the counts reach the limits.
fn verdict(state: &AppState, by_account: i64, by_address: i64) -> Result<(), u32> {
    let config = state.config();
    let max = i64::from(config.sign_in_max_failures);
    if by_account >= max || by_address >= max * i64::from(PER_ADDRESS_FACTOR) {
        Err(window_minutes(state))
    } else {
        Ok(())
    }
}

fn window(state: &AppState) -> Duration {
    Duration::try_from(state.config().sign_in_window).unwrap_or(Duration::minutes(15))
}

fn window_minutes(state: &AppState) -> u32 {
    u32::try_from(window(state).whole_minutes())
        .unwrap_or(15)
        .max(1)
}

/// `Err(minutes)` when sign-in must be refused for this email or address now.
pub async fn check(state: &AppState, email: &str, from: &str) -> Result<Result<(), u32>, AppError> {
    let (by_account, by_address) = state
        .store()
        .sign_in_failures_since(email, from, state.now() - window(state))
        .await?;
    Ok(verdict(state, by_account, by_address))
}

/// `Err(minutes)` when no more password-reset emails may be asked for this address (as
/// typed) or from this client address now: the same limits and window as sign-in.
pub async fn check_reset_requests(
    state: &AppState,
    email: &str,
    from: &str,
) -> Result<Result<(), u32>, AppError> {
    let (by_account, by_address) = state
        .store()
        .audit_attempts_since(
            email,
            from,
            vschool_store::AuditAction::Change.code(),
            RESET_REQUESTED,
            state.now() - window(state),
        )
        .await?;
    Ok(verdict(state, by_account, by_address))
}
