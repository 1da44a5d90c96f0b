use axum::extract::State;
use axum::response::Response;

use super::{actions, table, AuditPage, Filter, SHOWN};
use crate::auth::{CurrentUser, Role};
use crate::components::FormErrors;
use crate::error::AppError;
use crate::layout::Page;
use crate::render::page;
use crate::state::AppState;

/// `GET /audit`: the most recent events.
pub async fn search(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let events = state.store().audit_events(None).await?;
    let recent: Vec<_> = events.iter().rev().take(SHOWN).map(|s| &s.item).collect();
    page(&AuditPage {
        layout,
        errors: FormErrors::new(),
        filter: Filter::default(),
        actions: actions(),
        total: events.len(),
        table: table(&recent),
    })
}
