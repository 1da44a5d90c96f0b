//! The DfE SSDA903 validation rules we apply (docs/validation-rules.md lists them).
//!
//! Rows are numbered as the public validator (data-to-insight/csc-validator-be-903) numbers
//! them: the 0-based data row of the table's CSV. Codes are compared in capitals, as that
//! tool capitalises every value it reads. The collection year Y runs from 1 April Y-1 to
//! 31 March Y.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use time::Date;

use super::tables::{Table, TableRow};
use super::{episodes_of, Episode};
use crate::cin_census::ETHNICITIES;
use crate::rules::{Hits, RuleHit, RuleSet};
use crate::values::{collection_year_end, collection_year_start, parse_uk_date};

const RNE: &[&str] = &["S", "P", "L", "T", "U", "B"];
const LS: &[&str] = &[
    "C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3",
];
const CIN: &[&str] = &["N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"];
const REC: &[&str] = &[
    "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48", "E5", "E6",
    "E7", "E8", "E9", "E14", "E15", "E16", "E17", "X1",
];
/// Placement types up to 2023/24.
const PLACE_2024: &[&str] = &[
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1", "T0",
    "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
];
/// 2024/25 adds K3 (supported accommodation).
const PLACE_2025: &[&str] = &[
    "A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1",
    "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
];
/// 2025/26 drops H5, P2 and Z1 and splits "other" into Z11–Z14.
const PLACE_2026: &[&str] = &[
    "A3", "A4", "A5", "A6", "K1", "K2", "K3", "P1", "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1",
    "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z11", "Z12", "Z13", "Z14",
];

fn up(r: &TableRow, col: usize) -> Option<String> {
    r.get(col).map(str::to_ascii_uppercase)
}

/// The 903 UPN format rule 168 checks: a letter other than I, O or S, then 12 digits or 11
/// digits and a letter; or UN1–UN5.
fn upn_format_ok(u: &str) -> bool {
    let b = u.as_bytes();
    if matches!(u, "UN1" | "UN2" | "UN3" | "UN4" | "UN5") {
        return true;
    }
    b.len() == 13
        && b[0].is_ascii_uppercase()
        && !matches!(b[0], b'I' | b'O' | b'S')
        && b[1..12].iter().all(u8::is_ascii_digit)
        && (b[12].is_ascii_digit() || b[12].is_ascii_uppercase())
}

