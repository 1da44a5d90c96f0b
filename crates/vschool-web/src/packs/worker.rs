//! The server's background task: every minute, it makes accounts for new subscribers (when
//! the data changed) and retries the emails whose time has come, so a pack queued while the
//! SMTP server was down goes out once it is back (DESIGN §8 "Packs").

use std::time::Duration;

use super::run::{process_due, Delivered, Notifier};
use super::subscribers::ensure_accounts;
use super::PackError;
use crate::accounts::Actor;
use crate::state::AppState;

/// How often the task looks for due emails.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// The actor the audit trail records for what the task does.
pub fn actor() -> Actor {
    Actor {
        actor: "system:packs".to_owned(),
        role: "system".to_owned(),
        from: "server".to_owned(),
    }
}

/// One round: accounts for new subscribers if the data changed since `seen_version`, then
/// every due email. Returns the data version seen and what was delivered.
pub async fn tick(
    state: &AppState,
    seen_version: Option<i64>,
) -> Result<(i64, Delivered), PackError> {
    let store = state.store();
    let n = Notifier::new(
        store.clone(),
        state.config().clone(),
        state.la_name().to_owned(),
        actor(),
    )?;
    let version = store.data_version().await?;
    if n.mailer.is_some() && seen_version != Some(version) {
        ensure_accounts(store, &n.config, &n.actor, None, state.now()).await?;
    }
    let delivered = process_due(&n, state.now(), 200).await?;
    Ok((version, delivered))
}

/// Starts the task on the current runtime. Errors are logged (without personal data) and
/// the task carries on: a database or mail server that is down now may be up next minute.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut seen = None;
        loop {
            match tick(&state, seen).await {
                Ok((version, d)) => {
                    seen = Some(version);
                    if d.sent + d.retrying + d.failed > 0 {
                        tracing::info!(
                            sent = d.sent,
                            retrying = d.retrying,
                            failed = d.failed,
                            "emails delivered"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the email task could not run"),
            }
            tokio::time::sleep(INTERVAL).await;
        }
    })
}
