//! `vschool bench trackers` end to end on a small hand-made LA: it reports every stage, keeps
//! the workbooks with `--out`, and its per-pupil CSV (what `bench/run-tracker-bench.sh`
//! compares with the analyst's DuckDB and pandas results) says exactly what the tracker's
//! JSON contract says for every pupil.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use vschool_store::testing::fixtures::full_dataset;
use vschool_store::testing::with_database_url;
use vschool_store::{Backend, Store};

fn vschool(url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_vschool"))
        .args(args)
        .args(["--db", url])
        .env_remove("VSCHOOL_DB")
        .output()
        .expect("runs vschool");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The per-pupil CSV row the JSON contract implies, for one school's tracker JSON.
fn rows_from_json(tracker: &Value) -> Vec<String> {
    let urn = tracker["school"]["urn"]
        .as_u64()
        .expect("urn is an integer");
    let pupils = tracker["pupils"].as_array().expect("pupils");
    pupils
        .iter()
        .map(|p| {
            let mut row = format!(
                "{urn},{},{}",
                p["upn"].as_str().expect("upn"),
                p["status"].as_str().expect("status")
            );
            for period in ["on_plan", "year_to_date", "previous_term", "previous_year"] {
                let f = &p[period];
                let pct = f["attendance_pct"]
                    .as_f64()
                    .map(|x| format!("{x:.1}"))
                    .unwrap_or_default();
                row.push_str(&format!(
                    ",{},{},{},{},{pct}",
                    f["possible"], f["attended"], f["authorised"], f["unauthorised"]
                ));
            }
            let flag = |k: &str| u8::from(p[k].as_bool().expect("flag"));
            row.push_str(&format!(
                ",{},{}",
                flag("persistent_absence"),
                flag("severe_absence")
            ));
            row
        })
        .collect()
}

async fn bench_matches_the_tracker(url: String) {
    let store = Store::connect(&url).await.expect("opens");
    store
        .replace_with_dataset(&full_dataset())
        .await
        .expect("loads");
    store.close().await;

    let dir = std::env::temp_dir().join(format!("vschool-bench-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let books = dir.join("books");
    let csv = dir.join("pupils.csv");
    let json_dir = dir.join("json");
    let report = vschool(
        &url,
        &[
            "bench",
            "trackers",
            "--at",
            "2025-03-14",
            "--format",
            "json",
            "--repeat",
            "2",
            "--out",
            books.to_str().expect("utf-8 path"),
            "--pupils-csv",
            csv.to_str().expect("utf-8 path"),
        ],
    );
    let report: Value = serde_json::from_str(&report).expect("the report is JSON");
    let keys: Vec<&str> = report["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["key"].as_str().expect("key"))
        .collect();
    assert_eq!(
        keys,
        [
            "open",
            "load",
            "index",
            "build",
            "json",
            "xlsx_summary",
            "xlsx_build",
            "xlsx_write"
        ]
    );

    vschool(
        &url,
        &[
            "tracker",
            "--all",
            "--at",
            "2025-03-14",
            "--format",
            "json",
            "--out",
            json_dir.to_str().expect("utf-8 path"),
        ],
    );
    // Every school's JSON, in URN order, as the CSV's rows should be.
    let mut expected: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(&json_dir).expect("tracker JSON written") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("reads");
        let tracker: Value = serde_json::from_str(&text).expect("JSON");
        let urn = tracker["school"]["urn"].as_u64().expect("urn");
        expected.insert(urn, rows_from_json(&tracker));
        assert!(
            Path::new(&books).join(format!("{urn}.xlsx")).exists(),
            "a workbook for {urn}"
        );
    }
    assert!(!expected.is_empty(), "the fixture has tracker pupils");
    let expected: Vec<String> = expected.into_values().flatten().collect();

    let text = std::fs::read_to_string(&csv).expect("pupils CSV written");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "urn,upn,status,\
op_possible,op_attended,op_authorised,op_unauthorised,op_pct,\
ytd_possible,ytd_attended,ytd_authorised,ytd_unauthorised,ytd_pct,\
pt_possible,pt_attended,pt_authorised,pt_unauthorised,pt_pct,\
py_possible,py_attended,py_authorised,py_unauthorised,py_pct,\
persistent_absence,severe_absence"
        )
    );
    assert_eq!(lines.collect::<Vec<_>>(), expected);
    assert_eq!(
        report["tracker_pupils"].as_u64(),
        Some(expected.len() as u64)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn bench_pupils_csv_is_the_tracker_json_on_sqlite() {
    with_database_url(Backend::Sqlite, bench_matches_the_tracker).await;
}
