//! The synthetic LA writes every input format; reading its files back gives the dataset it
//! wrote, exactly (what the store needs for `vschool demo --write-files` then `import` to
//! reproduce the demo database). Plans seen in several CIN census years are merged here the
//! way the store must: for each (child, kind, start) the file with the latest extract wins.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use time::macros::date;
use vschool_domain::{Dataset, LaChildId, Plan, PlanKind, Urn};
use vschool_import::cin_census::parse_cin_census;
use vschool_import::ssda903::parse_ssda903;
use vschool_import::{
    parse_allocations, parse_attainment, parse_attendance, parse_contacts, parse_exclusions,
    parse_gias, parse_roll, FileReport, ImportContext,
};
use vschool_synth::{generate, write_files, Size};

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn clean(r: &FileReport) {
    assert!(!r.has_errors(), "{r}");
    assert_eq!(r.warning_count, 0, "{r}");
}

#[test]
fn every_file_of_the_synthetic_la_reads_back_exactly() {
    let today = date!(2025 - 03 - 14);
    let mut ds: Dataset = generate(Size::Tiny, 7, today);
    ds.sort_canonical();
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = write_files(&ds, dir.path(), today).expect("files written");
    let names: Vec<String> = summary.files.iter().map(|f| f.name.clone()).collect();

    // Settings first: the register the other files are checked against.
    let gias_name = names
        .iter()
        .find(|n| n.starts_with("edubasealldata"))
        .expect("GIAS file");
    let gias = parse_gias(
        gias_name,
        &read(dir.path(), gias_name),
        &ImportContext::default(),
    );
    clean(&gias.report);
    assert_eq!(gias.batch.settings, ds.settings);
    let ctx = ImportContext::with_urns(gias.batch.settings.iter().map(|s| s.urn));

    let roll = parse_roll("roll.csv", &read(dir.path(), "roll.csv"), &ctx);
    clean(&roll.report);
    let mut pupils = roll.batch.pupils.clone();
    pupils.sort_by_key(|p| p.upn);
    let mut want = ds.pupils.clone();
    want.sort_by_key(|p| p.upn);
    // Only pupils with an enrolment are on a roll.
    let enrolled: BTreeSet<_> = ds.enrolments.iter().map(|e| e.upn).collect();
    want.retain(|p| enrolled.contains(&p.upn));
    assert_eq!(pupils, want);
    assert_eq!(roll.batch.enrolments, ds.enrolments);
    let mut chars = roll.batch.characteristics.clone();
    chars.sort_by_key(|c| c.upn);
    let mut want_chars = ds.characteristics.clone();
    want_chars.retain(|c| enrolled.contains(&c.upn) && (c.sen.is_some() || c.ethnicity.is_some()));
    want_chars.sort_by_key(|c| c.upn);
    assert_eq!(chars, want_chars);

    let mut registers = Vec::new();
    for name in names.iter().filter(|n| n.starts_with("attendance-")) {
        let marks = parse_attendance(name, &read(dir.path(), name), &ctx);
        clean(&marks.report);
        registers.extend(marks.batch.registers);
    }
    let mut got: Vec<_> = registers
        .iter()
        .map(|r| (r.upn, r.urn, r.register.clone()))
        .collect();
    got.sort_by_key(|(u, s, r)| (*u, *s, r.year));
    let mut want: Vec<_> = ds
        .registers
        .iter()
        .filter(|r| r.register.marks() > 0)
        .map(|r| (r.upn, r.urn, r.register.clone()))
        .collect();
    want.sort_by_key(|(u, s, r)| (*u, *s, r.year));
    assert_eq!(got.len(), want.len());
    assert!(got == want, "registers differ");

    let ex = parse_exclusions("exclusions.csv", &read(dir.path(), "exclusions.csv"), &ctx);
    clean(&ex.report);
    assert_eq!(ex.batch.exclusions, ds.exclusions);
    let at = parse_attainment("attainment.csv", &read(dir.path(), "attainment.csv"), &ctx);
    clean(&at.report);
    assert_eq!(at.batch.results, ds.attainment);
    let co = parse_contacts("contacts.csv", &read(dir.path(), "contacts.csv"), &ctx);
    assert!(!co.report.has_errors(), "{}", co.report);
    let keys: BTreeSet<(Urn, String)> = co
        .batch
        .contacts
        .iter()
        .map(|c| (c.urn, c.email.to_lowercase()))
        .collect();
    let want_keys: BTreeSet<(Urn, String)> = ds
        .contacts
        .iter()
        .map(|c| (c.urn, c.email.to_lowercase()))
        .collect();
    assert_eq!(keys, want_keys);
    let al = parse_allocations(
        "allocations.csv",
        &read(dir.path(), "allocations.csv"),
        &ctx,
    );
    clean(&al.report);
    assert_eq!(al.batch.allocations, ds.allocations);

    // Social care: every CIN census year, then the 903.
    let mut plans: BTreeMap<(LaChildId, PlanKind, time::Date), (time::Date, Plan)> =
        BTreeMap::new();
    let mut cin_children = BTreeSet::new();
    for name in names.iter().filter(|n| n.starts_with("cin-census-")) {
        let cin = parse_cin_census(name, &read(dir.path(), name), &ImportContext::default());
        assert!(cin.is_loadable(), "{}", cin.report);
        assert!(cin.report.errors().next().is_none());
        let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
        for p in cin.report.warnings() {
            *by_rule
                .entry(p.rule.clone().unwrap_or_else(|| p.reason.clone()))
                .or_default() += 1;
        }
        eprintln!("{name}: {} warnings {by_rule:?}", cin.report.warning_count);
        for c in &cin.batch.children {
            cin_children.insert(c.child.la_child_id.clone());
            for p in &c.child.history.plans {
                let key = (c.child.la_child_id.clone(), p.kind, p.span.start);
                let newer = plans
                    .get(&key)
                    .is_none_or(|(seen, _)| cin.batch.extract_date >= *seen);
                if newer {
                    plans.insert(key, (cin.batch.extract_date, p.clone()));
                }
            }
        }
    }
    let mut want_plans: BTreeMap<(LaChildId, PlanKind, time::Date), Plan> = BTreeMap::new();
    for c in &ds.children {
        for p in &c.history.plans {
            want_plans.insert((c.la_child_id.clone(), p.kind, p.span.start), p.clone());
        }
    }
    let got_plans: BTreeMap<_, _> = plans.into_iter().map(|(k, (_, p))| (k, p)).collect();
    assert_eq!(got_plans.len(), want_plans.len());
    assert!(got_plans == want_plans, "plans differ");

    let header = read(dir.path(), "header.csv");
    let episodes = read(dir.path(), "episodes.csv");
    let la = parse_ssda903(
        &[("header.csv", &header), ("episodes.csv", &episodes)],
        &ImportContext::default(),
    );
    assert!(
        la.is_loadable(),
        "{:?}",
        la.reports.iter().map(|r| r.to_string()).collect::<Vec<_>>()
    );
    for r in &la.reports {
        eprintln!(
            "{}: {} warnings {:?}",
            r.file,
            r.warning_count,
            r.warnings()
                .take(3)
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
        );
    }
    for c in &la.batch.children {
        let d = ds
            .children
            .iter()
            .find(|x| x.la_child_id == c.la_child_id)
            .expect("child in dataset");
        assert_eq!(c.history.episodes, d.history.episodes, "{}", c.la_child_id);
        assert_eq!(c.upn, d.upn, "{}", c.la_child_id);
        assert_eq!(c.birth_date, d.birth_date, "{}", c.la_child_id);
    }
    let in_care = ds
        .children
        .iter()
        .filter(|c| !c.history.episodes.is_empty())
        .count();
    assert_eq!(la.batch.children.len(), in_care);
    assert!(!cin_children.is_empty());
}
