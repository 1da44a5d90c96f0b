//! `GET /schools/{urn}/tracker`: the school's tracker online with its targets, and
//! `GET /schools/{urn}/tracker/download`, the workbook (audited as a download).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use vschool_analytics::tracker::{self, Tracker, GROUPS};
use vschool_domain::calendar::iso;
use vschool_domain::{Percent, TrackerStatus};
use vschool_store::AuditAction;

use super::{school_in_scope, tracker_events, xlsx_download};
use crate::audit;
use crate::auth::CurrentUser;
use crate::client::ClientAddr;
use crate::components::{Banner, Crumb, FormErrors};
use crate::error::AppError;
use crate::format::long_date;
use crate::index;
use crate::layout::{Layout, Page};
use crate::packs::targets::StoredTargets;
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "portal/tracker.html")]
pub(crate) struct TrackerPage {
    pub layout: Layout,
    pub crumbs: Vec<Crumb>,
    pub urn: String,
    pub name: String,
    pub at: String,
    pub groups: Vec<GroupView>,
    pub errors: FormErrors,
    pub banner: Option<Banner>,
}

/// One status group of the tracker page.
pub(crate) struct GroupView {
    pub code: &'static str,
    pub label: &'static str,
    pub ever6: bool,
    /// The group's target as typed in the form ("" when unset).
    pub target: String,
    pub rows: Vec<RowView>,
}

pub(crate) struct RowView {
    pub upn: String,
    pub name: String,
    pub year: String,
    pub since: String,
    pub worker: String,
    pub this_year: String,
    pub on_plan: String,
    pub previous_term: String,
    pub persistent: &'static str,
    /// The pupil's own target ("" when unset; the group's then applies).
    pub target: String,
}

fn pct(p: Option<Percent>) -> String {
    p.map(|p| format!("{p}%"))
        .unwrap_or_else(|| "No marks".into())
}

/// A target as a person would type it: "92", "96.5" ("" when unset).
pub(crate) fn target_text(p: Option<Percent>) -> String {
    match p {
        None => String::new(),
        Some(p) if p.tenths() % 10 == 0 => (p.tenths() / 10).to_string(),
        Some(p) => format!("{}.{}", p.tenths() / 10, p.tenths() % 10),
    }
}

/// The page's groups from a tracker and the stored targets.
pub(crate) fn groups(t: &Tracker, targets: &StoredTargets) -> Vec<GroupView> {
    GROUPS
        .iter()
        .map(|g| GroupView {
            code: g.code(),
            label: g.label(),
            ever6: *g == TrackerStatus::Ever6,
            target: target_text(targets.group(t.urn, *g)),
            rows: t
                .rows_in(*g)
                .map(|r| RowView {
                    upn: r.upn.to_string(),
                    name: r.name(),
                    year: r.nc_year.map(|y| y.label()).unwrap_or_default(),
                    since: r.plan_date.map(long_date).unwrap_or_default(),
                    worker: r
                        .worker
                        .as_ref()
                        .map(|w| format!("{}, {}", w.name, w.email))
                        .unwrap_or_else(|| {
                            if *g == TrackerStatus::Ever6 {
                                String::new()
                            } else {
                                "None recorded".into()
                            }
                        }),
                    this_year: pct(r.figures.year_to_date.attendance_pct()),
                    on_plan: pct(r.figures.on_plan.attendance_pct()),
                    previous_term: pct(r.figures.previous_term.attendance_pct()),
                    persistent: if r.persistent_absence() { "Yes" } else { "No" },
                    target: target_text(targets.pupil(t.urn, r.upn)),
                })
                .collect(),
        })
        .collect()
}

/// Builds the school's tracker for today with its stored targets.
pub(crate) async fn current(
    state: &AppState,
    urn: vschool_domain::Urn,
) -> Result<(Tracker, StoredTargets), AppError> {
    let today = state.clock().today();
    let snapshot = state.snapshot().await?;
    let targets = StoredTargets::load(state.store(), Some(urn), today).await?;
    let t = tracker::build(&snapshot, urn, today, &targets).ok_or(AppError::NotFound)?;
    Ok((t, targets))
}

/// Renders the tracker page (also after saving targets, with a banner or errors).
pub(crate) async fn show(
    state: &AppState,
    layout: Layout,
    who: &CurrentUser,
    from: &str,
    urn: vschool_domain::Urn,
    errors: FormErrors,
    banner: Option<Banner>,
) -> Result<Response, AppError> {
    let (t, targets) = current(state, urn).await?;
    let snapshot = state.snapshot().await?;
    let events = tracker_events(
        state,
        who,
        from,
        &snapshot,
        &t,
        AuditAction::View,
        "listed on the school's tracker page",
    );
    audit::record_many(state, &events).await?;
    page(&TrackerPage {
        layout,
        crumbs: vec![
            Crumb::new("Home", "/"),
            Crumb::new(t.school_name.clone(), format!("/schools/{urn}")),
        ],
        urn: urn.to_string(),
        name: t.school_name.clone(),
        at: long_date(t.at),
        groups: groups(&t, &targets),
        errors,
        banner,
    })
}

/// `GET /schools/{urn}/tracker`
pub async fn page_get(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let ix = index::current(&state).await?;
    let urn = school_in_scope(&state, &who, &raw, &ix)?;
    show(&state, layout, &who, &from, urn, FormErrors::new(), None).await
}

/// `GET /schools/{urn}/tracker/download`: the workbook (XLSX).
pub async fn xlsx(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let ix = index::current(&state).await?;
    let urn = school_in_scope(&state, &who, &raw, &ix)?;
    let (t, _) = current(&state, urn).await?;
    let bytes = crate::packs::xlsx::workbook(&state, &t).await?;
    let snapshot = state.snapshot().await?;
    let events = tracker_events(
        &state,
        &who,
        &from,
        &snapshot,
        &t,
        AuditAction::Download,
        "in the tracker workbook (XLSX)",
    );
    audit::record_many(&state, &events).await?;
    Ok(xlsx_download(
        bytes,
        &format!("tracker-{urn}-{}.xlsx", iso(t.at)),
    ))
}
