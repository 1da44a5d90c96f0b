//! CIN episodes (referral to closure) around a child's plans and periods of care.
//!
//! The Dataset holds plans and 903 episodes, not CIN census episodes; but the CIN census and
//! the allocations need referral and closure dates. They are derived here, the same way every
//! time, from the child's own data (its history and its LA child id), so the generator (for
//! allocations) and the CIN census writer agree without storing anything extra.
//!
//! A CIN episode covers a run of plans and 903 episodes with gaps of at most 45 days; the
//! referral comes some days to weeks before the first (the assessment time), the closure up
//! to three weeks after the last, and never after `today`.

use time::{Date, Duration};
use vschool_domain::social_care::Span;
use vschool_domain::Child;

use crate::rng::{between, hash_str, stream, Domain};

/// The largest gap between spans that one CIN episode bridges.
const BRIDGE_DAYS: i64 = 45;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Involvement {
    pub referral: Date,
    /// `None` while the episode is open on `today`.
    pub closure: Option<Date>,
    /// First day covered by a plan or episode.
    pub first: Date,
    /// Last day covered (`None` when something is still open).
    pub last: Option<Date>,
    /// CIN census `ReasonForClosure` when closed.
    pub reason: Option<&'static str>,
}

fn closure_reason(child: &Child, spans_end: Date) -> &'static str {
    // The span that ended last decides.
    let last_episode = child
        .history
        .episodes
        .iter()
        .filter(|e| e.span.end == Some(spans_end))
        .max_by_key(|e| e.span.start);
    let aged_out = child
        .birth_date
        .is_some_and(|b| vschool_domain::calendar::age_on(b, spans_end + Duration::days(1)) >= 18);
    match last_episode.and_then(|e| e.reason_ceased.as_deref()) {
        Some("E11" | "E12") => "RC1",
        Some("E41") => "RC3",
        Some("E43" | "E44" | "E45" | "E46" | "E47" | "E48") => "RC4",
        Some("E3") => "RC5",
        Some("E2") => "RC2",
        Some("E7") => "RC6",
        _ if aged_out => "RC6",
        _ => "RC7",
    }
}

