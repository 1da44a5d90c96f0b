//! The generated LA's figures beside the DfE's published ones, computed from a [`Dataset`]
//! alone (as the importers would see it) with the domain's own rules: `YearRegister::tally`,
//! `SessionTally::persistent_absence`, percentages from counts rounded half up.
//!
//! Groups are the DfE's: status at 31 March of the academic year (see [`crate::groups`]).
//! Pupils are linked to children by UPN, then FormerUPN. As in the DfE's outcomes tables, the
//! base is pupils (a pupil's sessions at every school summed), in NC years 1 to 11, at
//! state-funded mainstream, special and alternative-provision schools.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use time::Date;
use vschool_domain::pupil::{Measure, MeasureValue};
use vschool_domain::social_care::CohortCounts;
use vschool_domain::{
    AcademicYear, Dataset, ExclusionCategory, Percent, SessionTally, SettingKind, Upn, Urn,
};

use crate::groups::{census_date, group_on, Group};

/// Absence and exclusions of one group in one academic year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupFigures {
    pub group: Group,
    pub pupils: u32,
    /// Sessions summed over the group's pupils.
    pub sessions: SessionTally,
    pub persistent: u32,
    pub severe: u32,
    /// Pupils with one or more suspensions in the year.
    pub suspended: u32,
    pub permanently_excluded: u32,
}

impl GroupFigures {
    pub fn persistent_pct(&self) -> Option<Percent> {
        Percent::of(u64::from(self.persistent), u64::from(self.pupils))
    }
    pub fn severe_pct(&self) -> Option<Percent> {
        Percent::of(u64::from(self.severe), u64::from(self.pupils))
    }
    pub fn suspended_pct(&self) -> Option<Percent> {
        Percent::of(u64::from(self.suspended), u64::from(self.pupils))
    }
    /// Permanent exclusions per 100 pupils, in hundredths of a point (the DfE gives two
    /// decimals for these small rates).
    pub fn permanent_hundredths(&self) -> Option<u64> {
        (self.pupils > 0).then(|| {
            (u64::from(self.permanently_excluded) * 20_000 + u64::from(self.pupils))
                / (2 * u64::from(self.pupils))
        })
    }
}

/// Attainment of one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttainmentFigures {
    pub eyfs: (u32, u32),
    pub ks2: (u32, u32),
    pub ks4_em5: (u32, u32),
    /// Pupils and the sum of their Attainment 8 scores in tenths.
    pub att8: (u32, u64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The last complete academic year: the one the absence and exclusion figures describe.
    pub year: AcademicYear,
    pub today: Date,
    pub cohort: CohortCounts,
    pub settings: usize,
    /// Marks per academic year.
    pub marks: Vec<(AcademicYear, usize)>,
    pub groups: Vec<GroupFigures>,
    /// Attainment by group over every year in the data.
    pub attainment: Vec<(Group, AttainmentFigures)>,
    pub history: HistoryFigures,
}

/// The shape of the social-care history and of school life.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryFigures {
    /// Children looked after on `today`: under 1, 1–4, 5–9, 10–15, 16 and over.
    pub cla_by_age: [u32; 5],
    /// Their legal status: care orders (C1, C2), placement orders (E1, D1), section 20 (V2),
    /// other (police protection, remand…).
    pub cla_by_legal_status: [u32; 4],
    /// Their placement: foster care, placed for adoption, with parents, residential (homes,
    /// secure units, schools), other.
    pub cla_by_placement: [u32; 5],
    /// CP plans that ended in the year to `today`: count, median length in days, how many
    /// lasted three months or less, how many two years or more.
    pub cp_ended: [u32; 4],
    /// CIN plans that ended in the year to `today`: count and median length in days.
    pub cin_ended: [u32; 2],
    /// CP plans ended in the year to `today` followed the next day by a CIN plan (step-down),
    /// and CP plans started in that year the day after a CIN plan ended (step-up).
    pub step_downs: u32,
    pub step_ups: u32,
    /// Periods of care that ended in the three years to `today`, by how.
    pub care_endings: Vec<(&'static str, u32)>,
    /// Episodes per period of care ended in those three years (placement and legal status
    /// changes), in tenths.
    pub episodes_per_period_tenths: u32,
    /// Pupils with marks this academic year who are CIN, CP or CLA today, and how many of them
    /// have a part-time timetable (C2), dual registration (a subsidiary roll entry this year) or
    /// a mid-year move.
    pub current_pupils: u32,
    pub part_time: u32,
    pub dual_registered: u32,
}

