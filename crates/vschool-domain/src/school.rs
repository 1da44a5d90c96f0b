//! Settings: schools, early-years and post-16 settings and alternative provision, from the
//! DfE register of establishments (GIAS).

use serde::{Deserialize, Serialize};

use crate::ids::Urn;

/// The phase a setting teaches, as GIAS's `PhaseOfEducation (name)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Phase {
    Nursery,
    Primary,
    MiddleDeemedPrimary,
    Secondary,
    MiddleDeemedSecondary,
    SixteenPlus,
    AllThrough,
    /// Special schools, pupil referral units and alternative provision have no phase in GIAS.
    NotApplicable,
}

impl Phase {
    pub const ALL: [Phase; 8] = [
        Phase::Nursery,
        Phase::Primary,
        Phase::MiddleDeemedPrimary,
        Phase::Secondary,
        Phase::MiddleDeemedSecondary,
        Phase::SixteenPlus,
        Phase::AllThrough,
        Phase::NotApplicable,
    ];

    /// GIAS's wording.
    pub fn gias_name(&self) -> &'static str {
        match self {
            Phase::Nursery => "Nursery",
            Phase::Primary => "Primary",
            Phase::MiddleDeemedPrimary => "Middle deemed primary",
            Phase::Secondary => "Secondary",
            Phase::MiddleDeemedSecondary => "Middle deemed secondary",
            Phase::SixteenPlus => "16 plus",
            Phase::AllThrough => "All-through",
            Phase::NotApplicable => "Not applicable",
        }
    }

    pub fn parse_gias(raw: &str) -> Option<Self> {
        let t = raw.trim();
        Phase::ALL
            .into_iter()
            .find(|p| p.gias_name().eq_ignore_ascii_case(t))
    }
}

/// The kind of setting, grouped as the DfE's statistics group them (GIAS
/// `TypeOfEstablishment (name)` is kept alongside as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SettingKind {
    /// State-funded mainstream school (maintained or academy).
    Mainstream,
    Special,
    /// Pupil referral unit or alternative provision academy.
    AlternativeProvision,
    Independent,
    EarlyYears,
    PostSixteen,
    Other,
}

impl SettingKind {
    /// Groups a GIAS `TypeOfEstablishment (name)`.
    pub fn from_gias_type(type_name: &str) -> Self {
        let t = type_name.to_ascii_lowercase();
        if t.contains("special") {
            SettingKind::Special
        } else if t.contains("pupil referral") || t.contains("alternative provision") {
            SettingKind::AlternativeProvision
        } else if t.contains("independent") || t.contains("non-maintained") {
            SettingKind::Independent
        } else if t.contains("nursery")
            || t.contains("children's centre")
            || t.contains("early years")
        {
            SettingKind::EarlyYears
        } else if t.contains("further education")
            || t.contains("sixth form")
            // GIAS writes both "Academy 16-19 converter" and "Academy 16 to 19 sponsor led",
            // "Free schools 16 to 19": all are 16–19 institutions.
            || t.contains("16-19")
            || t.contains("16 to 19")
        {
            SettingKind::PostSixteen
        } else if t.contains("school") || t.contains("academy") || t.contains("free school") {
            SettingKind::Mainstream
        } else {
            SettingKind::Other
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            SettingKind::Mainstream => "Mainstream school",
            SettingKind::Special => "Special school",
            SettingKind::AlternativeProvision => "Alternative provision",
            SettingKind::Independent => "Independent school",
            SettingKind::EarlyYears => "Early years",
            SettingKind::PostSixteen => "Post-16",
            SettingKind::Other => "Other",
        }
    }
}

/// A setting as the register of establishments describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    pub urn: Urn,
    pub name: String,
    /// GIAS `TypeOfEstablishment (name)`.
    pub type_name: String,
    pub phase: Phase,
    /// GIAS `EstablishmentStatus (name)`: Open, Closed, …
    pub status: String,
    /// GIAS `LA (code)`, e.g. 873.
    pub la_code: u16,
    pub la_name: String,
    pub postcode: String,
}

impl Setting {
    pub fn kind(&self) -> SettingKind {
        SettingKind::from_gias_type(&self.type_name)
    }

