//! Writing the audit trail (DESIGN §8): who did what to which child or school, when, and
//! from where. Every view, export, download and change of child-level data, and every
//! sign-in (and failed attempt), records an event.

use vschool_domain::{LaChildId, Upn, Urn};
use vschool_store::{AuditAction, AuditEvent, AuditObject};

use crate::auth::User;
use crate::error::AppError;
use crate::state::AppState;

/// An event by a signed-in user.
pub fn by(
    state: &AppState,
    user: &User,
    from: &str,
    action: AuditAction,
    object: AuditObject,
    detail: impl Into<String>,
) -> AuditEvent {
    AuditEvent {
        at: state.now(),
        actor: user.email.clone(),
        role: user.role.code().to_owned(),
        action,
        object,
        upn: None,
        la_child_id: None,
        urn: None,
        detail: detail.into(),
        from: from.to_owned(),
    }
}

/// The same event about one child.
pub fn about_child(mut e: AuditEvent, la_child_id: &LaChildId, upn: Option<Upn>) -> AuditEvent {
    e.la_child_id = Some(la_child_id.clone());
    e.upn = upn;
    e
}

/// The same event about one school.
pub fn about_school(mut e: AuditEvent, urn: Urn) -> AuditEvent {
    e.urn = Some(urn);
    e
}

pub async fn record(state: &AppState, event: &AuditEvent) -> Result<(), AppError> {
    record_many(state, std::slice::from_ref(event)).await
}

pub async fn record_many(state: &AppState, events: &[AuditEvent]) -> Result<(), AppError> {
    if !events.is_empty() {
        state.store().record_audit_many(events).await?;
    }
    Ok(())
}
