//! `/packs/calendar`: the LA's half-term dates for a year, a form to change one half term's
//! dates, and going back to the default dates.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use time::{Date, Month};
use vschool_domain::calendar::AcademicYear;
use vschool_store::{AuditAction, AuditObject};

use super::require;
use crate::audit;
use crate::auth::CurrentUser;
use crate::client::ClientAddr;
use crate::components::{Banner, Cell, Crumb, FormErrors, Table};
use crate::error::AppError;
use crate::format::long_date;
use crate::layout::{Layout, Page};
use crate::packs::calendar::{self, season, CalendarError};
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "packs/calendar.html")]
struct CalendarPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    year: String,
    years: Vec<(String, bool)>,
    table: Table,
    all_default: bool,
    errors: FormErrors,
    form: CalendarForm,
    banner: Option<Banner>,
    /// The half-term choices: (number, "2024/25-3 (Spring 1)").
    numbers: Vec<(String, String)>,
    dates: Vec<DateField>,
}

/// One GOV.UK date input of the form: `from` or `to`.
struct DateField {
    prefix: &'static str,
    /// `from-day`: the id the error summary links to.
    field: String,
    legend: &'static str,
    hint: &'static str,
    day: String,
    month: String,
    year: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CalendarForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    from_day: String,
    #[serde(default)]
    from_month: String,
    #[serde(default)]
    from_year: String,
    #[serde(default)]
    to_day: String,
    #[serde(default)]
    to_month: String,
    #[serde(default)]
    to_year: String,
}

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

async fn show(
    state: &AppState,
    layout: Layout,
    year: AcademicYear,
    errors: FormErrors,
    form: CalendarForm,
    banner: Option<Banner>,
) -> Result<Response, AppError> {
    let halves = calendar::year(state.store(), year).await?;
    let this = AcademicYear::containing(state.clock().today());
    let years = [this.previous(), this, this.next()]
        .iter()
        .map(|y| (y.to_string(), *y == year))
        .collect();
    page(&CalendarPage {
        layout,
        crumbs: vec![Crumb::new("Home", "/"), Crumb::new("Packs", "/packs")],
        year: year.to_string(),
        years,
        all_default: halves.iter().all(|h| h.default_dates),
        table: Table {
            caption: format!("Half terms {year}"),
            head: vec![
                Cell::text("Half term"),
                Cell::text("Name"),
                Cell::text("First day"),
                Cell::text("Last day"),
                Cell::text("Dates"),
            ],
            rows: halves
                .iter()
                .map(|h| {
                    vec![
                        Cell::text(h.name()),
                        Cell::text(season(h.half.number)),
                        Cell::text(long_date(h.half.start)),
                        Cell::text(long_date(h.half.end)),
                        Cell::text(if h.default_dates {
                            "Default dates"
                        } else {
                            "Set by the local authority"
                        }),
                    ]
                })
                .collect(),
        },
        errors,
        banner,
        dates: vec![
            DateField {
                prefix: "from",
                field: "from-day".into(),
                legend: "First day of term",
                hint: "For example, 6 1 2025",
                day: form.from_day.clone(),
                month: form.from_month.clone(),
                year: form.from_year.clone(),
            },
            DateField {
                prefix: "to",
                field: "to-day".into(),
                legend: "Last day of term",
                hint: "For example, 14 2 2025",
                day: form.to_day.clone(),
                month: form.to_month.clone(),
                year: form.to_year.clone(),
            },
        ],
        numbers: (1..=6u8)
            .map(|n| (n.to_string(), format!("{year}-{n} ({})", season(n))))
            .collect(),
        form,
    })
}

fn year_or_current(state: &AppState, raw: Option<&str>) -> AcademicYear {
    raw.and_then(|y| AcademicYear::parse(y).ok())
        .unwrap_or_else(|| AcademicYear::containing(state.clock().today()))
}

/// `GET /packs/calendar?year=2024/25`
pub async fn get(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    require(&who)?;
    let year = year_or_current(&state, q.year.as_deref());
    let form = CalendarForm {
        year: year.to_string(),
        ..CalendarForm::default()
    };
    show(&state, layout, year, FormErrors::new(), form, None).await
}

fn date_of(day: &str, month: &str, year: &str) -> Option<Date> {
    let d: u8 = day.trim().parse().ok()?;
    let m: u8 = month.trim().parse().ok()?;
    let y: i32 = year.trim().parse().ok()?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// `POST /packs/calendar`: sets one half term's dates.
pub async fn set(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Form(form): Form<CalendarForm>,
) -> Result<Response, AppError> {
    require(&who)?;
    let year = year_or_current(&state, Some(&form.year));
    let mut errors = FormErrors::new();
    let number: Option<u8> = form
        .number
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=6).contains(n));
    if number.is_none() {
        errors.add("number", "Select the half term to change");
    }
    let start = date_of(&form.from_day, &form.from_month, &form.from_year);
    if start.is_none() {
        errors.add(
            "from-day",
            "Enter the first day of the half term as a real date, for example 6 1 2025",
        );
    }
    let end = date_of(&form.to_day, &form.to_month, &form.to_year);
    if end.is_none() {
        errors.add(
            "to-day",
            "Enter the last day of the half term as a real date, for example 14 2 2025",
        );
    }
    let (Some(number), Some(start), Some(end)) = (number, start, end) else {
        return show(&state, layout, year, errors, form, None).await;
    };
    match calendar::set(
        state.store(),
        year,
        &[(number, start, end)],
        &who.user().email,
        state.now(),
    )
    .await
    {
        Ok(_) => {
            let event = audit::by(
                &state,
                who.user(),
                &from,
                AuditAction::Change,
                AuditObject::Pack,
                format!(
                    "set half term {year}-{number} to {} – {}",
                    long_date(start),
                    long_date(end)
                ),
            );
            audit::record(&state, &event).await?;
            let banner = Banner {
                success: true,
                heading: format!(
                    "Half term {year}-{number} now runs from {} to {}",
                    long_date(start),
                    long_date(end)
                ),
                body: String::new(),
            };
            let form = CalendarForm {
                year: year.to_string(),
                ..CalendarForm::default()
            };
            show(&state, layout, year, FormErrors::new(), form, Some(banner)).await
        }
        Err(CalendarError::Store(e)) => Err(AppError::internal(e)),
        Err(e) => {
            let field = match e {
                CalendarError::EndsBeforeStart { .. } => "to-day",
                CalendarError::Number(_) => "number",
                _ => "from-day",
            };
            let mut message = e.to_string();
            if let Some(first) = message.get(..1) {
                message = first.to_uppercase() + &message[1..];
            }
            errors.add(field, message);
            show(&state, layout, year, errors, form, None).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    year: String,
}

/// `POST /packs/calendar/reset`: the default dates apply to the year again.
pub async fn reset(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Form(form): Form<ResetForm>,
) -> Result<Response, AppError> {
    require(&who)?;
    let year = year_or_current(&state, Some(&form.year));
    state.store().clear_half_term_dates(year).await?;
    let event = audit::by(
        &state,
        who.user(),
        &from,
        AuditAction::Change,
        AuditObject::Pack,
        format!("went back to the default half-term dates for {year}"),
    );
    audit::record(&state, &event).await?;
    let banner = Banner {
        success: true,
        heading: format!("The default dates apply to {year} again"),
        body: String::new(),
    };
    let blank = CalendarForm {
        year: year.to_string(),
        ..CalendarForm::default()
    };
    show(&state, layout, year, FormErrors::new(), blank, Some(banner)).await
}
