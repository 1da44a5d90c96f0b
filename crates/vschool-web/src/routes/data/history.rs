//! `GET /data/imports`: the import history (who, when, file, SHA-256, rows, outcome), newest
//! first; `GET /data/imports/{id}/problems.csv`: every problem of one file, audited.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use vschool_store::{AuditAction, AuditObject, Problem};

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::client::ClientAddr;
use crate::components::{Cell, Table};
use crate::error::AppError;
use crate::format::{count, long_date, short_date_time};
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::routes::overview::download::{attachment, CSV};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "data/history.html")]
struct History {
    layout: Layout,
    table: Table,
}

/// `GET /data/imports`
pub async fn list(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    let mut imports = state.store().imports().await?;
    imports.reverse();
    let rows = imports
        .iter()
        .map(|s| {
            let r = &s.item;
            vec![
                Cell::text(short_date_time(r.at)),
                Cell::text(r.file_name.clone()),
                Cell::text(r.kind.clone()),
                Cell::text(r.actor.clone()),
                Cell::number(count(r.rows_read)),
                Cell::number(count(r.rows_changed)),
                Cell::text(match r.outcome.code() {
                    "loaded" => "Loaded",
                    "unchanged" => "Unchanged",
                    "rejected" => "Rejected",
                    _ => "Checked",
                }),
                Cell::text(r.extract_date.map(long_date).unwrap_or_default()),
                Cell::text(r.sha256.get(..12).unwrap_or("").to_owned()),
                if r.detail.is_empty() {
                    Cell::text("")
                } else {
                    Cell::link(
                        r.detail.clone(),
                        format!("/data/imports/{}/problems.csv", s.id),
                    )
                },
            ]
        })
        .collect();
    page(&History {
        layout,
        table: Table {
            caption: String::new(),
            head: vec![
                Cell::text("When"),
                Cell::text("File"),
                Cell::text("Kind"),
                Cell::text("Who"),
                Cell::number("Rows read"),
                Cell::number("Rows changed"),
                Cell::text("Outcome"),
                Cell::text("Data current to"),
                Cell::text("SHA-256 (start)"),
                Cell::text("Problems"),
            ],
            rows,
        },
    })
}

/// `GET /data/imports/{id}/problems.csv`
pub async fn problems_csv(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    let id: i64 = name.parse().map_err(|_| AppError::NotFound)?;
    let record = state
        .store()
        .imports()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    let problems = state.store().import_problems(id).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(Problem::CSV_HEADER)
        .map_err(AppError::internal)?;
    for p in &problems {
        w.write_record(p.csv_row()).map_err(AppError::internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|_| AppError::internal("writing problems"))?;
    audit::record(
        &state,
        &audit::by(
            &state,
            who.user(),
            &from,
            AuditAction::Download,
            AuditObject::Import,
            format!("problems of import {id}"),
        ),
    )
    .await?;
    let stem: String = record
        .item
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(attachment(bytes, CSV, &format!("problems-{stem}.csv")))
}
