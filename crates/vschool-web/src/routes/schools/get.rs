use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::HashMap;

use serde::Deserialize;
use vschool_domain::Urn;
use vschool_store::PackRead;

use super::{counts, pupils_at};
use crate::auth::{CurrentUser, Role, Scope};
use crate::components::{Cell, Table};
use crate::error::AppError;
use crate::format::{count, long_date};
use crate::index;
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "schools/list.html")]
struct SchoolsList {
    layout: Layout,
    today: String,
    query: String,
    sort: String,
    table: Table,
    shown: usize,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// Part of a school's name or its URN (school names are not personal data).
    q: Option<String>,
    /// `children` to put the schools with most children first; `read` the schools that
    /// read a pack longest ago (never first), to chase; else by name.
    sort: Option<String>,
}

/// Who receives each school's packs and when each last read one: the same subscribers as
/// the packs' dry run and its "schools to chase" (`packs::run::plan`), so the two agree.
pub(crate) struct PackReach {
    subscribers: HashMap<Urn, Vec<String>>,
    reads: HashMap<Urn, PackRead>,
}

impl PackReach {
    pub(crate) async fn load(state: &AppState) -> Result<PackReach, AppError> {
        let mut subscribers: HashMap<Urn, Vec<String>> = HashMap::new();
        for s in state.store().subscribers(None).await? {
            subscribers.entry(s.urn).or_default().push(s.name);
        }
        let reads = state
            .store()
            .pack_last_reads()
            .await?
            .into_iter()
            .map(|r| (r.urn, r))
            .collect();
        Ok(PackReach { subscribers, reads })
    }

    /// "Nobody", or the subscribers' names.
    pub(crate) fn receivers(&self, urn: Urn) -> String {
        match self.subscribers.get(&urn) {
            None => "Nobody".into(),
            Some(names) => names.join(", "),
        }
    }

    /// "Never", or the day of the school's latest read and the half term it read.
    pub(crate) fn last_read(&self, urn: Urn) -> String {
        match self.reads.get(&urn) {
            None => "Never".into(),
            Some(r) => format!("{} ({})", long_date(r.at.date()), r.half_term),
        }
    }

    fn read_at(&self, urn: Urn) -> Option<time::OffsetDateTime> {
        self.reads.get(&urn).map(|r| r.at)
    }
}

/// `GET /schools`
pub async fn list(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    who.require(Role::sees_schools)?;
    let today = state.clock().today();
    let scope = Scope::for_user(who.user(), today);
    let ix = index::current(&state).await?;
    let query = q.q.unwrap_or_default().trim().to_owned();
    let needle = query.to_lowercase();
    let sort = match q.sort.as_deref() {
        Some("children") => "children",
        Some("read") => "read",
        _ => "name",
    };
    let reach = PackReach::load(&state).await?;

    let mut rows: Vec<(String, u64, Option<time::OffsetDateTime>, Vec<Cell>)> = Vec::new();
    for s in ix.settings() {
        if !scope.covers_school(s.urn) {
            continue;
        }
        if !needle.is_empty()
            && !s.name.to_lowercase().contains(&needle)
            && s.urn.to_string() != needle
        {
            continue;
        }
        let by = counts(pupils_at(&ix, &scope, s.urn), today);
        let now = by[0] + by[1] + by[2];
        // The team's list shows schools with pupils who have or had a social worker; a
        // DSL always sees their own schools.
        if scope.is_all() && now + by[3] == 0 {
            continue;
        }
        rows.push((
            s.name.clone(),
            now,
            reach.read_at(s.urn),
            vec![
                Cell::link(s.name.clone(), format!("/schools/{}", s.urn)),
                Cell::text(s.urn.to_string()),
                Cell::text(s.phase.gias_name()),
                Cell::number(count(now)),
                Cell::number(count(by[3])),
                Cell::text(reach.receivers(s.urn)),
                Cell::text(reach.last_read(s.urn)),
            ],
        ));
    }
    match sort {
        "children" => rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))),
        // `None` (never read) sorts before any time.
        "read" => rows.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.cmp(&b.0))),
        _ => rows.sort_by(|a, b| a.0.cmp(&b.0)),
    }
    let shown = rows.len();
    page(&SchoolsList {
        layout,
        today: long_date(today),
        query,
        sort: sort.into(),
        shown,
        table: Table {
            caption: String::new(),
            head: vec![
                Cell::text("School"),
                Cell::text("URN"),
                Cell::text("Phase"),
                Cell::number("With a social worker now"),
                Cell::number("Previously had a social worker"),
                Cell::text("Receives packs"),
                Cell::text("Last pack read"),
            ],
            rows: rows.into_iter().map(|(_, _, _, r)| r).collect(),
        },
    })
}
