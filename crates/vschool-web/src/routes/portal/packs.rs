//! A school's packs: `GET /schools/{urn}/packs` (every half term's, newest first) and
//! `GET /schools/{urn}/packs/{year}/{half}` (`/schools/100001/packs/2024/25-3`, the link
//! in the emails), with its tracker workbook at `…/download`. Audited.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use vschool_analytics::pack::{Change, Leaving};
use vschool_domain::calendar::iso;
use vschool_domain::{Upn, Urn};
use vschool_store::{AuditAction, AuditEvent, AuditObject, StoredPack};

use super::{school_in_scope, school_in_scope_for, xlsx_download};
use crate::audit;
use crate::auth::{CurrentUser, Role, User};
use crate::client::ClientAddr;
use crate::components::{Cell, Crumb, SummaryRow, Table};
use crate::error::AppError;
use crate::format::{long_date, long_date_time};
use crate::index;
use crate::layout::{Layout, Page};
use crate::packs::calendar::{from_path, season};
use crate::packs::content::PackContent;
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "portal/packs.html")]
struct PacksPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    name: String,
    table: Table,
}

/// `GET /schools/{urn}/packs`
pub async fn list(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let ix = index::current(&state).await?;
    let urn = school_in_scope(&state, &who, &raw, &ix)?;
    let packs = state.store().packs_of(urn).await?;
    let rows = packs
        .iter()
        .map(|p| {
            vec![
                Cell::link(
                    format!("Half term {}", p.half_term),
                    format!("/schools/{urn}/packs/{}", p.half_term),
                ),
                Cell::text(long_date(p.as_at)),
                Cell::number(p.pupils.to_string()),
                Cell::text(if p.version > 1 {
                    format!("{} (updated)", p.version)
                } else {
                    "1".into()
                }),
                Cell::text(long_date_time(p.built_at)),
            ]
        })
        .collect();
    page(&PacksPage {
        layout,
        crumbs: vec![
            Crumb::new("Home", "/"),
            Crumb::new(ix.school_name(urn), format!("/schools/{urn}")),
        ],
        name: ix.school_name(urn),
        table: Table {
            caption: String::new(),
            head: vec![
                Cell::text("Pack"),
                Cell::text("As at"),
                Cell::number("Pupils listed"),
                Cell::text("Version"),
                Cell::text("Made"),
            ],
            rows,
        },
    })
}

#[derive(Template)]
#[template(path = "portal/pack.html")]
struct PackPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    name: String,
    half_term: String,
    summary: Vec<SummaryRow>,
    list: Table,
    changes: Vec<String>,
    compared_with: Option<String>,
    download: String,
    versions: Vec<(i64, String, bool)>,
    default_dates: bool,
}

#[derive(Debug, Deserialize)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// A pack as a reader asked for it: the school (if in their scope), every version of the
/// half term's pack (newest first), the version asked for (`None`: the latest) and its
/// content. A school out of scope, a half term without a pack and an unknown version are
/// the same 404.
pub(crate) async fn the_pack(
    state: &AppState,
    user: &User,
    raw: &str,
    half_term: &str,
    version: Option<i64>,
) -> Result<(Urn, Vec<StoredPack>, StoredPack, PackContent), AppError> {
    let ix = index::current(state).await?;
    let urn = school_in_scope_for(state, user, raw, &ix)?;
    let versions = state.store().pack_versions(urn, half_term).await?;
    let chosen = match version {
        Some(v) => versions.iter().find(|p| p.version == v),
        None => versions.first(),
    }
    .cloned()
    .ok_or(AppError::NotFound)?;
    let content = PackContent::from_stored(&chosen).map_err(AppError::internal)?;
    Ok((urn, versions, chosen, content))
}

/// What of a pack a reader was shown, for the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// The pack's page: its list and what changed.
    Page,
    /// Its tracker workbook.
    Workbook,
    /// All of it (the API): list, what changed and tracker.
    Everything,
}

/// Records a reading of a pack: one audit event for the pack and one per child shown (DESIGN
/// §8), and, when the reader is one of the school's DSLs, the read itself, for the schools
/// list's "last pack read" (reads by the Virtual School's team are not the school's).
pub(crate) async fn record_read(
    state: &AppState,
    user: &User,
    from: &str,
    action: AuditAction,
    pack: &StoredPack,
    c: &PackContent,
    shown: Shown,
) -> Result<(), AppError> {
    let snapshot = state.snapshot().await?;
    let urn = pack.urn;
    let (what, where_) = match shown {
        Shown::Page => ("", format!("listed in pack {}", pack.half_term)),
        Shown::Workbook => (
            "tracker workbook of ",
            format!("in the tracker workbook of pack {}", pack.half_term),
        ),
        Shown::Everything => ("", format!("in pack {} (API)", pack.half_term)),
    };
    let mut events = vec![audit::about_school(
        audit::by(
            state,
            user,
            from,
            action,
            AuditObject::Pack,
            format!("{what}pack {} version {}", pack.half_term, pack.version),
        ),
        urn,
    )];
    let listed = c.list.iter().map(|p| p.upn);
    let changed = c.changes.iter().map(|ch| ch.pupil().upn);
    let tracked = c.tracker.rows.iter().map(|r| r.upn);
    let upns: Vec<Upn> = match shown {
        Shown::Page => listed.chain(changed).collect(),
        Shown::Workbook => tracked.collect(),
        Shown::Everything => listed.chain(changed).chain(tracked).collect(),
    };
    let mut seen = HashSet::new();
    for upn in upns {
        if !seen.insert(upn) {
            continue;
        }
        let e = audit::by(
            state,
            user,
            from,
            action,
            AuditObject::Child,
            where_.clone(),
        );
        let e = match snapshot.child_for(upn) {
            Some(child) => audit::about_child(e, &child.la_child_id, Some(upn)),
            None => AuditEvent {
                upn: Some(upn),
                ..e
            },
        };
        events.push(audit::about_school(e, urn));
    }
    audit::record_many(state, &events).await?;
    if user.role == Role::Dsl {
        state
            .store()
            .pack_read(urn, &pack.half_term, &user.email, state.now())
            .await?;
    }
    Ok(())
}

