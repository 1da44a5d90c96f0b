//! Every table of the LA overview, as [`FigureTable`]s: the page shows them, charts draw
//! from them and the downloads write them, so all three hold the same figures.

use vschool_analytics::national;
use vschool_analytics::overview::{Overview, TopSchool};
use vschool_analytics::published::{publish, PublishedRow};
use vschool_analytics::snapshot::LaSnapshot;
use vschool_analytics::stats::{Base, Breakdown, GroupFigures, StatsRow, StatusGroup};
use vschool_analytics::suppression::Published;
use vschool_domain::social_care::CohortCounts;
use vschool_domain::{Percent, SessionTally, Urn};

use super::filters::Filters;
use super::Viewer;
use crate::components::{FigureTable, Val};
use crate::format::long_date;

/// What every table is built from.
pub struct Ctx<'a> {
    pub ov: &'a Overview,
    pub snapshot: &'a LaSnapshot,
    pub viewer: &'a Viewer,
    pub filters: &'a Filters,
    pub la_name: &'a str,
}

/// Which count of the cohort a row shows.
type Pick = fn(&CohortCounts) -> u32;

/// The group rows in order, labelled for a table.
const GROUPS: [StatusGroup; 5] = [
    StatusGroup::Cla,
    StatusGroup::Cp,
    StatusGroup::Cin,
    StatusGroup::PreviouslyHadSocialWorker,
    StatusGroup::All,
];

pub fn group_label(g: StatusGroup) -> &'static str {
    match g {
        StatusGroup::Cla => "Looked after (CLA)",
        StatusGroup::Cp => "Child protection plan (CP)",
        StatusGroup::Cin => "Child in need plan (CIN plan)",
        StatusGroup::PreviouslyHadSocialWorker => "Previously had a social worker",
        StatusGroup::All => "All who have or had a social worker",
    }
}

fn pct(p: Option<Percent>) -> Option<f64> {
    p.map(|p| p.as_f64())
}