/// The published national figures the generator is calibrated to.
pub struct Published {
    pub group: Group,
    /// 2021/22, six half terms: overall, authorised, unauthorised absence and persistent
    /// absence, in tenths of a percent.
    pub absence: [u32; 4],
    /// 2018/19: permanent exclusions (hundredths of a percent) and one or more suspensions
    /// (hundredths).
    pub exclusions: [u32; 2],
    /// 2021/22: KS2 RWM expected (%), KS4 grade 5+ English and maths (tenths; `None` where
    /// suppressed), Attainment 8 (tenths).
    pub ks2: u32,
    pub ks4_em5: Option<u32>,
    pub att8: u32,
}

/// The DfE's national figures (reference/dfe-official-statistics/outcomes-for-cin/).
pub const PUBLISHED: [Published; 3] = [
    Published {
        group: Group::Cin,
        absence: [164, 95, 70, 485],
        exclusions: [75, 1034],
        ks2: 28,
        ks4_em5: Some(131),
        att8: 206,
    },
    Published {
        group: Group::Cp,
        absence: [195, 91, 104, 562],
        exclusions: [105, 1252],
        ks2: 28,
        ks4_em5: None,
        att8: 204,
    },
    Published {
        group: Group::Cla12,
        absence: [78, 55, 23, 191],
        exclusions: [11, 1132],
        ks2: 31,
        ks4_em5: Some(110),
        att8: 203,
    },
];

fn nc_year(birth: Date, year: AcademicYear) -> i32 {
    year.0 - AcademicYear::containing(birth).0 - 5
}

/// Absence and exclusion figures by group for one academic year.
pub fn group_figures(ds: &Dataset, year: AcademicYear, today: Date) -> Vec<GroupFigures> {
    let links = links(ds);
    let counted: BTreeMap<Urn, bool> = ds
        .settings
        .iter()
        .map(|s| {
            (
                s.urn,
                matches!(
                    s.kind(),
                    SettingKind::Mainstream
                        | SettingKind::Special
                        | SettingKind::AlternativeProvision
                ),
            )
        })
        .collect();
    let births: BTreeMap<Upn, Date> = ds.pupils.iter().map(|p| (p.upn, p.birth_date)).collect();
    let mut tallies: BTreeMap<Upn, SessionTally> = BTreeMap::new();
    for r in ds.registers.iter().filter(|r| r.register.year == year) {
        if !counted.get(&r.urn).copied().unwrap_or(false) {
            continue;
        }
        let t = r.register.tally(year.start(), year.end().min(today));
        tallies.entry(r.upn).or_default().add(&t);
    }
    let mut suspended: BTreeMap<Upn, (bool, bool)> = BTreeMap::new();
    for e in &ds.exclusions {
        if AcademicYear::containing(e.start) != year {
            continue;
        }
        let entry = suspended.entry(e.upn).or_default();
        match e.category {
            ExclusionCategory::Suspension => entry.0 = true,
            ExclusionCategory::Permanent => entry.1 = true,
        }
    }
    let census = census_date(year, today);
    let mut out: BTreeMap<Group, GroupFigures> = BTreeMap::new();
    for (upn, tally) in &tallies {
        if tally.possible() == 0 {
            continue;
        }
        let Some(birth) = births.get(upn) else {
            continue;
        };
        if !(1..=11).contains(&nc_year(*birth, year)) {
            continue;
        }
        let Some(child) = links.get(upn) else {
            continue;
        };
        let group = group_on(&ds.children[*child].history, census);
        let f = out.entry(group).or_insert(GroupFigures {
            group,
            pupils: 0,
            sessions: SessionTally::default(),
            persistent: 0,
            severe: 0,
            suspended: 0,
            permanently_excluded: 0,
        });
        f.pupils += 1;
        f.sessions.add(tally);
        f.persistent += u32::from(tally.persistent_absence());
        f.severe += u32::from(tally.severe_absence());
        let (s, p) = suspended.get(upn).copied().unwrap_or_default();
        f.suspended += u32::from(s);
        f.permanently_excluded += u32::from(p);
    }
    out.into_values().collect()
}

