//! `GET /data/jobs/{id}`: an import's progress, then its result. While the import runs the
//! page shows the progress bar of [`crate::progress`]: `progress.js` polls
//! `GET /data/jobs/{id}/progress.json` to move it and loads the page again when the import
//! is over; without JavaScript the page offers "Refresh progress".

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use vschool_store::{ImportOutcome, Problem};

use crate::auth::{CurrentUser, Role};
use crate::components::{Cell, Table};
use crate::error::AppError;
use crate::format::count;
use crate::jobs::JobState;
use crate::layout::{Layout, Page};
use crate::progress::ProgressReport;
use crate::render::page;
use crate::state::AppState;

/// Problems listed per file on the page (DESIGN §8); the CSV has every one.
const LISTED: usize = 1_000;

/// One file's result as the page shows it.
pub struct FileView {
    pub name: String,
    pub summary: Table,
    pub problems: Table,
    pub more: usize,
    pub problems_href: Option<String>,
}

#[derive(Template)]
#[template(path = "data/job.html")]
struct JobPage {
    layout: Layout,
    running: bool,
    failed: bool,
    report: ProgressReport,
    json_url: String,
    page_url: String,
    kind: String,
    files: String,
    summary: String,
    rejected: bool,
    results: Vec<FileView>,
}

fn outcome_text(o: ImportOutcome) -> &'static str {
    match o {
        ImportOutcome::Loaded => "Loaded",
        ImportOutcome::Unchanged => "Unchanged (already held)",
        ImportOutcome::Rejected => "Rejected: nothing loaded",
        ImportOutcome::Checked => "Checked only: nothing loaded",
    }
}

/// The problems table: line, field, value, what to do.
pub fn problems_table(problems: &[&Problem]) -> Table {
    Table {
        caption: String::new(),
        head: vec![
            Cell::text("Line"),
            Cell::text("Field"),
            Cell::text("Value"),
            Cell::text("What to do"),
            Cell::text("Severity"),
        ],
        rows: problems
            .iter()
            .map(|p| {
                let line = match &p.location {
                    vschool_store::Location::File => "Whole file".to_owned(),
                    vschool_store::Location::Line(l) => count(*l),
                    vschool_store::Location::Xml { line, path } => {
                        format!("{} ({path})", count(*line))
                    }
                };
                vec![
                    Cell::text(line),
                    Cell::text(p.field.clone().unwrap_or_default()),
                    Cell::text(p.value.clone().unwrap_or_default()),
                    Cell::text(match &p.rule {
                        Some(r) => format!("{} (DfE rule {r})", p.reason),
                        None => p.reason.clone(),
                    }),
                    Cell::text(if p.is_error() { "Error" } else { "Warning" }),
                ]
            })
            .collect(),
    }
}

/// `GET /data/jobs/{id}`
pub async fn show(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    let job = state.jobs().get(&id).ok_or(AppError::NotFound)?;
    let p = job.progress();
    let mut view = JobPage {
        layout,
        running: matches!(p.state, JobState::Running),
        failed: matches!(p.state, JobState::Failed),
        report: job.report(),
        json_url: format!("/data/jobs/{}/progress.json", job.id),
        page_url: format!("/data/jobs/{}", job.id),
        kind: {
            let l = job.kind.label();
            let mut c = l.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        },
        files: job.files.join(", "),
        summary: String::new(),
        rejected: false,
        results: Vec::new(),
    };
    if let JobState::Done(result) = &p.state {
        view.summary = result.summary();
        view.rejected = result.outcome == ImportOutcome::Rejected;
        view.results = result
            .files
            .iter()
            .map(|f| {
                let listed: Vec<&Problem> = f.report.problems().take(LISTED).collect();
                let total = f.report.error_count + f.report.warning_count;
                FileView {
                    name: f.name.clone(),
                    summary: Table {
                        caption: String::new(),
                        head: vec![
                            Cell::text("Outcome"),
                            Cell::number("Rows read"),
                            Cell::number("Rows changed"),
                            Cell::number("Errors"),
                            Cell::number("Warnings"),
                        ],
                        rows: vec![vec![
                            Cell::text(outcome_text(f.outcome)),
                            Cell::number(count(f.rows_read)),
                            Cell::number(count(f.rows_changed)),
                            Cell::number(count(f.report.error_count as u64)),
                            Cell::number(count(f.report.warning_count as u64)),
                        ]],
                    },
                    more: total.saturating_sub(listed.len()),
                    problems: problems_table(&listed),
                    problems_href: (total > 0 && f.import_id > 0)
                        .then(|| format!("/data/imports/{}/problems.csv", f.import_id)),
                }
            })
            .collect();
    }
    page(&view)
}

/// `GET /data/jobs/{id}/progress.json`: the import's progress for the page's script.
pub async fn progress_json(
    State(state): State<AppState>,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    let job = state.jobs().get(&id).ok_or(AppError::NotFound)?;
    job.report().json()
}
