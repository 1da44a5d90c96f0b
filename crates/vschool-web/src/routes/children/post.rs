use axum::extract::State;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use super::{audit_listed, children_table, ListPage, PAGE_SIZE};
use crate::auth::{CurrentUser, Role, Scope};
use crate::client::ClientAddr;
use crate::error::AppError;
use crate::index;
use crate::layout::Page;
use crate::render::page;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
}

/// `POST /children/search`: by name or UPN. A POST, so names and UPNs never appear in a
/// URL, a browser history or a server log.
pub async fn search(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Form(form): Form<SearchForm>,
) -> Result<Response, AppError> {
    who.require(Role::sees_child_level_data)?;
    let scope = Scope::for_user(who.user(), state.clock().today());
    let query = form.q.trim().to_owned();
    if query.is_empty() {
        return page(&ListPage {
            layout,
            heading: "Children".into(),
            query,
            searched: false,
            total: 0,
            table: Default::default(),
            pagination: None,
            query_error: Some("Enter a name or UPN".into()),
        });
    }
    let ix = index::current(&state).await?;
    let found = ix.search(&scope, &query);
    let shown: Vec<_> = found.iter().take(PAGE_SIZE).copied().collect();
    audit_listed(&state, &who, &from, &shown, "found by a search").await?;
    page(&ListPage {
        layout,
        heading: "Search results".into(),
        query,
        searched: true,
        total: found.len(),
        table: children_table(&ix, &scope, &shown),
        pagination: None,
        query_error: None,
    })
}
