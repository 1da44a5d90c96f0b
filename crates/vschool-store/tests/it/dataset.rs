//! Loading a whole LA and reading it back.

use vschool_domain::{AcademicYear, Dataset};
use vschool_store::testing::fixtures::{full_dataset, upn, urn};
use vschool_store::{meta, RegisterFilter, Store, StoreError};

async fn a_dataset_reads_back_exactly(store: Store) {
    assert!(store.is_empty().await.expect("readable"));
    let d = full_dataset();
    store.replace_with_dataset(&d).await.expect("loads");
    assert!(!store.is_empty().await.expect("readable"));
    let back = store.load_dataset().await.expect("reads");
    // Field by field first, for a readable failure; then the whole.
    assert_eq!(back.settings, d.settings);
    assert_eq!(back.children, d.children);
    assert_eq!(back.allocations, d.allocations);
    assert_eq!(back.pupils, d.pupils);
    assert_eq!(back.characteristics, d.characteristics);
    assert_eq!(back.enrolments, d.enrolments);
    for (b, o) in back.registers.iter().zip(&d.registers) {
        assert_eq!(b.register.as_bytes(), o.register.as_bytes());
    }
    assert_eq!(back.registers, d.registers);
    assert_eq!(back.exclusions, d.exclusions);
    assert_eq!(back.attainment, d.attainment);
    assert_eq!(back.contacts, d.contacts);
    assert_eq!(back, d);
    assert_eq!(
        store
            .meta_get(meta::LA_NAME)
            .await
            .expect("readable")
            .as_deref(),
        Some("Testshire")
    );
    assert_eq!(
        store.mark_count().await.expect("count"),
        d.mark_count() as u64
    );
    assert_eq!(d.mark_count(), 11);
    assert_eq!(store.data_version().await.expect("readable"), 1);
}

async fn replacing_replaces_everything(store: Store) {
    store
        .replace_with_dataset(&full_dataset())
        .await
        .expect("loads");
    let smaller = Dataset {
        la_code: 123,
        la_name: "Smallshire".into(),
        settings: full_dataset().settings[..1].to_vec(),
        ..Dataset::default()
    };
    store
        .replace_with_dataset(&smaller)
        .await
        .expect("replaces");
    assert_eq!(store.load_dataset().await.expect("reads"), smaller);
    assert_eq!(store.data_version().await.expect("readable"), 2);
    store
        .replace_with_dataset(&Dataset::default())
        .await
        .expect("empties");
    assert!(store.is_empty().await.expect("readable"));
}

async fn a_duplicate_key_loads_nothing_and_says_which(store: Store) {
    let d = full_dataset();
    store.replace_with_dataset(&d).await.expect("loads");
    let mut bad = full_dataset();
    bad.la_name = "Changed".into();
    bad.enrolments.push(bad.enrolments[0].clone());
    let err = store
        .replace_with_dataset(&bad)
        .await
        .expect_err("duplicate enrolment");
    assert!(
        matches!(
            err,
            StoreError::Duplicate {
                what: "enrolments",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("UPN, URN and entry date"), "{err}");
    // All or nothing: the database is exactly as before.
    assert_eq!(store.load_dataset().await.expect("reads"), d);
    assert_eq!(store.data_version().await.expect("readable"), 1);
}

async fn registers_are_read_by_year_school_and_pupil(store: Store) {
    let d = full_dataset();
    store.replace_with_dataset(&d).await.expect("loads");
    let y24 = store
        .registers(RegisterFilter::Year(AcademicYear(2024)))
        .await
        .expect("reads");
    assert_eq!(y24.len(), 3);
    let at_school = store
        .registers(RegisterFilter::School(urn(100001), AcademicYear(2024)))
        .await
        .expect("reads");
    let upns: Vec<String> = at_school.iter().map(|r| r.upn.to_string()).collect();
    let mut sorted = upns.clone();
    sorted.sort();
    assert_eq!(upns, sorted, "a school's registers come in UPN order");
    assert_eq!(at_school.len(), 2);
    let pupil = store
        .registers(RegisterFilter::Pupil(upn("801200001001")))
        .await
        .expect("reads");
    let years: Vec<i32> = pupil.iter().map(|r| r.register.year.0).collect();
    assert_eq!(years, vec![2023, 2024, 2024]);

    // put_registers replaces a pupil's year at a school and adds new ones.
    let mut changed = pupil[1].clone();
    changed.register = vschool_domain::YearRegister::new(changed.register.year);
    let mut tx = store.begin().await.expect("tx");
    tx.put_registers(&[changed.clone()]).await.expect("upsert");
    tx.commit().await.expect("commit");
    let again = store
        .registers(RegisterFilter::Pupil(upn("801200001001")))
        .await
        .expect("reads");
    assert_eq!(again.len(), 3);
    assert!(again.contains(&changed));
}

async fn children_link_to_pupils_by_upn_then_former_upn(store: Store) {
    let mut d = full_dataset();
    // A-0001 has UPN p1 (a pupil) and former UPN p3; B3 has UPN p2 (a pupil); A-0002 none.
    store.replace_with_dataset(&d).await.expect("loads");
    let id = |s: &str| vschool_domain::LaChildId::parse(s).expect("id");
    assert_eq!(
        store.linked_upn(&id("A-0001")).await.expect("reads"),
        Some(upn("801200001001"))
    );
    assert_eq!(
        store.linked_upn(&id("B3")).await.expect("reads"),
        Some(upn("801200001002"))
    );
    assert_eq!(store.linked_upn(&id("A-0002")).await.expect("reads"), None);
    // With the roll holding only the former UPN, the child links through it.
    d.children[0].former_upn = Some(upn("801200001002"));
    d.children[0].upn = Some(upn("801200009999"));
    store.replace_with_dataset(&d).await.expect("loads");
    assert_eq!(
        store.linked_upn(&id("A-0001")).await.expect("reads"),
        Some(upn("801200001002"))
    );
}

on_both!(
    a_dataset_reads_back_exactly,
    replacing_replaces_everything,
    a_duplicate_key_loads_nothing_and_says_which,
    registers_are_read_by_year_school_and_pupil,
    children_link_to_pupils_by_upn_then_former_upn,
);
