//! Pupils as schools know them (the roll), their enrolments, exclusions and attainment.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::AcademicYear;
use crate::ids::{NcYear, Sex, Upn, Urn};

/// A pupil on a school roll, keyed by UPN. Names come only from schools: the DfE social-care
/// returns carry none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pupil {
    pub upn: Upn,
    pub surname: String,
    pub forename: String,
    pub birth_date: Date,
    pub sex: Sex,
}

impl Pupil {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.forename, self.surname)
    }
}

/// How a pupil is registered at a school (`EnrolStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EnrolStatus {
    /// C: single registration.
    Single,
    /// M: dual registration, main school.
    Main,
    /// S: dual registration, subsidiary school.
    Subsidiary,
    /// G: guest pupil; not on roll for trackers.
    Guest,
}

impl EnrolStatus {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "C" => Some(EnrolStatus::Single),
            "M" => Some(EnrolStatus::Main),
            "S" => Some(EnrolStatus::Subsidiary),
            "G" => Some(EnrolStatus::Guest),
            _ => None,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            EnrolStatus::Single => "C",
            EnrolStatus::Main => "M",
            EnrolStatus::Subsidiary => "S",
            EnrolStatus::Guest => "G",
        }
    }
    /// C, M and S count as on roll; a guest does not.
    pub fn counts_on_roll(&self) -> bool {
        !matches!(self, EnrolStatus::Guest)
    }
}

/// One enrolment of a pupil at a school, keyed by (UPN, URN, entry date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub upn: Upn,
    pub urn: Urn,
    pub entry: Date,
    pub leaving: Option<Date>,
    pub status: EnrolStatus,
    pub nc_year: NcYear,
}

impl Enrolment {
    /// On roll on a date: EntryDate ≤ date ≤ LeavingDate (blank is open), status C, M or S.
    pub fn on_roll(&self, date: Date) -> bool {
        self.status.counts_on_roll() && self.entry <= date && self.leaving.is_none_or(|l| date <= l)
    }
}

/// A suspension or permanent exclusion (`Category` SUSP or PERM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ExclusionCategory {
    Suspension,
    Permanent,
}

impl ExclusionCategory {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "SUSP" => Some(ExclusionCategory::Suspension),
            "PERM" => Some(ExclusionCategory::Permanent),
            _ => None,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            ExclusionCategory::Suspension => "SUSP",
            ExclusionCategory::Permanent => "PERM",
        }
    }
}

/// The DfE exclusion reason codes (school census `ExclusionReason`).
pub const EXCLUSION_REASONS: &[&str] = &[
    "PP", "PA", "VP", "VA", "BU", "RA", "SM", "DM", "DA", "TH", "DB", "MT", "UB", "AS", "OT",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub upn: Upn,
    pub urn: Urn,
    pub category: ExclusionCategory,
    pub start: Date,
    /// A suspension's length in sessions; `None` for a permanent exclusion.
    pub sessions: Option<u32>,
    pub reason: String,
}

impl Exclusion {
    /// School days lost (two sessions a day), as the DfE reports suspensions.
    pub fn days_lost_tenths(&self) -> u32 {
        self.sessions.unwrap_or(0) * 5
    }
}

/// An attainment measure the Virtual School follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Measure {
    /// Early years foundation stage profile: good level of development (Y/N).
    EyfsGld,
    /// Key stage 2: expected standard in reading, writing and maths (Y/N).
    Ks2RwmExpected,
    /// Key stage 4: grade 5 or above in English and maths (Y/N).
    Ks4EnglishMathsGrade5,
    /// Key stage 4: Attainment 8 score (0–90).
    Ks4Attainment8,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Measure::EyfsGld,
        Measure::Ks2RwmExpected,
        Measure::Ks4EnglishMathsGrade5,
        Measure::Ks4Attainment8,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Measure::EyfsGld => "EYFS_GLD",
            Measure::Ks2RwmExpected => "KS2_RWM_EXP",
            Measure::Ks4EnglishMathsGrade5 => "KS4_EM_GRADE5",
            Measure::Ks4Attainment8 => "KS4_ATT8",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        let t = raw.trim().to_ascii_uppercase();
        Measure::ALL.into_iter().find(|m| m.code() == t)
    }
    pub fn label(&self) -> &'static str {
        match self {
            Measure::EyfsGld => "EYFS good level of development",
            Measure::Ks2RwmExpected => "KS2 expected standard in reading, writing and maths",
            Measure::Ks4EnglishMathsGrade5 => "KS4 grade 5 or above in English and maths",
            Measure::Ks4Attainment8 => "KS4 Attainment 8",
        }
    }
}

