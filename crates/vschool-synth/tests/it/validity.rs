//! Everything generated is well formed: identifiers, references, dates, codes, histories.

use std::collections::{BTreeMap, BTreeSet};

use vschool_domain::pupil::{ContactRole, EXCLUSION_REASONS};
use vschool_domain::social_care::{
    in_age_range, CohortCounts, PlanKind, LEGAL_STATUSES, REASONS_CEASED,
};
use vschool_domain::term_dates::{DayKind, TermYear};
use vschool_domain::{
    AcademicYear, AttendanceCode, EnrolStatus, ExclusionCategory, Phase, Upn, Urn,
};

use time::Date;
use vschool_domain::Dataset;

use crate::common::{small, TODAY};

#[test]
fn cohort_sizes_are_near_the_small_la_targets() {
    let ds = small();
    let today = TODAY;
    let mut counts = CohortCounts::default();
    for c in &ds.children {
        if in_age_range(c.birth_date, today) {
            counts.add(&c.history, today);
        }
    }
    // DESIGN §7: small LA, 1,500 children on a plan now, 4,000 Ever6, 60 settings, 1.5 M marks
    // a year.
    assert!((1350..=1650).contains(&counts.current()), "{counts:?}");
    assert!((3600..=4400).contains(&counts.ever6), "{counts:?}");
    assert!(
        counts.cla > 300 && counts.cp > 200 && counts.cin > 300,
        "{counts:?}"
    );
    assert_eq!(ds.settings.len(), 60);
    let previous = AcademicYear::containing(today).previous();
    let marks: usize = ds
        .registers
        .iter()
        .filter(|r| r.register.year == previous)
        .map(|r| r.register.marks())
        .sum();
    assert!(
        (1_300_000..=1_800_000).contains(&marks),
        "{marks} marks in {previous}"
    );
}

pub fn check_marks(ds: &Dataset, today: Date) {
    let _ = today;
    let mut kinds: BTreeMap<AcademicYear, Vec<DayKind>> = BTreeMap::new();
    for r in &ds.registers {
        let year = r.register.year;
        let days = kinds.entry(year).or_insert_with(|| {
            let t = TermYear::default_for(year);
            (0..year.days())
                .map(|i| t.day_kind(year.date_of_day(i)))
                .collect()
        });
        for (date, _, code) in r.register.iter_marks() {
            assert!(date <= today, "a mark on {date}, after today");
            assert!(code.check_in_force(date).is_ok(), "{code} on {date}");
            let kind = days[year.day_index(date).expect("in its year")];
            match kind {
                DayKind::Closure => assert_eq!(code, AttendanceCode::Closed, "{date}"),
                DayKind::SchoolDay => assert_ne!(code, AttendanceCode::Closed, "{date}"),
                other => panic!("a mark {code} on {date}, a {other:?}"),
            }
        }
    }
}

pub fn check_identifiers(ds: &Dataset, today: Date) {
    let _ = today;
    let mut upns = BTreeSet::new();
    for p in &ds.pupils {
        assert_eq!(Upn::parse(p.upn.as_str()), Ok(p.upn));
        assert!(upns.insert(p.upn), "duplicate UPN {}", p.upn);
    }
    for c in &ds.children {
        for u in c.upn.iter().chain(c.former_upn.iter()) {
            assert_eq!(Upn::parse(u.as_str()), Ok(*u));
        }
        assert!(
            c.upn.is_some() || c.upn_unknown.is_some(),
            "{} has neither a UPN nor a reason",
            c.la_child_id
        );
        assert!(c.birth_date.is_some() && c.sex.is_some() && c.ethnicity.is_some());
    }
    let ids: BTreeSet<_> = ds.children.iter().map(|c| &c.la_child_id).collect();
    assert_eq!(ids.len(), ds.children.len());
    let urns: BTreeSet<Urn> = ds.settings.iter().map(|s| s.urn).collect();
    assert_eq!(urns.len(), ds.settings.len());
    for s in &ds.settings {
        assert!((100_000..=999_999).contains(&s.urn.get()));
        assert!(!s.name.is_empty() && !s.postcode.is_empty());
    }
}

pub fn check_references(ds: &Dataset, today: Date) {
    let _ = today;
    let urns: BTreeSet<Urn> = ds.settings.iter().map(|s| s.urn).collect();
    let upns: BTreeSet<Upn> = ds.pupils.iter().map(|p| p.upn).collect();
    let ids: BTreeSet<_> = ds.children.iter().map(|c| c.la_child_id.clone()).collect();
    for e in &ds.enrolments {
        assert!(urns.contains(&e.urn), "enrolment at unknown URN {}", e.urn);
        assert!(upns.contains(&e.upn));
    }
    for r in &ds.registers {
        assert!(urns.contains(&r.urn) && upns.contains(&r.upn));
    }
    for e in &ds.exclusions {
        assert!(urns.contains(&e.urn) && upns.contains(&e.upn));
        assert!(
            EXCLUSION_REASONS.contains(&e.reason.as_str()),
            "{}",
            e.reason
        );
    }
    for a in &ds.attainment {
        assert!(upns.contains(&a.upn));
    }
    for c in &ds.contacts {
        assert!(urns.contains(&c.urn));
    }
    for a in &ds.allocations {
        assert!(ids.contains(&a.la_child_id));
    }
    let with_chars: BTreeSet<Upn> = ds.characteristics.iter().map(|c| c.upn).collect();
    assert_eq!(with_chars, upns);
    // Every pupil has an enrolment (the roll is where pupils come from).
    let enrolled: BTreeSet<Upn> = ds.enrolments.iter().map(|e| e.upn).collect();
    assert_eq!(enrolled, upns);
}

