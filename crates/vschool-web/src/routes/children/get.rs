use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{audit_listed, children_table, ListPage, PAGE_SIZE};
use crate::auth::{CurrentUser, Role, Scope};
use crate::client::ClientAddr;
use crate::components::Pagination;
use crate::error::AppError;
use crate::index;
use crate::layout::Page;
use crate::render::page;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    page: Option<u32>,
}

/// `GET /children?page=N`: every child in the reader's scope, a page at a time.
pub async fn list(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    who.require(Role::sees_child_level_data)?;
    let scope = Scope::for_user(who.user(), state.clock().today());
    let ix = index::current(&state).await?;
    let all: Vec<_> = ix.children_in(&scope).collect();
    let pages = u32::try_from(all.len().div_ceil(PAGE_SIZE))
        .unwrap_or(u32::MAX)
        .max(1);
    let page_no = q.page.unwrap_or(1).clamp(1, pages);
    let start = (page_no as usize - 1) * PAGE_SIZE;
    let shown: Vec<_> = all.iter().skip(start).take(PAGE_SIZE).copied().collect();
    audit_listed(&state, &who, &from, &shown, "listed on the children page").await?;
    page(&ListPage {
        layout,
        heading: "Children".into(),
        query: String::new(),
        searched: false,
        total: all.len(),
        table: children_table(&ix, &scope, &shown),
        pagination: (pages > 1).then(|| Pagination {
            page: page_no,
            pages,
            base_href: "/children".into(),
        }),
        query_error: None,
    })
}