/// A measure's value: met / not met, or a score in tenths (Attainment 8 is 0–90 with
/// decimals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MeasureValue {
    Met(bool),
    ScoreTenths(u32),
}

impl MeasureValue {
    pub fn parse(measure: Measure, raw: &str) -> Option<Self> {
        let t = raw.trim();
        match measure {
            Measure::Ks4Attainment8 => {
                let v: f64 = t.parse().ok()?;
                if !(0.0..=90.0).contains(&v) {
                    return None;
                }
                Some(MeasureValue::ScoreTenths((v * 10.0).round() as u32))
            }
            _ => match t.to_ascii_uppercase().as_str() {
                "Y" => Some(MeasureValue::Met(true)),
                "N" => Some(MeasureValue::Met(false)),
                _ => None,
            },
        }
    }
    pub fn text(&self) -> String {
        match self {
            MeasureValue::Met(true) => "Y".into(),
            MeasureValue::Met(false) => "N".into(),
            MeasureValue::ScoreTenths(t) if t % 10 == 0 => format!("{}", t / 10),
            MeasureValue::ScoreTenths(t) => format!("{}.{}", t / 10, t % 10),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttainmentResult {
    pub upn: Upn,
    pub year: AcademicYear,
    pub measure: Measure,
    pub value: MeasureValue,
}

/// A school contact who may receive the half-termly pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ContactRole {
    /// Designated safeguarding lead.
    Dsl,
    /// Designated teacher for looked-after and previously looked-after children.
    Dt,
    Head,
}

impl ContactRole {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "DSL" => Some(ContactRole::Dsl),
            "DT" => Some(ContactRole::Dt),
            "HEAD" => Some(ContactRole::Head),
            _ => None,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            ContactRole::Dsl => "DSL",
            ContactRole::Dt => "DT",
            ContactRole::Head => "HEAD",
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            ContactRole::Dsl => "Designated safeguarding lead",
            ContactRole::Dt => "Designated teacher",
            ContactRole::Head => "Headteacher",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub urn: Urn,
    pub role: ContactRole,
    pub name: String,
    pub email: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn enrolment(status: EnrolStatus, leaving: Option<Date>) -> Enrolment {
        Enrolment {
            upn: Upn::parse("H801200001001").expect("valid"),
            urn: Urn::new(123456).expect("valid"),
            entry: date!(2024 - 09 - 04),
            leaving,
            status,
            nc_year: NcYear::Year(7),
        }
    }

    #[test]
    fn on_roll_is_inclusive_and_excludes_guests() {
        let e = enrolment(EnrolStatus::Single, Some(date!(2025 - 01 - 31)));
        assert!(!e.on_roll(date!(2024 - 09 - 03)));
        assert!(e.on_roll(date!(2024 - 09 - 04)));
        assert!(e.on_roll(date!(2025 - 01 - 31)));
        assert!(!e.on_roll(date!(2025 - 02 - 01)));
        assert!(enrolment(EnrolStatus::Subsidiary, None).on_roll(date!(2030 - 01 - 01)));
        assert!(enrolment(EnrolStatus::Main, None).on_roll(date!(2030 - 01 - 01)));
        assert!(!enrolment(EnrolStatus::Guest, None).on_roll(date!(2024 - 10 - 01)));
    }

    #[test]
    fn measure_values() {
        assert_eq!(
            MeasureValue::parse(Measure::Ks4Attainment8, "45.5"),
            Some(MeasureValue::ScoreTenths(455))
        );
        assert_eq!(MeasureValue::parse(Measure::Ks4Attainment8, "91"), None);
        assert_eq!(MeasureValue::parse(Measure::Ks4Attainment8, "-1"), None);
        assert_eq!(
            MeasureValue::parse(Measure::EyfsGld, "y"),
            Some(MeasureValue::Met(true))
        );
        assert_eq!(MeasureValue::parse(Measure::Ks2RwmExpected, "maybe"), None);
        assert_eq!(MeasureValue::ScoreTenths(455).text(), "45.5");
        assert_eq!(MeasureValue::ScoreTenths(450).text(), "45");
        assert_eq!(Measure::parse("ks4_att8"), Some(Measure::Ks4Attainment8));
    }

    #[test]
    fn codes_round_trip() {
        for s in ["C", "M", "S", "G"] {
            assert_eq!(EnrolStatus::parse(s).map(|e| e.code()), Some(s));
        }
        assert_eq!(EnrolStatus::parse("Z"), None);
        assert_eq!(
            ExclusionCategory::parse("perm"),
            Some(ExclusionCategory::Permanent)
        );
        assert_eq!(ExclusionCategory::parse("FIXED"), None);
        assert_eq!(ContactRole::parse("dsl"), Some(ContactRole::Dsl));
        assert_eq!(ContactRole::parse("SENCO"), None);
    }

    #[test]
    fn full_name_is_forename_then_surname() {
        let p = Pupil {
            upn: Upn::parse("H801200001001").expect("valid"),
            surname: "Okafor".into(),
            forename: "Amara".into(),
            birth_date: date!(2012 - 05 - 17),
            sex: Sex::Female,
        };
        assert_eq!(p.full_name(), "Amara Okafor");
    }

    #[test]
    fn exclusion_categories_every_code() {
        // Each code reads back to its category and writes out as itself; case and blanks
        // do not matter when reading.
        for (code, category) in [
            ("SUSP", ExclusionCategory::Suspension),
            ("PERM", ExclusionCategory::Permanent),
        ] {
            assert_eq!(ExclusionCategory::parse(code), Some(category));
            assert_eq!(category.code(), code);
        }
        assert_eq!(
            ExclusionCategory::parse(" susp "),
            Some(ExclusionCategory::Suspension)
        );
        assert_eq!(ExclusionCategory::parse(""), None);
    }

    #[test]
    fn days_lost_in_tenths() {
        let suspension = |sessions| Exclusion {
            upn: Upn::parse("H801200001001").expect("valid"),
            urn: Urn::new(123456).expect("valid"),
            category: ExclusionCategory::Suspension,
            start: date!(2025 - 01 - 13),
            sessions,
            reason: "PP".into(),
        };
        // Two sessions make a day, so one session is 0.5 days = 5 tenths: 3 sessions are
        // 1.5 days = 15 tenths, 10 sessions 5 days = 50 tenths.
        assert_eq!(suspension(Some(3)).days_lost_tenths(), 15);
        assert_eq!(suspension(Some(10)).days_lost_tenths(), 50);
        assert_eq!(suspension(Some(1)).days_lost_tenths(), 5);
        // A permanent exclusion has no length in sessions: nothing counted.
        let permanent = Exclusion {
            category: ExclusionCategory::Permanent,
            ..suspension(None)
        };
        assert_eq!(permanent.days_lost_tenths(), 0);
    }

    #[test]
    fn measure_labels_and_codes() {
        let expected = [
            (
                Measure::EyfsGld,
                "EYFS_GLD",
                "EYFS good level of development",
            ),
            (
                Measure::Ks2RwmExpected,
                "KS2_RWM_EXP",
                "KS2 expected standard in reading, writing and maths",
            ),
            (
                Measure::Ks4EnglishMathsGrade5,
                "KS4_EM_GRADE5",
                "KS4 grade 5 or above in English and maths",
            ),
            (Measure::Ks4Attainment8, "KS4_ATT8", "KS4 Attainment 8"),
        ];
        for (measure, code, label) in expected {
            assert_eq!(measure.code(), code);
            assert_eq!(measure.label(), label);
            assert_eq!(Measure::parse(code), Some(measure));
        }
    }

    #[test]
    fn met_and_not_met() {
        // Y and N, either case, for every yes/no measure; the value writes back as Y or N.
        for measure in [
            Measure::EyfsGld,
            Measure::Ks2RwmExpected,
            Measure::Ks4EnglishMathsGrade5,
        ] {
            assert_eq!(
                MeasureValue::parse(measure, "N"),
                Some(MeasureValue::Met(false))
            );
            assert_eq!(
                MeasureValue::parse(measure, " n "),
                Some(MeasureValue::Met(false))
            );
            assert_eq!(
                MeasureValue::parse(measure, "Y"),
                Some(MeasureValue::Met(true))
            );
        }
        assert_eq!(MeasureValue::Met(false).text(), "N");
        assert_eq!(MeasureValue::Met(true).text(), "Y");
        // Attainment 8 is a score, not Y/N.
        assert_eq!(MeasureValue::parse(Measure::Ks4Attainment8, "N"), None);
    }

    #[test]
    fn contact_roles_every_code() {
        for (code, role, label) in [
            ("DSL", ContactRole::Dsl, "Designated safeguarding lead"),
            ("DT", ContactRole::Dt, "Designated teacher"),
            ("HEAD", ContactRole::Head, "Headteacher"),
        ] {
            assert_eq!(ContactRole::parse(code), Some(role));
            assert_eq!(role.code(), code);
            assert_eq!(role.label(), label);
        }
        assert_eq!(ContactRole::parse(" dt "), Some(ContactRole::Dt));
        assert_eq!(ContactRole::parse("head"), Some(ContactRole::Head));
    }
}
