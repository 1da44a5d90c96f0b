//! `GET /schools/{urn}/year-groups/{year}`: the drill-down from a school's year-group
//! figures to the pupils behind them, for the roles that may see those pupils (the team, the
//! school's DSL). Every pupil shown is audited as a view.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use vschool_domain::NcYear;
use vschool_store::{AuditAction, AuditObject};

use super::load_lines;
use super::page::{current_head, previous_head, pupil_rows, PupilLine};
use crate::audit;
use crate::auth::CurrentUser;
use crate::client::ClientAddr;
use crate::components::{Crumb, Table};
use crate::error::AppError;
use crate::format::long_date;
use crate::index;
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "schools/year_group.html")]
struct YearGroupPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    school: String,
    year_group: String,
    today: String,
    current: Table,
    previous: Table,
}

pub async fn show(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path((raw, year)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let year = NcYear::parse(&year).map_err(|_| AppError::NotFound)?;
    let ix = index::current(&state).await?;
    let snapshot = state.snapshot().await?;
    let school = load_lines(&state, &who, &ix, &snapshot, &raw)?;
    let lines: Vec<PupilLine<'_>> = school
        .lines
        .into_iter()
        .filter(|l| l.year_group == year)
        .collect();
    let events: Vec<_> = lines
        .iter()
        .map(|l| {
            audit::about_school(
                audit::about_child(
                    audit::by(
                        &state,
                        who.user(),
                        &from,
                        AuditAction::View,
                        AuditObject::Child,
                        "listed on a school's year-group page",
                    ),
                    &l.child.la_child_id,
                    l.child.upn,
                ),
                school.urn,
            )
        })
        .collect();
    audit::record_many(&state, &events).await?;
    let (current, previous) = pupil_rows(&lines, school.today);
    page(&YearGroupPage {
        layout,
        crumbs: vec![
            Crumb::new("Home", "/"),
            Crumb::new("Schools", "/schools"),
            Crumb::new(school.name.clone(), format!("/schools/{}", school.urn)),
        ],
        school: school.name,
        year_group: year.label(),
        today: long_date(school.today),
        current: Table {
            caption: String::new(),
            head: current_head(),
            rows: current,
        },
        previous: Table {
            caption: String::new(),
            head: previous_head(),
            rows: previous,
        },
    })
}