impl Ctx<'_> {
    fn units_word(&self) -> &'static str {
        match self.ov.request.base {
            Base::Pupil => "Pupils",
            Base::Enrolment => "Enrolments",
        }
    }

    /// Notes every download carries.
    pub fn notes(&self) -> Vec<String> {
        let mut n = vec![
            format!(
                "Virtual School, {}: figures on {}. {}",
                self.la_name,
                long_date(self.ov.request.at),
                self.filters.describe()
            ),
            format!("Attendance figures count {}.", self.ov.request.base.label()),
            "Percentages are computed from counts and rounded half up to one decimal place.".into(),
        ];
        if self.viewer.suppressed() {
            n.push(
                "Counts of 1 to 5 children, and figures derived from them, are shown as c (DfE suppression)."
                    .into(),
            );
        }
        n
    }

    fn table(
        &self,
        id: &'static str,
        caption: String,
        head: Vec<String>,
        rows: Vec<Vec<Val>>,
    ) -> FigureTable {
        FigureTable {
            id,
            caption,
            head,
            rows,
            notes: self.notes(),
        }
    }

    fn published(&self, rows: &[StatsRow]) -> Vec<(StatusGroup, PublishedRow, GroupFigures)> {
        GROUPS
            .into_iter()
            .filter_map(|g| {
                Overview::row(rows, g).map(|r| (g, publish(r, self.viewer.suppressor), r.figures))
            })
            .collect()
    }

    fn count_of_children(&self, n: u32) -> Val {
        Val::count(&self.viewer.suppressor.count(n, n))
    }

    /// The cohort today and at the end of the last half term.
    pub fn cohort(&self) -> FigureTable {
        let now = &self.ov.cohort;
        let before = self.ov.previous.as_ref();
        let pick: [(&str, Pick); 5] = [
            ("Looked after (CLA)", |c| c.cla),
            ("Child protection plan (CP)", |c| c.cp),
            ("Child in need plan (CIN plan)", |c| c.cin),
            ("All with a social worker now", |c| c.current()),
            (
                "Had a social worker in the last six years (Ever6), including now",
                |c| c.ever6,
            ),
        ];
        let mut head = vec![
            "Group".into(),
            format!("On {}", long_date(self.ov.request.at)),
        ];
        if let Some((h, _)) = before {
            head.push(format!(
                "On {} (end of half term {})",
                long_date(h.end),
                h.name()
            ));
            head.push("Change".into());
        }
        let rows = pick
            .iter()
            .map(|(label, f)| {
                let mut row = vec![Val::Text((*label).into()), self.count_of_children(f(now))];
                if let Some((_, c)) = before {
                    let (a, b) = (f(now), f(c));
                    row.push(self.count_of_children(b));
                    let small = self.viewer.suppressed()
                        && (vschool_analytics::suppression::is_small(a)
                            || vschool_analytics::suppression::is_small(b));
                    row.push(if small {
                        Val::Suppressed
                    } else {
                        Val::Text(signed(i64::from(a) - i64::from(b)))
                    });
                }
                row
            })
            .collect();
        self.table("cohort", "Children with a social worker".into(), head, rows)
    }

    /// Cohort counts at the end of each month.
    pub fn cohort_over_time(&self) -> FigureTable {
        let rows = self
            .ov
            .series
            .iter()
            .map(|(d, c)| {
                vec![
                    Val::Text(long_date(*d)),
                    self.count_of_children(c.cla),
                    self.count_of_children(c.cp),
                    self.count_of_children(c.cin),
                    self.count_of_children(c.current()),
                    self.count_of_children(c.ever6),
                ]
            })
            .collect();
        self.table(
            "cohort-over-time",
            "Children with a social worker at the end of each month".into(),
            vec![
                "Date".into(),
                "Looked after (CLA)".into(),
                "Child protection plan (CP)".into(),
                "Child in need plan (CIN plan)".into(),
                "All with a social worker now".into(),
                "Ever6".into(),
            ],
            rows,
        )
    }

    /// Attendance this year by group, and every pupil on roll.
    pub fn attendance(&self) -> FigureTable {
        let on_plan = self.published(&self.ov.on_plan);
        let mut rows: Vec<Vec<Val>> = self
            .published(&self.ov.year_to_date)
            .into_iter()
            .map(|(g, p, f)| {
                let plan = on_plan
                    .iter()
                    .find(|(og, _, _)| *og == g)
                    .map(|(_, op, _)| Val::pct(&op.attendance_pct))
                    .unwrap_or(Val::Pct(None));
                vec![
                    Val::Text(group_label(g).into()),
                    Val::count(&p.units),
                    Val::count(&p.possible),
                    Val::pct(&p.attendance_pct),
                    plan,
                    Val::pct(&p.absence_pct),
                    Val::pct(&pub_pct(self.viewer.suppressor.rate(
                        f.sessions.unauthorised_pct(),
                        None,
                        f.units,
                    ))),
                ]
            })
            .collect();
        let t = &self.ov.all_pupils;
        let n = self.ov.all_pupils_units;
        let s = self.viewer.suppressor;
        rows.push(vec![
            Val::Text(
                "All pupils on roll in the schools' files (known to social care or not)".into(),
            ),
            Val::count(&s.count(n, n)),
            Val::count(&s.figure(t.possible(), n)),
            Val::pct(&pub_pct(s.rate(t.attendance_pct(), None, n))),
            Val::Pct(None),
            Val::pct(&pub_pct(s.rate(t.absence_pct(), None, n))),
            Val::pct(&pub_pct(s.rate(t.unauthorised_pct(), None, n))),
        ]);
        self.table(
            "attendance",
            "Attendance this year by group".into(),
            vec![
                "Group".into(),
                format!("{} with sessions", self.units_word()),
                "Possible sessions".into(),
                "Attendance".into(),
                "Attendance on plan".into(),
                "Overall absence".into(),
                "Unauthorised absence".into(),
            ],
            rows,
        )
    }

    /// The DfE's national absence figures.
    pub fn national_absence(&self) -> FigureTable {
        let rows = national::absence()
            .into_iter()
            .map(|n| {
                vec![
                    Val::Text(n.description.clone()),
                    Val::Pct(n.attendance_pct()),
                    published_text(&n.overall_absence_pct),
                    published_text(&n.persistent_absence_pct),
                ]
            })
            .collect();
        FigureTable {
            id: "national-absence",
            caption: "National figures published by the Department for Education".into(),
            head: vec![
                "Group, as the DfE names it".into(),
                "Attendance (100% less overall absence)".into(),
                "Overall absence".into(),
                "Persistent absence (pupils)".into(),
            ],
            rows,
            notes: vec![
                "Source: DfE, Outcomes for children in need, including children looked after by local authorities in England (absence, six half terms); Pupil absence in schools in England. Open Government Licence v3.0.".into(),
                "The DfE's children in need are every child with an open referral; this service's CIN plan group counts children on a child in need plan only.".into(),
            ],
        }
    }

    /// Attendance by half term, by group.
    pub fn half_terms(&self) -> FigureTable {
        let groups: Vec<StatusGroup> = GROUPS
            .into_iter()
            .filter(|g| {
                self.ov
                    .half_terms
                    .iter()
                    .any(|h| Overview::row(&h.rows, *g).is_some())
            })
            .collect();
        let mut head = vec!["Half term".into()];
        head.extend(groups.iter().map(|g| group_label(*g).to_owned()));
        let rows = self
            .ov
            .half_terms
            .iter()
            .map(|h| {
                let mut row = vec![Val::Text(format!(
                    "{} ({} to {})",
                    h.half_term.name(),
                    long_date(h.half_term.start),
                    long_date(h.to)
                ))];
                for g in &groups {
                    row.push(match Overview::row(&h.rows, *g) {
                        Some(r) => Val::pct(&publish(r, self.viewer.suppressor).attendance_pct),
                        None => Val::Pct(None),
                    });
                }
                row
            })
            .collect();
        self.table("half-terms", "Attendance by half term".into(), head, rows)
    }

    /// Persistent and severe absence by group.
    pub fn persistent_absence(&self) -> FigureTable {
        let rows = self
            .published(&self.ov.year_to_date)
            .into_iter()
            .map(|(g, p, _)| {
                vec![
                    Val::Text(group_label(g).into()),
                    Val::count(&p.units),
                    Val::count(&p.persistent_absence),
                    Val::pct(&p.persistent_absence_pct),
                    Val::count(&p.severe_absence),
                    Val::pct(&p.severe_absence_pct),
                ]
            })
            .collect();
        self.table(
            "persistent-absence",
            "Persistent and severe absence this year by group".into(),
            vec![
                "Group".into(),
                format!("{} with sessions", self.units_word()),
                "Persistently absent (10% or more)".into(),
                "Persistent absence".into(),
                "Severely absent (50% or more)".into(),
                "Severe absence".into(),
            ],
            rows,
        )
    }

    /// Suspensions and permanent exclusions by group.
    pub fn exclusions(&self) -> FigureTable {
        let s = self.viewer.suppressor;
        let rows = self
            .published(&self.ov.year_to_date)
            .into_iter()
            .map(|(g, p, f)| {
                let on_roll = self.ov.on_roll.get(&g).copied().unwrap_or(0);
                vec![
                    Val::Text(group_label(g).into()),
                    Val::count(&s.count(on_roll, on_roll)),
                    Val::count(&p.suspensions),
                    Val::count(&p.suspended),
                    Val::pct(&pub_pct(s.rate(
                        Percent::of(f.suspended.into(), on_roll.into()),
                        Some(f.suspended),
                        on_roll,
                    ))),
                    Val::count(&p.permanent_exclusions),
                    Val::pct(&pub_pct(s.rate(
                        Percent::of(f.permanent_exclusions.into(), on_roll.into()),
                        Some(f.permanent_exclusions),
                        on_roll,
                    ))),
                    Val::decimal(&p.days_lost),
                ]
            })
            .collect();
        self.table(
            "exclusions",
            "Suspensions and permanent exclusions this year by group".into(),
            vec![
                "Group".into(),
                format!("{} on roll", self.units_word()),
                "Suspensions".into(),
                "With one or more suspensions".into(),
                "One or more suspensions".into(),
                "Permanent exclusions".into(),
                "Permanently excluded".into(),
                "School days lost to suspensions".into(),
            ],
            rows,
        )
    }

    pub fn national_exclusions(&self) -> FigureTable {
        FigureTable {
            id: "national-exclusions",
            caption: "National exclusion figures published by the Department for Education".into(),
            head: vec![
                "Group, as the DfE names it".into(),
                "Permanent exclusions (% of pupils)".into(),
                "One or more suspensions (% of pupils)".into(),
            ],
            rows: national::exclusions()
                .into_iter()
                .map(|n| {
                    vec![
                        Val::Text(n.description.clone()),
                        published_text(&n.permanent_exclusion_pct),
                        published_text(&n.one_or_more_suspensions_pct),
                    ]
                })
                .collect(),
            notes: vec![
                "Source: DfE, Outcomes for children in need, including children looked after by local authorities in England (permanent exclusions and suspensions). Open Government Licence v3.0.".into(),
            ],
        }
    }

    /// Part-time timetables (sessions coded C2).
    pub fn part_time(&self) -> FigureTable {
        let s = self.viewer.suppressor;
        let rows = self
            .published(&self.ov.year_to_date)
            .into_iter()
            .map(|(g, p, f)| {
                vec![
                    Val::Text(group_label(g).into()),
                    Val::count(&p.units),
                    Val::count(&p.on_part_time_timetable),
                    Val::pct(&pub_pct(s.rate(
                        Percent::of(f.on_part_time_timetable.into(), f.units.into()),
                        Some(f.on_part_time_timetable),
                        f.units,
                    ))),
                    Val::count(&p.part_time_sessions),
                    Val::pct(&pub_pct(s.rate(
                        Percent::of(f.sessions.part_time.into(), f.sessions.possible().into()),
                        None,
                        f.units,
                    ))),
                ]
            })
            .collect();
        self.table(
            "part-time",
            "Part-time timetables this year by group (sessions coded C2)".into(),
            vec![
                "Group".into(),
                format!("{} with sessions", self.units_word()),
                "On a part-time timetable".into(),
                "Share on a part-time timetable".into(),
                "Part-time timetable sessions".into(),
                "Share of possible sessions".into(),
            ],
            rows,
        )
    }

    fn school_name(&self, urn: Urn) -> String {
        self.snapshot
            .setting(urn)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("URN {urn}"))
    }

    fn school_phase(&self, urn: Urn) -> String {
        self.snapshot
            .setting(urn)
            .map(|s| s.phase.gias_name().to_owned())
            .unwrap_or_default()
    }

    /// The ten schools with most children with a social worker now (the team only: the
    /// list names other schools).
    pub fn top_schools(&self) -> Option<FigureTable> {
        if self.viewer.own_schools.is_some() {
            return None;
        }
        let rows = self
            .ov
            .top_schools
            .iter()
            .map(|t: &TopSchool| {
                let f = &t.figures;
                vec![
                    Val::Link(self.school_name(t.urn), format!("/schools/{}", t.urn)),
                    Val::Text(self.school_phase(t.urn)),
                    Val::Count(t.children_now.into()),
                    Val::Pct(pct(f.sessions.attendance_pct())),
                    Val::Pct(pct(f.persistent_absence_pct())),
                ]
            })
            .collect();
        Some(self.table(
            "top-schools",
            "The ten schools with most children with a social worker now".into(),
            vec![
                "School".into(),
                "Phase".into(),
                "Children with a social worker now".into(),
                "Their attendance this year".into(),
                "Their persistent absence".into(),
            ],
            rows,
        ))
    }

    fn breakdown_rows(&self, by: Breakdown) -> Vec<(String, PublishedRow, GroupFigures)> {
        let rows = self
            .ov
            .breakdowns
            .iter()
            .find(|(b, _)| *b == by)
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[]);
        let mut out: Vec<(String, PublishedRow, GroupFigures)> = rows
            .iter()
            .filter(|r| r.status == StatusGroup::All)
            .map(|r| {
                (
                    r.group.clone(),
                    publish(r, self.viewer.suppressor),
                    r.figures,
                )
            })
            .collect();
        out.sort_by_key(|(v, _, _)| sort_key(by, v));
        out
    }

    fn breakdown_row(&self, first: Val, p: &PublishedRow) -> Vec<Val> {
        vec![
            first,
            Val::count(&p.units),
            Val::pct(&p.attendance_pct),
            Val::pct(&p.persistent_absence_pct),
            Val::pct(&p.severe_absence_pct),
            Val::count(&p.suspensions),
        ]
    }

    fn breakdown_head(&self, first: &str) -> Vec<String> {
        vec![
            first.into(),
            format!("{} with sessions", self.units_word()),
            "Attendance".into(),
            "Persistent absence".into(),
            "Severe absence".into(),
            "Suspensions".into(),
        ]
    }

    /// A breakdown by year group, phase, SEN or ethnicity (all groups together, or the group
    /// the filter chose).
    pub fn breakdown(&self, by: Breakdown) -> FigureTable {
        let (id, caption, first) = match by {
            Breakdown::YearGroup => ("by-year-group", "By year group", "Year group"),
            Breakdown::Phase => ("by-phase", "By phase of school", "Phase"),
            Breakdown::Sen => ("by-sen", "By special educational needs", "SEN provision"),
            Breakdown::Ethnicity => ("by-ethnicity", "By ethnicity", "Ethnicity (DfE code)"),
            Breakdown::School | Breakdown::Status => ("by-school", "By school", "School"),
        };
        let rows = self
            .breakdown_rows(by)
            .into_iter()
            .map(|(v, p, _)| self.breakdown_row(Val::Text(value_label(by, &v)), &p))
            .collect();
        self.table(id, caption.into(), self.breakdown_head(first), rows)
    }

    /// Every school (a DSL: their own), with its pupils' figures this year.
    pub fn by_school(&self) -> FigureTable {
        let rows = self
            .breakdown_rows(Breakdown::School)
            .into_iter()
            .filter_map(|(v, p, _)| {
                let urn = Urn::parse(&v).ok()?;
                if !self.viewer.names_school(urn) {
                    return None;
                }
                let mut row = self.breakdown_row(
                    Val::Link(self.school_name(urn), format!("/schools/{urn}")),
                    &p,
                );
                row.insert(1, Val::Text(urn.to_string()));
                row.insert(2, Val::Text(self.school_phase(urn)));
                Some(row)
            })
            .collect();
        let mut head = self.breakdown_head("School");
        head.insert(1, "URN".into());
        head.insert(2, "Phase".into());
        self.table("by-school", "By school".into(), head, rows)
    }
}

