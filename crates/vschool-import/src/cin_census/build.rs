//! From the raw return to the domain: children with their CIN plans, CP plans and CIN
//! episodes, reporting values that cannot be used (DESIGN §8: a date the figures depend on
//! is an error; a UPN, sex or ethnicity that cannot be read is a warning).

use std::collections::HashMap;

use time::Date;
use vschool_domain::social_care::SocialCareHistory;
use vschool_domain::{Child, LaChildId, Plan, PlanKind, Sex, Span, Upn, UpnUnknown};

use super::model::{paths, CinReturn, RawValue};
use super::{CinCensusBatch, CinChild, CinEpisode, ETHNICITIES};
use crate::problem::{Location, Problem};
use crate::values::parse_xs_date;

/// Builds the domain children from the raw return, reporting values that cannot be used.
pub(super) fn build_children(
    file: &str,
    raw: &CinReturn,
    batch: &mut CinCensusBatch,
    problems: &mut Vec<Problem>,
) {
    let mut index: HashMap<LaChildId, usize> = HashMap::new();
    for c in &raw.children {
        let id_text = c.id().unwrap_or("");
        let at = |v: &RawValue, path: &str, field: &str| Location::Xml {
            line: v.line,
            path: format!("{path}/{field}"),
        };
        let err = |v: &RawValue, path: &str, field: &str, reason: String| {
            Problem::error(file, at(v, path, field), reason)
                .field(field)
                .value(&v.text)
                .child(id_text)
        };
        let warn = |v: &RawValue, path: &str, field: &str, reason: &str| {
            Problem::warning(file, at(v, path, field), reason)
                .field(field)
                .value(&v.text)
                .child(id_text)
        };
        let mut ok = true;
        let la_child_id = match &c.la_child_id {
            None => {
                // The XSD requires LAchildID; the structure error is already listed.
                ok = false;
                None
            }
            Some(v) => match LaChildId::parse(&v.text) {
                Ok(id) => Some(id),
                Err(e) => {
                    problems.push(err(
                        v,
                        paths::IDS,
                        "LAchildID",
                        format!("the child cannot be identified: {e}"),
                    ));
                    ok = false;
                    None
                }
            },
        };
        let mut unusable_upn = None;
        let upn = c.upn.as_ref().and_then(|v| match Upn::parse(&v.text) {
            Ok(u) => Some(u),
            Err(e) => {
                problems.push(warn(
                    v,
                    paths::IDS,
                    "UPN",
                    &format!("not a valid UPN ({e}): the child loads but cannot be linked to school records by it"),
                ));
                unusable_upn = Some(v.text.clone());
                None
            }
        });
        let upn_unknown = c.upn_unknown.as_ref().and_then(|v| {
            let u = UpnUnknown::parse(&v.text);
            if u.is_none() {
                problems.push(warn(
                    v,
                    paths::IDS,
                    "UPNunknown",
                    "not a reason a UPN is unknown (UN1 to UN7)",
                ));
            }
            u
        });
        let former_upn = c
            .former_upn
            .as_ref()
            .and_then(|v| match Upn::parse(&v.text) {
                Ok(u) => Some(u),
                Err(e) => {
                    problems.push(warn(
                        v,
                        paths::IDS,
                        "FormerUPN",
                        &format!("not a valid UPN ({e}); it is not used for linking"),
                    ));
                    None
                }
            });
        let birth_date = match &c.birth_date {
            None => None,
            Some(v) => match parse_xs_date(&v.text) {
                Ok(d) => Some(d),
                Err(reason) => {
                    problems.push(err(v, paths::IDS, "PersonBirthDate", reason));
                    ok = false;
                    None
                }
            },
        };
        let (sex_value, sex_field) = match (&c.sex, &c.gender_current) {
            (Some(v), _) => (Some(v), "Sex"),
            (None, Some(v)) => (Some(v), "GenderCurrent"),
            (None, None) => (None, "Sex"),
        };
        let sex = sex_value.and_then(|v| {
            let s = Sex::parse(&v.text).filter(|_| !v.text.is_empty());
            if s.is_none() {
                problems.push(warn(
                    v,
                    paths::IDS,
                    sex_field,
                    "not a sex code (M, F or U; 1, 2, 0 or 9 before 2025): the child loads with sex unknown",
                ));
            }
            s
        });
        let ethnicity = c.ethnicity.as_ref().and_then(|v| {
            if ETHNICITIES.contains(&v.text.as_str()) {
                Some(v.text.clone())
            } else {
                problems.push(warn(
                    v,
                    paths::CHARS,
                    "Ethnicity",
                    "not a DfE ethnicity code: the child loads with ethnicity unknown",
                ));
                None
            }
        });
        let mut plans: Vec<(Plan, u64)> = Vec::new();
        let mut episodes: Vec<CinEpisode> = Vec::new();
        for d in &c.cin_details {
            let referral = match &d.referral_date {
                None => None,
                Some(v) => match parse_xs_date(&v.text) {
                    Ok(x) => Some(x),
                    Err(reason) => {
                        problems.push(err(v, paths::DETAILS, "CINreferralDate", reason));
                        ok = false;
                        None
                    }
                },
            };
            let closure = read_optional_date(
                d.closure_date.as_ref(),
                paths::DETAILS,
                "CINclosureDate",
                &err,
                problems,
                &mut ok,
            );
            if let (Some(r), Some(Some(cl)), Some(v)) = (referral, closure, &d.closure_date) {
                if cl < r {
                    problems.push(err(
                        v,
                        paths::DETAILS,
                        "CINclosureDate",
                        "the CIN episode closes before its referral date".into(),
                    ));
                    ok = false;
                }
            }
            if let (Some(referral), Some(closure)) = (referral, closure) {
                episodes.push(CinEpisode {
                    referral,
                    closure,
                    reason_for_closure: d.reason_for_closure.as_ref().map(|v| v.text.clone()),
                    primary_need: d.primary_need.as_ref().map(|v| v.text.clone()),
                });
            }
            for (kind, list, path, sf, ef) in [
                (
                    PlanKind::Cin,
                    &d.cin_plans,
                    paths::CIN_PLAN,
                    "CINPlanStartDate",
                    "CINPlanEndDate",
                ),
                (
                    PlanKind::Cp,
                    &d.cp_plans,
                    paths::CP_PLAN,
                    "CPPstartDate",
                    "CPPendDate",
                ),
            ] {
                for p in list {
                    let start =
                        read_optional_date(p.start.as_ref(), path, sf, &err, problems, &mut ok)
                            .flatten();
                    let end = read_optional_date(p.end.as_ref(), path, ef, &err, problems, &mut ok);
                    let (Some(start), Some(end)) = (start, end) else {
                        continue;
                    };
                    if let (Some(e), Some(v)) = (end, &p.end) {
                        if e < start {
                            problems.push(err(
                                v,
                                path,
                                ef,
                                "the plan ends before it starts".into(),
                            ));
                            ok = false;
                            continue;
                        }
                    }
                    plans.push((
                        Plan {
                            kind,
                            span: Span::new(start, end),
                        },
                        p.line,
                    ));
                }
            }
        }
        let (Some(la_child_id), true) = (la_child_id, ok) else {
            continue;
        };
        // One plan per (kind, start): the store's key.
        let plans = dedupe_plans(file, id_text, plans, problems);
        episodes.sort_by_key(|e| e.referral);
        episodes.dedup_by(|later, earlier| {
            if later.referral == earlier.referral {
                if later.closure.is_some()
                    && earlier
                        .closure
                        .is_none_or(|e| later.closure.is_some_and(|l| l > e))
                {
                    earlier.closure = later.closure;
                }
                true
            } else {
                false
            }
        });
        let child = Child {
            la_child_id: la_child_id.clone(),
            upn,
            upn_unknown,
            former_upn,
            birth_date,
            sex,
            ethnicity,
            history: SocialCareHistory {
                plans,
                episodes: Vec::new(),
            },
        };
        match index.get(&la_child_id) {
            // The same child twice (rule 8510 flags it): one child, their plans and
            // episodes together.
            Some(&i) => {
                let held = &mut batch.children[i];
                held.child.history.plans.extend(child.history.plans);
                held.episodes.extend(episodes);
            }
            None => {
                index.insert(la_child_id, batch.children.len());
                batch.children.push(CinChild {
                    child,
                    episodes,
                    unusable_upn,
                });
            }
        }
    }
}

