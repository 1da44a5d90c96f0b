//! `GET /schools/{urn}`: one school, its pupils with a social worker (current, then those
//! who had one in the last six years, kept apart) and its contacts.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use vschool_domain::pupil::ContactRole;
use vschool_domain::TrackerStatus;
use vschool_store::{AuditAction, AuditObject};

use super::{counts, load_lines};
use crate::audit;
use crate::auth::CurrentUser;
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
    /// The school's pupils' figures by group and by year group (aggregates of the pupils
    /// listed, so a DSL sees them unsuppressed: they are their own pupils).
    figures: Table,
    year_groups: Table,
    downloads: String,
    /// The school's tracker and packs pages (issue 6).
    portal: String,
}

pub fn pct(p: Option<vschool_domain::Percent>) -> String {
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
    let ix = index::current(&state).await?;
    let snapshot = state.snapshot().await?;
    let school = load_lines(&state, &who, &ix, &snapshot, &raw)?;
    let (urn, today, setting) = (school.urn, school.today, school.setting);
    let pupils: Vec<&ChildEntry> = school.lines.iter().map(|l| l.child).collect();
    let by = counts(pupils.iter().copied(), today);
    let (current_rows, previous_rows) = pupil_rows(&school.lines, today);
    let figures = super::figures::by_group(&school);
    let year_groups = super::figures::by_year_group(&school);
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
            head: current_head(),
            rows: current_rows,
        },
        previous: Table {
            caption: String::new(),
            head: previous_head(),
            rows: previous_rows,
        },
        contacts,
        shows_pupils: true,
        figures: figures.table(),
        year_groups: year_groups.table(),
        downloads: format!("/schools/{urn}/figures"),
        portal: format!("/schools/{urn}"),
    })
}

/// One pupil of the school page with their figures at this school.
pub struct PupilLine<'a> {
    pub child: &'a ChildEntry,
    pub year_group: vschool_domain::NcYear,
    pub status: TrackerStatus,
    pub figures: vschool_domain::PeriodFigures,
}

/// The rows of the two pupil tables: with a social worker now, and previously.
pub fn pupil_rows(lines: &[PupilLine<'_>], today: time::Date) -> (Vec<Vec<Cell>>, Vec<Vec<Cell>>) {
    let mut current_rows = Vec::new();
    let mut previous_rows = Vec::new();
    for l in lines {
        let c = l.child;
        let f = &l.figures;
        let name = Cell::link(c.display_name(), format!("/children/{}", c.id));
        let pa = if f.year_to_date.persistent_absence() {
            "Yes"
        } else if f.year_to_date.possible() > 0 {
            "No"
        } else {
            ""
        };
        let year_group = l.year_group.label();
        match l.status {
            TrackerStatus::Current(s) => {
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
            TrackerStatus::Ever6 => previous_rows.push(vec![
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
        }
    }
    (current_rows, previous_rows)
}

/// The pupil tables' headings.
pub fn current_head() -> Vec<Cell> {
    vec![
        Cell::text("Name"),
        Cell::text("Year group"),
        Cell::text("Status"),
        Cell::text("Since"),
        Cell::text("Allocated worker"),
        Cell::number("Attendance this year"),
        Cell::number("Attendance on plan"),
        Cell::text("Persistent absence"),
    ]
}

pub fn previous_head() -> Vec<Cell> {
    vec![
        Cell::text("Name"),
        Cell::text("Year group"),
        Cell::text("Last plan ended"),
        Cell::number("Attendance this year"),
        Cell::text("Persistent absence"),
    ]
}
