//! Children's social-care spells (CIN plans, CP plans, looked-after episodes) and the cohort
//! rules built on them: who is CLA, CP or CIN on a date, who is Ever6, who is previously
//! looked after.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::calendar::six_years_before;

/// Status of a child on a date, reported once with the priority CLA > CP > CIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CohortStatus {
    /// Looked after (a child in care).
    Cla,
    /// On a child protection plan.
    Cp,
    /// On a child in need plan.
    Cin,
}

impl CohortStatus {
    pub const ALL: [CohortStatus; 3] = [CohortStatus::Cla, CohortStatus::Cp, CohortStatus::Cin];

    /// As the JSON contracts write it.
    pub fn code(&self) -> &'static str {
        match self {
            CohortStatus::Cla => "CLA",
            CohortStatus::Cp => "CP",
            CohortStatus::Cin => "CIN",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            CohortStatus::Cla => "Looked after",
            CohortStatus::Cp => "Child protection plan",
            CohortStatus::Cin => "Child in need plan",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "CLA" => Some(CohortStatus::Cla),
            "CP" => Some(CohortStatus::Cp),
            "CIN" => Some(CohortStatus::Cin),
            _ => None,
        }
    }
}

impl fmt::Display for CohortStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A child's status as a school's tracker shows it: current, or "previously had a social
/// worker" (Ever6 with nothing current).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TrackerStatus {
    Current(CohortStatus),
    Ever6,
}

impl TrackerStatus {
    pub fn code(&self) -> &'static str {
        match self {
            TrackerStatus::Current(s) => s.code(),
            TrackerStatus::Ever6 => "ever6",
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            TrackerStatus::Current(s) => s.label(),
            TrackerStatus::Ever6 => "Previously had a social worker",
        }
    }
}

/// Dates a plan or episode covers: from its start to its end, both inclusive; an open one
/// runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: Date,
    pub end: Option<Date>,
}

impl Span {
    pub fn new(start: Date, end: Option<Date>) -> Self {
        Span { start, end }
    }

    pub fn covers(&self, date: Date) -> bool {
        self.start <= date && self.end.is_none_or(|e| date <= e)
    }

    /// Whether any day from `from` to `to` (inclusive) is covered.
    pub fn overlaps(&self, from: Date, to: Date) -> bool {
        self.start <= to && self.end.is_none_or(|e| e >= from)
    }

    /// The end, or `open_until` for an open span.
    pub fn end_or(&self, open_until: Date) -> Date {
        self.end.unwrap_or(open_until)
    }

    pub fn is_well_ordered(&self) -> bool {
        self.end.is_none_or(|e| e >= self.start)
    }
}

/// A plan from the CIN census: a child in need plan or a child protection plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PlanKind {
    Cin,
    Cp,
}

impl PlanKind {
    pub fn code(&self) -> &'static str {
        match self {
            PlanKind::Cin => "CIN",
            PlanKind::Cp => "CP",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Plan {
    pub kind: PlanKind,
    pub span: Span,
}

/// An SSDA903 reason an episode ceased, where it matters to the Virtual School.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permanence {
    /// E11, E12: adopted.
    Adoption,
    /// E41: residence order or child arrangements order.
    ChildArrangementsOrder,
    /// E43–E48: special guardianship order.
    SpecialGuardianship,
}

/// A looked-after episode from the SSDA903 (one row of the episodes table).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CareEpisode {
    pub span: Span,
    /// `LS`: legal status (C1, C2, D1, E1, J1, J2, J3, L1, L2, L3, V2, V3, V4).
    pub legal_status: String,
    /// `PLACE`: placement type.
    pub placement: String,
    /// `REC`: reason the episode ceased (X1 when the period of care carries on).
    pub reason_ceased: Option<String>,
}

impl CareEpisode {
    /// V3 and V4 are short breaks: not "looked after" in the DfE's statistics.
    pub fn counts_as_looked_after(&self) -> bool {
        !matches!(self.legal_status.as_str(), "V3" | "V4")
    }

    /// What a period of care ending with this episode's REC makes of the child.
    pub fn permanence(&self) -> Option<Permanence> {
        permanence_of(self.reason_ceased.as_deref()?)
    }

