//! Writes a [`Dataset`] in every input format the Virtual School imports (DESIGN §5, §8), so
//! that importing the folder into an empty database reproduces the dataset exactly.
//!
//! | file | format | carries |
//! |---|---|---|
//! | `edubasealldata{YYYYMMDD}.csv` | GIAS all-establishments export, Windows-1252, 139 columns | `settings` (URN, name, type, phase, status, LA code and name, postcode); `la_name` is the `LA (name)` of the settings whose `LA (code)` is the CIN census `LEA` |
//! | `cin-census-{YYYY}.xml` | DfE CIN census, one per collection year (1 April–31 March) from 2021 to the year holding the extract date, valid against that year's XSD | `la_code` (`LEA`); children's UPN, FormerUPN, UPNunknown, birth date, sex, ethnicity; CIN plans (`CINPlanDates`, from 2022) and CP plans (`ChildProtectionPlans`), each as it stood on the file's `ReferenceDate` (the latest file listing a plan has its final dates) |
//! | `header.csv`, `episodes.csv` | SSDA903, dd/mm/yyyy dates, as at the extract date | children in care's UPN (or UN code), birth date, sex, ethnicity; every looked-after episode (DECOM, DEC, LS, PLACE, REC) |
//! | `allocations.csv` | `LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate` | `allocations` |
//! | `roll.csv` | `UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolStatus` plus `SENProvision,Ethnicity` | `pupils` (names, birth date, sex), `enrolments`, and `characteristics` in the two extra columns (the same on every row of a pupil) |
//! | `attendance-{YYYY-YY}.csv` | `UPN,URN,Date,Session,Code`, one file per academic year | `registers` |
//! | `exclusions.csv` | `UPN,URN,Category,StartDate,Sessions,Reason` | `exclusions` |
//! | `attainment.csv` | `UPN,AcademicYear,Measure,Value` | `attainment` |
//! | `contacts.csv` | `URN,Role,Name,Email` | `contacts` |
//!
//! Dates in our own CSV formats are `YYYY-MM-DD`. Every file's rows are in the dataset's
//! canonical order. CIN census episodes (referral, closure, assessments, section 47 enquiries)
//! and the 903's RNE, category of need, placement provider, postcodes and Ofsted URN are not in
//! the dataset: they are derived from it the same way every time.

mod cin_xml;
mod csv_files;
mod gias;
mod ssda903;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;
use time::Date;
use vschool_domain::Dataset;

pub use cin_xml::collection_years;
pub use gias::GIAS_COLUMNS;

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub files: Vec<FileSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// The file's name inside the folder.
    pub name: String,
    /// Data rows (CSV lines after the header; children for a CIN census file).
    pub rows: usize,
    pub bytes: u64,
}

impl Summary {
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

#[derive(Debug, Error)]
pub enum WriteError {
    #[error("cannot create the folder {path}: {source}")]
    Folder { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{path}: {text:?} has characters Windows-1252 cannot hold")]
    Encoding { path: PathBuf, text: String },
}

/// Writes every file into `dir` (created if missing; files of the same names are replaced).
/// `extract_date` is the date the LA's systems were read: the current year's CIN census is a
/// mid-year extract with that `ReferenceDate`, and the 903 is as at that date. Pass the
/// `today` the dataset was generated for.
pub fn write_files(
    dataset: &Dataset,
    dir: &Path,
    extract_date: Date,
) -> Result<Summary, WriteError> {
    std::fs::create_dir_all(dir).map_err(|source| WriteError::Folder {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    files.push(gias::write(dataset, dir, extract_date)?);
    files.extend(cin_xml::write(dataset, dir, extract_date)?);
    files.extend(ssda903::write(dataset, dir, extract_date)?);
    files.push(csv_files::allocations(dataset, dir)?);
    files.push(csv_files::roll(dataset, dir)?);
    files.extend(csv_files::attendance(dataset, dir)?);
    files.push(csv_files::exclusions(dataset, dir)?);
    files.push(csv_files::attainment(dataset, dir)?);
    files.push(csv_files::contacts(dataset, dir)?);
    Ok(Summary { files })
}

/// A buffered file that counts what it writes.
pub(crate) struct Out {
    pub path: PathBuf,
    inner: BufWriter<File>,
    pub bytes: u64,
}

impl Out {
    pub fn create(dir: &Path, name: &str) -> Result<Out, WriteError> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(|source| WriteError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(Out {
            path,
            inner: BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        })
    }

    pub fn write_all(&mut self, buf: &[u8]) -> Result<(), WriteError> {
        self.bytes += buf.len() as u64;
        self.inner.write_all(buf).map_err(|source| WriteError::Io {
            path: self.path.clone(),
            source,
        })
    }

    pub fn finish(mut self, rows: usize) -> Result<FileSummary, WriteError> {
        self.inner.flush().map_err(|source| WriteError::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(FileSummary {
            name: self
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            rows,
            bytes: self.bytes,
        })
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `YYYY-MM-DD`.
pub(crate) fn iso(date: Date) -> String {
    vschool_domain::calendar::iso(date)
}

/// `dd/mm/yyyy`, the SSDA903 form.
pub(crate) fn uk(date: Date) -> String {
    vschool_domain::calendar::uk(date)
}