fn change_text(c: &Change) -> String {
    match c {
        Change::New { pupil } => format!(
            "{} is new to the list ({})",
            pupil.name(),
            pupil.status.label().to_lowercase()
        ),
        Change::Left {
            pupil,
            why: Leaving::NoLongerOnPlan,
        } => {
            format!("{} is no longer on a plan or looked after", pupil.name())
        }
        Change::Left {
            pupil,
            why: Leaving::LeftSchool,
        } => format!("{} is no longer on the school's roll", pupil.name()),
        Change::StatusChanged { pupil, from } => format!(
            "{}: {} became {}",
            pupil.name(),
            from.label().to_lowercase(),
            pupil.status.label().to_lowercase()
        ),
        Change::WorkerChanged { pupil, from } => format!(
            "{}: allocated worker {} is now {}",
            pupil.name(),
            from.as_ref()
                .map_or("(none)".to_owned(), |w| w.name.clone()),
            pupil
                .worker
                .as_ref()
                .map_or("(none)".to_owned(), |w| w.name.clone())
        ),
    }
}

/// `GET /schools/{urn}/packs/{year}/{half}[?version=N]`
pub async fn show(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path((raw, year, half)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let name = from_path(&year, &half).map_err(|_| AppError::NotFound)?;
    let (urn, versions, pack, c) = the_pack(&state, who.user(), &raw, &name, q.version).await?;
    record_read(
        &state,
        who.user(),
        &from,
        AuditAction::View,
        &pack,
        &c,
        Shown::Page,
    )
    .await?;
    let (y, n) = vschool_domain::term_dates::HalfTerm::parse_name(&c.half_term)
        .map_err(|_| AppError::NotFound)?;
    let summary = vec![
        SummaryRow::new("School", format!("{} (URN {urn})", c.school_name)),
        SummaryRow::new(
            "Half term",
            format!(
                "{} – {} {y}, {} to {}{}",
                c.half_term,
                season(n),
                long_date(c.half_term_start),
                long_date(c.as_at),
                if c.default_dates {
                    " (default dates)"
                } else {
                    ""
                }
            ),
        ),
        SummaryRow::new("Figures as at", long_date(c.as_at)),
        SummaryRow::new("Pupils listed", c.list.len().to_string()),
        SummaryRow::new(
            "Version",
            format!(
                "{} of {}, made {}",
                pack.version,
                versions.len(),
                long_date_time(pack.built_at)
            ),
        ),
    ];
    let rows = c
        .list
        .iter()
        .map(|p| {
            vec![
                Cell::text(p.name()),
                Cell::text(p.nc_year.map(|y| y.label()).unwrap_or_default()),
                Cell::text(p.status.label()),
                Cell::text(p.plan_start.map(long_date).unwrap_or_default()),
                Cell::text(
                    p.worker
                        .as_ref()
                        .map(|w| w.name.clone())
                        .unwrap_or_else(|| "None recorded".into()),
                ),
                Cell::text(
                    p.worker
                        .as_ref()
                        .map(|w| w.team.clone())
                        .unwrap_or_default(),
                ),
                Cell::text(
                    p.worker
                        .as_ref()
                        .map(|w| w.email.clone())
                        .unwrap_or_default(),
                ),
            ]
        })
        .collect();
    let base = format!("/schools/{urn}/packs/{}", c.half_term);
    page(&PackPage {
        layout,
        crumbs: vec![
            Crumb::new("Home", "/"),
            Crumb::new(c.school_name.clone(), format!("/schools/{urn}")),
            Crumb::new("Packs", format!("/schools/{urn}/packs")),
        ],
        name: c.school_name.clone(),
        half_term: c.half_term.clone(),
        summary,
        list: Table {
            caption: String::new(),
            head: vec![
                Cell::text("Name"),
                Cell::text("Year group"),
                Cell::text("Status"),
                Cell::text("Since"),
                Cell::text("Allocated worker"),
                Cell::text("Team"),
                Cell::text("Worker's email"),
            ],
            rows,
        },
        changes: c.changes.iter().map(change_text).collect(),
        compared_with: c.compared_with.clone(),
        download: format!("{base}/download?version={}", pack.version),
        versions: versions
            .iter()
            .map(|v| {
                (
                    v.version,
                    format!("{base}?version={}", v.version),
                    v.version == pack.version,
                )
            })
            .collect(),
        default_dates: c.default_dates,
    })
}

/// `GET /schools/{urn}/packs/{year}/{half}/download[?version=N]`: the pack's tracker
/// workbook, as it was at the half term's end (with the targets set when it was made).
pub async fn download(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path((raw, year, half)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let name = from_path(&year, &half).map_err(|_| AppError::NotFound)?;
    let (urn, _, pack, c) = the_pack(&state, who.user(), &raw, &name, q.version).await?;
    let bytes = crate::packs::xlsx::workbook(&state, &c.tracker).await?;
    record_read(
        &state,
        who.user(),
        &from,
        AuditAction::Download,
        &pack,
        &c,
        Shown::Workbook,
    )
    .await?;
    Ok(xlsx_download(
        bytes,
        &format!(
            "pack-{urn}-{}-tracker-{}.xlsx",
            c.half_term.replace('/', "-"),
            iso(c.as_at)
        ),
    ))
}