/// UPN → index of the child it belongs to (UPN first, then FormerUPN).
fn links(ds: &Dataset) -> BTreeMap<Upn, usize> {
    let mut m = BTreeMap::new();
    for (i, c) in ds.children.iter().enumerate() {
        if let Some(u) = c.former_upn {
            m.insert(u, i);
        }
    }
    for (i, c) in ds.children.iter().enumerate() {
        if let Some(u) = c.upn {
            m.insert(u, i);
        }
    }
    m
}

/// Attainment by group (status at 31 March of each result's year).
pub fn attainment_figures(ds: &Dataset, today: Date) -> Vec<(Group, AttainmentFigures)> {
    let links = links(ds);
    let mut out: BTreeMap<Group, AttainmentFigures> = BTreeMap::new();
    for a in &ds.attainment {
        let Some(child) = links.get(&a.upn) else {
            continue;
        };
        let group = group_on(&ds.children[*child].history, census_date(a.year, today));
        let f = out.entry(group).or_default();
        match (a.measure, a.value) {
            (Measure::EyfsGld, MeasureValue::Met(m)) => {
                f.eyfs.0 += 1;
                f.eyfs.1 += u32::from(m);
            }
            (Measure::Ks2RwmExpected, MeasureValue::Met(m)) => {
                f.ks2.0 += 1;
                f.ks2.1 += u32::from(m);
            }
            (Measure::Ks4EnglishMathsGrade5, MeasureValue::Met(m)) => {
                f.ks4_em5.0 += 1;
                f.ks4_em5.1 += u32::from(m);
            }
            (Measure::Ks4Attainment8, MeasureValue::ScoreTenths(t)) => {
                f.att8.0 += 1;
                f.att8.1 += u64::from(t);
            }
            _ => {}
        }
    }
    out.into_iter().collect()
}

/// The whole report: cohort counts on `today`, marks per year, absence and exclusions for the
/// last complete academic year, attainment over all years.
pub fn report(ds: &Dataset, today: Date) -> Report {
    let year = AcademicYear::containing(today).previous();
    let mut cohort = CohortCounts::default();
    for c in &ds.children {
        if vschool_domain::social_care::in_age_range(c.birth_date, today) {
            cohort.add(&c.history, today);
        }
    }
    let mut marks: BTreeMap<AcademicYear, usize> = BTreeMap::new();
    for r in &ds.registers {
        *marks.entry(r.register.year).or_default() += r.register.marks();
    }
    Report {
        year,
        today,
        cohort,
        settings: ds.settings.len(),
        marks: marks.into_iter().collect(),
        groups: group_figures(ds, year, today),
        attainment: attainment_figures(ds, today),
        history: history_figures(ds, today),
    }
}

fn median(mut v: Vec<i64>) -> u32 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0).max(0) as u32
}

