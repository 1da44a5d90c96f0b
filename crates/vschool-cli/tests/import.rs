//! `vschool import` and `vschool imports` end to end, through the built binary, on SQLite
//! and PostgreSQL (`VSCHOOL_TEST_PG`, default `postgres://postgres@127.0.0.1:5432/test`):
//! the demo's files imported into a second, empty database give the same cohort figures;
//! a file with an error loads nothing, exits non-zero and says where the error is.

use std::path::Path;
use std::process::{Command, Output};

use vschool_store::testing::TempDatabase;
use vschool_store::Backend;

const TODAY: &str = "2025-03-14";

fn vschool(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vschool"))
        .args(args)
        .args(["--db", db])
        .env_remove("VSCHOOL_DB")
        .output()
        .expect("runs vschool")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `test` with the URLs of two fresh databases of `backend`, removing them afterwards,
/// also when the test panics.
async fn with_two_urls(backend: Backend, test: fn(String, String)) {
    let a = TempDatabase::new(backend).await;
    let b = TempDatabase::new(backend).await;
    let (ua, ub) = (a.url().to_owned(), b.url().to_owned());
    let outcome = tokio::task::spawn_blocking(move || test(ua, ub)).await;
    a.remove().await;
    b.remove().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("the test was cancelled: {e}");
    }
}

/// The files of `dir` by kind, in the order an LA is imported.
fn plan(dir: &Path) -> Vec<(&'static str, Vec<String>)> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder lists")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let pick = |f: &dyn Fn(&str) -> bool| -> Vec<String> {
        names
            .iter()
            .filter(|n| f(n))
            .map(|n| dir.join(n).display().to_string())
            .collect()
    };
    vec![
        ("gias", pick(&|n| n.starts_with("edubasealldata"))),
        ("cin-census", pick(&|n| n.starts_with("cin-census-"))),
        (
            "ssda903",
            pick(&|n| n == "header.csv" || n == "episodes.csv"),
        ),
        ("allocations", pick(&|n| n == "allocations.csv")),
        ("roll", pick(&|n| n == "roll.csv")),
        ("attendance", pick(&|n| n.starts_with("attendance-"))),
        ("exclusions", pick(&|n| n == "exclusions.csv")),
        ("attainment", pick(&|n| n == "attainment.csv")),
        ("contacts", pick(&|n| n == "contacts.csv")),
    ]
}

fn import(db: &str, kind: &str, files: &[String]) -> Output {
    let mut args = vec!["import", kind];
    args.extend(files.iter().map(String::as_str));
    vschool(db, &args)
}

fn demo_files_import_to_the_same_cohort(demo: String, imported: String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let folder = dir.path().display().to_string();
    ok(&vschool(
        &demo,
        &[
            "demo",
            "--size",
            "tiny",
            "--write-files",
            &folder,
            "--no-serve",
            "--today",
            TODAY,
        ],
    ));
    for (kind, files) in plan(dir.path()) {
        assert!(!files.is_empty(), "no {kind} files");
        let out = ok(&import(&imported, kind, &files));
        let summary = out.lines().last().unwrap_or_default();
        assert!(summary.starts_with("Loaded"), "{kind}: {out}");
    }
    for at in ["2020-06-30", "2023-03-31", "2024-09-01", TODAY] {
        let args = ["cohort", "--at", at, "--format", "json"];
        assert_eq!(
            ok(&vschool(&imported, &args)),
            ok(&vschool(&demo, &args)),
            "cohort on {at}"
        );
    }
    // Again: every file is already held.
    let (kind, files) = plan(dir.path()).swap_remove(5);
    assert_eq!(kind, "attendance");
    let out = ok(&import(&imported, kind, &files));
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .starts_with("Unchanged"),
        "{out}"
    );
    assert!(out.contains("(the same file was imported on "), "{out}");

    // The history lists every file; JSON for scripts.
    let table = ok(&vschool(&imported, &["imports"]));
    assert!(table.starts_with("When (UTC)"), "{table}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&vschool(&imported, &["imports", "--format", "json"])))
            .expect("JSON");
    let rows = json.as_array().expect("an array");
    let attendance_files = plan(dir.path())[5].1.len();
    // Nine kinds, 5 census years, 2 files of 903, the attendance files twice.
    assert!(
        rows.len() >= 9 + 4 + 1 + 2 * attendance_files - 1,
        "{}",
        rows.len()
    );
    let last = rows.last().expect("a row");
    assert_eq!(last["kind"], "attendance");
    assert_eq!(last["outcome"], "unchanged");
    assert_eq!(last["sha256"].as_str().map(str::len), Some(64));
    assert!(last["actor"]
        .as_str()
        .is_some_and(|a| a.starts_with("cli:")));
}

