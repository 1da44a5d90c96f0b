//! A CIN census file as it is written: every value we read, as text, with its line. The DfE
//! rules run on this (so they can flag values we could not interpret), and the domain batch
//! is built from it.

use serde::{Deserialize, Serialize};

/// A value and the line its element is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawValue {
    pub text: String,
    pub line: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CinReturn {
    pub year: Option<RawValue>,
    pub reference_date: Option<RawValue>,
    pub lea: Option<RawValue>,
    pub children: Vec<RawChild>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawChild {
    /// Line of the `<Child>` element.
    pub line: u64,
    pub la_child_id: Option<RawValue>,
    pub upn: Option<RawValue>,
    pub former_upn: Option<RawValue>,
    pub upn_unknown: Option<RawValue>,
    pub birth_date: Option<RawValue>,
    pub expected_birth_date: Option<RawValue>,
    /// `<Sex>` (2025 onwards).
    pub sex: Option<RawValue>,
    /// `<GenderCurrent>` (before 2025).
    pub gender_current: Option<RawValue>,
    pub death_date: Option<RawValue>,
    pub ethnicity: Option<RawValue>,
    pub disabilities: Vec<RawValue>,
    pub cin_details: Vec<RawCinDetails>,
}

impl RawChild {
    pub fn id(&self) -> Option<&str> {
        self.la_child_id.as_ref().map(|v| v.text.as_str())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawCinDetails {
    pub line: u64,
    pub referral_date: Option<RawValue>,
    pub referral_source: Option<RawValue>,
    pub primary_need: Option<RawValue>,
    pub closure_date: Option<RawValue>,
    pub reason_for_closure: Option<RawValue>,
    pub referral_nfa: Option<RawValue>,
    pub cin_plans: Vec<RawPlan>,
    pub cp_plans: Vec<RawPlan>,
}

/// A `<CINPlanDates>` or `<ChildProtectionPlans>` group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawPlan {
    pub line: u64,
    pub start: Option<RawValue>,
    pub end: Option<RawValue>,
}

/// The element paths of the values we read, for problem locations.
pub(crate) mod paths {
    pub const CHILD: &str = "Message/Children/Child";
    pub const IDS: &str = "Message/Children/Child/ChildIdentifiers";
    pub const CHARS: &str = "Message/Children/Child/ChildCharacteristics";
    pub const DETAILS: &str = "Message/Children/Child/CINdetails";
    pub const CIN_PLAN: &str = "Message/Children/Child/CINdetails/CINPlanDates";
    pub const CP_PLAN: &str = "Message/Children/Child/CINdetails/ChildProtectionPlans";
    pub const HEADER: &str = "Message/Header/CollectionDetails";

    /// The path of a rule table's field.
    pub fn of(table: &str, field: &str) -> String {
        let base = match table {
            "ChildIdentifiers" => IDS,
            "ChildCharacteristics" => CHARS,
            "Disabilities" => "Message/Children/Child/ChildCharacteristics/Disabilities",
            "CINdetails" => DETAILS,
            "CINplanDates" => CIN_PLAN,
            "ChildProtectionPlans" => CP_PLAN,
            "Header" => HEADER,
            _ => CHILD,
        };
        format!("{base}/{field}")
    }
}
