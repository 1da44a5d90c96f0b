use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use vschool_domain::pupil::ContactRole;

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
    /// `children` to put the schools with most children first; else by name.
    sort: Option<String>,
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
    let by_children = q.sort.as_deref() == Some("children");

    let mut rows: Vec<(String, u64, Vec<Cell>)> = Vec::new();
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
        let subscribed = ix
            .contacts(s.urn)
            .iter()
            .any(|(c, unsubscribed)| c.role == ContactRole::Dsl && !unsubscribed);
        rows.push((
            s.name.clone(),
            now,
            vec![
                Cell::link(s.name.clone(), format!("/schools/{}", s.urn)),
                Cell::text(s.urn.to_string()),
                Cell::text(s.phase.gias_name()),
                Cell::number(count(now)),
                Cell::number(count(by[3])),
                Cell::text(if subscribed { "Yes" } else { "No" }),
            ],
        ));
    }
    if by_children {
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    } else {
        rows.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let shown = rows.len();
    page(&SchoolsList {
        layout,
        today: long_date(today),
        query,
        sort: if by_children { "children" } else { "name" }.into(),
        shown,
        table: Table {
            caption: String::new(),
            head: vec![
                Cell::text("School"),
                Cell::text("URN"),
                Cell::text("Phase"),
                Cell::number("With a social worker now"),
                Cell::number("Previously had a social worker"),
                Cell::text("DSL subscribed to packs"),
            ],
            rows: rows.into_iter().map(|(_, _, r)| r).collect(),
        },
    })
}