/// The shape of the social-care history on `today`, and of the current year at school.
pub fn history_figures(ds: &Dataset, today: Date) -> HistoryFigures {
    use vschool_domain::social_care::PlanKind;
    use vschool_domain::{CohortStatus, EnrolStatus};
    let mut h = HistoryFigures::default();
    let year_ago = vschool_domain::calendar::years_before(today, 1);
    let three_years_ago = vschool_domain::calendar::years_before(today, 3);
    let mut cp_days = Vec::new();
    let mut cin_days = Vec::new();
    let mut endings: BTreeMap<&'static str, u32> = BTreeMap::new();
    let (mut periods, mut period_episodes) = (0u32, 0u32);
    for c in &ds.children {
        let hist = &c.history;
        if hist.status_on(today) == Some(CohortStatus::Cla)
            && vschool_domain::social_care::in_age_range(c.birth_date, today)
        {
            let age = c
                .birth_date
                .map_or(0, |b| vschool_domain::calendar::age_on(b, today));
            h.cla_by_age[match age {
                0 => 0,
                1..=4 => 1,
                5..=9 => 2,
                10..=15 => 3,
                _ => 4,
            }] += 1;
            if let Some(e) = hist
                .episodes
                .iter()
                .find(|e| e.counts_as_looked_after() && e.span.covers(today))
            {
                h.cla_by_legal_status[match e.legal_status.as_str() {
                    "C1" | "C2" => 0,
                    "E1" | "D1" => 1,
                    "V2" => 2,
                    _ => 3,
                }] += 1;
                let p = e.placement.as_str();
                h.cla_by_placement[if p.starts_with('U') {
                    0
                } else if p.starts_with('A') {
                    1
                } else if p == "P1" {
                    2
                } else if p.starts_with('K') || p.starts_with('R') || p.starts_with('S') {
                    3
                } else {
                    4
                }] += 1;
            }
        }
        for p in &hist.plans {
            let Some(end) = p.span.end.filter(|e| *e > year_ago && *e <= today) else {
                continue;
            };
            let days = (end - p.span.start).whole_days() + 1;
            match p.kind {
                PlanKind::Cp => {
                    cp_days.push(days);
                    h.cp_ended[2] += u32::from(days <= 91);
                    h.cp_ended[3] += u32::from(days >= 730);
                    let next = end + time::Duration::days(1);
                    h.step_downs += u32::from(
                        hist.plans
                            .iter()
                            .any(|q| q.kind == PlanKind::Cin && q.span.start == next),
                    );
                }
                PlanKind::Cin => cin_days.push(days),
            }
        }
        for p in hist
            .plans
            .iter()
            .filter(|p| p.kind == PlanKind::Cp && p.span.start > year_ago)
        {
            let day_before = p.span.start - time::Duration::days(1);
            h.step_ups += u32::from(
                hist.plans
                    .iter()
                    .any(|q| q.kind == PlanKind::Cin && q.span.end == Some(day_before)),
            );
        }
        // Periods of care: runs of contiguous looked-after episodes.
        let eps: Vec<_> = hist
            .episodes
            .iter()
            .filter(|e| e.counts_as_looked_after())
            .collect();
        let mut run = 0u32;
        for (i, e) in eps.iter().enumerate() {
            run += 1;
            let continues = eps
                .get(i + 1)
                .is_some_and(|n| Some(n.span.start) == e.span.end);
            if continues {
                continue;
            }
            if let (Some(end), Some(rec)) = (e.span.end, e.reason_ceased.as_deref()) {
                if end > three_years_ago && end <= today {
                    let how = match rec {
                        "E11" | "E12" => "adopted (E11, E12)",
                        "E45" | "E47" => "special guardianship to relatives or friends (E45, E47)",
                        "E43" | "E44" | "E46" | "E48" => {
                            "special guardianship to others (E46, E48)"
                        }
                        "E41" => "child arrangements order (E41)",
                        "E4A" | "E4B" | "E13" => "returned home or to family (E4A, E4B, E13)",
                        "E17" | "E5" | "E6" | "E7" => "left care at 18 (E17, E5, E6, E7)",
                        _ => "other (E3, E8, E9, E15, E16)",
                    };
                    *endings.entry(how).or_default() += 1;
                    periods += 1;
                    period_episodes += run;
                }
            }
            run = 0;
        }
    }
    h.cp_ended[0] = cp_days.len() as u32;
    h.cp_ended[1] = median(cp_days);
    h.cin_ended = [cin_days.len() as u32, 0];
    h.cin_ended[1] = median(cin_days);
    h.care_endings = endings.into_iter().collect();
    h.care_endings.sort_by_key(|x| std::cmp::Reverse(x.1));
    h.episodes_per_period_tenths = (period_episodes * 10).checked_div(periods).unwrap_or(0);

    // School life this academic year, for pupils current today.
    let links = links(ds);
    let year = AcademicYear::containing(today);
    let mut current: BTreeMap<Upn, (bool, bool)> = BTreeMap::new();
    for r in ds.registers.iter().filter(|r| r.register.year == year) {
        let Some(child) = links.get(&r.upn) else {
            continue;
        };
        if ds.children[*child].history.status_on(today).is_none() {
            continue;
        }
        let pt = r
            .register
            .iter_marks()
            .any(|(_, _, c)| c == vschool_domain::AttendanceCode::C2);
        let e = current.entry(r.upn).or_default();
        e.0 |= pt;
    }
    for e in ds
        .enrolments
        .iter()
        .filter(|e| e.status == EnrolStatus::Subsidiary)
    {
        if e.leaving.is_none_or(|l| l >= year.start()) {
            if let Some(x) = current.get_mut(&e.upn) {
                x.1 = true;
            }
        }
    }
    h.current_pupils = current.len() as u32;
    h.part_time = current.values().filter(|x| x.0).count() as u32;
    h.dual_registered = current.values().filter(|x| x.1).count() as u32;
    h
}

