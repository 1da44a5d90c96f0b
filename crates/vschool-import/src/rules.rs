//! The DfE validation rules this system applies to the social-care returns, selectable by
//! collection year (`--check --collection-year YYYY`). Every rule hit is a warning (DESIGN
//! §8), except where the same cell already has an error (an end before its start, an invalid
//! legal status), which then carries the rule's code.
//!
//! The coverage matrix in docs/validation-rules.md lists what each rule checks and whether
//! our flags equal the public validators' on their fake data (tests/public_validators.rs).

use serde::{Deserialize, Serialize};

/// Which return a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Return {
    /// SSDA903 (children looked after).
    Ssda903,
    /// CIN census.
    CinCensus,
}

/// A rule we implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub ret: Return,
    /// The DfE's message for the rule.
    pub message: &'static str,
    /// First and last collection year (the year of the 31 March ending it) the rule applies to.
    pub from_year: i32,
    pub to_year: i32,
}

/// A row a rule flags. `row` is the 0-based position in the table as the public validators
/// number it (CSV data row; for CIN XML the n-th child, CIN episode, plan…).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RuleHit {
    pub code: &'static str,
    pub table: &'static str,
    pub row: usize,
    pub field: &'static str,
    pub la_child_id: Option<String>,
    /// The line in the file (CSV line or XML line).
    pub line: u64,
    pub value: Option<String>,
}

const OPEN: i32 = 9999;

macro_rules! rule {
    ($ret:ident, $code:expr, $from:expr, $to:expr, $msg:expr) => {
        RuleInfo {
            code: $code,
            ret: Return::$ret,
            message: $msg,
            from_year: $from,
            to_year: $to,
        }
    };
}

/// Every rule implemented. Collection years before the earliest ruleset the public
/// validators publish use the earliest (2024 for both returns).
pub const RULES: &[RuleInfo] = &[
    // SSDA903: header.
    rule!(Ssda903, "101", 0, 2024, "Gender code is not valid."),
    rule!(Ssda903, "101", 2025, OPEN, "The child or young person’s reported sex is not valid."),
    rule!(Ssda903, "102", 0, OPEN, "Date of birth is not a valid date."),
    rule!(Ssda903, "103", 0, OPEN, "The ethnicity code is either not valid or has not been entered."),
    rule!(Ssda903, "168", 0, OPEN, "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, UN3, UN4 or UN5."),
    rule!(Ssda903, "442", 0, OPEN, "Unique Pupil Number (UPN) field is not completed."),
    // SSDA903: episodes.
    rule!(Ssda903, "141", 0, OPEN, "Date episode began is not a valid date."),
    rule!(Ssda903, "142", 0, OPEN, "A new episode has started, but the previous episode has not ended."),
    rule!(Ssda903, "143", 0, OPEN, "The reason for new episode code is not a valid code."),
    rule!(Ssda903, "144", 0, OPEN, "The legal status code is not a valid code."),
    rule!(Ssda903, "145", 0, OPEN, "Category of need code is not a valid code."),
    rule!(Ssda903, "146", 0, OPEN, "Placement type code is not a valid code."),
    rule!(Ssda903, "147", 0, OPEN, "Date episode ceased is not a valid date."),
    rule!(Ssda903, "148", 0, OPEN, "Date episode ceased and reason episode ceased must both be coded, or both left blank."),
    rule!(Ssda903, "149", 0, OPEN, "Reason episode ceased code is not valid."),
    rule!(Ssda903, "302", 0, OPEN, "First episode starts before child was born."),
    rule!(Ssda903, "354", 0, OPEN, "Date episode ceased must be on or before the end of the current collection year."),
    rule!(Ssda903, "355", 0, OPEN, "Episode appears to have lasted for less than 24 hours"),
    rule!(Ssda903, "356", 0, OPEN, "The date the episode ceased is before the date the same episode started."),
    rule!(Ssda903, "357", 0, OPEN, "If this is the first episode ever for this child, reason for new episode must be S."),
    rule!(Ssda903, "385", 0, OPEN, "Date episode ceased must be on or before the end of the current collection year."),
    rule!(Ssda903, "388", 0, OPEN, "Reason episode ceased is coded new episode begins, but there is no continuation episode."),
    rule!(Ssda903, "437", 0, OPEN, "Reason episode ceased is child has died or is aged 18 or over but there are further episodes."),
    rule!(Ssda903, "501", 0, OPEN, "A new episode has started before the end date of the previous episode."),
    // CIN census: identifiers.
    rule!(CinCensus, "1510", 0, OPEN, "UPN invalid (wrong check letter at character 1)"),
    rule!(CinCensus, "1520", 0, OPEN, "More than one record with the same UPN."),
    rule!(CinCensus, "1530", 0, OPEN, "UPN invalid (characters 2-4 not a recognised LA code)"),
    rule!(CinCensus, "1540", 0, OPEN, "UPN invalid (characters 5-12 not all numeric)"),
    rule!(CinCensus, "1550", 0, OPEN, "UPN invalid (character 13 not a recognised value)"),
    rule!(CinCensus, "1560Q", 0, OPEN, "Please check and either amend or provide a reason: Former UPN wrongly formatted"),
    rule!(CinCensus, "1570", 2025, OPEN, "LA Child ID must not be longer than 20 characters"),
    rule!(CinCensus, "1580", 2025, OPEN, "LA Child ID must not contain any non-alphanumeric characters"),
    rule!(CinCensus, "4180", 0, 2024, "Gender is missing"),
    rule!(CinCensus, "4180", 2025, OPEN, "Sex must be provided and equal M, F, or U"),
    rule!(CinCensus, "8500", 0, OPEN, "LA Child ID missing"),
    rule!(CinCensus, "8510", 0, OPEN, "More than one child record with the same LA Child ID"),
    rule!(CinCensus, "8520", 0, OPEN, "Date of Birth is after data collection period (must be on or before the end of the census period)"),
    // CIN census: episodes and plans.
    rule!(CinCensus, "8600", 0, OPEN, "Child referral date missing or after data collection period"),
    rule!(CinCensus, "8620", 0, OPEN, "CIN Closure Date present and does not fall within the Census year"),
    rule!(CinCensus, "8630", 0, OPEN, "CIN Closure Date is before CIN Referral Date for the same CIN episode"),
    rule!(CinCensus, "4004", 0, OPEN, "This child is showing more than one open CIN Plan, i.e. with no End Date"),
    rule!(CinCensus, "4011", 0, OPEN, "CIN Plan End Date earlier than Start Date"),
    rule!(CinCensus, "4014", 0, OPEN, "CIN Plan data contains overlapping dates"),
    rule!(CinCensus, "8840", 0, OPEN, "Child Protection Plan cannot start and end on the same day"),
    rule!(CinCensus, "8925", 0, OPEN, "Child Protection Plan End Date earlier than Start Date"),
    rule!(CinCensus, "8935", 0, OPEN, "This child is showing more than one open Child Protection plan, i.e. with no End Date"),
    rule!(CinCensus, "8940", 0, OPEN, "Child Protection Plan data contains overlapping dates"),
];

