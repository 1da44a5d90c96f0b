//! What a parser needs to know from outside the file: the settings register, the collection
//! year the user named, how many problems to list. The caller (CLI or web) builds it from the
//! database; the parsers stay pure.

use std::collections::HashSet;

use vschool_domain::Urn;

use crate::problem::DEFAULT_PROBLEM_CAP;

#[derive(Debug, Clone)]
pub struct ImportContext {
    /// URNs in the settings register. A file that names a school not in it has an error
    /// (DESIGN §8: the register comes before files that name URNs).
    pub known_urns: HashSet<Urn>,
    /// `--collection-year`: the collection year (the year of the 31 March that ends it) of a
    /// CIN census file with neither `ReferenceDate` nor `Year`, and of a set of 903 files
    /// (which carry no year; without it the year is inferred from the latest date in them).
    pub collection_year: Option<i32>,
    /// `--check --collection-year`: apply this year's DfE rules instead of the file's own
    /// year's, so our flags compare with the public validators run for that year.
    pub rules_year: Option<i32>,
    /// How many problems to list per file; the rest are counted. `usize::MAX` lists all
    /// (for the "download every problem as CSV" link).
    pub problem_cap: usize,
}

impl Default for ImportContext {
    fn default() -> Self {
        ImportContext {
            known_urns: HashSet::new(),
            collection_year: None,
            rules_year: None,
            problem_cap: DEFAULT_PROBLEM_CAP,
        }
    }
}

impl ImportContext {
    /// A context whose settings register holds `urns`.
    pub fn with_urns(urns: impl IntoIterator<Item = Urn>) -> Self {
        ImportContext {
            known_urns: urns.into_iter().collect(),
            ..Default::default()
        }
    }
}
