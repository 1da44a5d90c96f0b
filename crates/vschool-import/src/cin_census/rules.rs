//! The DfE CIN census validation rules we apply (docs/validation-rules.md lists them).
//!
//! Rows are numbered as the public validator (data-to-insight/csc-validator-be-cin) numbers
//! its tables: `ChildIdentifiers` by child, `CINdetails`, `CINplanDates` and
//! `ChildProtectionPlans` by their order in the file, from 0. The census period runs from
//! the day after `ReferenceDate` a year earlier to `ReferenceDate`.

use time::{Date, Duration};
use vschool_domain::calendar::years_before;
use vschool_domain::ids::UPN_LETTERS;

use super::model::{CinReturn, RawValue};
use crate::rules::{Hits, RuleHit, RuleSet};
use crate::values::parse_xs_date;

/// The LA codes a UPN's characters 2–4 may hold (the DfE's post-April-1998 LA codes and
/// pseudo-LA codes, as rule 1530 lists them).
fn la_code_ok(code: &str) -> bool {
    let Ok(n) = code.parse::<u16>() else {
        return false;
    };
    if code.len() != 3 {
        return false;
    }
    const RANGES: &[(u16, u16)] = &[
        (1, 5),
        (201, 213),
        (301, 320),
        (330, 336),
        (340, 344),
        (350, 359),
        (370, 373),
        (380, 384),
        (390, 394),
        (420, 420),
        (660, 681),
        (701, 708),
        (800, 803),
        (805, 808),
        (810, 813),
        (815, 816),
        (820, 823),
        (825, 826),
        (830, 831),
        (835, 841),
        (845, 846),
        (850, 852),
        (855, 857),
        (860, 861),
        (865, 896),
        (908, 909),
        (916, 916),
        (919, 919),
        (921, 921),
        (925, 926),
        (928, 929),
        (931, 931),
        (933, 933),
        (935, 938),
        (940, 943),
    ];
    RANGES.iter().any(|&(a, b)| a <= n && n <= b)
}

fn date(v: &Option<RawValue>) -> Option<Date> {
    v.as_ref().and_then(|v| parse_xs_date(&v.text).ok())
}

fn text(v: &Option<RawValue>) -> Option<&str> {
    v.as_ref().map(|v| v.text.as_str())
}

/// The correct check letter of a 13-character UPN whose characters 2–13 are digits or (13th)
/// a letter; `None` when the shape does not allow one.
fn check_letter(upn: &[u8]) -> Option<u8> {
    if upn.len() != 13 || !upn[1..12].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut sum = 0usize;
    for (i, &c) in upn[1..].iter().enumerate() {
        let value = if c.is_ascii_digit() {
            usize::from(c - b'0')
        } else {
            UPN_LETTERS
                .iter()
                .position(|&l| l == c.to_ascii_uppercase())?
        };
        sum += value * (i + 2);
    }
    Some(UPN_LETTERS[sum % 23])
}

struct Plan<'a> {
    row: usize,
    child: Option<&'a str>,
    child_index: usize,
    start: Option<Date>,
    end: Option<Date>,
    start_line: u64,
    end_line: u64,
    end_text: Option<&'a str>,
}