    /// E45 and E47 (special guardianship or a child arrangements order to relatives or
    /// friends) also make a kinship arrangement.
    pub fn ends_in_kinship(&self) -> bool {
        matches!(self.reason_ceased.as_deref(), Some("E45" | "E47"))
    }
}

/// The permanence outcome named by an SSDA903 reason-ceased code.
pub fn permanence_of(rec: &str) -> Option<Permanence> {
    match rec.trim() {
        "E11" | "E12" => Some(Permanence::Adoption),
        "E41" => Some(Permanence::ChildArrangementsOrder),
        "E43" | "E44" | "E45" | "E46" | "E47" | "E48" => Some(Permanence::SpecialGuardianship),
        _ => None,
    }
}

/// The valid SSDA903 legal status codes.
pub const LEGAL_STATUSES: &[&str] = &[
    "C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4",
];

/// The valid SSDA903 reason-ceased codes.
pub const REASONS_CEASED: &[&str] = &[
    "X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E4A", "E4B", "E41", "E43",
    "E44", "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E8", "E9",
];

/// Everything the Virtual School knows of one child's social-care history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialCareHistory {
    pub plans: Vec<Plan>,
    pub episodes: Vec<CareEpisode>,
}

impl SocialCareHistory {
    fn looked_after_spans(&self) -> impl Iterator<Item = &Span> {
        self.episodes
            .iter()
            .filter(|e| e.counts_as_looked_after())
            .map(|e| &e.span)
    }

    fn plan_spans(&self, kind: PlanKind) -> impl Iterator<Item = &Span> {
        self.plans
            .iter()
            .filter(move |p| p.kind == kind)
            .map(|p| &p.span)
    }

    /// Every span that makes a child "have a social worker": CIN plans, CP plans and
    /// looked-after episodes.
    pub fn all_spans(&self) -> impl Iterator<Item = &Span> {
        self.plans
            .iter()
            .map(|p| &p.span)
            .chain(self.looked_after_spans())
    }

    /// The child's status on a date: CLA > CP > CIN.
    pub fn status_on(&self, date: Date) -> Option<CohortStatus> {
        if self.looked_after_spans().any(|s| s.covers(date)) {
            Some(CohortStatus::Cla)
        } else if self.plan_spans(PlanKind::Cp).any(|s| s.covers(date)) {
            Some(CohortStatus::Cp)
        } else if self.plan_spans(PlanKind::Cin).any(|s| s.covers(date)) {
            Some(CohortStatus::Cin)
        } else {
            None
        }
    }

    /// Ever6 on a date: a plan or looked-after episode covering any day of the six years up
    /// to and including the date (so every current child is Ever6 too).
    pub fn ever6_on(&self, date: Date) -> bool {
        let from = six_years_before(date);
        self.all_spans().any(|s| s.overlaps(from, date))
    }

    /// The tracker's status: current, else Ever6 ("previously had a social worker"), else none.
    pub fn tracker_status_on(&self, date: Date) -> Option<TrackerStatus> {
        match self.status_on(date) {
            Some(s) => Some(TrackerStatus::Current(s)),
            None if self.ever6_on(date) => Some(TrackerStatus::Ever6),
            None => None,
        }
    }

    /// Whether a date is covered by any plan or looked-after episode ("on plan").
    pub fn on_plan(&self, date: Date) -> bool {
        self.all_spans().any(|s| s.covers(date))
    }

    /// Whether the child is previously looked after on a date: not looked after now, and the
    /// last period of care before the date ended in adoption, a child arrangements order or
    /// special guardianship.
    pub fn previously_looked_after_on(&self, date: Date) -> Option<Permanence> {
        if self.status_on(date) == Some(CohortStatus::Cla) {
            return None;
        }
        self.last_ended_episode_before(date)?.permanence()
    }

    /// A kinship arrangement on a date: the last period of care ended with E45 or E47.
    pub fn kinship_on(&self, date: Date) -> bool {
        self.status_on(date) != Some(CohortStatus::Cla)
            && self
                .last_ended_episode_before(date)
                .is_some_and(|e| e.ends_in_kinship())
    }

