//! The real-world-shaped fake files in ../shared/reference: what is valid in them is read,
//! and the rest is reported with file, line and reason (issue 3).

mod common;

use std::collections::BTreeMap;

use vschool_import::cin_census::parse_cin_census;
use vschool_import::ssda903::{parse_ssda903, TableKind};
use vschool_import::{FileReport, ImportContext, Severity};

fn summary(r: &FileReport) -> BTreeMap<(Severity, String, String), usize> {
    let mut m = BTreeMap::new();
    for p in r.problems() {
        let key = (
            p.severity,
            p.field.clone().unwrap_or_default(),
            p.rule.clone().unwrap_or_default(),
        );
        *m.entry(key).or_insert(0) += 1;
    }
    m
}

#[test]
fn ssda903_fake_data_loads_its_children_and_episodes() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    let base = dir.join("csc-validator-be-903/fake_data");
    let names = [
        "episodes.csv",
        "header.csv",
        "missing.csv",
        "oc2.csv",
        "oc3.csv",
        "placed_for_adoption.csv",
        "previous_permanence.csv",
        "reviews.csv",
        "uasc.csv",
        "ad1.csv",
        "sw_episodes.csv",
        "DoLo.csv",
    ];
    let data: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| (n.to_string(), common::read(&base.join(n))))
        .collect();
    let files: Vec<(&str, &[u8])> = data
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let parsed = parse_ssda903(&files, &ImportContext::default());
    for r in &parsed.reports {
        println!(
            "{}: {} errors, {} warnings",
            r.file, r.error_count, r.warning_count
        );
        for (k, v) in summary(r) {
            println!("   {k:?}: {v}");
        }
        for p in r.errors().take(5) {
            println!("   {p}");
        }
    }
    let b = &parsed.batch;
    // Every table is recognised by its columns (file names say nothing), two are used.
    assert_eq!(b.tables.len(), 12);
    assert_eq!(b.tables.iter().filter(|t| t.used).count(), 2);
    assert!(b
        .tables
        .iter()
        .any(|t| t.kind == TableKind::SocialWorkerEpisodes && t.file == "sw_episodes.csv"));
    // No collection year given: inferred from the latest episode date (2018).
    assert!(b.collection_year_inferred);
    assert_eq!(b.collection_year, 2019);
    // The fake episodes are all readable: every child and every episode loads.
    assert!(
        parsed.is_loadable(),
        "{}",
        parsed
            .reports
            .iter()
            .map(|r| r.to_string())
            .collect::<String>()
    );
    assert_eq!(b.children.len(), 2675);
    assert_eq!(
        b.children
            .iter()
            .map(|c| c.history.episodes.len())
            .sum::<usize>(),
        5050
    );
    // Their random UPNs mostly fail the check letter: those children load without a UPN.
    let with_upn = b.children.iter().filter(|c| c.upn.is_some()).count();
    assert!(
        with_upn < 2675
            && with_upn
                + b.unusable_upns.len()
                + b.children
                    .iter()
                    .filter(|c| c.upn_unknown.is_some())
                    .count()
                <= 2675
    );
    let header = parsed
        .reports
        .iter()
        .find(|r| r.file == "header.csv")
        .expect("header report");
    assert!(header
        .warnings()
        .any(|p| p.field.as_deref() == Some("UPN") && p.reason.contains("cannot be linked")));
}

#[test]
fn cin_fake_data_is_read_and_every_problem_explained() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    let base = dir.join("csc-validator-be-cin/fake_data");
    let bytes = common::read(&base.join("fake_CIN_data.xml"));
    let parsed = parse_cin_census("fake_CIN_data.xml", &bytes, &ImportContext::default());
    let r = &parsed.report;
    println!(
        "{}: {} errors, {} warnings",
        r.file, r.error_count, r.warning_count
    );
    for (k, v) in summary(r) {
        println!("   {k:?}: {v}");
    }
    for p in r.problems().take(8) {
        println!("   {p}");
    }
    // ReferenceDate 2022-07-21: the collection ending 31 March 2023, checked against that
    // year's schema (GenderCurrent).
    assert_eq!(parsed.batch.collection_year, 2023);
    assert_eq!(r.rows_read, 332);
    // `ReferralNFA` written true/false breaks the schema's 0/1 values: an element we do not
    // read, so a warning.
    assert!(r
        .warnings()
        .any(|p| p.field.as_deref() == Some("ReferralNFA") && p.value.as_deref() == Some("true")));
    // No structural errors: the file follows the 2023 schema's structure. The only errors
    // are its 15-character LAchildIDs, which the domain's 10-character cap rejects.
    assert!(
        r.errors().all(|p| p.field.as_deref() == Some("LAchildID")),
        "{r}"
    );
    if long_ids_accepted() {
        assert!(parsed.is_loadable());
        assert_eq!(parsed.batch.children.len(), 332);
    } else {
        assert_eq!(r.error_count, 332);
    }
}

/// Whether the domain accepts the DfE's own sample LA child id (11 characters). The domain
/// currently caps LA child ids at 10 characters although the CIN census allows 20 (rule
/// 1570); until that changes every sample below is rejected for it, and these tests follow
/// whichever way the domain decides.
fn long_ids_accepted() -> bool {
    vschool_domain::LaChildId::parse("DfEX0000001").is_ok()
}

#[test]
fn small_cin_samples() {
    let Some(dir) = common::reference_dir() else {
        return;
    };
    // (file, collection year, breaks its year's XSD structure)
    for (path, year, broken) in [
        // Stray text "PersonBirthDate" inside <ChildIdentifiers>.
        (
            "csc-validator-be-cin/fake_data/CIN_Census_2021.xml",
            2023,
            true,
        ),
        ("csc-validator-be-cin/fake_data/CIN2rows.xml", 2024, true),
        // <Sex> in a file whose ReferenceDate makes it a 2024 return, and elements the
        // 2024 schema does not have.
        (
            "csc-validator-be-cin/fake_data/CIN_Census_2024.xml",
            2024,
            true,
        ),
        (
            "csc-validator-be-cin/fake_data/CIN_Census_2026.xml",
            2024,
            true,
        ),
        (
            "liia-tools-pipeline/samples/cin_census/BAR_cin_2022.xml",
            2022,
            false,
        ),
        ("liia-tools/samples/cin-2022.xml", 2022, false),
    ] {
        let bytes = common::read(&dir.join(path));
        let parsed = parse_cin_census(path, &bytes, &ImportContext::default());
        println!("{}", parsed.report);
        assert_eq!(parsed.batch.collection_year, year, "{path}");
        let structural = parsed.report.errors().any(|p| p.field.is_none());
        assert_eq!(structural, broken, "{path}: {}", parsed.report);
        assert_eq!(
            parsed.is_loadable(),
            !broken && long_ids_accepted(),
            "{path}: {}",
            parsed.report
        );
        // Every problem names its line and element path.
        assert!(parsed
            .report
            .problems()
            .all(|p| p.location.line().is_some()));
    }
}
