//! Cohort counts come from the domain's rules over the stored histories.

use time::macros::date;
use vschool_domain::CohortCounts;
use vschool_store::testing::fixtures::{cohort_dataset, COHORT_DATE, COHORT_EXPECTED};
use vschool_store::Store;

async fn cohort_counts_on_the_edges(store: Store) {
    store
        .replace_with_dataset(&cohort_dataset())
        .await
        .expect("loads");
    // The table in `cohort_dataset`'s documentation works each child out by hand:
    // CLA 2 (C06, C10), CP 2 (C02, C04), CIN 3 (C01, C09, C15), Ever6 10.
    assert_eq!(
        store.cohort_counts(COHORT_DATE).await.expect("counts"),
        COHORT_EXPECTED
    );
    // The next day, 2025-03-15: C02's CP plan has ended (Ever6 still); C03's CP plan starts
    // (CP, Ever6); C09 turns 18 (out); C12 still out of the window and C11 now out too
    // (its plan ended 2019-03-14, before 2019-03-15). C16 stays Ever6.
    // CLA 2 (C06, C10); CP 2 (C03, C04); CIN 2 (C01, C15);
    // Ever6: C01 C02 C03 C04 C05 C06 C10 C15 C16 = 9.
    assert_eq!(
        store
            .cohort_counts(date!(2025 - 03 - 15))
            .await
            .expect("counts"),
        CohortCounts {
            cla: 2,
            cp: 2,
            cin: 2,
            ever6: 9
        }
    );
}

async fn an_empty_database_counts_nothing(store: Store) {
    assert_eq!(
        store.cohort_counts(COHORT_DATE).await.expect("counts"),
        CohortCounts::default()
    );
}

on_both!(cohort_counts_on_the_edges, an_empty_database_counts_nothing);
