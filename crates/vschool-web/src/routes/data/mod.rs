//! Data (DESIGN §8 "imports, data quality, identity review": `vsh` and `data-officer`):
//! upload a file and watch it validate and load (`upload`, `jobs`), the import history with
//! every problem as CSV (`history`), and the identity review queue (`review`).

pub mod history;
pub mod jobs;
pub mod review;
pub mod upload;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;

/// The largest upload: a large LA's year of marks is about 600 MB.
pub const UPLOAD_LIMIT: usize = 1024 * 1024 * 1024;

/// How long an upload may take to arrive (a gigabyte over a slow council network).
pub const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60 * 60);

#[derive(Template)]
#[template(path = "data/index.html")]
struct DataIndex {
    layout: Layout,
    pending: u64,
}

/// `GET /data`
pub async fn index(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    let pending = state.store().pending_review_count().await?;
    page(&DataIndex { layout, pending })
}
