//! The files are what the real systems produce: CIN census XML valid against each year's
//! schema, a GIAS export in Windows-1252 with the export's columns, CSV headers as designed.

use std::path::{Path, PathBuf};
use std::process::Command;

use vschool_domain::AcademicYear;
use vschool_synth::files::{collection_years, GIAS_COLUMNS};

use crate::common::{small, small_files, TODAY};

/// The DfE's CIN census schemas, as the import crate ships them (copied unchanged from the
/// reference data, so the check needs nothing outside the repository).
fn schemas() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../vschool-import/schemas/cin_census")
}

/// Checks every CIN census file in `dir` against its collection year's schema with xmllint.
pub fn validate_cin_census(dir: &Path, years: &[i32]) {
    let version = Command::new("xmllint").arg("--version").output();
    assert!(
        version.is_ok(),
        "xmllint is not installed: it checks the CIN census files against the DfE schemas. \
         Install it with `apt-get install libxml2-utils` (Debian/Ubuntu) and run the tests again."
    );
    for &year in years {
        let file = dir.join(format!("cin-census-{year}.xml"));
        assert!(file.is_file(), "no {}", file.display());
        // Years after the newest schema shipped are checked against the newest.
        let schema = schemas().join(format!("CIN_schema_{}.xsd", year.min(2026)));
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&schema)
            .arg(&file)
            .output()
            .expect("xmllint runs");
        assert!(
            out.status.success(),
            "{} is not valid against {}:\n{}",
            file.display(),
            schema.display(),
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .take(20)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn every_cin_census_file_is_valid_against_its_years_schema() {
    let (dir, _) = small_files();
    let years = collection_years(TODAY);
    assert_eq!(years, vec![2021, 2022, 2023, 2024, 2025]);
    validate_cin_census(dir, &years);
}

#[test]
fn the_gias_file_is_windows_1252_with_the_export_columns() {
    let (dir, summary) = small_files();
    let name = summary
        .files
        .iter()
        .find(|f| f.name.starts_with("edubasealldata"))
        .map(|f| f.name.clone())
        .expect("a GIAS file");
    assert_eq!(name, "edubasealldata20250314.csv");
    let bytes = std::fs::read(dir.join(&name)).expect("GIAS file");
    // Not UTF-8: the é and ’ are single Windows-1252 bytes.
    assert!(std::str::from_utf8(&bytes).is_err());
    assert!(bytes.contains(&0xE9) && bytes.contains(&0x92));
    let (text, _, had_errors) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!had_errors);
    assert!(text.contains("St Thérèse of Lisieux Catholic Primary School"));
    assert!(text.contains("St Aidan’s CofE Primary School"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, GIAS_COLUMNS);
    assert!(header.len() >= 130, "{} columns", header.len());
    for wanted in [
        "URN",
        "LA (code)",
        "LA (name)",
        "EstablishmentNumber",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "EstablishmentStatus (name)",
        "PhaseOfEducation (name)",
        "Postcode",
    ] {
        assert!(header.iter().any(|h| h == wanted), "no {wanted} column");
    }
    let rows = reader.records().count();
    assert_eq!(rows, small().settings.len());
}

#[test]
fn csv_files_have_the_designed_headers_and_every_row() {
    let (dir, summary) = small_files();
    let first_line = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .expect(name)
            .lines()
            .next()
            .map(str::to_owned)
            .unwrap_or_default()
    };
    assert_eq!(
        first_line("allocations.csv"),
        "LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate"
    );
    assert_eq!(
        first_line("roll.csv"),
        "UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolStatus,SENProvision,Ethnicity"
    );
    assert_eq!(
        first_line("exclusions.csv"),
        "UPN,URN,Category,StartDate,Sessions,Reason"
    );
    assert_eq!(
        first_line("attainment.csv"),
        "UPN,AcademicYear,Measure,Value"
    );
    assert_eq!(first_line("contacts.csv"), "URN,Role,Name,Email");
    assert_eq!(
        first_line("header.csv"),
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
    );
    assert_eq!(
        first_line("episodes.csv"),
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
    );
    let ds = small();
    for year in [AcademicYear(2023), AcademicYear(2024)] {
        let name = format!("attendance-{}-{:02}.csv", year.0, (year.0 + 1) % 100);
        assert_eq!(first_line(&name), "UPN,URN,Date,Session,Code");
        let rows = summary
            .files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.rows);
        let marks: usize = ds
            .registers
            .iter()
            .filter(|r| r.register.year == year)
            .map(|r| r.register.marks())
            .sum();
        assert_eq!(rows, Some(marks), "{name}");
    }
    // The 903 dates are dd/mm/yyyy and sex is M/F in the 2024/25 return.
    let header = std::fs::read_to_string(dir.join("header.csv")).expect("header.csv");
    let second = header.lines().nth(1).expect("a child");
    let fields: Vec<&str> = second.split(',').collect();
    assert!(fields[1] == "M" || fields[1] == "F");
    assert_eq!(fields[2].len(), 10);
    assert_eq!(&fields[2][2..3], "/");
}