/// The rules of one return for one collection year.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub ret: Return,
    pub collection_year: i32,
    rules: Vec<&'static RuleInfo>,
}

impl RuleSet {
    pub fn for_year(ret: Return, collection_year: i32) -> Self {
        let rules = RULES
            .iter()
            .filter(|r| {
                r.ret == ret && r.from_year <= collection_year && collection_year <= r.to_year
            })
            .collect();
        RuleSet {
            ret,
            collection_year,
            rules,
        }
    }

    pub fn applies(&self, code: &str) -> bool {
        self.rules.iter().any(|r| r.code == code)
    }

    pub fn get(&self, code: &str) -> Option<&'static RuleInfo> {
        self.rules.iter().copied().find(|r| r.code == code)
    }

    pub fn rules(&self) -> impl Iterator<Item = &'static RuleInfo> + '_ {
        self.rules.iter().copied()
    }
}

/// Collects hits, keeping only rules of the set.
pub(crate) struct Hits<'a> {
    pub set: &'a RuleSet,
    pub hits: Vec<RuleHit>,
}

impl<'a> Hits<'a> {
    pub fn new(set: &'a RuleSet) -> Self {
        Hits {
            set,
            hits: Vec::new(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        code: &'static str,
        table: &'static str,
        row: usize,
        field: &'static str,
        la_child_id: Option<&str>,
        line: u64,
        value: Option<&str>,
    ) {
        if self.set.applies(code) {
            self.hits.push(RuleHit {
                code,
                table,
                row,
                field,
                la_child_id: la_child_id.map(str::to_owned),
                line,
                value: value.map(str::to_owned),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_sets_change_with_the_year() {
        let old = RuleSet::for_year(Return::CinCensus, 2024);
        let new = RuleSet::for_year(Return::CinCensus, 2026);
        assert_eq!(
            old.get("4180").map(|r| r.message),
            Some("Gender is missing")
        );
        assert_eq!(
            new.get("4180").map(|r| r.message),
            Some("Sex must be provided and equal M, F, or U")
        );
        assert!(!old.applies("1570"));
        assert!(new.applies("1570"));
        assert!(!RuleSet::for_year(Return::Ssda903, 2025).applies("1510"));
    }
}
