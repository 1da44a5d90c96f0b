use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vschool_store::{Delivery, DeliveryStatus};

use super::{base, half_term, require};
use crate::auth::CurrentUser;
use crate::components::{Cell, Crumb, Table, Tag};
use crate::error::AppError;
use crate::format::{count, short_date_time};
use crate::layout::{Layout, Page};
use crate::packs::calendar::{latest_ended, offered, ResolvedHalfTerm};
use crate::packs::run::plan;
use crate::progress::{ProgressItem, ProgressReport};
use crate::render::page;
use crate::routes::schools::get::PackReach;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "packs/choose.html")]
struct ChoosePage {
    layout: Layout,
    options: Vec<(String, String, bool)>,
    mail: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ChooseQuery {
    half_term: Option<String>,
}

fn mail_status(state: &AppState) -> Option<String> {
    state.config().smtp.as_ref().map(|s| s.describe())
}

/// `GET /packs`: choose a half term (the latest that has ended first). Choosing submits
/// the same form with `?half_term=`, which goes to that half term's dry run.
pub async fn choose(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Query(q): Query<ChooseQuery>,
) -> Result<Response, AppError> {
    require(&who)?;
    let today = state.clock().today();
    let halves = offered(state.store(), today).await?;
    if let Some(chosen) = q
        .half_term
        .filter(|c| halves.iter().any(|h| &h.name() == c))
    {
        return Ok(Redirect::to(&format!("/packs/{chosen}")).into_response());
    }
    let latest = latest_ended(state.store(), today).await?;
    page(&ChoosePage {
        layout,
        options: halves
            .iter()
            .map(|h| {
                (
                    h.name(),
                    format!("{} – {} ({})", h.name(), h.describe(), h.source_label()),
                    h.name() == latest.name(),
                )
            })
            .collect(),
        mail: mail_status(&state),
    })
}

#[derive(Template)]
#[template(path = "packs/dry_run.html")]
struct DryRunPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    half: ResolvedHalfTerm,
    end: String,
    base: String,
    schools: Table,
    chase: Table,
    unknown: Vec<String>,
    emails: usize,
    already: usize,
    mail: Option<String>,
}

