//! `GET /children/{id}`: a child's education profile.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use time::{Date, Duration, Weekday};
use vschool_domain::calendar::AcademicYear;
use vschool_domain::periods::{period_figures, ReportPeriod};
use vschool_domain::pupil::ExclusionCategory;
use vschool_domain::{SessionTally, TrackerStatus, Urn, YearRegister};
use vschool_store::{AuditAction, AuditObject, RegisterFilter};

use crate::audit;
use crate::auth::{CurrentUser, Role, Scope};
use crate::client::ClientAddr;
use crate::components::{Cell, Crumb, SummaryRow, Table, Tag};
use crate::error::AppError;
use crate::format::long_date;
use crate::index::{self, ChildEntry};
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "children/profile.html")]
struct Profile {
    layout: Layout,
    crumbs: Vec<Crumb>,
    name: String,
    status: Tag,
    summary: Vec<SummaryRow>,
    history: Table,
    attendance: Table,
    has_marks: bool,
    /// "2024/25".
    year: String,
    weeks: Table,
    part_time: Table,
    exclusions: Table,
    attainment: Table,
    schools: Table,
    /// A DSL sees only what their own schools recorded.
    own_schools_only: bool,
}

/// "91.3% (123 of 134 sessions)", or "No marks".
fn rate(t: &SessionTally) -> String {
    match t.attendance_pct() {
        Some(p) => format!("{p}% ({} of {} sessions)", t.attended, t.possible()),
        None => "No marks".to_owned(),
    }
}

fn status_tag(status: Option<TrackerStatus>) -> Tag {
    match status {
        Some(TrackerStatus::Current(s)) => Tag {
            text: s.label().to_owned(),
            colour: match s.code() {
                "CLA" => "purple",
                "CP" => "red",
                _ => "blue",
            },
        },
        Some(TrackerStatus::Ever6) => Tag {
            text: "Previously had a social worker".to_owned(),
            colour: "grey",
        },
        None => Tag {
            text: "No plan in the last 6 years".to_owned(),
            colour: "grey",
        },
    }
}

fn span_text(start: Date, end: Option<Date>) -> String {
    match end {
        Some(e) => format!("{} to {}", long_date(start), long_date(e)),
        None => format!("{} to now", long_date(start)),
    }
}

/// Plans and periods of care, newest first: the status timeline.
fn history_table(c: &ChildEntry) -> Table {
    let mut rows: Vec<(Date, Vec<Cell>)> = Vec::new();
    for p in &c.history.plans {
        let what = match p.kind.code() {
            "CP" => "Child protection plan",
            _ => "Child in need plan",
        };
        rows.push((
            p.span.start,
            vec![
                Cell::text(what),
                Cell::text(span_text(p.span.start, p.span.end)),
            ],
        ));
    }
    for e in &c.history.episodes {
        let mut what = "Looked after".to_owned();
        if !e.counts_as_looked_after() {
            what = "Short breaks (not counted as looked after)".to_owned();
        }
        if let Some(rec) = &e.reason_ceased {
            if e.permanence().is_some() {
                what.push_str(&format!(" (ended: {})", permanence_text(rec)));
            }
        }
        rows.push((
            e.span.start,
            vec![
                Cell::text(what),
                Cell::text(span_text(e.span.start, e.span.end)),
            ],
        ));
    }
    rows.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    Table {
        caption: String::new(),
        head: vec![Cell::text("Plan or care"), Cell::text("Dates")],
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    }
}

fn permanence_text(rec: &str) -> &'static str {
    match rec {
        "E11" | "E12" => "adopted",
        "E41" => "child arrangements order",
        _ => "special guardianship order",
    }
}

/// Monday of the week of a date.
fn week_start(d: Date) -> Date {
    let back = d.weekday().number_days_from_monday();
    d - Duration::days(i64::from(back))
}