    pub fn is_open(&self) -> bool {
        self.status.starts_with("Open")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_gias_types() {
        assert_eq!(
            SettingKind::from_gias_type("Community school"),
            SettingKind::Mainstream
        );
        assert_eq!(
            SettingKind::from_gias_type("Academy converter"),
            SettingKind::Mainstream
        );
        assert_eq!(
            SettingKind::from_gias_type("Community special school"),
            SettingKind::Special
        );
        assert_eq!(
            SettingKind::from_gias_type("Pupil referral unit"),
            SettingKind::AlternativeProvision
        );
        assert_eq!(
            SettingKind::from_gias_type("Academy alternative provision converter"),
            SettingKind::AlternativeProvision
        );
        assert_eq!(
            SettingKind::from_gias_type("Other independent school"),
            SettingKind::Independent
        );
        assert_eq!(
            SettingKind::from_gias_type("Local authority nursery school"),
            SettingKind::EarlyYears
        );
        assert_eq!(
            SettingKind::from_gias_type("Further education"),
            SettingKind::PostSixteen
        );
        assert_eq!(
            SettingKind::from_gias_type("Online provider"),
            SettingKind::Other
        );
    }

    #[test]
    fn each_alternative_word_counts_on_its_own() {
        // Each of these names holds only one of the words of its group, so each word must
        // count by itself. "Children's centre" and "Sixth form centres" hold no other
        // grouping word and would otherwise be Other; "Academy 16-19 converter" would be
        // Mainstream (it holds "academy").
        let cases = [
            ("Children's centre", SettingKind::EarlyYears),
            ("Children's centre linked site", SettingKind::EarlyYears),
            ("Early years setting", SettingKind::EarlyYears),
            ("Sixth form centres", SettingKind::PostSixteen),
            ("Academy 16-19 converter", SettingKind::PostSixteen),
            // GIAS spells the other 16–19 types with "to": the same group.
            ("Academy 16 to 19 sponsor led", SettingKind::PostSixteen),
            ("Free schools 16 to 19", SettingKind::PostSixteen),
            ("Free schools", SettingKind::Mainstream),
            ("Non-maintained special school", SettingKind::Special),
            ("Welsh establishment", SettingKind::Other),
        ];
        for (name, kind) in cases {
            assert_eq!(SettingKind::from_gias_type(name), kind, "{name}");
        }
    }

    #[test]
    fn kind_labels() {
        let expected = [
            (SettingKind::Mainstream, "Mainstream school"),
            (SettingKind::Special, "Special school"),
            (SettingKind::AlternativeProvision, "Alternative provision"),
            (SettingKind::Independent, "Independent school"),
            (SettingKind::EarlyYears, "Early years"),
            (SettingKind::PostSixteen, "Post-16"),
            (SettingKind::Other, "Other"),
        ];
        for (kind, label) in expected {
            assert_eq!(kind.label(), label);
        }
    }

    fn setting(type_name: &str, status: &str) -> Setting {
        Setting {
            urn: Urn::new(123456).expect("valid"),
            name: "Hillside Academy".into(),
            type_name: type_name.into(),
            phase: Phase::Secondary,
            status: status.into(),
            la_code: 873,
            la_name: "Cambridgeshire".into(),
            postcode: "CB1 1AA".into(),
        }
    }

    #[test]
    fn open_and_closed_settings() {
        // GIAS statuses: "Open" and "Open, but proposed to close" are open; "Closed" and
        // "Proposed to open" are not (yet, or any more).
        assert!(setting("Academy converter", "Open").is_open());
        assert!(setting("Academy converter", "Open, but proposed to close").is_open());
        assert!(!setting("Academy converter", "Closed").is_open());
        assert!(!setting("Academy converter", "Proposed to open").is_open());
        assert_eq!(
            setting("Academy converter", "Open").kind(),
            SettingKind::Mainstream
        );
        assert_eq!(
            setting("Pupil referral unit", "Open").kind(),
            SettingKind::AlternativeProvision
        );
    }

    #[test]
    fn phases() {
        assert_eq!(Phase::parse_gias("16 plus"), Some(Phase::SixteenPlus));
        assert_eq!(Phase::parse_gias("secondary"), Some(Phase::Secondary));
        assert_eq!(Phase::parse_gias("Tertiary"), None);
    }
}