/// Runs every rule of `set` on a return whose reference date is `reference_date`.
pub fn check(ret: &CinReturn, set: &RuleSet, reference_date: Date) -> Vec<RuleHit> {
    let mut h = Hits::new(set);
    let period_start = years_before(reference_date, 1) + Duration::days(1);
    let period_end = reference_date;
    identifiers(ret, &mut h, period_end);
    let mut detail_row = 0usize;
    let mut cin_plans = Vec::new();
    let mut cp_plans = Vec::new();
    for (ci, c) in ret.children.iter().enumerate() {
        let id = c.id();
        for d in &c.cin_details {
            let row = detail_row;
            detail_row += 1;
            let referral = date(&d.referral_date);
            let ref_line = d.referral_date.as_ref().map_or(d.line, |v| v.line);
            if referral.is_none_or(|r| r > period_end) {
                h.push(
                    "8600",
                    "CINdetails",
                    row,
                    "CINreferralDate",
                    id,
                    ref_line,
                    text(&d.referral_date),
                );
            }
            if let Some(cl) = date(&d.closure_date) {
                let line = d.closure_date.as_ref().map_or(d.line, |v| v.line);
                // The public validator counts a closure on either boundary as outside.
                if !(period_start < cl && cl < period_end) {
                    h.push(
                        "8620",
                        "CINdetails",
                        row,
                        "CINclosureDate",
                        id,
                        line,
                        text(&d.closure_date),
                    );
                }
                if referral.is_some_and(|r| cl < r) {
                    h.push(
                        "8630",
                        "CINdetails",
                        row,
                        "CINclosureDate",
                        id,
                        line,
                        text(&d.closure_date),
                    );
                }
            }
            for (list, out) in [(&d.cin_plans, &mut cin_plans), (&d.cp_plans, &mut cp_plans)] {
                for p in list {
                    out.push(Plan {
                        row: out.len(),
                        child: id,
                        child_index: ci,
                        start: date(&p.start),
                        end: date(&p.end),
                        start_line: p.start.as_ref().map_or(p.line, |v| v.line),
                        end_line: p.end.as_ref().map_or(p.line, |v| v.line),
                        end_text: text(&p.end),
                    });
                }
            }
        }
    }
    plans(
        &mut h,
        &cin_plans,
        "CINplanDates",
        ("CINPlanStartDate", "CINPlanEndDate"),
        ("4004", "4011", None, "4014"),
        period_end,
    );
    plans(
        &mut h,
        &cp_plans,
        "ChildProtectionPlans",
        ("CPPstartDate", "CPPendDate"),
        ("8935", "8925", Some("8840"), "8940"),
        period_end,
    );
    h.hits
}

fn identifiers(ret: &CinReturn, h: &mut Hits<'_>, period_end: Date) {
    let mut upn_count = std::collections::HashMap::new();
    let mut id_count = std::collections::HashMap::new();
    for c in &ret.children {
        if let Some(u) = text(&c.upn) {
            *upn_count.entry(u).or_insert(0usize) += 1;
        }
        if let Some(i) = c.id().filter(|i| !i.is_empty()) {
            *id_count.entry(i).or_insert(0usize) += 1;
        }
    }
    for (row, c) in ret.children.iter().enumerate() {
        let id = c.id();
        let table = "ChildIdentifiers";
        if let Some(v) = &c.upn {
            let b = v.text.as_bytes();
            let u = Some(v.text.as_str());
            // The DfE UPN guide's check (23 letters; a temporary UPN's final letter counts as
            // its index). A shape that allows no check letter is for 1540/1550 to flag.
            if check_letter(b).is_some_and(|l| l != b[0]) {
                h.push("1510", table, row, "UPN", id, v.line, u);
            }
            if upn_count.get(v.text.as_str()).copied().unwrap_or(0) > 1 {
                h.push("1520", table, row, "UPN", id, v.line, u);
            }
            if b.len() == 13 && !v.text.get(1..4).is_some_and(la_code_ok) {
                h.push("1530", table, row, "UPN", id, v.line, u);
            }
            let middle: String = v.text.chars().skip(4).take(8).collect();
            if !middle.chars().all(|c| c.is_ascii_digit()) {
                h.push("1540", table, row, "UPN", id, v.line, u);
            }
            if b.len() == 13 {
                let last = b[12];
                if !(last.is_ascii_digit()
                    || (last.is_ascii_uppercase() && !matches!(last, b'I' | b'O' | b'S')))
                {
                    h.push("1550", table, row, "UPN", id, v.line, u);
                }
            }
        }
        if let Some(v) = &c.former_upn {
            let t = v.text.as_str();
            let mut chars = t.chars();
            let first_alpha = chars.next().is_some_and(char::is_alphabetic);
            let rest: Vec<char> = chars.collect();
            let rest_digits = !rest.is_empty() && rest.iter().all(char::is_ascii_digit);
            if t.chars().count() != 13 || !rest_digits || !first_alpha {
                h.push("1560Q", table, row, "FormerUPN", id, v.line, Some(t));
            }
        }
        match &c.la_child_id {
            None => h.push("8500", table, row, "LAchildID", None, c.line, None),
            Some(v) if v.text.is_empty() => {
                h.push("8500", table, row, "LAchildID", None, v.line, Some(""))
            }
            Some(v) => {
                if id_count.get(v.text.as_str()).copied().unwrap_or(0) > 1 {
                    h.push("8510", table, row, "LAchildID", id, v.line, id);
                }
                if v.text.chars().count() > 20 {
                    h.push("1570", table, row, "LAchildID", id, v.line, id);
                }
                if !v.text.chars().all(char::is_alphanumeric) {
                    h.push("1580", table, row, "LAchildID", id, v.line, id);
                }
            }
        }
        // 4180 changed with the 2025 schema: before, <GenderCurrent> must be present; from
        // 2025, <Sex> must be present and M, F or U.
        if h.set.collection_year >= 2025 {
            let ok = c
                .sex
                .as_ref()
                .is_some_and(|v| matches!(v.text.as_str(), "M" | "F" | "U"));
            if !ok {
                let line = c
                    .sex
                    .as_ref()
                    .or(c.gender_current.as_ref())
                    .map_or(c.line, |v| v.line);
                h.push("4180", table, row, "Sex", id, line, text(&c.sex));
            }
        } else if c.gender_current.as_ref().is_none_or(|v| v.text.is_empty()) {
            let line = c
                .gender_current
                .as_ref()
                .or(c.sex.as_ref())
                .map_or(c.line, |v| v.line);
            h.push(
                "4180",
                table,
                row,
                "GenderCurrent",
                id,
                line,
                text(&c.gender_current),
            );
        }
        if let Some(b) = date(&c.birth_date) {
            if b > period_end {
                let line = c.birth_date.as_ref().map_or(c.line, |v| v.line);
                h.push(
                    "8520",
                    table,
                    row,
                    "PersonBirthDate",
                    id,
                    line,
                    text(&c.birth_date),
                );
            }
        }
    }
}

