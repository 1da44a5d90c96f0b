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

impl Child {
    /// Whether this child counts in the cohort figures on a date (born and under 18).
    pub fn counts_on(&self, date: Date) -> bool {
        crate::social_care::in_age_range(self.birth_date, date)
    }
}

/// The headline cohort counts on a date over a set of children: each child of counting age
/// (born, under 18) once, CLA > CP > CIN, and Ever6 including current children.
pub fn count_cohort<'a>(
    children: impl IntoIterator<Item = &'a Child>,
    date: Date,
) -> crate::social_care::CohortCounts {
    let mut counts = crate::social_care::CohortCounts::default();
    for child in children.into_iter().filter(|c| c.counts_on(date)) {
        counts.add(&child.history, date);
    }
    counts
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
pub fn allocation_on<'a>(
    allocations: impl IntoIterator<Item = &'a Allocation>,
    date: Date,
) -> Option<&'a Allocation> {
    allocations
        .into_iter()
        .filter(|a| a.span.covers(date))
        .max_by_key(|a| a.span.start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::social_care::SocialCareHistory;
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

    fn child(id: &str, birth: Option<Date>, plans: Vec<crate::social_care::Plan>) -> Child {
        Child {
            la_child_id: LaChildId::parse(id).expect("valid"),
            upn: None,
            upn_unknown: None,
            former_upn: None,
            birth_date: birth,
            sex: None,
            ethnicity: None,
            history: SocialCareHistory {
                plans,
                episodes: vec![],
            },
        }
    }

    #[test]
    fn cohort_counts_children_of_counting_age_once() {
        use crate::social_care::{CohortCounts, Plan, PlanKind};
        let on = date!(2025 - 03 - 14);
        let cin = |s, e| Plan {
            kind: PlanKind::Cin,
            span: Span::new(s, e),
        };
        let cp = |s, e| Plan {
            kind: PlanKind::Cp,
            span: Span::new(s, e),
        };
        let children = vec![
            // Current CIN, no UPN: counts as CIN and Ever6.
            child(
                "A",
                Some(date!(2012 - 01 - 01)),
                vec![cin(date!(2025 - 01 - 01), None)],
            ),
            // CIN and CP overlapping: CP only, once.
            child(
                "B",
                Some(date!(2012 - 01 - 01)),
                vec![
                    cin(date!(2024 - 01 - 01), None),
                    cp(date!(2025 - 03 - 14), None),
                ],
            ),
            // Plan ended a year ago: Ever6 only.
            child(
                "C",
                Some(date!(2015 - 01 - 01)),
                vec![cp(date!(2023 - 01 - 01), Some(date!(2024 - 03 - 14)))],
            ),
            // 18 on the date: not counted at all.
            child(
                "D",
                Some(date!(2007 - 03 - 14)),
                vec![cin(date!(2025 - 01 - 01), None)],
            ),
            // No birth date recorded: not counted.
            child("E", None, vec![cin(date!(2025 - 01 - 01), None)]),
            // Plan starts tomorrow: nothing.
            child(
                "F",
                Some(date!(2012 - 01 - 01)),
                vec![cin(date!(2025 - 03 - 15), None)],
            ),
        ];
        assert_eq!(
            count_cohort(&children, on),
            CohortCounts {
                cla: 0,
                cp: 1,
                cin: 1,
                ever6: 3
            }
        );
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