pub fn check_histories(ds: &Dataset, today: Date) {
    let _ = today;
    for c in &ds.children {
        let birth = c.birth_date.expect("every child has a birth date");
        for p in &c.history.plans {
            assert!(p.span.is_well_ordered(), "{}", c.la_child_id);
            assert!(p.span.start >= birth && p.span.start <= today);
            assert!(
                p.span
                    .end
                    .is_none_or(|e| e < today && vschool_domain::calendar::age_on(birth, e) < 18),
                "{}",
                c.la_child_id
            );
        }
        for kind in [PlanKind::Cin, PlanKind::Cp] {
            let plans: Vec<_> = c.history.plans.iter().filter(|p| p.kind == kind).collect();
            for w in plans.windows(2) {
                let end = w[0]
                    .span
                    .end
                    .expect("only the last plan of a kind may be open");
                assert!(
                    w[1].span.start > end,
                    "{}: {kind:?} plans overlap",
                    c.la_child_id
                );
            }
        }
        let eps = &c.history.episodes;
        for (i, e) in eps.iter().enumerate() {
            assert!(e.span.is_well_ordered() && e.span.start <= today && e.span.start >= birth);
            assert!(
                LEGAL_STATUSES.contains(&e.legal_status.as_str()),
                "{}",
                e.legal_status
            );
            match (&e.span.end, &e.reason_ceased) {
                (None, None) => assert_eq!(
                    i,
                    eps.len() - 1,
                    "{}: only the last episode is open",
                    c.la_child_id
                ),
                (Some(end), Some(rec)) => {
                    assert!(*end <= today);
                    assert!(REASONS_CEASED.contains(&rec.as_str()), "{rec}");
                    let continues = eps.get(i + 1).is_some_and(|n| n.span.start == *end);
                    assert_eq!(
                        rec == "X1",
                        continues,
                        "{}: X1 exactly when the next episode starts on DEC",
                        c.la_child_id
                    );
                }
                other => panic!("{}: DEC and REC disagree: {other:?}", c.la_child_id),
            }
            if let Some(next) = eps.get(i + 1) {
                let end = e.span.end.expect("an earlier episode has ended");
                assert!(
                    next.span.start >= end,
                    "{}: episodes overlap",
                    c.la_child_id
                );
            }
        }
    }
}

pub fn check_enrolments(ds: &Dataset, today: Date) {
    let _ = today;
    let mut by_pupil: BTreeMap<Upn, Vec<&vschool_domain::Enrolment>> = BTreeMap::new();
    for e in &ds.enrolments {
        assert!(e.leaving.is_none_or(|l| l >= e.entry) && e.entry <= today);
        assert!(e.status != EnrolStatus::Guest || e.leaving.is_some());
        by_pupil.entry(e.upn).or_default().push(e);
    }
    for (upn, list) in &by_pupil {
        let singles: Vec<_> = list
            .iter()
            .filter(|e| matches!(e.status, EnrolStatus::Single | EnrolStatus::Main))
            .collect();
        for (i, a) in singles.iter().enumerate() {
            for b in &singles[i + 1..] {
                let overlap =
                    a.entry <= b.leaving.unwrap_or(today) && b.entry <= a.leaving.unwrap_or(today);
                assert!(!overlap, "{upn}: two main registrations at once");
            }
        }
        for s in list.iter().filter(|e| e.status == EnrolStatus::Subsidiary) {
            assert!(
                singles
                    .iter()
                    .any(|m| m.entry <= s.entry && m.leaving.is_none_or(|l| s.entry <= l)),
                "{upn}: a subsidiary registration without a main one"
            );
        }
    }
    // Marks fall inside an enrolment at that school.
    for r in &ds.registers {
        let (first, last) = r.register.marked_span().expect("registers hold marks");
        let list = &by_pupil[&r.upn];
        let covered = |d| {
            list.iter().any(|e| {
                e.urn == r.urn
                    && e.status != EnrolStatus::Guest
                    && e.entry <= d
                    && e.leaving.is_none_or(|l| d <= l)
            })
        };
        assert!(
            covered(first) && covered(last),
            "{} at {}: marks outside any enrolment",
            r.upn,
            r.urn
        );
    }
}

