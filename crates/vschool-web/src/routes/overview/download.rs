//! `GET /overview/download/{name}.{csv|xlsx}`: any table of the overview for the same
//! filters, as CSV or XLSX, with the same suppression as the page. Every download is
//! audited (`download`, object `school`, no URN: the whole LA; the detail names the table
//! and filters, never a child).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use vschool_store::{AuditAction, AuditObject};

use super::filters::{FilterQuery, Filters};
use super::sections::all_tables;
use super::tables::Ctx;
use super::Viewer;
use crate::analysis;
use crate::audit;
use crate::auth::CurrentUser;
use crate::client::ClientAddr;
use crate::components::FigureTable;
use crate::error::AppError;
use crate::state::AppState;

/// A file's bytes as a download.
pub fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The table as CSV or XLSX, by the name's extension.
pub fn render(t: &FigureTable, ext: &str, file_stem: &str) -> Result<Response, AppError> {
    match ext {
        "csv" => Ok(attachment(
            t.csv().map_err(AppError::internal)?.into_bytes(),
            CSV,
            &format!("{file_stem}.csv"),
        )),
        "xlsx" => Ok(attachment(
            t.xlsx().map_err(AppError::internal)?,
            XLSX,
            &format!("{file_stem}.xlsx"),
        )),
        _ => Err(AppError::NotFound),
    }
}

pub async fn table(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<FilterQuery>,
) -> Result<Response, AppError> {
    let viewer = Viewer::of(&who)?;
    let (id, ext) = name.rsplit_once('.').ok_or(AppError::NotFound)?;
    if !matches!(ext, "csv" | "xlsx") {
        return Err(AppError::NotFound);
    }
    let today = state.clock().today();
    let filters = Filters::read(&q, today);
    let ov = analysis::overview(&state, filters.request(today)).await?;
    let snapshot = state.snapshot().await?;
    let ctx = Ctx {
        ov: &ov,
        snapshot: &snapshot,
        viewer: &viewer,
        filters: &filters,
        la_name: state.la_name(),
    };
    let t = all_tables(&ctx)
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(AppError::NotFound)?;
    audit::record(
        &state,
        &audit::by(
            &state,
            who.user(),
            &from,
            AuditAction::Download,
            AuditObject::School,
            format!(
                "LA overview table {name}{} ({})",
                if viewer.suppressed() {
                    ", suppressed"
                } else {
                    ""
                },
                filters.describe()
            ),
        ),
    )
    .await?;
    let stem = format!("{}-{}", t.id, ov.request.at);
    render(&t, ext, &stem)
}
