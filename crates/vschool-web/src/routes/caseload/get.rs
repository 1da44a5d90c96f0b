//! `GET /caseload/schools`: a social worker's caseload with each child's school, year
//! group, attendance there (this academic year, this census term so far, and on plan), the
//! suspensions this year, and who to contact at the school (its DSL and designated
//! teacher). `GET /caseload/schools.csv` and `.xlsx` are the same list as files. The page
//! and both files come from one [`FigureTable`], so they always agree; every child listed
//! is audited (a `view` for the page, a `download` for a file).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use time::Date;
use vschool_analytics::LaSnapshot;
use vschool_domain::calendar::{AcademicYear, TermOfYear};
use vschool_domain::periods::period_figures;
use vschool_domain::pupil::ContactRole;
use vschool_domain::{ExclusionCategory, LaChildId, Percent, SessionTally, Upn};
use vschool_store::{AuditAction, AuditObject};

use crate::audit;
use crate::auth::{CurrentUser, Role, Scope};
use crate::client::ClientAddr;
use crate::components::{Crumb, FigureTable, Table, Val};
use crate::error::AppError;
use crate::format::long_date;
use crate::index::{self, Index};
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::routes::overview::download::render;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "caseload/schools.html")]
struct SchoolsPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    today: String,
    term: String,
    table: Table,
}

fn pct(p: Option<Percent>) -> Val {
    Val::Pct(p.map(|p| p.as_f64()))
}

/// The census term containing `today`, from its first day to `today`, at one school.
fn this_term<'a>(
    registers: impl Iterator<Item = &'a vschool_domain::YearRegister>,
    today: Date,
) -> SessionTally {
    let (from, _) = TermOfYear::containing(today).dates();
    let year = AcademicYear::containing(today);
    let mut t = SessionTally::default();
    for r in registers.filter(|r| r.year == year) {
        t.add(&r.tally(from, today));
    }
    t
}

/// "Sam Leigh (DSL), sam@school.example; …", or "None recorded".
fn contacts(ix: &Index, urn: vschool_domain::Urn) -> String {
    let people: Vec<String> = ix
        .contacts(urn)
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
    if people.is_empty() {
        "None recorded".to_owned()
    } else {
        people.join("; ")
    }
}

