//! A school's own figures: its pupils with a social worker by group and by year group, from
//! the marks this school recorded (enrolment base), with downloads. They aggregate exactly
//! the pupils the school page lists to its reader, so a DSL's own school is shown
//! unsuppressed (DESIGN §8: suppression is for aggregates beyond their own pupils).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;
use vschool_analytics::stats::StatusGroup;
use vschool_domain::{AcademicYear, ExclusionCategory, NcYear, Percent, SessionTally, Urn};
use vschool_store::{AuditAction, AuditObject};

use super::page::PupilLine;
use super::{load_lines, SchoolPupils};
use crate::audit;
use crate::auth::CurrentUser;
use crate::client::ClientAddr;
use crate::components::{FigureTable, Val};
use crate::error::AppError;
use crate::routes::overview::download::render;
use crate::routes::overview::tables::group_label;
use crate::state::AppState;

#[derive(Default)]
struct Sums {
    on_roll: u64,
    with_sessions: u64,
    ytd: SessionTally,
    on_plan: SessionTally,
    persistent: u64,
    severe: u64,
    suspensions: u64,
}

impl Sums {
    fn add(&mut self, l: &PupilLine<'_>, urn: Option<Urn>, today: time::Date) {
        let f = &l.figures;
        self.on_roll += 1;
        if f.year_to_date.possible() > 0 {
            self.with_sessions += 1;
            self.persistent += u64::from(f.year_to_date.persistent_absence());
            self.severe += u64::from(f.year_to_date.severe_absence());
        }
        self.ytd.add(&f.year_to_date);
        self.on_plan.add(&f.on_plan);
        let year = AcademicYear::containing(today);
        self.suspensions += l
            .child
            .exclusions
            .iter()
            .filter(|x| {
                x.category == ExclusionCategory::Suspension
                    && urn.is_none_or(|u| u == x.urn)
                    && AcademicYear::containing(x.start) == year
                    && x.start <= today
            })
            .count() as u64;
    }

    fn row(&self, first: Val) -> Vec<Val> {
        let pct = |p: Option<Percent>| Val::Pct(p.map(|p| p.as_f64()));
        vec![
            first,
            Val::Count(self.on_roll),
            Val::Count(self.with_sessions),
            pct(self.ytd.attendance_pct()),
            pct(self.on_plan.attendance_pct()),
            Val::Count(self.persistent),
            pct(Percent::of(self.persistent, self.with_sessions)),
            Val::Count(self.severe),
            Val::Count(u64::from(self.ytd.part_time)),
            Val::Count(self.suspensions),
        ]
    }
}

fn head(first: &str) -> Vec<String> {
    vec![
        first.into(),
        "Pupils on roll".into(),
        "With sessions".into(),
        "Attendance this year".into(),
        "Attendance on plan".into(),
        "Persistently absent".into(),
        "Persistent absence".into(),
        "Severely absent".into(),
        "Part-time timetable sessions".into(),
        "Suspensions".into(),
    ]
}

fn notes(school: &SchoolPupils<'_>) -> Vec<String> {
    vec![
        format!(
            "{} (URN {}): pupils on roll on {} who have or had a social worker, counting only the marks this school recorded.",
            school.name,
            school.urn,
            crate::format::long_date(school.today)
        ),
        "Percentages are computed from counts and rounded half up to one decimal place.".into(),
    ]
}

/// The school's pupils by status group.
pub fn by_group(school: &SchoolPupils<'_>) -> FigureTable {
    let mut sums: BTreeMap<StatusGroup, Sums> = BTreeMap::new();
    for l in &school.lines {
        for g in [StatusGroup::of(l.status), StatusGroup::All] {
            sums.entry(g)
                .or_default()
                .add(l, Some(school.urn), school.today);
        }
    }
    FigureTable {
        id: "by-group",
        caption: "This school’s pupils by group".into(),
        head: head("Group"),
        rows: StatusGroup::ALL
            .into_iter()
            .filter_map(|g| {
                sums.get(&g)
                    .map(|s| s.row(Val::Text(group_label(g).into())))
            })
            .collect(),
        notes: notes(school),
    }
}

/// The school's pupils by year group, each linking to its pupils.
pub fn by_year_group(school: &SchoolPupils<'_>) -> FigureTable {
    let mut sums: BTreeMap<YearKey, Sums> = BTreeMap::new();
    for l in &school.lines {
        sums.entry(YearKey(l.year_group))
            .or_default()
            .add(l, Some(school.urn), school.today);
    }
    FigureTable {
        id: "by-year-group",
        caption: "This school’s pupils by year group".into(),
        head: head("Year group"),
        rows: sums
            .iter()
            .map(|(y, s)| {
                s.row(Val::Link(
                    y.0.label(),
                    format!("/schools/{}/year-groups/{}", school.urn, y.0.code()),
                ))
            })
            .collect(),
        notes: notes(school),
    }
}

/// Year groups in school order: nursery, reception, 1 to 14, then X.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct YearKey(NcYear);

impl YearKey {
    fn rank(&self) -> u8 {
        match self.0 {
            NcYear::N1 => 0,
            NcYear::N2 => 1,
            NcYear::Reception => 2,
            NcYear::Year(n) => 2 + n,
            NcYear::X => 100,
        }
    }
}

impl Ord for YearKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for YearKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// `GET /schools/{urn}/figures/{name}.{csv|xlsx}`: the school's figures, audited.
pub async fn download(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path((raw, name)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (id, ext) = name.rsplit_once('.').ok_or(AppError::NotFound)?;
    if !matches!(ext, "csv" | "xlsx") {
        return Err(AppError::NotFound);
    }
    let ix = crate::index::current(&state).await?;
    let snapshot = state.snapshot().await?;
    let school = load_lines(&state, &who, &ix, &snapshot, &raw)?;
    let table = match id {
        "by-group" => by_group(&school),
        "by-year-group" => by_year_group(&school),
        _ => return Err(AppError::NotFound),
    };
    audit::record(
        &state,
        &audit::about_school(
            audit::by(
                &state,
                who.user(),
                &from,
                AuditAction::Download,
                AuditObject::School,
                format!("school figures {name}"),
            ),
            school.urn,
        ),
    )
    .await?;
    render(
        &table,
        ext,
        &format!("{}-{}-{}", school.urn, id, school.today),
    )
}