/// Reads an optional date element: `Some(None)` when absent, `Some(Some(d))` when read,
/// `None` (and an error) when it cannot be read.
fn read_optional_date(
    v: Option<&RawValue>,
    path: &str,
    field: &str,
    err: &impl Fn(&RawValue, &str, &str, String) -> Problem,
    problems: &mut Vec<Problem>,
    ok: &mut bool,
) -> Option<Option<Date>> {
    match v {
        None => Some(None),
        Some(v) => match parse_xs_date(&v.text) {
            Ok(d) => Some(Some(d)),
            Err(reason) => {
                problems.push(err(v, path, field, reason));
                *ok = false;
                None
            }
        },
    }
}

/// Keeps one plan per (kind, start date): a repeated one keeps the later (or open) end.
fn dedupe_plans(
    file: &str,
    id: &str,
    mut plans: Vec<(Plan, u64)>,
    problems: &mut Vec<Problem>,
) -> Vec<Plan> {
    plans.sort_by_key(|(p, _)| (p.kind, p.span.start));
    let mut out: Vec<Plan> = Vec::with_capacity(plans.len());
    for (p, line) in plans {
        if let Some(last) = out.last_mut() {
            if last.kind == p.kind && last.span.start == p.span.start {
                if last.span != p.span {
                    problems.push(
                        Problem::warning(
                            file,
                            Location::Xml {
                                line,
                                path: paths::CHILD.to_owned(),
                            },
                            format!(
                                "this child has two {} plans starting {}; one is kept, ending on the later date",
                                p.kind.code(),
                                vschool_domain::calendar::iso(p.span.start)
                            ),
                        )
                        .child(id),
                    );
                }
                last.span.end = match (last.span.end, p.span.end) {
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) => Some(a.max(b)),
                };
                continue;
            }
        }
        out.push(p);
    }
    out
}