/// `GET /packs/{year}/{half}`: the dry run.
pub async fn dry_run(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Path((year, half)): Path<(String, String)>,
) -> Result<Response, AppError> {
    require(&who)?;
    let half = half_term(state.store(), &year, &half).await?;
    let snapshot = state.snapshot().await?;
    let plan = plan(state.store(), &snapshot, &half, None)
        .await
        .map_err(AppError::internal)?;
    let rows = plan
        .schools
        .iter()
        .map(|s| {
            let who = s
                .recipients
                .iter()
                .map(|r| {
                    format!(
                        "{} <{}>{}",
                        r.name,
                        r.email,
                        if r.already_sent {
                            " (already sent)"
                        } else {
                            ""
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let c = s.changes;
            let changed = match &s.compared_with {
                None => "First pack".to_owned(),
                Some(h) => format!(
                    "Since {h}: {} new, {} no longer listed, {} status changed, {} worker changed",
                    c.new, c.left, c.status_changed, c.worker_changed
                ),
            };
            vec![
                Cell::link(s.name.clone(), format!("/schools/{}", s.urn)),
                Cell::text(who),
                Cell::number(count(s.pupils as u64)),
                Cell::text(changed),
            ]
        })
        .collect();
    let reach = PackReach::load(&state).await?;
    let chase = plan
        .to_chase
        .iter()
        .map(|(urn, name, pupils)| {
            vec![
                Cell::link(name.clone(), format!("/schools/{urn}")),
                Cell::text(urn.to_string()),
                Cell::number(count(*pupils as u64)),
                Cell::text(reach.last_read(*urn)),
                Cell::link(
                    format!("Add someone to receive {name}'s packs"),
                    format!("/packs/subscriptions/new?urn={urn}"),
                ),
            ]
        })
        .collect();
    let already = plan.emails(true) - plan.emails(false);
    page(&DryRunPage {
        layout,
        crumbs: vec![Crumb::new("Home", "/"), Crumb::new("Packs", "/packs")],
        base: base(&half),
        emails: plan.emails(false),
        already,
        schools: Table {
            caption: String::new(),
            head: vec![
                Cell::text("School"),
                Cell::text("Will be emailed"),
                Cell::number("Pupils on the list"),
                Cell::text("What changed"),
            ],
            rows,
        },
        chase: Table {
            caption: String::new(),
            head: vec![
                Cell::text("School"),
                Cell::text("URN"),
                Cell::number("Pupils on the list"),
                Cell::text("Last pack read"),
                Cell::text("Action"),
            ],
            rows: chase,
        },
        unknown: plan.unknown_schools.iter().map(|u| u.to_string()).collect(),
        end: crate::format::long_date(half.half.end),
        half,
        mail: mail_status(&state),
    })
}

#[derive(Template)]
#[template(path = "packs/progress.html")]
struct ProgressPage {
    layout: Layout,
    half: ResolvedHalfTerm,
    base: String,
    report: ProgressReport,
    json_url: String,
    page_url: String,
}

/// How far sending a half term's emails has got, from the outbox (so it is the same
/// whichever server or command is sending).
pub(crate) async fn send_progress(
    state: &AppState,
    half: &ResolvedHalfTerm,
) -> Result<ProgressReport, AppError> {
    let rows = state.store().outbox_for_half_term(&half.name()).await?;
    let count = |f: &dyn Fn(&Delivery) -> bool| rows.iter().filter(|d| f(d)).count() as u64;
    let sent = count(&|d| d.status == DeliveryStatus::Sent);
    let failed = count(&|d| d.status == DeliveryStatus::Failed);
    let retrying = count(&|d| d.status == DeliveryStatus::Queued && d.attempts > 0);
    let total = rows.len() as u64;
    let done = sent + failed + retrying;
    let percent = ProgressReport::of(done, total);
    Ok(ProgressReport {
        percent,
        finished: done >= total,
        status: format!("{done} of {total} emails dealt with ({percent}%)"),
        items: vec![
            ProgressItem {
                key: "sent",
                label: "Sent",
                value: sent,
            },
            ProgressItem {
                key: "retrying",
                label: "Will be tried again later",
                value: retrying,
            },
            ProgressItem {
                key: "failed",
                label: "Failed",
                value: failed,
            },
        ],
    })
}

/// `GET /packs/{year}/{half}/progress`: how far sending has got. The page works without
/// JavaScript ("Refresh progress"); `progress.js` keeps it up to date from the JSON.
pub async fn progress(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Path((year, half)): Path<(String, String)>,
) -> Result<Response, AppError> {
    require(&who)?;
    let half = half_term(state.store(), &year, &half).await?;
    let report = send_progress(&state, &half).await?;
    let base = base(&half);
    page(&ProgressPage {
        layout,
        json_url: format!("{base}/progress.json"),
        page_url: format!("{base}/progress"),
        base,
        half,
        report,
    })
}

/// `GET /packs/{year}/{half}/progress.json`: the same progress as JSON
/// ([`crate::progress`]), for the page's script.
pub async fn progress_json(
    State(state): State<AppState>,
    who: CurrentUser,
    Path((year, half)): Path<(String, String)>,
) -> Result<Response, AppError> {
    require(&who)?;
    let half = half_term(state.store(), &year, &half).await?;
    send_progress(&state, &half).await?.json()
}

#[derive(Template)]
#[template(path = "packs/log.html")]
struct LogPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    half: ResolvedHalfTerm,
    base: String,
    rows: Vec<LogRow>,
    failed: usize,
    banner: Option<crate::components::Banner>,
}

/// One line of the send log.
pub(crate) struct LogRow {
    pub id: i64,
    pub school: String,
    pub urn: String,
    pub recipient: String,
    pub tag: Tag,
    pub attempts: i64,
    pub when: String,
    pub detail: String,
    pub resend: bool,
}

fn order(d: &Delivery) -> u8 {
    match d.status {
        DeliveryStatus::Failed => 0,
        DeliveryStatus::Queued if d.attempts > 0 => 1,
        DeliveryStatus::Queued => 2,
        DeliveryStatus::Sent => 3,
    }
}

pub(crate) async fn log_page(
    state: &AppState,
    layout: Layout,
    half: ResolvedHalfTerm,
    banner: Option<crate::components::Banner>,
) -> Result<Response, AppError> {
    let ix = crate::index::current(state).await?;
    let mut deliveries = state.store().outbox_for_half_term(&half.name()).await?;
    deliveries.sort_by_key(|d| (order(d), ix.school_name(d.urn), d.email.clone()));
    let failed = deliveries
        .iter()
        .filter(|d| d.status == DeliveryStatus::Failed)
        .count();
    let rows = deliveries
        .iter()
        .map(|d| {
            let (text, colour) = match d.status {
                DeliveryStatus::Failed => ("Failed", "red"),
                DeliveryStatus::Queued if d.attempts > 0 => ("Will retry", "yellow"),
                DeliveryStatus::Queued => ("Waiting", "grey"),
                DeliveryStatus::Sent => ("Sent", "green"),
            };
            let when = match d.status {
                DeliveryStatus::Sent => d.sent_at.map(short_date_time).unwrap_or_default(),
                DeliveryStatus::Queued if d.attempts > 0 => d
                    .next_attempt_at
                    .map(|t| format!("next try {}", short_date_time(t)))
                    .unwrap_or_default(),
                _ => short_date_time(d.created_at),
            };
            LogRow {
                id: d.id,
                school: ix.school_name(d.urn),
                urn: d.urn.to_string(),
                recipient: format!("{} <{}>", d.name, d.email),
                tag: Tag {
                    text: text.to_owned(),
                    colour,
                },
                attempts: d.attempts,
                when,
                detail: d.last_error.clone().unwrap_or_default(),
                resend: true,
            }
        })
        .collect();
    page(&LogPage {
        layout,
        crumbs: vec![
            Crumb::new("Home", "/"),
            Crumb::new("Packs", "/packs"),
            Crumb::new(half.name(), base(&half)),
        ],
        base: base(&half),
        half,
        rows,
        failed,
        banner,
    })
}

/// `GET /packs/{year}/{half}/log`: the send log, failures first.
pub async fn log(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Path((year, half)): Path<(String, String)>,
) -> Result<Response, AppError> {
    require(&who)?;
    let half = half_term(state.store(), &year, &half).await?;
    log_page(&state, layout, half, None).await
}
