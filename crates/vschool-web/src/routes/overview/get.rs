//! `GET /overview` (also the Virtual School team's home) and `GET /overview/schools`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use vschool_analytics::stats::{Base, StatusGroup};
use vschool_domain::AcademicYear;

use super::filters::{FilterQuery, Filters};
use super::sections::{overview_sections, shown, Section, ShownTable};
use super::tables::{group_label, Ctx};
use super::Viewer;
use crate::analysis;
use crate::auth::CurrentUser;
use crate::components::Crumb;
use crate::error::AppError;
use crate::format::long_date;
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;

/// One option of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub text: String,
    pub selected: bool,
}

/// The filter form's options.
#[derive(Debug, Clone)]
pub struct FilterForm {
    pub years: Vec<Choice>,
    pub phases: Vec<Choice>,
    pub groups: Vec<Choice>,
    pub pupil_base: bool,
}

#[derive(Template)]
#[template(path = "overview/overview.html")]
struct OverviewPage {
    layout: Layout,
    at: String,
    form: FilterForm,
    base_words: &'static str,
    suppressed: bool,
    sections: Vec<Section>,
    contents: Vec<(&'static str, String)>,
    schools_href: String,
    sources: Vec<String>,
}

#[derive(Template)]
#[template(path = "overview/schools.html")]
struct SchoolsPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    at: String,
    form: FilterForm,
    base_words: &'static str,
    suppressed: bool,
    table: ShownTable,
}

fn form(state_years: Vec<String>, phases: Vec<&'static str>, f: &Filters) -> FilterForm {
    let year = f.year.to_string();
    let mut phase_choices = vec![Choice {
        value: String::new(),
        text: "All phases".into(),
        selected: f.phase.is_none(),
    }];
    phase_choices.extend(phases.into_iter().map(|p| Choice {
        value: p.to_owned(),
        text: p.to_owned(),
        selected: f.phase.map(|x| x.gias_name()) == Some(p),
    }));
    let mut groups = vec![Choice {
        value: String::new(),
        text: "All groups".into(),
        selected: f.group.is_none(),
    }];
    groups.extend(
        [
            StatusGroup::Cla,
            StatusGroup::Cp,
            StatusGroup::Cin,
            StatusGroup::PreviouslyHadSocialWorker,
        ]
        .into_iter()
        .map(|g| Choice {
            value: g.code().to_owned(),
            text: group_label(g).to_owned(),
            selected: f.group == Some(g),
        }),
    );
    FilterForm {
        years: state_years
            .into_iter()
            .map(|y| Choice {
                selected: y == year,
                text: y.clone(),
                value: y,
            })
            .collect(),
        phases: phase_choices,
        groups,
        pupil_base: f.base == Base::Pupil,
    }
}

/// The years the filter offers: this one and every earlier year with marks, newest first.
fn year_choices(register_years: &[AcademicYear], today: time::Date) -> Vec<String> {
    let this = AcademicYear::containing(today);
    let mut years: Vec<AcademicYear> = register_years
        .iter()
        .copied()
        .filter(|y| *y <= this)
        .chain([this])
        .collect();
    years.sort();
    years.dedup();
    years.into_iter().rev().map(|y| y.to_string()).collect()
}

fn base_words(base: Base) -> &'static str {
    match base {
        Base::Pupil => "Figures count pupils: each pupil once, with the marks of every school they attend (as the DfE’s outcomes for children in need do).",
        Base::Enrolment => "Figures count enrolments: a pupil at two schools counts at each, with that school’s marks (as national all-pupil statistics do).",
    }
}

/// `GET /overview`, and `GET /` for the Virtual School team.
pub async fn show(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Query(q): Query<FilterQuery>,
) -> Result<Response, AppError> {
    let viewer = Viewer::of(&who)?;
    let today = state.clock().today();
    let filters = Filters::read(&q, today);
    let ov = analysis::overview(&state, filters.request(today)).await?;
    let snapshot = state.snapshot().await?;
    let ctx = Ctx {
        ov: &ov,
        snapshot: &snapshot,
        viewer: &viewer,
        filters: &filters,
        la_name: state.la_name(),
    };
    let query = filters.query();
    let sections = overview_sections(&ctx, &query);
    let years = year_choices(&ov.register_years, today);
    page(&OverviewPage {
        layout,
        at: long_date(ov.request.at),
        form: form(years, ov.phases.clone(), &filters),
        base_words: base_words(filters.base),
        suppressed: viewer.suppressed(),
        contents: sections.iter().map(|s| (s.id, s.heading.clone())).collect(),
        sections,
        schools_href: format!("/overview/schools?{query}"),
        sources: super::sections::sources(),
    })
}

/// `GET /overview/schools`: the figures of every school (a DSL: their own).
pub async fn schools(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Query(q): Query<FilterQuery>,
) -> Result<Response, AppError> {
    let viewer = Viewer::of(&who)?;
    let today = state.clock().today();
    let filters = Filters::read(&q, today);
    let ov = analysis::overview(&state, filters.request(today)).await?;
    let snapshot = state.snapshot().await?;
    let ctx = Ctx {
        ov: &ov,
        snapshot: &snapshot,
        viewer: &viewer,
        filters: &filters,
        la_name: state.la_name(),
    };
    let years = year_choices(&ov.register_years, today);
    page(&SchoolsPage {
        layout,
        crumbs: vec![
            Crumb::new("Home", "/"),
            Crumb::new("LA overview", format!("/overview?{}", filters.query())),
        ],
        at: long_date(ov.request.at),
        form: form(years, ov.phases.clone(), &filters),
        base_words: base_words(filters.base),
        suppressed: viewer.suppressed(),
        table: shown(&ctx.by_school(), &filters.query()),
    })
}