/// The caseload's list, and who is on it (for the audit).
fn caseload(
    ix: &Index,
    snapshot: &LaSnapshot,
    scope: &Scope,
    today: Date,
) -> (FigureTable, Vec<(LaChildId, Option<Upn>)>) {
    let year = AcademicYear::containing(today);
    let mut rows = Vec::new();
    let mut shown = Vec::new();
    for c in ix.children_in(scope) {
        let child = Val::Link(c.display_name(), format!("/children/{}", c.id));
        let row = match (c.school_on(today), c.upn) {
            (Some(e), Some(upn)) => {
                let f = period_figures(snapshot.registers(upn, e.urn), &c.history, today);
                let term = this_term(snapshot.registers(upn, e.urn), today);
                let suspensions = snapshot
                    .exclusions_of(upn)
                    .filter(|x| {
                        x.category == ExclusionCategory::Suspension
                            && AcademicYear::containing(x.start) == year
                            && x.start <= today
                    })
                    .count() as u64;
                vec![
                    child,
                    Val::Text(format!("{} ({})", ix.school_name(e.urn), e.urn)),
                    Val::Text(e.nc_year.label()),
                    pct(f.year_to_date.attendance_pct()),
                    pct(term.attendance_pct()),
                    pct(f.on_plan.attendance_pct()),
                    Val::Count(suspensions),
                    Val::Text(contacts(ix, e.urn)),
                ]
            }
            _ => vec![
                child,
                Val::Text("No school on roll".to_owned()),
                Val::Text(String::new()),
                Val::Pct(None),
                Val::Pct(None),
                Val::Pct(None),
                Val::Text(String::new()),
                Val::Text(String::new()),
            ],
        };
        rows.push(row);
        shown.push((c.la_child_id.clone(), c.upn));
    }
    let (term_from, _) = TermOfYear::containing(today).dates();
    let table = FigureTable {
        id: "caseload-schools",
        caption: format!("Your caseload's schools on {}", long_date(today)),
        head: [
            "Child",
            "School",
            "Year group",
            "Attendance this year",
            "Attendance this term",
            "Attendance on plan this year",
            "Suspensions this year",
            "DSL and designated teacher",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        notes: vec![
            format!(
                "Attendance at the school each child is on roll at on {}, from that school's own marks: this academic year from {}, this term from {} (the census {}), and on the days of this year the child was on a plan or looked after.",
                long_date(today),
                long_date(year.start()),
                long_date(term_from),
                TermOfYear::containing(today),
            ),
            "Personal data: keep this file secure and delete it when you no longer need it."
                .to_owned(),
        ],
    };
    (table, shown)
}

fn events(
    state: &AppState,
    who: &CurrentUser,
    from: &str,
    action: AuditAction,
    detail: &str,
    shown: &[(LaChildId, Option<Upn>)],
) -> Vec<vschool_store::AuditEvent> {
    shown
        .iter()
        .map(|(id, upn)| {
            audit::about_child(
                audit::by(state, who.user(), from, action, AuditObject::Child, detail),
                id,
                *upn,
            )
        })
        .collect()
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
    let (table, shown) = caseload(&ix, &snapshot, &scope, today);
    audit::record_many(
        &state,
        &events(
            &state,
            &who,
            &from,
            AuditAction::View,
            "listed on the caseload schools page",
            &shown,
        ),
    )
    .await?;
    let (term_from, _) = TermOfYear::containing(today).dates();
    page(&SchoolsPage {
        layout,
        crumbs: vec![crate::components::Crumb::new("Home", "/")],
        today: long_date(today),
        term: format!(
            "the {} so far, from {}",
            TermOfYear::containing(today),
            long_date(term_from)
        ),
        // The page's heading names the table; the files keep the caption.
        table: Table {
            caption: String::new(),
            ..table.table()
        },
    })
}

async fn download(
    state: AppState,
    from: String,
    who: CurrentUser,
    ext: &str,
) -> Result<Response, AppError> {
    who.require(|r| r == Role::SocialWorker)?;
    let today = state.clock().today();
    let scope = Scope::for_user(who.user(), today);
    let ix = index::current(&state).await?;
    let snapshot = state.snapshot().await?;
    let (table, shown) = caseload(&ix, &snapshot, &scope, today);
    let detail = format!("in the caseload schools download ({})", ext.to_uppercase());
    audit::record_many(
        &state,
        &events(&state, &who, &from, AuditAction::Download, &detail, &shown),
    )
    .await?;
    render(
        &table,
        ext,
        &format!("caseload-schools-{}", vschool_domain::calendar::iso(today)),
    )
}

/// `GET /caseload/schools.csv`
pub async fn csv(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
) -> Result<Response, AppError> {
    download(state, from, who, "csv").await
}

/// `GET /caseload/schools.xlsx`
pub async fn xlsx(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
) -> Result<Response, AppError> {
    download(state, from, who, "xlsx").await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use vschool_domain::calendar::Session;
    use vschool_domain::AttendanceCode;

    #[test]
    fn this_term_runs_from_the_census_terms_first_day_to_today() {
        let mut r = vschool_domain::YearRegister::new(AcademicYear(2024));
        let mark = |r: &mut vschool_domain::YearRegister, d: Date, s: Session, c: &str| {
            let code = AttendanceCode::parse_on(c, d).ok().flatten();
            assert!(code.is_some() && r.set(d, s, code).is_ok());
        };
        // Autumn: not this term. Spring: one present, one unauthorised. After today: never.
        mark(&mut r, date!(2024 - 12 - 02), Session::Am, "/");
        mark(&mut r, date!(2025 - 01 - 06), Session::Am, "/");
        mark(&mut r, date!(2025 - 01 - 06), Session::Pm, "N");
        mark(&mut r, date!(2025 - 03 - 17), Session::Am, "N");
        let t = this_term([&r].into_iter(), date!(2025 - 03 - 14));
        assert_eq!((t.attended, t.unauthorised, t.possible()), (1, 1, 2));
    }
}
