use askama::Template;
use axum::extract::State;
use axum::response::Response;
use vschool_domain::periods::period_figures;
use vschool_domain::pupil::ContactRole;
use vschool_domain::Percent;
use vschool_store::{AuditAction, AuditObject};

use crate::audit;
use crate::auth::{CurrentUser, Role, Scope};
use crate::client::ClientAddr;
use crate::components::{Cell, Crumb, Table};
use crate::error::AppError;
use crate::format::long_date;
use crate::index;
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "caseload/schools.html")]
struct SchoolsPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    today: String,
    table: Table,
}

fn pct(p: Option<Percent>) -> String {
    p.map(|p| format!("{p}%"))
        .unwrap_or_else(|| "No marks".into())
}

/// `GET /caseload/schools`
pub async fn schools(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
) -> Result<Response, AppError> {
    who.require(|r| r == Role::SocialWorker)?;
    let today = state.clock().today();
    let scope = Scope::for_user(who.user(), today);
    let ix = index::current(&state).await?;
    let snapshot = state.snapshot().await?;
    let mut rows = Vec::new();
    let mut events = Vec::new();
    for c in ix.children_in(&scope) {
        let school = c.school_on(today);
        let (school_cell, year, this_year, on_plan, contacts) = match (school, c.upn) {
            (Some(e), Some(upn)) => {
                let f = period_figures(snapshot.registers(upn, e.urn), &c.history, today);
                let people: Vec<String> = ix
                    .contacts(e.urn)
                    .iter()
                    .filter(|(p, _)| matches!(p.role, ContactRole::Dsl | ContactRole::Dt))
                    .map(|(p, _)| {
                        format!(
                            "{} ({}), {}",
                            p.name,
                            if p.role == ContactRole::Dsl {
                                "DSL"
                            } else {
                                "designated teacher"
                            },
                            p.email
                        )
                    })
                    .collect();
                (
                    format!("{} ({})", ix.school_name(e.urn), e.urn),
                    e.nc_year.label(),
                    pct(f.year_to_date.attendance_pct()),
                    pct(f.on_plan.attendance_pct()),
                    if people.is_empty() {
                        "None recorded".to_owned()
                    } else {
                        people.join("; ")
                    },
                )
            }
            _ => (
                "No school on roll".to_owned(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ),
        };
        rows.push(vec![
            Cell::link(c.display_name(), format!("/children/{}", c.id)),
            Cell::text(school_cell),
            Cell::text(year),
            Cell::number(this_year),
            Cell::number(on_plan),
            Cell::text(contacts),
        ]);
        events.push(audit::about_child(
            audit::by(
                &state,
                who.user(),
                &from,
                AuditAction::View,
                AuditObject::Child,
                "listed on the caseload schools page",
            ),
            &c.la_child_id,
            c.upn,
        ));
    }
    audit::record_many(&state, &events).await?;
    page(&SchoolsPage {
        layout,
        crumbs: vec![Crumb::new("Home", "/")],
        today: long_date(today),
        table: Table {
            caption: String::new(),
            head: vec![
                Cell::text("Child"),
                Cell::text("School"),
                Cell::text("Year group"),
                Cell::number("Attendance this year"),
                Cell::number("Attendance on plan"),
                Cell::text("DSL and designated teacher"),
            ],
            rows,
        },
    })
}