fn a_bad_file_loads_nothing_and_says_where(_unused: String, db: String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let gias = dir.path().join("gias.csv");
    std::fs::write(
        &gias,
        "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name),LA (code),LA (name),Postcode\n\
         100001,Alpha Primary School,Community school,Open,Primary,201,Testshire,TS1 1AA\n",
    )
    .expect("written");
    ok(&vschool(
        &db,
        &["import", "gias", &gias.display().to_string()],
    ));
    let cohort = ok(&vschool(
        &db,
        &["cohort", "--at", TODAY, "--format", "json"],
    ));
    let before = ok(&vschool(&db, &["imports", "--format", "json"]));

    let marks = dir.path().join("marks.csv");
    std::fs::write(
        &marks,
        "UPN,URN,Date,Session,Code\nH801200001001,100001,2024-10-01,AM,/\nH801200001001,100001,2024-10-01,PM,ZZ\n",
    )
    .expect("written");
    let problems = dir.path().join("problems.csv");
    let out = vschool(
        &db,
        &[
            "import",
            "attendance",
            &marks.display().to_string(),
            "--problems-csv",
            &problems.display().to_string(),
        ],
    );
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "error: marks.csv line 3, Code \"ZZ\": not an attendance code in use on 2024-10-01"
        ),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("Nothing was loaded")),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(&problems).expect("the problems CSV");
    assert_eq!(
        csv,
        "file,line,element,la_child_id,field,value,severity,rule,reason\n\
         marks.csv,3,,,Code,ZZ,error,,not an attendance code in use on 2024-10-01\n"
    );
    // Nothing changed but the history, which records the rejected file.
    assert_eq!(
        ok(&vschool(
            &db,
            &["cohort", "--at", TODAY, "--format", "json"]
        )),
        cohort
    );
    let after: serde_json::Value =
        serde_json::from_str(&ok(&vschool(&db, &["imports", "--format", "json"]))).expect("JSON");
    let before: serde_json::Value = serde_json::from_str(&before).expect("JSON");
    let after = after.as_array().expect("array");
    assert_eq!(after.len(), before.as_array().map_or(0, Vec::len) + 1);
    assert_eq!(after[after.len() - 1]["outcome"], "rejected");

    // --check validates without loading: the good half alone would load one mark.
    std::fs::write(
        &marks,
        "UPN,URN,Date,Session,Code\nH801200001001,100001,2024-10-01,AM,/\n",
    )
    .expect("written");
    let out = ok(&vschool(
        &db,
        &[
            "import",
            "attendance",
            &marks.display().to_string(),
            "--check",
        ],
    ));
    assert!(out.contains("1 would change"), "{out}");
    let out = ok(&vschool(
        &db,
        &["import", "attendance", &marks.display().to_string()],
    ));
    assert!(out.contains("1 changed"), "{out}");
}

#[tokio::test]
async fn demo_files_import_to_the_same_cohort_on_sqlite() {
    with_two_urls(Backend::Sqlite, demo_files_import_to_the_same_cohort).await;
}

#[tokio::test]
async fn demo_files_import_to_the_same_cohort_on_postgres() {
    with_two_urls(Backend::Postgres, demo_files_import_to_the_same_cohort).await;
}

#[tokio::test]
async fn a_bad_file_loads_nothing_on_sqlite() {
    with_two_urls(Backend::Sqlite, a_bad_file_loads_nothing_and_says_where).await;
}

#[tokio::test]
async fn a_bad_file_loads_nothing_on_postgres() {
    with_two_urls(Backend::Postgres, a_bad_file_loads_nothing_and_says_where).await;
}