fn pub_pct(p: Published<Option<Percent>>) -> Published<Option<f64>> {
    match p {
        Published::Shown(v) => Published::Shown(v.map(|p| p.as_f64())),
        Published::Suppressed(m) => Published::Suppressed(m),
    }
}

/// A figure as the DfE published it: a number, or its symbol (`c`, `x`, `z`) as text.
fn published_text(raw: &str) -> Val {
    match raw.parse::<f64>() {
        Ok(v) => Val::Pct(Some(v)),
        Err(_) if raw == "c" => Val::Suppressed,
        Err(_) => Val::Text(raw.to_owned()),
    }
}

fn signed(n: i64) -> String {
    match n {
        0 => "No change".into(),
        n if n > 0 => format!("+{}", crate::format::count(n.unsigned_abs())),
        n => format!("−{}", crate::format::count(n.unsigned_abs())),
    }
}

/// Year groups in school order (nursery, reception, 1 to 14, X), SEN by level of need.
fn sort_key(by: Breakdown, v: &str) -> (u32, String) {
    match by {
        Breakdown::YearGroup => {
            let rank = match v {
                "N1" => 0,
                "N2" => 1,
                "R" => 2,
                "X" => 30,
                "unknown" => 40,
                n => n.parse::<u32>().map(|n| 2 + n).unwrap_or(35),
            };
            (rank, v.to_owned())
        }
        Breakdown::Sen => {
            let rank = match v {
                "N" => 0,
                "K" => 1,
                "E" => 2,
                _ => 9,
            };
            (rank, v.to_owned())
        }
        _ => (u32::from(v == "unknown"), v.to_owned()),
    }
}

fn value_label(by: Breakdown, v: &str) -> String {
    match (by, v) {
        (_, "unknown") => "Not known".into(),
        (Breakdown::YearGroup, "N1") => "Nursery 1".into(),
        (Breakdown::YearGroup, "N2") => "Nursery 2".into(),
        (Breakdown::YearGroup, "R") => "Reception".into(),
        (Breakdown::YearGroup, "X") => "Not following the national curriculum (X)".into(),
        (Breakdown::YearGroup, n) => format!("Year {n}"),
        (Breakdown::Sen, "N") => "No special educational needs (N)".into(),
        (Breakdown::Sen, "K") => "SEN support (K)".into(),
        (Breakdown::Sen, "E") => "Education, health and care plan (E)".into(),
        (_, v) => v.to_owned(),
    }
}

/// Sessions helper used by the school page too: attendance of a tally as a value.
pub fn attendance_val(t: &SessionTally) -> Val {
    Val::Pct(pct(t.attendance_pct()))
}
