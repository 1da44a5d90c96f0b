//! The acceptance test of issue 3: the synthetic small LA's files, imported into an empty
//! database through `Store::import` (what `vschool import` calls), give the same cohort
//! figures and attendance totals as the demo database built from the same dataset.

use std::path::Path;
use std::sync::Arc;

use time::macros::date;
use time::Date;
use vschool_domain::{AcademicYear, SessionTally};
use vschool_store::testing::TempDatabase;
use vschool_store::{
    Actor, Backend, ImportFile, ImportKind, ImportOutcome, ImportRequest, NoProgress,
    RegisterFilter, Store,
};
use vschool_synth::{generate, write_files, Size};

const TODAY: Date = date!(2025 - 03 - 14);

/// The files of `dir` for each kind, in the order an LA is imported (settings first).
pub fn import_plan(dir: &Path) -> Vec<(ImportKind, Vec<ImportFile>)> {
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
    let pick = |f: &dyn Fn(&str) -> bool| -> Vec<ImportFile> {
        names
            .iter()
            .filter(|n| f(n))
            .map(|n| ImportFile::path(dir.join(n)))
            .collect()
    };
    vec![
        (ImportKind::Gias, pick(&|n| n.starts_with("edubasealldata"))),
        (
            ImportKind::CinCensus,
            pick(&|n| n.starts_with("cin-census-")),
        ),
        (
            ImportKind::Ssda903,
            pick(&|n| n == "header.csv" || n == "episodes.csv"),
        ),
        (ImportKind::Allocations, pick(&|n| n == "allocations.csv")),
        (ImportKind::Roll, pick(&|n| n == "roll.csv")),
        (
            ImportKind::Attendance,
            pick(&|n| n.starts_with("attendance-")),
        ),
        (ImportKind::Exclusions, pick(&|n| n == "exclusions.csv")),
        (ImportKind::Attainment, pick(&|n| n == "attainment.csv")),
        (ImportKind::Contacts, pick(&|n| n == "contacts.csv")),
    ]
}

pub fn request(kind: ImportKind, files: Vec<ImportFile>) -> ImportRequest {
    ImportRequest::new(kind, files, Actor::cli("test"), TODAY)
}

/// Imports every file of `dir`, asserting each command loads without errors.
pub async fn import_folder(store: &Store, dir: &Path) {
    for (kind, files) in import_plan(dir) {
        assert!(
            !files.is_empty(),
            "no {} files in {}",
            kind.code(),
            dir.display()
        );
        let result = store
            .import(request(kind, files), Arc::new(NoProgress))
            .await
            .expect("the import runs");
        let errors: Vec<String> = result
            .files
            .iter()
            .flat_map(|f| f.report.errors().map(|p| p.to_string()))
            .collect();
        assert_eq!(
            result.outcome,
            ImportOutcome::Loaded,
            "{}: {errors:?}",
            kind.code()
        );
        // The synthetic LA's UPNs carry a recognised LA code (DfE rule 1530).
        let bad_upn_la: Vec<String> = result
            .files
            .iter()
            .flat_map(|f| f.report.warnings())
            .filter(|p| p.rule.as_deref() == Some("1530"))
            .map(|p| p.to_string())
            .collect();
        assert!(bad_upn_la.is_empty(), "{bad_upn_la:?}");
    }
}

/// Year-to-date tallies summed over every register of the year, and the marks held.
pub async fn attendance_totals(store: &Store) -> (u64, SessionTally) {
    let year = AcademicYear::containing(TODAY);
    let mut total = SessionTally::default();
    for r in store
        .registers(RegisterFilter::Year(year))
        .await
        .expect("registers")
    {
        total.add(&r.register.tally(year.start(), TODAY));
    }
    (store.mark_count().await.expect("marks"), total)
}

/// Runs `test` with two fresh databases of `backend` (one to import into, one for the demo),
/// removing both afterwards, also when the test panics. (`on_both!` gives one; creating a
/// second inside its future trips rustc's higher-ranked `Send` check on sqlx's raw SQL.)
pub async fn with_two_databases<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Store, Store) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let a = TempDatabase::new(backend).await;
    let b = TempDatabase::new(backend).await;
    let (sa, sb) = match (Store::connect(a.url()).await, Store::connect(b.url()).await) {
        (Ok(sa), Ok(sb)) => (sa, sb),
        (Err(e), _) | (_, Err(e)) => {
            a.remove().await;
            b.remove().await;
            panic!("cannot open a test database: {e}");
        }
    };
    let (ca, cb) = (sa.clone(), sb.clone());
    let outcome = tokio::spawn(test(sa, sb)).await;
    ca.close().await;
    cb.close().await;
    a.remove().await;
    b.remove().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("the test was cancelled: {e}");
    }
}

const DATES: [Date; 4] = [
    date!(2020 - 06 - 30),
    date!(2023 - 03 - 31),
    date!(2024 - 09 - 01),
    date!(2025 - 03 - 14),
];

async fn synth_files_import_to_the_demo_figures(store: Store, demo: Store) {
    let mut dataset = generate(Size::Small, 1, TODAY);
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_files(&dataset, dir.path(), TODAY).expect("files written");

    demo.replace_with_dataset(&dataset).await.expect("loads");

    import_folder(&store, dir.path()).await;

    for at in DATES {
        let imported = store.cohort_counts(at).await.expect("counts");
        let expected = demo.cohort_counts(at).await.expect("counts");
        assert_eq!(imported, expected, "cohort on {at}");
    }
    let imported = attendance_totals(&store).await;
    let expected = attendance_totals(&demo).await;
    assert_eq!(imported, expected);
    assert!(expected.0 > 1_000_000, "a small LA has millions of marks");

    // Beyond the figures: every record the files carry reads back as the dataset holds it.
    let mut got = store.load_dataset().await.expect("reads");
    let mut want = demo.load_dataset().await.expect("reads");
    got.sort_canonical();
    want.sort_canonical();
    assert_eq!(got.settings, want.settings);
    assert!(got.children == want.children, "children differ");
    assert_eq!(got.allocations, want.allocations);
    assert_eq!(got.enrolments, want.enrolments);
    // Registers with no mark are not in any file.
    want.registers.retain(|r| r.register.marks() > 0);
    assert!(got.registers == want.registers, "registers differ");
    // Only pupils with an enrolment are on a roll.
    let enrolled: std::collections::BTreeSet<_> = want.enrolments.iter().map(|e| e.upn).collect();
    want.pupils.retain(|p| enrolled.contains(&p.upn));
    assert_eq!(got.pupils, want.pupils);
    assert_eq!(got.contacts.len(), want.contacts.len());
    assert_eq!(got.exclusions, want.exclusions);
    assert_eq!(got.attainment, want.attainment);
    assert_eq!(got.la_code, want.la_code);
    assert_eq!(got.la_name, want.la_name);
    dataset.children.clear();
}

#[tokio::test]
async fn small_la_round_trip_on_sqlite() {
    with_two_databases(Backend::Sqlite, synth_files_import_to_the_demo_figures).await;
}

#[tokio::test]
async fn small_la_round_trip_on_postgres() {
    with_two_databases(Backend::Postgres, synth_files_import_to_the_demo_figures).await;
}