fn pct(p: Option<Percent>) -> String {
    p.map_or_else(|| "–".to_owned(), |p| p.to_string())
}

fn tenths(t: u32) -> String {
    format!("{}.{}", t / 10, t % 10)
}

fn hundredths(h: u64) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

impl Report {
    pub fn figures(&self, group: Group) -> Option<&GroupFigures> {
        self.groups.iter().find(|g| g.group == group)
    }

    pub fn attainment_of(&self, group: Group) -> Option<&AttainmentFigures> {
        self.attainment
            .iter()
            .find(|(g, _)| *g == group)
            .map(|(_, a)| a)
    }

    /// The report as Markdown tables (for docs/synthetic-la.md).
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Cohort on {}: CLA {}, CP {}, CIN {} (current {}), Ever6 {}; {} settings.",
            self.today,
            self.cohort.cla,
            self.cohort.cp,
            self.cohort.cin,
            self.cohort.current(),
            self.cohort.ever6,
            self.settings
        );
        for (y, n) in &self.marks {
            let _ = writeln!(s, "Marks in {y}: {n}.");
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Absence, {} (generated) beside England 2021/22 (published), pupils in NC years 1–11:\n",
            self.year
        );
        let _ = writeln!(s, "| group | pupils | overall absence % | authorised % | unauthorised % | persistent absence % | severe absence % |");
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
        for g in &self.groups {
            let published = PUBLISHED.iter().find(|p| p.group == g.group);
            let both = |ours: Option<Percent>, theirs: Option<u32>| match theirs {
                Some(t) => format!("{} ({})", pct(ours), tenths(t)),
                None => pct(ours),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                g.group.label(),
                g.pupils,
                both(g.sessions.absence_pct(), published.map(|p| p.absence[0])),
                both(g.sessions.authorised_pct(), published.map(|p| p.absence[1])),
                both(
                    g.sessions.unauthorised_pct(),
                    published.map(|p| p.absence[2])
                ),
                both(g.persistent_pct(), published.map(|p| p.absence[3])),
                pct(g.severe_pct()),
            );
        }
        let _ = writeln!(
            s,
            "\nExclusions, {} (generated) beside England 2018/19 (published):\n",
            self.year
        );
        let _ = writeln!(
            s,
            "| group | pupils | permanent exclusions % | one or more suspensions % |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|");
        for g in &self.groups {
            let published = PUBLISHED.iter().find(|p| p.group == g.group);
            let perm = g.permanent_hundredths().map_or("–".to_owned(), hundredths);
            let (perm, susp) = match published {
                Some(p) => (
                    format!("{perm} ({})", hundredths(u64::from(p.exclusions[0]))),
                    format!(
                        "{} ({})",
                        pct(g.suspended_pct()),
                        hundredths(u64::from(p.exclusions[1]))
                    ),
                ),
                None => (perm, pct(g.suspended_pct())),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                g.group.label(),
                g.pupils,
                perm,
                susp
            );
        }
        let h = &self.history;
        let share = |n: u32, of: u32| pct(Percent::of(u64::from(n), u64::from(of)));
        let cla: u32 = h.cla_by_age.iter().sum();
        let _ = writeln!(
            s,
            "\nChildren looked after on {} (generated) beside England at 31 March 2023 (published):\n",
            self.today
        );
        let _ = writeln!(s, "| | generated % | published % |");
        let _ = writeln!(s, "|---|---:|---:|");
        for (label, n, theirs) in [
            ("aged under 1", h.cla_by_age[0], "5"),
            ("aged 1 to 4", h.cla_by_age[1], "13"),
            ("aged 5 to 9", h.cla_by_age[2], "18"),
            ("aged 10 to 15", h.cla_by_age[3], "38"),
            ("aged 16 and over", h.cla_by_age[4], "26"),
            ("on a care order", h.cla_by_legal_status[0], "76"),
            ("on a placement order", h.cla_by_legal_status[1], "5"),
            (
                "accommodated under section 20",
                h.cla_by_legal_status[2],
                "19",
            ),
            ("other legal status", h.cla_by_legal_status[3], "0.4"),
            ("in foster care", h.cla_by_placement[0], "68"),
            ("placed for adoption", h.cla_by_placement[1], "2"),
            ("placed with parents", h.cla_by_placement[2], "7"),
            (
                "in children's homes, secure or other residential settings",
                h.cla_by_placement[3],
                "19",
            ),
            ("other placements", h.cla_by_placement[4], "4"),
        ] {
            let _ = writeln!(s, "| {label} | {} | {theirs} |", share(n, cla));
        }
        let _ = writeln!(s, "\nPlans and care in the year to {}:\n", self.today);
        let _ = writeln!(
            s,
            "- CP plans ended: {}; median length {} days (~{:.1} months); {}% lasted three months or less, {}% two years or more; {}% stepped down to a CIN plan the next day.",
            h.cp_ended[0],
            h.cp_ended[1],
            f64::from(h.cp_ended[1]) / 30.44,
            share(h.cp_ended[2], h.cp_ended[0]),
            share(h.cp_ended[3], h.cp_ended[0]),
            share(h.step_downs, h.cp_ended[0]),
        );
        let _ = writeln!(
            s,
            "- CIN plans ended: {}; median length {} days. CP plans started the day after a CIN plan ended (step-ups): {}.",
            h.cin_ended[0], h.cin_ended[1], h.step_ups
        );
        let ended: u32 = h.care_endings.iter().map(|x| x.1).sum();
        let _ = writeln!(
            s,
            "- Periods of care ended in the three years to {}: {ended}, with {}.{} episodes each on average (each change of placement or legal status starts one):",
            self.today,
            h.episodes_per_period_tenths / 10,
            h.episodes_per_period_tenths % 10
        );
        for (how, n) in &h.care_endings {
            let _ = writeln!(s, "  - {how}: {}%", share(*n, ended));
        }
        let _ = writeln!(
            s,
            "- Pupils with marks this academic year who are CIN, CP or CLA today: {}; with a part-time timetable (C2) this year: {} ({}%); dual registered at a PRU or AP this year: {} ({}%).",
            h.current_pupils,
            h.part_time,
            share(h.part_time, h.current_pupils),
            h.dual_registered,
            share(h.dual_registered, h.current_pupils)
        );
        let _ = writeln!(
            s,
            "\nAttainment, all years in the data (generated) beside England 2021/22 (published):\n"
        );
        let _ = writeln!(s, "| group | EYFS GLD % (n) | KS2 RWM expected % (n) | KS4 grade 5+ E&M % (n) | Attainment 8 mean (n) |");
        let _ = writeln!(s, "|---|---:|---:|---:|---:|");
        for (g, a) in &self.attainment {
            let published = PUBLISHED.iter().find(|p| p.group == *g);
            let rate = |(n, m): (u32, u32)| {
                format!("{} ({n})", pct(Percent::of(u64::from(m), u64::from(n))))
            };
            let att8 = if a.att8.0 > 0 {
                let mean = (a.att8.1 + u64::from(a.att8.0) / 2) / u64::from(a.att8.0);
                format!("{} ({})", tenths(mean as u32), a.att8.0)
            } else {
                "–".to_owned()
            };
            let (ks2, ks4, att8) = match published {
                Some(p) => (
                    format!("{} [{}]", rate(a.ks2), p.ks2),
                    format!(
                        "{} [{}]",
                        rate(a.ks4_em5),
                        p.ks4_em5.map_or("c".to_owned(), tenths)
                    ),
                    format!("{att8} [{}]", tenths(p.att8)),
                ),
                None => (rate(a.ks2), rate(a.ks4_em5), att8),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                g.label(),
                rate(a.eyfs),
                ks2,
                ks4,
                att8
            );
        }
        s
    }
}
