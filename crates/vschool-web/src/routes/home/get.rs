use askama::Template;
use axum::extract::State;
use axum::response::Response;
use vschool_domain::{CohortCounts, CohortStatus, TrackerStatus};
use vschool_store::{AuditAction, AuditObject};

use crate::audit;
use crate::auth::{CurrentUser, Role, Scope};
use crate::client::ClientAddr;
use crate::components::{Cell, Table};
use crate::error::AppError;
use crate::format::{count, long_date, suppressed};
use crate::index;
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home/overview.html")]
struct Overview {
    layout: Layout,
    today: String,
    cohort: Table,
    /// A DSL's own schools first; the LA figures below are suppressed.
    schools: Option<Table>,
}

#[derive(Template)]
#[template(path = "home/caseload.html")]
struct Caseload {
    layout: Layout,
    today: String,
    children: Table,
    count: usize,
}

#[derive(Template)]
#[template(path = "home/trainer.html")]
struct Trainer {
    layout: Layout,
}

/// The LA's cohort as a table; `suppress` hides counts of 1 to 5 (DESIGN §8).
fn cohort_table(c: &CohortCounts, today: &str, suppress: bool) -> Table {
    let n = |v: u32| {
        if suppress {
            suppressed(v.into())
        } else {
            count(v.into())
        }
    };
    Table {
        caption: format!("Children with a social worker in the local authority on {today}"),
        head: vec![Cell::text("Group"), Cell::number("Children")],
        rows: vec![
            vec![Cell::text("Looked after (CLA)"), Cell::number(n(c.cla))],
            vec![
                Cell::text("On a child protection plan (CP)"),
                Cell::number(n(c.cp)),
            ],
            vec![
                Cell::text("On a child in need plan (CIN plan)"),
                Cell::number(n(c.cin)),
            ],
            vec![
                Cell::text("All with a social worker now"),
                Cell::number(n(c.current())),
            ],
            vec![
                Cell::text("Had a social worker in the last 6 years (Ever6), including now"),
                Cell::number(n(c.ever6)),
            ],
        ],
    }
}

/// `GET /`: what the signed-in person needs first, by role.
pub async fn show(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
) -> Result<Response, AppError> {
    let today = state.clock().today();
    let today_text = long_date(today);
    let user = who.user();
    match user.role {
        // The Virtual School team lands on the LA overview (SCREENS "LA overview").
        Role::Vsh | Role::AdvisoryTeacher | Role::DataOfficer => {
            crate::routes::overview::get::show(
                State(state),
                Page(layout),
                who,
                axum::extract::Query(Default::default()),
            )
            .await
        }
        Role::Dsl => {
            let scope = Scope::for_user(user, today);
            let ix = index::current(&state).await?;
            let mut rows = Vec::new();
            for (urn, name) in user.schools.iter().zip(&user.school_names) {
                let mut by = [0u64; 4];
                for child in ix.children_in(&scope) {
                    if child.school_on(today).map(|e| e.urn) != Some(*urn) {
                        continue;
                    }
                    let slot = match child.status_on(today) {
                        Some(TrackerStatus::Current(CohortStatus::Cla)) => 0,
                        Some(TrackerStatus::Current(CohortStatus::Cp)) => 1,
                        Some(TrackerStatus::Current(CohortStatus::Cin)) => 2,
                        Some(TrackerStatus::Ever6) => 3,
                        None => continue,
                    };
                    by[slot] += 1;
                }
                // Own pupils are child-level data the DSL may see: no suppression.
                let mut row = vec![Cell::link(name.clone(), format!("/schools/{urn}"))];
                row.extend(by.iter().map(|n| Cell::number(count(*n))));
                rows.push(row);
            }
            let schools = Table {
                caption: format!("Your pupils with a social worker on {today_text}"),
                head: vec![
                    Cell::text("School"),
                    Cell::number("Looked after"),
                    Cell::number("Child protection plan"),
                    Cell::number("Child in need plan"),
                    Cell::number("Previously had a social worker"),
                ],
                rows,
            };
            let snapshot = state.snapshot().await?;
            let c = vschool_domain::count_cohort(&snapshot.data.children, today);
            page(&Overview {
                layout,
                cohort: cohort_table(&c, &today_text, true),
                today: today_text,
                schools: Some(schools),
            })
        }
        Role::SocialWorker => {
            let scope = Scope::for_user(user, today);
            let ix = index::current(&state).await?;
            let shown: Vec<_> = ix.children_in(&scope).collect();
            let rows = shown
                .iter()
                .map(|c| {
                    let school = c
                        .school_on(today)
                        .map(|e| {
                            let name = ix
                                .setting(e.urn)
                                .map(|s| s.name.clone())
                                .unwrap_or_else(|| format!("URN {}", e.urn));
                            (name, e.nc_year.label())
                        })
                        .unwrap_or_else(|| ("No school on roll".to_owned(), String::new()));
                    vec![
                        Cell::link(c.display_name(), format!("/children/{}", c.id)),
                        Cell::text(school.0),
                        Cell::text(school.1),
                        Cell::text(
                            c.status_on(today)
                                .map(|s| s.label().to_owned())
                                .unwrap_or_else(|| "None now".to_owned()),
                        ),
                    ]
                })
                .collect();
            let events: Vec<_> = shown
                .iter()
                .map(|c| {
                    audit::about_child(
                        audit::by(
                            &state,
                            user,
                            &from,
                            AuditAction::View,
                            AuditObject::Child,
                            "listed on the caseload page",
                        ),
                        &c.la_child_id,
                        c.upn,
                    )
                })
                .collect();
            audit::record_many(&state, &events).await?;
            page(&Caseload {
                layout,
                count: shown.len(),
                today: today_text,
                children: Table {
                    caption: String::new(),
                    head: vec![
                        Cell::text("Name"),
                        Cell::text("School"),
                        Cell::text("Year group"),
                        Cell::text("Status"),
                    ],
                    rows,
                },
            })
        }
        Role::Trainer => page(&Trainer { layout }),
    }
}