/// The plan rules, shared by CIN plans and CP plans: more than one open plan, an end before
/// the start, a plan starting and ending the same day (CP only), overlapping plans.
fn plans(
    h: &mut Hits<'_>,
    list: &[Plan<'_>],
    table: &'static str,
    (start_f, end_f): (&'static str, &'static str),
    (open_rule, order_rule, same_day_rule, overlap_rule): (
        &'static str,
        &'static str,
        Option<&'static str>,
        &'static str,
    ),
    reference_date: Date,
) {
    // More than one open plan for a child: every open one is flagged.
    let mut open_by_child: std::collections::HashMap<usize, Vec<&Plan<'_>>> =
        std::collections::HashMap::new();
    for p in list {
        if p.start.is_some() && p.end_text.is_none() {
            open_by_child.entry(p.child_index).or_default().push(p);
        }
        if let (Some(s), Some(e)) = (p.start, p.end) {
            if e < s {
                h.push(
                    order_rule, table, p.row, end_f, p.child, p.end_line, p.end_text,
                );
            }
            if let (Some(rule), true) = (same_day_rule, e == s) {
                h.push(rule, table, p.row, end_f, p.child, p.end_line, p.end_text);
            }
        }
    }
    let mut open: Vec<&Plan<'_>> = open_by_child
        .into_values()
        .filter(|v| v.len() > 1)
        .flatten()
        .collect();
    open.sort_by_key(|p| p.row);
    for p in open {
        h.push(open_rule, table, p.row, end_f, p.child, p.end_line, None);
    }
    // Overlaps: a plan starting within another plan of the same child (from its start to its
    // end, or to the reference date if open) flags both.
    let mut flagged = vec![false; list.len()];
    let mut flagged_other = vec![false; list.len()];
    for a in list {
        let Some(a_start) = a.start else { continue };
        for b in list {
            if a.row == b.row || a.child_index != b.child_index || a.child != b.child {
                continue;
            }
            let Some(b_start) = b.start else { continue };
            let within = a_start >= b_start && a_start <= b.end.unwrap_or(reference_date);
            if within {
                flagged[a.row] = true;
                flagged_other[b.row] = true;
            }
        }
    }
    for p in list {
        if flagged[p.row] {
            h.push(
                overlap_rule,
                table,
                p.row,
                start_f,
                p.child,
                p.start_line,
                None,
            );
        } else if flagged_other[p.row] {
            h.push(
                overlap_rule,
                table,
                p.row,
                end_f,
                p.child,
                p.end_line,
                p.end_text,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_letters() {
        assert_eq!(check_letter(b"H801200001001"), Some(b'H'));
        assert_eq!(check_letter(b"U80120000100A"), Some(b'U'));
        assert_eq!(check_letter(b"X8012000A1001"), None);
    }

    #[test]
    fn la_codes() {
        assert!(la_code_ok("201"));
        assert!(la_code_ok("003"));
        assert!(la_code_ok("943"));
        assert!(!la_code_ok("421"));
        assert!(!la_code_ok("817"));
        assert!(!la_code_ok("SFF"));
    }
}