    fn last_ended_episode_before(&self, date: Date) -> Option<&CareEpisode> {
        self.episodes
            .iter()
            .filter(|e| e.span.end.is_some_and(|end| end <= date))
            .max_by_key(|e| (e.span.end, e.span.start))
    }

    /// The start of the continuous spell in `status` that covers `date`: contiguous episodes
    /// (one's end equal to, or the day before, the next one's start) and back-to-back plans of
    /// one kind are merged.
    pub fn spell_start(&self, status: CohortStatus, date: Date) -> Option<Date> {
        let spans: Vec<Span> = match status {
            CohortStatus::Cla => self.looked_after_spans().copied().collect(),
            CohortStatus::Cp => self.plan_spans(PlanKind::Cp).copied().collect(),
            CohortStatus::Cin => self.plan_spans(PlanKind::Cin).copied().collect(),
        };
        let merged = merge_spans(spans);
        merged.into_iter().find(|s| s.covers(date)).map(|s| s.start)
    }

    /// The last day any plan or episode covered before or on `date` ("last plan ended" for
    /// a pupil who previously had a social worker).
    pub fn last_ended_on_or_before(&self, date: Date) -> Option<Date> {
        self.all_spans()
            .filter_map(|s| s.end)
            .filter(|&e| e <= date)
            .max()
    }
}

/// Merges spans that overlap or touch (an end equal to or the day before the next start).
pub fn merge_spans(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|s| s.start);
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        if let Some(last) = out.last_mut() {
            let touches = match last.end {
                None => true,
                Some(e) => s.start <= e + Duration::days(1),
            };
            if touches {
                last.end = match (last.end, s.end) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(a.max(b)),
                };
                continue;
            }
        }
        out.push(s);
    }
    out
}

/// Headline cohort counts on a date (DESIGN §4): CLA, CP and CIN are current statuses with
/// each child counted once; Ever6 counts every child with a plan or episode in the six years,
/// current ones included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortCounts {
    pub cla: u32,
    pub cp: u32,
    pub cin: u32,
    pub ever6: u32,
}

impl CohortCounts {
    pub fn add(&mut self, history: &SocialCareHistory, date: Date) {
        match history.status_on(date) {
            Some(CohortStatus::Cla) => self.cla += 1,
            Some(CohortStatus::Cp) => self.cp += 1,
            Some(CohortStatus::Cin) => self.cin += 1,
            None => {}
        }
        if history.ever6_on(date) {
            self.ever6 += 1;
        }
    }

    pub fn current(&self) -> u32 {
        self.cla + self.cp + self.cin
    }
}

