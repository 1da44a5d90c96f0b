//! The import history.

use time::macros::{date, datetime};
use vschool_store::{ImportOutcome, ImportRecord, Store};

fn record(at: time::OffsetDateTime, sha: &str, outcome: ImportOutcome) -> ImportRecord {
    ImportRecord {
        at,
        actor: "cli:officer".into(),
        kind: "cin-census".into(),
        file_name: "cin-2025.xml".into(),
        sha256: sha.into(),
        rows_read: 1200,
        rows_changed: 37,
        outcome,
        extract_date: Some(date!(2025 - 03 - 31)),
        detail: "2 warnings".into(),
    }
}

async fn imports_are_recorded_and_listed(store: Store) {
    assert!(store.imports().await.expect("reads").is_empty());
    let a = record(datetime!(2025-04-01 10:00 UTC), "aa", ImportOutcome::Loaded);
    let mut b = record(
        datetime!(2025-04-02 10:00 UTC),
        "bb",
        ImportOutcome::Rejected,
    );
    b.extract_date = Some(date!(2025 - 09 - 30));
    let mut c = record(
        datetime!(2025-04-03 10:00 UTC),
        "cc",
        ImportOutcome::Checked,
    );
    c.extract_date = None;
    store.record_import(&a).await.expect("records");
    let mut tx = store.begin().await.expect("tx");
    tx.record_import(&b).await.expect("records");
    tx.commit().await.expect("commit");
    store.record_import(&c).await.expect("records");

    let listed: Vec<ImportRecord> = store
        .imports()
        .await
        .expect("reads")
        .into_iter()
        .map(|s| s.item)
        .collect();
    assert_eq!(listed, vec![a.clone(), b, c]);
    assert_eq!(
        store
            .import_of_file("aa")
            .await
            .expect("reads")
            .map(|s| s.item),
        Some(a)
    );
    // A rejected file was never loaded.
    assert_eq!(store.import_of_file("bb").await.expect("reads"), None);
    // Only loaded imports say how current the data is.
    assert_eq!(
        store.latest_extract("cin-census").await.expect("reads"),
        Some(date!(2025 - 03 - 31))
    );
    assert_eq!(store.latest_extract("roll").await.expect("reads"), None);
}

on_both!(imports_are_recorded_and_listed);