/// `GET /children/{id}`
pub async fn show(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    // Out of scope, unknown and malformed ids all look the same: not found.
    if !who.role().sees_child_level_data() || id.len() > 64 {
        return Err(AppError::NotFound);
    }
    let today = state.clock().today();
    let scope = Scope::for_user(who.user(), today);
    let ix = index::current(&state).await?;
    let c = ix.child(&scope, &id).ok_or(AppError::NotFound)?;

    // A DSL sees what their own schools recorded; everyone else entitled sees all schools.
    let own_schools_only = who.role() == Role::Dsl;
    let visible_school = |urn: Urn| !own_schools_only || scope.covers_school(urn);

    let status = c.status_on(today);
    let school = c.school_on(today);
    let mut summary = vec![
        SummaryRow::new("Name", c.display_name()),
        SummaryRow::new(
            "Date of birth",
            c.birth_date
                .map(long_date)
                .unwrap_or_else(|| "Not known".into()),
        ),
        SummaryRow::new(
            "UPN",
            c.upn
                .map(|u| u.to_string())
                .unwrap_or_else(|| "Not known: not linked to a school record".into()),
        ),
        SummaryRow::new("LA child ID", c.la_child_id.as_str()),
        SummaryRow::new(
            "School and year group",
            school
                .map(|e| format!("{}, {}", ix.school_name(e.urn), e.nc_year.label()))
                .unwrap_or_else(|| "No school on roll today".into()),
        ),
    ];
    let since = match status {
        Some(TrackerStatus::Current(s)) => c
            .history
            .spell_start(s, today)
            .map(|d| format!("since {}", long_date(d))),
        Some(TrackerStatus::Ever6) => c
            .history
            .last_ended_on_or_before(today)
            .map(|d| format!("last plan ended {}", long_date(d))),
        None => None,
    };
    summary.push(SummaryRow::new(
        "Status",
        match (&status, since) {
            (Some(s), Some(since)) => format!("{}, {since}", s.label()),
            (Some(s), None) => s.label().to_owned(),
            (None, _) => "No plan or care in the last 6 years".into(),
        },
    ));
    let worker = match status {
        Some(TrackerStatus::Current(_)) => c
            .worker_on(today)
            .map(|a| format!("{} ({}), {}", a.worker_name, a.worker_email, a.team))
            .unwrap_or_else(|| "None recorded".into()),
        _ => "None now".into(),
    };
    summary.push(SummaryRow::new("Allocated social worker", worker));

    // Attendance: the tracker's four periods, per school that recorded marks.
    let registers = match c.upn {
        Some(upn) => state.store().registers(RegisterFilter::Pupil(upn)).await?,
        None => Vec::new(),
    };
    let mut by_school: BTreeMap<Urn, Vec<&YearRegister>> = BTreeMap::new();
    for r in &registers {
        if visible_school(r.urn) {
            by_school.entry(r.urn).or_default().push(&r.register);
        }
    }
    let mut attendance_rows = Vec::new();
    let mut part_time_rows = Vec::new();
    let this_year = AcademicYear::containing(today);
    let mut weeks: BTreeMap<Date, SessionTally> = BTreeMap::new();
    for (urn, regs) in &by_school {
        let f = period_figures(regs.iter().copied(), &c.history, today);
        let mut row = vec![Cell::text(ix.school_name(*urn))];
        for p in ReportPeriod::ALL {
            row.push(Cell::number(rate(f.get(p))));
        }
        row.push(Cell::text(if f.year_to_date.severe_absence() {
            "Severe absence (50% or more)"
        } else if f.year_to_date.persistent_absence() {
            "Persistent absence (10% or more)"
        } else if f.year_to_date.possible() > 0 {
            "No"
        } else {
            ""
        }));
        attendance_rows.push(row);
        part_time_rows.push(vec![
            Cell::text(ix.school_name(*urn)),
            Cell::number(f.year_to_date.part_time.to_string()),
            Cell::number(f.year_to_date.excluded.to_string()),
        ]);
        for r in regs.iter().filter(|r| r.year == this_year) {
            for (date, _, code) in r.iter_marks().filter(|(d, _, _)| *d <= today) {
                weeks.entry(week_start(date)).or_default().add_code(code);
            }
        }
    }
    let has_marks = !attendance_rows.is_empty();
    let mut head = vec![Cell::text("School")];
    head.extend(ReportPeriod::ALL.iter().map(|p| Cell::number(p.label())));
    head.push(Cell::text("Persistent absence this year"));

    let exclusions = Table {
        caption: String::new(),
        head: vec![
            Cell::text("Start date"),
            Cell::text("School"),
            Cell::text("Type"),
            Cell::number("Sessions"),
            Cell::text("Reason code"),
        ],
        rows: c
            .exclusions
            .iter()
            .filter(|e| visible_school(e.urn))
            .map(|e| {
                vec![
                    Cell::text(long_date(e.start)),
                    Cell::text(ix.school_name(e.urn)),
                    Cell::text(match e.category {
                        ExclusionCategory::Permanent => "Permanent exclusion",
                        _ => "Suspension",
                    }),
                    Cell::number(e.sessions.map(|s| s.to_string()).unwrap_or_default()),
                    Cell::text(e.reason.clone()),
                ]
            })
            .collect(),
    };
    let attainment = Table {
        caption: String::new(),
        head: vec![
            Cell::text("Year"),
            Cell::text("Measure"),
            Cell::number("Result"),
        ],
        rows: c
            .attainment
            .iter()
            .map(|a| {
                vec![
                    Cell::text(a.year.to_string()),
                    Cell::text(a.measure.label()),
                    Cell::number(match a.value.text().as_str() {
                        "Y" => "Met".to_owned(),
                        "N" => "Not met".to_owned(),
                        other => other.to_owned(),
                    }),
                ]
            })
            .collect(),
    };
    let schools = Table {
        caption: String::new(),
        head: vec![
            Cell::text("School"),
            Cell::text("Joined"),
            Cell::text("Left"),
            Cell::text("Registration"),
        ],
        rows: c
            .enrolments
            .iter()
            .filter(|e| visible_school(e.urn))
            .map(|e| {
                vec![
                    Cell::text(ix.school_name(e.urn)),
                    Cell::text(long_date(e.entry)),
                    Cell::text(e.leaving.map(long_date).unwrap_or_else(|| "On roll".into())),
                    Cell::text(match e.status.code() {
                        "C" => "Single",
                        "M" => "Dual, main school",
                        "S" => "Dual, subsidiary school",
                        _ => "Guest",
                    }),
                ]
            })
            .collect(),
    };

    audit::record(
        &state,
        &audit::about_child(
            audit::by(
                &state,
                who.user(),
                &from,
                AuditAction::View,
                AuditObject::Child,
                "viewed the child's profile",
            ),
            &c.la_child_id,
            c.upn,
        ),
    )
    .await?;

    page(&Profile {
        layout,
        crumbs: vec![Crumb::new("Home", "/"), Crumb::new("Children", "/children")],
        name: c.display_name(),
        status: status_tag(status),
        summary,
        history: history_table(c),
        attendance: Table {
            caption: String::new(),
            head,
            rows: attendance_rows,
        },
        has_marks,
        year: this_year.to_string(),
        weeks: Table {
            caption: String::new(),
            head: vec![Cell::text("Week beginning"), Cell::number("Attendance")],
            rows: weeks
                .iter()
                .filter(|(monday, _)| monday.weekday() == Weekday::Monday)
                .map(|(monday, t)| vec![Cell::text(long_date(*monday)), Cell::number(rate(t))])
                .collect(),
        },
        part_time: Table {
            caption: String::new(),
            head: vec![
                Cell::text("School"),
                Cell::number("Sessions on a part-time timetable (C2)"),
                Cell::number("Sessions excluded without other provision (E)"),
            ],
            rows: part_time_rows,
        },
        exclusions,
        attainment,
        schools,
        own_schools_only,
    })
}