/// Sorting episodes by child then start date, missing values last (as pandas sorts).
fn by_child_then_decom(a: &Episode<'_>, b: &Episode<'_>) -> Ordering {
    fn none_last<T: Ord>(a: &Option<T>, b: &Option<T>) -> Ordering {
        match (a, b) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    none_last(&a.child, &b.child).then_with(|| none_last(&a.decom, &b.decom))
}

/// Runs every rule of `set` on the header and episodes tables.
pub fn check(header: Option<&Table>, episodes: Option<&Table>, set: &RuleSet) -> Vec<RuleHit> {
    let mut h = Hits::new(set);
    let year = set.collection_year;
    let (start, end) = (collection_year_start(year), collection_year_end(year));
    if let Some(t) = header {
        header_rules(t, &mut h, year);
    }
    if let Some(t) = episodes {
        let eps = episodes_of(t);
        episode_rules(&eps, &mut h, year, start, end);
        if let Some(hd) = header {
            joined_rules(hd, &eps, &mut h);
        }
    }
    h.hits
}

fn header_rules(t: &Table, h: &mut Hits<'_>, year: i32) {
    let (child, sex, dob, eth, upn) = (
        t.col("CHILD"),
        t.col("SEX"),
        t.col("DOB"),
        t.col("ETHNIC"),
        t.col("UPN"),
    );
    let sexes: &[&str] = if year >= 2025 {
        &["M", "F", "U"]
    } else {
        &["1", "2"]
    };
    for (row, r) in t.rows.iter().enumerate() {
        let id = r.get(child);
        let tbl = "Header";
        if !up(r, sex).is_some_and(|s| sexes.contains(&s.as_str())) {
            h.push("101", tbl, row, "SEX", id, r.line, r.get(sex));
        }
        if r.get(dob).is_none_or(|d| parse_uk_date(d).is_err()) {
            h.push("102", tbl, row, "DOB", id, r.line, r.get(dob));
        }
        if !up(r, eth).is_some_and(|e| ETHNICITIES.contains(&e.as_str())) {
            h.push("103", tbl, row, "ETHNIC", id, r.line, r.get(eth));
        }
        if let Some(u) = up(r, upn) {
            if !upn_format_ok(&u) {
                h.push("168", tbl, row, "UPN", id, r.line, r.get(upn));
            }
        }
    }
}

fn episode_rules(eps: &[Episode<'_>], h: &mut Hits<'_>, year: i32, start: Date, end: Date) {
    let tbl = "Episodes";
    let place: &[&str] = match year {
        ..=2024 => PLACE_2024,
        2025 => PLACE_2025,
        _ => PLACE_2026,
    };
    let bad = |v: &Option<String>, list: &[&str]| v.as_deref().is_some_and(|x| !list.contains(&x));
    for e in eps {
        let id = e.child.as_deref();
        if e.decom_raw.is_some() && e.decom.is_none() {
            h.push("141", tbl, e.row, "DECOM", id, e.line, e.decom_raw);
        }
        if bad(&e.rne, RNE) {
            h.push("143", tbl, e.row, "RNE", id, e.line, e.rne.as_deref());
        }
        if bad(&e.ls, LS) {
            h.push("144", tbl, e.row, "LS", id, e.line, e.ls.as_deref());
        }
        if bad(&e.cin, CIN) {
            h.push("145", tbl, e.row, "CIN", id, e.line, e.cin.as_deref());
        }
        if bad(&e.place, place) {
            h.push("146", tbl, e.row, "PLACE", id, e.line, e.place.as_deref());
        }
        if e.dec_raw.is_some() && e.dec.is_none() {
            h.push("147", tbl, e.row, "DEC", id, e.line, e.dec_raw);
        }
        if e.dec_raw.is_some() != e.rec.is_some() {
            h.push("148", tbl, e.row, "DEC", id, e.line, e.dec_raw);
        }
        if bad(&e.rec, REC) {
            h.push("149", tbl, e.row, "REC", id, e.line, e.rec.as_deref());
        }
        if e.decom.is_some_and(|d| d > end) {
            h.push("354", tbl, e.row, "DECOM", id, e.line, e.decom_raw);
        }
        if let (Some(a), Some(b)) = (e.decom_raw, e.dec_raw) {
            if a == b {
                h.push("355", tbl, e.row, "DEC", id, e.line, e.dec_raw);
            }
        }
        if let (Some(a), Some(b)) = (e.decom, e.dec) {
            if b < a {
                h.push("356", tbl, e.row, "DEC", id, e.line, e.dec_raw);
            }
        }
        if e.dec.is_some_and(|d| d > end) {
            h.push("385", tbl, e.row, "DEC", id, e.line, e.dec_raw);
        }
    }

    // 142: every episode but each child's latest must have ended (DEC and REC).
    let mut latest: HashMap<&str, (Date, usize)> = HashMap::new();
    for e in eps {
        if let (Some(c), Some(d)) = (e.child.as_deref(), e.decom) {
            let slot = latest.entry(c).or_insert((d, e.row));
            if d >= slot.0 {
                *slot = (d, e.row);
            }
        }
    }
    for e in eps {
        let Some(c) = e.child.as_deref() else {
            continue;
        };
        if e.decom.is_none() || latest.get(c).is_some_and(|&(_, row)| row == e.row) {
            continue;
        }
        if e.dec.is_none() || e.rec.is_none() {
            h.push("142", tbl, e.row, "DEC", Some(c), e.line, e.dec_raw);
        }
    }

    // 357: a child's first episode starting in the collection year must start a period of
    // care (RNE S).
    let mut first: HashMap<&str, &Episode<'_>> = HashMap::new();
    for e in eps {
        if let (Some(c), Some(d)) = (e.child.as_deref(), e.decom) {
            let slot = first.entry(c).or_insert(e);
            if slot.decom.is_some_and(|f| d < f) {
                *slot = e;
            }
        }
    }
    let mut firsts: Vec<&&Episode<'_>> = first.values().collect();
    firsts.sort_by_key(|e| e.row);
    for e in firsts {
        if e.decom.is_some_and(|d| d >= start) && e.rne.as_deref() != Some("S") {
            h.push(
                "357",
                tbl,
                e.row,
                "RNE",
                e.child.as_deref(),
                e.line,
                e.rne.as_deref(),
            );
        }
    }

    // The sequence rules work on episodes sorted by child and start (a stable sort).
    let mut sorted: Vec<&Episode<'_>> = eps.iter().collect();
    sorted.sort_by(|a, b| by_child_then_decom(a, b));
    let same_child = |a: &Episode<'_>, b: &Episode<'_>| a.child.is_some() && a.child == b.child;
    for (i, e) in sorted.iter().enumerate() {
        let next = sorted.get(i + 1).copied();
        let prev = i.checked_sub(1).and_then(|p| sorted.get(p)).copied();
        let id = e.child.as_deref();
        // 501: starts before the previous episode of the same child ended.
        if let (Some(p), Some(d)) = (prev, e.decom) {
            if same_child(p, e) && p.dec.is_some_and(|pd| d < pd) {
                h.push("501", tbl, e.row, "DECOM", id, e.line, e.decom_raw);
            }
        }
        // 437: ceased because the child died (E2) or turned 18 and the like (E15), yet a
        // later episode follows.
        if e.decom.is_some()
            && matches!(e.rec.as_deref(), Some("E2" | "E15"))
            && next.is_some_and(|n| same_child(n, e))
        {
            h.push("437", tbl, e.row, "REC", id, e.line, e.rec.as_deref());
        }
        // 388: X1 (episode ceases, care continues) must be followed by an episode starting
        // on its DEC; an episode followed the same day must end with X1; a child's last
        // episode must not use X1 (ended or not, as the public validator reads the rule).
        let next_decom = next
            .filter(|n| e.child.is_some() && n.child == e.child)
            .map(|n| n.decom);
        let is_x1 = e.rec.as_deref() == Some("X1");
        let flag = match next_decom {
            Some(Some(nd)) => {
                (is_x1 && e.dec != Some(nd)) || (!is_x1 && e.rec.is_some() && e.dec == Some(nd))
            }
            _ => e.child.is_some() && is_x1,
        };
        if flag {
            h.push("388", tbl, e.row, "REC", id, e.line, e.rec.as_deref());
        }
    }
}

/// Rules joining the header and the episodes.
fn joined_rules(t: &Table, eps: &[Episode<'_>], h: &mut Hits<'_>) {
    let (child, dob, upn) = (t.col("CHILD"), t.col("DOB"), t.col("UPN"));
    // 302: the first episode starts before the child was born (flags both rows).
    let mut first: HashMap<&str, &Episode<'_>> = HashMap::new();
    for e in eps {
        if let (Some(c), Some(d)) = (e.child.as_deref(), e.decom) {
            let slot = first.entry(c).or_insert(e);
            if slot.decom.is_some_and(|f| d < f) {
                *slot = e;
            }
        }
    }
    let mut header_rows: HashMap<String, Vec<(usize, &TableRow)>> = HashMap::new();
    for (row, r) in t.rows.iter().enumerate() {
        if let Some(c) = up(r, child) {
            header_rows.entry(c).or_default().push((row, r));
        }
    }
    let mut firsts: Vec<&&Episode<'_>> = first.values().collect();
    firsts.sort_by_key(|e| e.row);
    for e in firsts {
        let (Some(c), Some(decom)) = (e.child.as_deref(), e.decom) else {
            continue;
        };
        for (row, r) in header_rows.get(c).into_iter().flatten() {
            if r.get(dob)
                .and_then(|d| parse_uk_date(d).ok())
                .is_some_and(|b| b > decom)
            {
                h.push(
                    "302",
                    "Episodes",
                    e.row,
                    "DECOM",
                    Some(c),
                    e.line,
                    e.decom_raw,
                );
                h.push("302", "Header", *row, "DOB", Some(c), r.line, r.get(dob));
            }
        }
    }
    // 442: a child looked after other than under V3/V4 (short breaks) needs a UPN (or an
    // unknown-reason code).
    let mut needs_upn: HashSet<&str> = HashSet::new();
    for e in eps {
        if let Some(c) = e.child.as_deref() {
            if !matches!(e.ls.as_deref(), Some("V3" | "V4")) {
                needs_upn.insert(c);
            }
        }
    }
    for (row, r) in t.rows.iter().enumerate() {
        if let Some(c) = up(r, child) {
            if r.get(upn).is_none() && needs_upn.contains(c.as_str()) {
                h.push("442", "Header", row, "UPN", Some(&c), r.line, None);
            }
        }
    }
}
