//! Children known to children's social care, and their allocated social workers.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::{LaChildId, Sex, Upn, UpnUnknown};
use crate::social_care::{SocialCareHistory, Span};

/// A child in the LA's social-care returns (CIN census and SSDA903), keyed by LA child id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub la_child_id: LaChildId,
    /// The UPN the newest source gives; `None` when unknown or malformed.
    pub upn: Option<Upn>,
    /// CIN census `UPNunknown` reason, when given.
    pub upn_unknown: Option<UpnUnknown>,
    /// CIN census `FormerUPN`, also tried when linking to school records.
    pub former_upn: Option<Upn>,
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
    /// DfE ethnicity code (WBRI, MWBC, …).
    pub ethnicity: Option<String>,
    pub history: SocialCareHistory,
}

/// A social worker allocated to a child for a span of dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub la_child_id: LaChildId,
    pub worker_name: String,
    pub worker_email: String,
    pub team: String,
    pub span: Span,
}

/// The allocation covering a date with the latest start (DESIGN §8: the tracker's `worker`).
pub fn allocation_on(allocations: &[Allocation], date: Date) -> Option<&Allocation> {
    allocations
        .iter()
        .filter(|a| a.span.covers(date))
        .max_by_key(|a| a.span.start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn alloc(name: &str, start: Date, end: Option<Date>) -> Allocation {
        Allocation {
            la_child_id: LaChildId::parse("C1").expect("valid"),
            worker_name: name.into(),
            worker_email: format!("{name}@example.org"),
            team: "Team A".into(),
            span: Span::new(start, end),
        }
    }

    #[test]
    fn latest_covering_allocation_wins() {
        let a = vec![
            alloc("ann", date!(2024 - 01 - 01), None),
            alloc("bob", date!(2024 - 06 - 01), Some(date!(2024 - 09 - 30))),
        ];
        assert_eq!(
            allocation_on(&a, date!(2024 - 05 - 31)).map(|a| a.worker_name.as_str()),
            Some("ann")
        );
        assert_eq!(
            allocation_on(&a, date!(2024 - 06 - 01)).map(|a| a.worker_name.as_str()),
            Some("bob")
        );
        assert_eq!(
            allocation_on(&a, date!(2024 - 10 - 01)).map(|a| a.worker_name.as_str()),
            Some("ann")
        );
        assert!(allocation_on(&a, date!(2023 - 12 - 31)).is_none());
    }
}