/// The child's CIN episodes as at `today`, oldest first.
pub(crate) fn involvements(child: &Child, today: Date) -> Vec<Involvement> {
    let mut spans: Vec<Span> = child
        .history
        .plans
        .iter()
        .map(|p| p.span)
        .chain(child.history.episodes.iter().map(|e| e.span))
        .filter(|s| s.start <= today)
        .collect();
    spans.sort_by_key(|s| (s.start, s.end));
    // Runs of spans with small gaps.
    let mut runs: Vec<(Date, Option<Date>, bool)> = Vec::new(); // (first, last, starts with CP)
    for s in spans {
        if let Some(last) = runs.last_mut() {
            let joins = match last.1 {
                None => true,
                Some(e) => s.start <= e + Duration::days(BRIDGE_DAYS),
            };
            if joins {
                last.1 = match (last.1, s.end) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(a.max(b)),
                };
                continue;
            }
        }
        let starts_cp = child
            .history
            .plans
            .iter()
            .any(|p| p.span.start == s.start && p.kind == vschool_domain::PlanKind::Cp);
        let starts_care = child
            .history
            .episodes
            .iter()
            .any(|e| e.span.start == s.start && e.counts_as_looked_after());
        runs.push((s.start, s.end, starts_cp && !starts_care));
    }
    let seed = hash_str(child.la_child_id.as_str());
    let mut out: Vec<Involvement> = Vec::with_capacity(runs.len());
    for (i, (first, last, starts_cp)) in runs.into_iter().enumerate() {
        let mut rng = stream(seed, Domain::Files, i as u64);
        // A run that opens with an emergency admission to care has its referral days before.
        let starts_care = child
            .history
            .episodes
            .iter()
            .any(|e| e.span.start == first && e.counts_as_looked_after())
            && !child.history.plans.iter().any(|p| p.span.start == first);
        let lead = if starts_care {
            between(&mut rng, 0, 10)
        } else if starts_cp {
            between(&mut rng, 25, 55)
        } else {
            between(&mut rng, 15, 60)
        };
        let mut referral = first - Duration::days(lead);
        if let Some(prev) = out.last() {
            let floor = prev.closure.unwrap_or(prev.referral) + Duration::days(1);
            referral = referral.max(floor).min(first);
        }
        if let Some(b) = child.birth_date {
            referral = referral.max(b.min(first));
        }
        let tail = between(&mut rng, 0, 21);
        let closure = last.and_then(|e| {
            let c = e + Duration::days(tail);
            (c <= today).then_some(c)
        });
        let reason = match (closure, last) {
            (Some(_), Some(e)) => Some(closure_reason(child, e)),
            _ => None,
        };
        out.push(Involvement {
            referral,
            closure,
            first,
            last,
            reason,
        });
    }
    // A closure may not reach the next referral.
    for i in 1..out.len() {
        let next_referral = out[i].referral;
        if let Some(c) = out[i - 1].closure {
            if c >= next_referral {
                let last = out[i - 1].last.unwrap_or(c);
                out[i - 1].closure = Some(last.max(next_referral - Duration::days(1)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use vschool_domain::social_care::{CareEpisode, Plan, PlanKind, SocialCareHistory};
    use vschool_domain::{LaChildId, Sex};

    fn child(plans: Vec<Plan>, episodes: Vec<CareEpisode>) -> Child {
        Child {
            la_child_id: LaChildId::parse("1000001").expect("valid id"),
            upn: None,
            upn_unknown: None,
            former_upn: None,
            birth_date: Some(date!(2015 - 01 - 01)),
            sex: Some(Sex::Female),
            ethnicity: Some("WBRI".into()),
            history: SocialCareHistory { plans, episodes },
        }
    }

    fn plan(kind: PlanKind, start: Date, end: Option<Date>) -> Plan {
        Plan {
            kind,
            span: Span::new(start, end),
        }
    }

    #[test]
    fn back_to_back_plans_are_one_episode_and_a_later_referral_another() {
        let c = child(
            vec![
                plan(
                    PlanKind::Cin,
                    date!(2022 - 01 - 10),
                    Some(date!(2022 - 06 - 30)),
                ),
                plan(
                    PlanKind::Cp,
                    date!(2022 - 07 - 01),
                    Some(date!(2023 - 03 - 01)),
                ),
                plan(PlanKind::Cin, date!(2024 - 05 - 01), None),
            ],
            vec![],
        );
        let invs = involvements(&c, date!(2025 - 03 - 14));
        assert_eq!(invs.len(), 2);
        assert!(invs[0].referral < date!(2022 - 01 - 10));
        assert_eq!(invs[0].first, date!(2022 - 01 - 10));
        assert_eq!(invs[0].last, Some(date!(2023 - 03 - 01)));
        let closed = invs[0].closure.expect("closed");
        assert!(closed >= date!(2023 - 03 - 01) && closed < invs[1].referral);
        assert_eq!(invs[0].reason, Some("RC7"));
        assert_eq!(invs[1].closure, None);
        assert_eq!(invs[1].reason, None);
        // The same child gives the same dates every time.
        assert_eq!(invs, involvements(&c, date!(2025 - 03 - 14)));
    }

    #[test]
    fn closure_is_never_after_today_and_adoption_closes_with_rc1() {
        let c = child(
            vec![],
            vec![CareEpisode {
                span: Span::new(date!(2023 - 01 - 01), Some(date!(2025 - 03 - 13))),
                legal_status: "E1".into(),
                placement: "A4".into(),
                reason_ceased: Some("E11".into()),
            }],
        );
        for inv in involvements(&c, date!(2025 - 03 - 14)) {
            assert!(inv.closure.is_none_or(|d| d <= date!(2025 - 03 - 14)));
            if inv.closure.is_some() {
                assert_eq!(inv.reason, Some("RC1"));
            }
        }
    }
}
