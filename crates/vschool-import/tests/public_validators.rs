//! Our DfE rule flags on the public validators' fake data equal theirs, rule by rule.
//!
//! Their outputs (`generated/` beside each fake data set) were made by running the PyPI
//! packages csc-validator-be-903 0.1.17 and csc-validator-be-cin 0.1.13 on the fake files;
//! see the READMEs in ../shared/reference. For each rule we implement that their ruleset for
//! the year also has, the set of flagged (table, row) pairs must be equal.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use vschool_import::cin_census::parse_cin_census;
use vschool_import::rules::{Return, RuleSet, RULES};
use vschool_import::ssda903::parse_ssda903;
use vschool_import::ImportContext;

type Flags = BTreeMap<String, BTreeSet<(String, usize)>>;

fn compare(label: &str, ours: &Flags, theirs: &Flags, implemented: &[&str], skip: &[&str]) {
    let mut failures = Vec::new();
    for code in implemented {
        if skip.contains(code) {
            continue;
        }
        let empty = BTreeSet::new();
        let o = ours.get(*code).unwrap_or(&empty);
        let t = theirs.get(*code).unwrap_or(&empty);
        println!(
            "{label} rule {code:>6}: ours {:>5}, theirs {:>5}",
            o.len(),
            t.len()
        );
        if o != t {
            let only_ours: Vec<_> = o.difference(t).take(5).collect();
            let only_theirs: Vec<_> = t.difference(o).take(5).collect();
            failures.push(format!(
                "{label} rule {code}: ours {} theirs {}; only ours {only_ours:?}; only theirs {only_theirs:?}",
                o.len(),
                t.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn implemented(ret: Return, year: i32) -> Vec<&'static str> {
    let set = RuleSet::for_year(ret, year);
    let mut codes: Vec<&str> = RULES
        .iter()
        .filter(|r| r.ret == ret && set.applies(r.code))
        .map(|r| r.code)
        .collect();
    codes.dedup();
    codes
}

/// The 11 CSVs the public validator's own `run-offline` uses.
const FILES_903: [&str; 11] = [
    "episodes.csv",
    "header.csv",
    "missing.csv",
    "oc2.csv",
    "oc3.csv",
    "placed_for_adoption_errors.csv",
    "previous_permanence.csv",
    "reviews.csv",
    "uasc.csv",
    "ad1.csv",
    "sw_episodes.csv",
];

fn check_903(year: i32, output: &str) {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    let base = dir.join("csc-validator-be-903");
    let data: Vec<(String, Vec<u8>)> = FILES_903
        .iter()
        .map(|f| (f.to_string(), common::read(&base.join("fake_data").join(f))))
        .collect();
    let files: Vec<(&str, &[u8])> = data
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let ctx = ImportContext {
        collection_year: Some(year),
        rules_year: Some(year),
        ..Default::default()
    };
    let parsed = parse_ssda903(&files, &ctx);
    assert_eq!(
        parsed.batch.tables.len(),
        11,
        "every table recognised by its columns"
    );
    let mut ours = Flags::new();
    for h in &parsed.batch.rule_hits {
        ours.entry(h.code.to_owned())
            .or_default()
            .insert((h.table.to_owned(), h.row));
    }
    let text =
        String::from_utf8(common::read(&base.join("generated").join(output))).expect("utf-8");
    let mut theirs = Flags::new();
    for row in common::csv_rows(&text).into_iter().skip(1) {
        if let [rule, table, index, ..] = row.as_slice() {
            let index: usize = index.parse().expect("row index");
            theirs
                .entry(rule.clone())
                .or_default()
                .insert((table.clone(), index));
        }
    }
    compare(
        &format!("903 {year}"),
        &ours,
        &theirs,
        &implemented(Return::Ssda903, year),
        &[],
    );
}

#[test]
fn ssda903_rules_match_the_public_validator_2024_25() {
    check_903(
        2025,
        "errors_lac2024_25_collectionYear2025_fake_data_csv.csv",
    );
}

#[test]
fn ssda903_rules_match_the_public_validator_2025_26() {
    check_903(
        2026,
        "errors_lac2025_26_collectionYear2026_fake_data_csv.csv",
    );
}

#[test]
fn cin_rules_match_the_public_validator_2025_26() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    let base = dir.join("csc-validator-be-cin");
    let bytes = common::read(&base.join("fake_data/fake_CIN_data.xml"));
    let ctx = ImportContext {
        rules_year: Some(2026),
        ..Default::default()
    };
    let parsed = parse_cin_census("fake_CIN_data.xml", &bytes, &ctx);
    let mut ours = Flags::new();
    for h in &parsed.batch.rule_hits {
        ours.entry(h.code.to_owned())
            .or_default()
            .insert((h.table.to_owned(), h.row));
    }
    let text = String::from_utf8(common::read(
        &base.join("generated/issues_cin2025_26_on_fake_CIN_data.csv"),
    ))
    .expect("utf-8");
    let rows = common::csv_rows(&text);
    let mut theirs = Flags::new();
    let mut la_level = BTreeSet::new();
    for row in rows.into_iter().skip(1) {
        // tables_affected,columns_affected,row_id,rule_code,rule_description,rule_type,la_level,child_id
        if let [table, _col, row_id, code, _desc, _ty, la, ..] = row.as_slice() {
            if !la.is_empty() {
                la_level.insert(code.clone());
                continue;
            }
            let r: usize = row_id.parse().expect("row id");
            theirs
                .entry(code.clone())
                .or_default()
                .insert((table.clone(), r));
        }
    }
    // 1520 is an LA-level rule there (no rows): it fires there if and only if it fires here.
    assert_eq!(la_level.contains("1520"), ours.contains_key("1520"));
    compare(
        "CIN 2026",
        &ours,
        &theirs,
        &implemented(Return::CinCensus, 2026),
        &["1520"],
    );
}