pub fn check_allocations(ds: &Dataset, today: Date) {
    let _ = today;
    let mut by_child: BTreeMap<_, Vec<&vschool_domain::Allocation>> = BTreeMap::new();
    for a in &ds.allocations {
        assert!(a.span.is_well_ordered() && a.span.start <= today);
        assert!(a.worker_email.ends_with(".example"));
        by_child.entry(&a.la_child_id).or_default().push(a);
    }
    for (id, list) in by_child {
        for w in list.windows(2) {
            let end = w[0].span.end.expect("only the last allocation may be open");
            assert!(w[1].span.start > end, "{id}: allocations overlap");
        }
    }
}

#[test]
fn the_la_has_every_kind_of_case() {
    let ds = small();
    let mut codes = BTreeSet::new();
    for r in &ds.registers {
        for (_, _, c) in r.register.iter_marks() {
            codes.insert(c);
        }
    }
    use AttendanceCode::*;
    for c in [
        PresentAm, PresentPm, Late, I, M, O, N, G, U, E, D, Closed, C2, K, H, W, B, V, Y, C,
    ] {
        assert!(codes.contains(&c), "no {c} marks");
    }
    assert!(codes.contains(&Y2) || codes.contains(&Y4));
    let statuses: BTreeSet<_> = ds.enrolments.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses.len(),
        4,
        "C, M, S and G registrations: {statuses:?}"
    );
    let categories: BTreeSet<_> = ds.exclusions.iter().map(|e| e.category).collect();
    assert!(
        categories.contains(&ExclusionCategory::Permanent)
            && categories.contains(&ExclusionCategory::Suspension)
    );
    assert!(ds.children.iter().any(|c| c.former_upn.is_some()));
    assert!(ds.children.iter().any(|c| c.upn_unknown.is_some()));
    assert!(ds.pupils.iter().any(|p| p.upn.is_temporary()));
    let recs: BTreeSet<&str> = ds
        .children
        .iter()
        .flat_map(|c| {
            c.history
                .episodes
                .iter()
                .filter_map(|e| e.reason_ceased.as_deref())
        })
        .collect();
    for wanted in [
        ["E11", "E12"],
        ["E45", "E47"],
        ["E41", "E41"],
        ["E4A", "E13"],
        ["E17", "E5"],
        ["E46", "E48"],
    ] {
        assert!(
            wanted.iter().any(|r| recs.contains(r)),
            "no {wanted:?} endings"
        );
    }
    let statuses: BTreeSet<&str> = ds
        .children
        .iter()
        .flat_map(|c| c.history.episodes.iter().map(|e| e.legal_status.as_str()))
        .collect();
    for ls in ["C1", "C2", "E1", "V2", "V4", "L1", "J2"] {
        assert!(statuses.contains(ls), "no {ls} episodes");
    }
    // Step-downs (a CIN plan the day after a CP plan) and step-ups.
    let step_down = ds.children.iter().any(|c| {
        c.history.plans.iter().any(|cp| {
            cp.kind == PlanKind::Cp
                && cp.span.end.is_some_and(|e| {
                    c.history.plans.iter().any(|p| {
                        p.kind == PlanKind::Cin && p.span.start == e + time::Duration::days(1)
                    })
                })
        })
    });
    assert!(step_down);
    let phases: BTreeSet<Phase> = ds.settings.iter().map(|s| s.phase).collect();
    for p in [
        Phase::Nursery,
        Phase::Primary,
        Phase::Secondary,
        Phase::AllThrough,
        Phase::SixteenPlus,
        Phase::NotApplicable,
    ] {
        assert!(phases.contains(&p), "no {p:?} settings");
    }
    assert!(ds.settings.iter().any(|s| !s.is_open()));
    assert!(ds.settings.iter().any(|s| s.la_code != ds.la_code));
    let with_dsl: BTreeSet<Urn> = ds
        .contacts
        .iter()
        .filter(|c| c.role == ContactRole::Dsl)
        .map(|c| c.urn)
        .collect();
    assert!(with_dsl.len() < ds.settings.len() && with_dsl.len() > ds.settings.len() / 2);
    assert!(ds
        .pupils
        .iter()
        .any(|p| !p.surname.is_ascii() || !p.forename.is_ascii()));
}

#[test]
fn the_small_la_is_well_formed() {
    let ds = small();
    check_marks(ds, TODAY);
    check_identifiers(ds, TODAY);
    check_references(ds, TODAY);
    check_histories(ds, TODAY);
    check_enrolments(ds, TODAY);
    check_allocations(ds, TODAY);
}

#[test]
fn tiny_las_are_well_formed_for_many_seeds_and_days() {
    use time::macros::date;
    for today in [
        date!(2021 - 06 - 01),
        date!(2024 - 08 - 19),
        date!(2025 - 09 - 03),
        date!(2026 - 11 - 22),
        date!(2030 - 02 - 10),
    ] {
        for seed in 10..14 {
            let ds = vschool_synth::generate(vschool_synth::Size::Tiny, seed, today);
            check_marks(&ds, today);
            check_identifiers(&ds, today);
            check_references(&ds, today);
            check_histories(&ds, today);
            check_enrolments(&ds, today);
            check_allocations(&ds, today);
        }
    }
}