/// Whether a child counts in a cohort on a date: born, and under 18.
pub fn in_age_range(birth: Option<Date>, date: Date) -> bool {
    match birth {
        Some(b) => b <= date && crate::calendar::age_on(b, date) < 18,
        // A child with no recorded birth date (an unborn child has an expected date instead)
        // is not counted among children aged 0 to 17.
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn plan(kind: PlanKind, start: Date, end: Option<Date>) -> Plan {
        Plan {
            kind,
            span: Span::new(start, end),
        }
    }

    fn episode(start: Date, end: Option<Date>, ls: &str, rec: Option<&str>) -> CareEpisode {
        CareEpisode {
            span: Span::new(start, end),
            legal_status: ls.into(),
            placement: "U1".into(),
            reason_ceased: rec.map(Into::into),
        }
    }

    /// The DESIGN §4 worked example: CIN 2024-10-01..2024-11-15, CP from 2024-11-18.
    fn worked_example() -> SocialCareHistory {
        SocialCareHistory {
            plans: vec![
                plan(
                    PlanKind::Cin,
                    date!(2024 - 10 - 01),
                    Some(date!(2024 - 11 - 15)),
                ),
                plan(PlanKind::Cp, date!(2024 - 11 - 18), None),
            ],
            episodes: vec![],
        }
    }

    #[test]
    fn worked_example_status() {
        let h = worked_example();
        assert_eq!(h.status_on(date!(2024 - 11 - 22)), Some(CohortStatus::Cp));
        assert!(h.ever6_on(date!(2024 - 11 - 22)));
        assert_eq!(h.status_on(date!(2024 - 11 - 16)), None);
        assert!(h.ever6_on(date!(2024 - 11 - 16)));
        assert_eq!(
            h.tracker_status_on(date!(2024 - 11 - 16)),
            Some(TrackerStatus::Ever6)
        );
        assert_eq!(h.status_on(date!(2024 - 09 - 30)), None);
        assert!(!h.ever6_on(date!(2024 - 09 - 30)));
    }

    #[test]
    fn plan_starting_or_ending_on_the_report_date_covers_it() {
        let h = SocialCareHistory {
            plans: vec![plan(
                PlanKind::Cin,
                date!(2025 - 03 - 14),
                Some(date!(2025 - 03 - 20)),
            )],
            episodes: vec![],
        };
        assert_eq!(h.status_on(date!(2025 - 03 - 14)), Some(CohortStatus::Cin));
        assert_eq!(h.status_on(date!(2025 - 03 - 20)), Some(CohortStatus::Cin));
        assert_eq!(h.status_on(date!(2025 - 03 - 21)), None);
        assert_eq!(h.status_on(date!(2025 - 03 - 13)), None);
    }

    #[test]
    fn plan_starting_after_the_date_counts_for_nothing() {
        let h = SocialCareHistory {
            plans: vec![plan(PlanKind::Cp, date!(2025 - 03 - 15), None)],
            episodes: vec![],
        };
        assert_eq!(h.status_on(date!(2025 - 03 - 14)), None);
        assert!(!h.ever6_on(date!(2025 - 03 - 14)));
    }

    #[test]
    fn overlapping_plans_of_different_kinds_take_the_priority() {
        let h = SocialCareHistory {
            plans: vec![
                plan(PlanKind::Cin, date!(2024 - 01 - 01), None),
                plan(
                    PlanKind::Cp,
                    date!(2024 - 06 - 01),
                    Some(date!(2024 - 12 - 31)),
                ),
            ],
            episodes: vec![episode(
                date!(2024 - 09 - 01),
                Some(date!(2024 - 10 - 31)),
                "C2",
                Some("E4A"),
            )],
        };
        assert_eq!(h.status_on(date!(2024 - 05 - 31)), Some(CohortStatus::Cin));
        assert_eq!(h.status_on(date!(2024 - 06 - 01)), Some(CohortStatus::Cp));
        assert_eq!(h.status_on(date!(2024 - 09 - 15)), Some(CohortStatus::Cla));
        assert_eq!(h.status_on(date!(2024 - 11 - 01)), Some(CohortStatus::Cp));
        assert_eq!(h.status_on(date!(2025 - 01 - 01)), Some(CohortStatus::Cin));
        let mut counts = CohortCounts::default();
        counts.add(&h, date!(2024 - 09 - 15));
        assert_eq!(
            counts,
            CohortCounts {
                cla: 1,
                cp: 0,
                cin: 0,
                ever6: 1
            }
        );
        // Current = CLA + CP + CIN (each child once).
        assert_eq!(counts.current(), 1);
        let many = CohortCounts {
            cla: 2,
            cp: 3,
            cin: 5,
            ever6: 40,
        };
        assert_eq!(many.current(), 10);
    }

    #[test]
    fn short_breaks_are_not_looked_after() {
        let h = SocialCareHistory {
            plans: vec![],
            episodes: vec![episode(date!(2024 - 01 - 01), None, "V4", None)],
        };
        assert_eq!(h.status_on(date!(2024 - 06 - 01)), None);
        assert!(!h.ever6_on(date!(2024 - 06 - 01)));
    }

    #[test]
    fn ever6_window_is_six_years_inclusive() {
        // A plan that ended on 2019-03-14 is Ever6 on 2025-03-14 (same calendar date six years
        // earlier) but not on 2025-03-15.
        let h = SocialCareHistory {
            plans: vec![plan(
                PlanKind::Cin,
                date!(2018 - 01 - 01),
                Some(date!(2019 - 03 - 14)),
            )],
            episodes: vec![],
        };
        assert!(h.ever6_on(date!(2025 - 03 - 14)));
        assert!(!h.ever6_on(date!(2025 - 03 - 15)));
        // 29 February: six years before 2024-02-29 is 2018-02-28.
        let h = SocialCareHistory {
            plans: vec![plan(
                PlanKind::Cp,
                date!(2017 - 01 - 01),
                Some(date!(2018 - 02 - 28)),
            )],
            episodes: vec![],
        };
        assert!(h.ever6_on(date!(2024 - 02 - 29)));
        assert!(!h.ever6_on(date!(2024 - 03 - 01)));
    }

    #[test]
    fn adoption_makes_a_child_previously_looked_after() {
        let h = SocialCareHistory {
            plans: vec![],
            episodes: vec![
                episode(
                    date!(2020 - 01 - 10),
                    Some(date!(2021 - 05 - 01)),
                    "C2",
                    Some("X1"),
                ),
                episode(
                    date!(2021 - 05 - 01),
                    Some(date!(2022 - 07 - 20)),
                    "E1",
                    Some("E11"),
                ),
            ],
        };
        assert_eq!(h.status_on(date!(2022 - 07 - 20)), Some(CohortStatus::Cla));
        assert_eq!(h.previously_looked_after_on(date!(2022 - 07 - 20)), None);
        assert_eq!(
            h.previously_looked_after_on(date!(2022 - 07 - 21)),
            Some(Permanence::Adoption)
        );
        assert!(!h.kinship_on(date!(2022 - 07 - 21)));
        // Still Ever6 for six years: aggregates count them, schools never see the reason.
        assert!(h.ever6_on(date!(2028 - 07 - 20)));
        assert!(!h.ever6_on(date!(2028 - 07 - 21)));
    }

    #[test]
    fn kinship_and_other_endings() {
        let sgo = SocialCareHistory {
            plans: vec![],
            episodes: vec![episode(
                date!(2021 - 01 - 01),
                Some(date!(2022 - 01 - 01)),
                "C2",
                Some("E45"),
            )],
        };
        assert_eq!(
            sgo.previously_looked_after_on(date!(2023 - 01 - 01)),
            Some(Permanence::SpecialGuardianship)
        );
        assert!(sgo.kinship_on(date!(2023 - 01 - 01)));
        let home = SocialCareHistory {
            plans: vec![],
            episodes: vec![episode(
                date!(2021 - 01 - 01),
                Some(date!(2022 - 01 - 01)),
                "C2",
                Some("E13"),
            )],
        };
        assert_eq!(home.previously_looked_after_on(date!(2023 - 01 - 01)), None);
        assert_eq!(
            permanence_of("E41"),
            Some(Permanence::ChildArrangementsOrder)
        );
        assert_eq!(permanence_of("E12"), Some(Permanence::Adoption));
        assert_eq!(permanence_of("E48"), Some(Permanence::SpecialGuardianship));
        assert_eq!(permanence_of("E4A"), None);
    }

    #[test]
    fn spell_start_merges_contiguous_episodes_and_back_to_back_plans() {
        let h = SocialCareHistory {
            plans: vec![
                plan(
                    PlanKind::Cp,
                    date!(2023 - 01 - 01),
                    Some(date!(2023 - 06 - 30)),
                ),
                plan(PlanKind::Cp, date!(2023 - 07 - 01), None),
                plan(
                    PlanKind::Cin,
                    date!(2021 - 01 - 01),
                    Some(date!(2021 - 02 - 01)),
                ),
                plan(
                    PlanKind::Cin,
                    date!(2021 - 03 - 01),
                    Some(date!(2021 - 04 - 01)),
                ),
            ],
            episodes: vec![
                episode(
                    date!(2024 - 02 - 01),
                    Some(date!(2024 - 03 - 01)),
                    "C2",
                    Some("X1"),
                ),
                episode(date!(2024 - 03 - 01), None, "C2", None),
            ],
        };
        assert_eq!(
            h.spell_start(CohortStatus::Cp, date!(2024 - 01 - 01)),
            Some(date!(2023 - 01 - 01))
        );
        assert_eq!(
            h.spell_start(CohortStatus::Cla, date!(2024 - 06 - 01)),
            Some(date!(2024 - 02 - 01))
        );
        // A gap of a month is not continuous.
        assert_eq!(
            h.spell_start(CohortStatus::Cin, date!(2021 - 03 - 15)),
            Some(date!(2021 - 03 - 01))
        );
        assert_eq!(
            h.spell_start(CohortStatus::Cin, date!(2021 - 02 - 15)),
            None
        );
        assert_eq!(
            h.last_ended_on_or_before(date!(2022 - 01 - 01)),
            Some(date!(2021 - 04 - 01))
        );
    }

    #[test]
    fn age_range_for_counts() {
        assert!(in_age_range(
            Some(date!(2010 - 05 - 01)),
            date!(2025 - 03 - 14)
        ));
        assert!(!in_age_range(
            Some(date!(2007 - 03 - 14)),
            date!(2025 - 03 - 14)
        ));
        assert!(in_age_range(
            Some(date!(2007 - 03 - 15)),
            date!(2025 - 03 - 14)
        ));
        assert!(!in_age_range(
            Some(date!(2025 - 03 - 15)),
            date!(2025 - 03 - 14)
        ));
        assert!(in_age_range(
            Some(date!(2025 - 03 - 14)),
            date!(2025 - 03 - 14)
        ));
        assert!(!in_age_range(None, date!(2025 - 03 - 14)));
    }

    #[test]
    fn codes_and_labels_are_the_contract() {
        // The JSON contracts write these codes; pages show the labels.
        let codes: Vec<&str> = CohortStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, ["CLA", "CP", "CIN"]);
        for s in CohortStatus::ALL {
            assert_eq!(CohortStatus::parse(s.code()), Some(s));
            assert_eq!(CohortStatus::parse(&s.code().to_lowercase()), Some(s));
            assert_eq!(s.to_string(), s.code());
            assert_eq!(TrackerStatus::Current(s).code(), s.code());
            assert_eq!(TrackerStatus::Current(s).label(), s.label());
        }
        assert_eq!(CohortStatus::parse("ever6"), None);
        assert_eq!(CohortStatus::Cla.label(), "Looked after");
        assert_eq!(CohortStatus::Cp.label(), "Child protection plan");
        assert_eq!(CohortStatus::Cin.label(), "Child in need plan");
        assert_eq!(TrackerStatus::Ever6.code(), "ever6");
        assert_eq!(
            TrackerStatus::Ever6.label(),
            "Previously had a social worker"
        );
        assert_eq!(PlanKind::Cin.code(), "CIN");
        assert_eq!(PlanKind::Cp.code(), "CP");
    }

    #[test]
    fn no_status_at_all_beyond_six_years() {
        let h = SocialCareHistory {
            plans: vec![plan(
                PlanKind::Cin,
                date!(2010 - 01 - 01),
                Some(date!(2011 - 01 - 01)),
            )],
            episodes: vec![],
        };
        assert_eq!(h.tracker_status_on(date!(2025 - 03 - 14)), None);
        assert_eq!(
            h.tracker_status_on(date!(2016 - 12 - 31)),
            Some(TrackerStatus::Ever6)
        );
        assert_eq!(
            h.tracker_status_on(date!(2010 - 06 - 01)),
            Some(TrackerStatus::Current(CohortStatus::Cin))
        );
    }

    #[test]
    fn span_edges() {
        let s = Span::new(date!(2024 - 01 - 10), Some(date!(2024 - 01 - 20)));
        assert!(s.overlaps(date!(2024 - 01 - 20), date!(2024 - 02 - 01)));
        assert!(s.overlaps(date!(2024 - 01 - 01), date!(2024 - 01 - 10)));
        assert!(!s.overlaps(date!(2024 - 01 - 21), date!(2024 - 02 - 01)));
        assert!(!s.overlaps(date!(2024 - 01 - 01), date!(2024 - 01 - 09)));
        assert!(Span::new(date!(2024 - 01 - 10), None)
            .overlaps(date!(2030 - 01 - 01), date!(2030 - 01 - 01)));
        assert!(!Span::new(date!(2024 - 01 - 10), Some(date!(2024 - 01 - 09))).is_well_ordered());
        // A one-day span and an open span are well ordered.
        assert!(Span::new(date!(2024 - 01 - 10), Some(date!(2024 - 01 - 10))).is_well_ordered());
        assert!(Span::new(date!(2024 - 01 - 10), None).is_well_ordered());
    }
}
