//! `GET /schools/{urn}`: one school, its pupils with a social worker (current, then those
//! who had one in the last six years, kept apart) and its contacts.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use vschool_domain::calendar::AcademicYear;
use vschool_domain::periods::period_figures;
use vschool_domain::pupil::ContactRole;
use vschool_domain::{TrackerStatus, Upn, Urn, YearRegister};
use vschool_store::{AuditAction, AuditObject, RegisterFilter};

use super::{counts, pupils_at};
use crate::audit;
use crate::auth::{CurrentUser, Role, Scope};
use crate::client::ClientAddr;
use crate::components::{Cell, Crumb, SummaryRow, Table};
use crate::error::AppError;
use crate::format::long_date;
use crate::index::{self, ChildEntry};
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "schools/page.html")]
struct SchoolPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    name: String,
    today: String,
    summary: Vec<SummaryRow>,
    current: Table,
    previous: Table,
    contacts: Table,
    shows_pupils: bool,
}

fn pct(p: Option<vschool_domain::Percent>) -> String {
    p.map(|p| format!("{p}%"))
        .unwrap_or_else(|| "No marks".into())
}

/// `GET /schools/{urn}`
pub async fn show(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    who.require(Role::sees_schools)?;
    let urn = Urn::parse(&raw).map_err(|_| AppError::NotFound)?;
    let today = state.clock().today();
    let scope = Scope::for_user(who.user(), today);
    if !scope.covers_school(urn) {
        return Err(AppError::NotFound);
    }
    let ix = index::current(&state).await?;
    let setting = ix.setting(urn).ok_or(AppError::NotFound)?;

    let pupils: Vec<&ChildEntry> = pupils_at(&ix, &scope, urn).collect();
    let by = counts(pupils.iter().copied(), today);

    // This school's registers for this and last academic year, by pupil.
    let this_year = AcademicYear::containing(today);
    let mut registers: HashMap<Upn, Vec<YearRegister>> = HashMap::new();
    for year in [this_year.previous(), this_year] {
        for r in state
            .store()
            .registers(RegisterFilter::School(urn, year))
            .await?
        {
            registers.entry(r.upn).or_default().push(r.register);
        }
    }

    let mut current_rows = Vec::new();
    let mut previous_rows = Vec::new();
    for c in &pupils {
        let Some(upn) = c.upn else { continue };
        let regs = registers.get(&upn).map(Vec::as_slice).unwrap_or(&[]);
        let f = period_figures(regs.iter(), &c.history, today);
        let year_group = c
            .enrolments
            .iter()
            .find(|e| e.urn == urn && e.on_roll(today))
            .map(|e| e.nc_year.label())
            .unwrap_or_default();
        let name = Cell::link(c.display_name(), format!("/children/{}", c.id));
        let pa = if f.year_to_date.persistent_absence() {
            "Yes"
        } else if f.year_to_date.possible() > 0 {
            "No"
        } else {
            ""
        };
        match c.status_on(today) {
            Some(TrackerStatus::Current(s)) => {
                let worker = c
                    .worker_on(today)
                    .map(|a| format!("{} ({})", a.worker_name, a.worker_email))
                    .unwrap_or_else(|| "None recorded".into());
                current_rows.push(vec![
                    name,
                    Cell::text(year_group),
                    Cell::text(s.label()),
                    Cell::text(
                        c.history
                            .spell_start(s, today)
                            .map(long_date)
                            .unwrap_or_default(),
                    ),
                    Cell::text(worker),
                    Cell::number(pct(f.year_to_date.attendance_pct())),
                    Cell::number(pct(f.on_plan.attendance_pct())),
                    Cell::text(pa),
                ]);
            }
            Some(TrackerStatus::Ever6) => previous_rows.push(vec![
                name,
                Cell::text(year_group),
                Cell::text(
                    c.history
                        .last_ended_on_or_before(today)
                        .map(long_date)
                        .unwrap_or_default(),
                ),
                Cell::number(pct(f.year_to_date.attendance_pct())),
                Cell::text(pa),
            ]),
            None => {}
        }
    }

    let events: Vec<_> = pupils
        .iter()
        .map(|c| {
            audit::about_school(
                audit::about_child(
                    audit::by(
                        &state,
                        who.user(),
                        &from,
                        AuditAction::View,
                        AuditObject::Child,
                        "listed on the school page",
                    ),
                    &c.la_child_id,
                    c.upn,
                ),
                urn,
            )
        })
        .collect();
    audit::record_many(&state, &events).await?;

    let contacts = Table {
        caption: String::new(),
        head: vec![
            Cell::text("Name"),
            Cell::text("Role"),
            Cell::text("Email"),
            Cell::text("Receives packs"),
        ],
        rows: ix
            .contacts(urn)
            .iter()
            .map(|(c, unsubscribed)| {
                vec![
                    Cell::text(c.name.clone()),
                    Cell::text(match c.role {
                        ContactRole::Dsl => "Designated safeguarding lead",
                        ContactRole::Dt => "Designated teacher",
                        ContactRole::Head => "Headteacher",
                    }),
                    Cell::text(c.email.clone()),
                    Cell::text(if *unsubscribed {
                        "No (unsubscribed)"
                    } else {
                        "Yes"
                    }),
                ]
            })
            .collect(),
    };

    page(&SchoolPage {
        layout,
        crumbs: vec![Crumb::new("Home", "/"), Crumb::new("Schools", "/schools")],
        name: setting.name.clone(),
        today: long_date(today),
        summary: vec![
            SummaryRow::new("URN", urn.to_string()),
            SummaryRow::new("Type", setting.type_name.clone()),
            SummaryRow::new("Phase", setting.phase.gias_name()),
            SummaryRow::new("Status", setting.status.clone()),
            SummaryRow::new("Postcode", setting.postcode.clone()),
            SummaryRow::new(
                "Pupils with a social worker now",
                format!(
                    "{} (looked after {}, child protection plan {}, child in need plan {})",
                    by[0] + by[1] + by[2],
                    by[0],
                    by[1],
                    by[2]
                ),
            ),
            SummaryRow::new(
                "Pupils who previously had a social worker",
                by[3].to_string(),
            ),
        ],
        current: Table {
            caption: String::new(),
            head: vec![
                Cell::text("Name"),
                Cell::text("Year group"),
                Cell::text("Status"),
                Cell::text("Since"),
                Cell::text("Allocated worker"),
                Cell::number("Attendance this year"),
                Cell::number("Attendance on plan"),
                Cell::text("Persistent absence"),
            ],
            rows: current_rows,
        },
        previous: Table {
            caption: String::new(),
            head: vec![
                Cell::text("Name"),
                Cell::text("Year group"),
                Cell::text("Last plan ended"),
                Cell::number("Attendance this year"),
                Cell::text("Persistent absence"),
            ],
            rows: previous_rows,
        },
        contacts,
        shows_pupils: true,
    })
}
