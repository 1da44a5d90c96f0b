//! `vschool cohort` end to end: a hand-made dataset is loaded through the store into a fresh
//! database, then the built binary is run against it, on SQLite and on PostgreSQL
//! (`VSCHOOL_TEST_PG`, default `postgres://postgres@127.0.0.1:5432/test`).

use std::process::Command;

use vschool_store::testing::fixtures::{cohort_dataset, COHORT_EXPECTED};
use vschool_store::testing::with_database_url;
use vschool_store::{Backend, Store};

/// Loads the cohort fixture (its expected figures are worked out by hand in
/// `vschool_store::testing::fixtures::cohort_dataset`) and runs the command.
async fn cohort_json_is_exact(url: String) {
    let store = Store::connect(&url).await.expect("opens");
    store
        .replace_with_dataset(&cohort_dataset())
        .await
        .expect("loads");
    store.close().await;

    let out = Command::new(env!("CARGO_BIN_EXE_vschool"))
        .args([
            "cohort",
            "--at",
            "2025-03-14",
            "--format",
            "json",
            "--db",
            &url,
        ])
        .env_remove("VSCHOOL_DB")
        .output()
        .expect("runs vschool");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // CLA 2 (C06, C10), CP 2 (C02, C04), CIN 3 (C01, C09, C15), Ever6 10.
    assert_eq!(COHORT_EXPECTED.cla, 2);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"at\":\"2025-03-14\",\"CLA\":2,\"CP\":2,\"CIN\":3,\"ever6\":10}\n"
    );

    // The table says the same for a person; the flag may also come from VSCHOOL_DB.
    let out = Command::new(env!("CARGO_BIN_EXE_vschool"))
        .args(["cohort", "--at", "2025-03-14"])
        .env("VSCHOOL_DB", &url)
        .output()
        .expect("runs vschool");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("Cohort on 14 March 2025"), "{table}");
    let last_number = |prefix: &str| -> Option<u32> {
        table
            .lines()
            .find(|l| l.starts_with(prefix))?
            .split_whitespace()
            .last()?
            .parse()
            .ok()
    };
    assert_eq!(last_number("Looked after"), Some(2), "{table}");
    assert_eq!(last_number("Child protection plan"), Some(2), "{table}");
    assert_eq!(last_number("Child in need plan"), Some(3), "{table}");
    assert_eq!(last_number("Had a social worker"), Some(10), "{table}");
}

#[tokio::test]
async fn cohort_json_on_sqlite() {
    with_database_url(Backend::Sqlite, cohort_json_is_exact).await;
}

#[tokio::test]
async fn cohort_json_on_postgres() {
    with_database_url(Backend::Postgres, cohort_json_is_exact).await;
}

#[test]
fn a_missing_sqlite_file_is_created_and_counts_nothing() {
    let dir = std::env::temp_dir().join(format!("vschool-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_vschool"))
        .current_dir(&dir)
        .args([
            "--db",
            "sqlite://fresh.db",
            "cohort",
            "--at",
            "2025-03-14",
            "--format",
            "json",
        ])
        .output()
        .expect("runs vschool");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"at\":\"2025-03-14\",\"CLA\":0,\"CP\":0,\"CIN\":0,\"ever6\":0}\n"
    );
    assert!(dir.join("fresh.db").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_date_or_database_is_explained() {
    let out = Command::new(env!("CARGO_BIN_EXE_vschool"))
        .args(["cohort", "--at", "14/03/2025", "--db", "sqlite::memory:"])
        .output()
        .expect("runs vschool");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2025-03-14"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_vschool"))
        .args(["cohort", "--db", "sqlite:///no/such/folder/v.db"])
        .output()
        .expect("runs vschool");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/no/such/folder/v.db") && err.contains("--db"),
        "{err}"
    );
}
