//! The social-care groups the DfE publishes pupils' outcomes by, and the behaviour the
//! generator gives each group.
//!
//! The DfE's "Outcomes for children in need" tables group pupils by their status at 31 March of
//! the academic year: children in need excluding CP and CLA (CINO), on a child protection plan
//! (CPPO), and looked after continuously for 12 months (CLA 12 months). Here "CIN" means on a
//! CIN plan (DESIGN §8), the nearest the Dataset comes to the DfE's CINO.

use time::{Date, Month};
use vschool_domain::calendar::years_before;
use vschool_domain::social_care::SocialCareHistory;
use vschool_domain::{AcademicYear, CohortStatus};

use crate::context::ymd;

/// A pupil's social-care group on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// On a CIN plan, not CP or looked after (the DfE's CINO, nearly).
    Cin,
    /// On a child protection plan, not looked after (CPPO).
    Cp,
    /// Looked after continuously for at least 12 months (the DfE's "CLA 12 months").
    Cla12,
    /// Looked after for less than 12 months.
    ClaShort,
    /// None now, but a plan or care before (an Ever6 "previously had a social worker" child,
    /// or earlier still).
    Previously,
    /// Previously looked after: care ended in adoption, special guardianship or a child
    /// arrangements order.
    Plac,
    /// Nothing yet: the child's involvement with social care starts later.
    NotYet,
}

impl Group {
    pub const ALL: [Group; 7] = [
        Group::Cin,
        Group::Cp,
        Group::Cla12,
        Group::ClaShort,
        Group::Previously,
        Group::Plac,
        Group::NotYet,
    ];

    pub fn label(&self) -> &'static str {
        match self {
            Group::Cin => "CIN plan at 31 March (≈ CINO)",
            Group::Cp => "CP plan at 31 March (CPPO)",
            Group::Cla12 => "Looked after 12 months at 31 March",
            Group::ClaShort => "Looked after under 12 months at 31 March",
            Group::Previously => "Previously had a social worker",
            Group::Plac => "Previously looked after (adoption, SGO, CAO)",
            Group::NotYet => "Social care involvement starts later",
        }
    }
}

/// The group a child is in on a date.
pub fn group_on(history: &SocialCareHistory, date: Date) -> Group {
    match history.status_on(date) {
        Some(CohortStatus::Cla) => {
            let year_before = years_before(date, 1);
            match history.spell_start(CohortStatus::Cla, date) {
                Some(s) if s <= year_before => Group::Cla12,
                _ => Group::ClaShort,
            }
        }
        Some(CohortStatus::Cp) => Group::Cp,
        Some(CohortStatus::Cin) => Group::Cin,
        None => {
            if history.previously_looked_after_on(date).is_some() {
                Group::Plac
            } else if history.all_spans().any(|s| s.start <= date)
                || history.episodes.iter().any(|e| e.span.start <= date)
            {
                Group::Previously
            } else {
                Group::NotYet
            }
        }
    }
}

/// 31 March of an academic year (the DfE's group date), or `today` if that is earlier.
pub fn census_date(year: AcademicYear, today: Date) -> Date {
    ymd(year.0 + 1, Month::March, 31).min(today)
}

/// How a group behaves. The absence figures are calibrated to the DfE's national figures for
/// 2021/22 (outcomes for children in need, six half terms) and the exclusion figures to
/// 2018/19, the last year before the pandemic (see docs/synthetic-la.md).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Profile {
    /// Median of the per-pupil absence propensity (before the phase factor) …
    pub absence_median: f64,
    /// … and its log-scale spread: a log-normal gives the heavy tail the statistics show.
    pub absence_sigma: f64,
    /// Share of absence that is unauthorised, for a typical pupil of the group.
    pub unauthorised: f64,
    /// Chance of one or more suspensions in a year, for a typical pupil.
    pub suspension: f64,
    /// Chance of a permanent exclusion in a year.
    pub permanent: f64,
    /// Chance of a mid-year school move.
    pub move_school: f64,
    /// Chance of a part-time timetable in a year (secondary and AP pupils).
    pub part_time: f64,
    /// Attainment: EYFS good level of development, KS2 expected standard in RWM, KS4 grade 5+
    /// in English and maths, and the Attainment 8 mean.
    pub gld: f64,
    pub ks2: f64,
    pub ks4_em5: f64,
    pub att8: f64,
}

pub(crate) fn profile(group: Group) -> Profile {
    match group {
        Group::Cin => Profile {
            absence_median: 0.087,
            absence_sigma: 1.1,
            unauthorised: 0.30,
            suspension: 0.092,
            permanent: 0.0085,
            move_school: 0.08,
            part_time: 0.06,
            gld: 0.52,
            ks2: 0.32,
            ks4_em5: 0.16,
            att8: 21.2,
        },
        Group::Cp => Profile {
            absence_median: 0.105,
            absence_sigma: 1.0,
            unauthorised: 0.40,
            suspension: 0.118,
            permanent: 0.011,
            move_school: 0.10,
            part_time: 0.07,
            gld: 0.48,
            ks2: 0.28,
            ks4_em5: 0.13,
            att8: 20.6,
        },
        Group::Cla12 => Profile {
            absence_median: 0.0205,
            absence_sigma: 1.55,
            unauthorised: 0.18,
            suspension: 0.089,
            permanent: 0.0011,
            move_school: 0.12,
            part_time: 0.05,
            gld: 0.51,
            ks2: 0.34,
            ks4_em5: 0.135,
            att8: 22.3,
        },
        Group::ClaShort => Profile {
            absence_median: 0.06,
            absence_sigma: 1.0,
            unauthorised: 0.38,
            suspension: 0.12,
            permanent: 0.004,
            move_school: 0.15,
            part_time: 0.06,
            gld: 0.42,
            ks2: 0.27,
            ks4_em5: 0.10,
            att8: 19.0,
        },
        Group::Previously => Profile {
            absence_median: 0.062,
            absence_sigma: 0.95,
            unauthorised: 0.38,
            suspension: 0.075,
            permanent: 0.004,
            move_school: 0.05,
            part_time: 0.02,
            gld: 0.52,
            ks2: 0.38,
            ks4_em5: 0.18,
            att8: 27.0,
        },
        Group::Plac => Profile {
            absence_median: 0.045,
            absence_sigma: 0.9,
            unauthorised: 0.28,
            suspension: 0.06,
            permanent: 0.002,
            move_school: 0.03,
            part_time: 0.02,
            gld: 0.55,
            ks2: 0.42,
            ks4_em5: 0.22,
            att8: 30.0,
        },
        Group::NotYet => Profile {
            absence_median: 0.06,
            absence_sigma: 0.95,
            unauthorised: 0.36,
            suspension: 0.07,
            permanent: 0.003,
            move_school: 0.05,
            part_time: 0.02,
            gld: 0.55,
            ks2: 0.42,
            ks4_em5: 0.2,
            att8: 29.0,
        },
    }
}
