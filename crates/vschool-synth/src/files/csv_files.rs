//! The Virtual School's own CSV formats (DESIGN §5 and §8 "Our own CSV formats"): UTF-8,
//! a header row, dates `YYYY-MM-DD`.

use std::collections::BTreeMap;
use std::path::Path;

use vschool_domain::dataset::PupilCharacteristics;
use vschool_domain::{AcademicYear, Dataset, Upn};

use super::{iso, FileSummary, Out, WriteError};

/// Writes rows through the csv crate (quoting names and team names that hold commas).
fn write_csv(
    dir: &Path,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<FileSummary, WriteError> {
    let mut out = Out::create(dir, name)?;
    let path = out.path.clone();
    let csv_err = |source| WriteError::Csv {
        path: path.clone(),
        source,
    };
    let mut n = 0;
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(header).map_err(csv_err)?;
        for row in rows {
            w.write_record(&row).map_err(csv_err)?;
            n += 1;
        }
        w.flush().map_err(|e| csv_err(e.into()))?;
    }
    out.finish(n)
}

fn opt_date(d: Option<time::Date>) -> String {
    d.map(iso).unwrap_or_default()
}

/// `allocations.csv`: the full allocation history of every child listed.
pub(crate) fn allocations(ds: &Dataset, dir: &Path) -> Result<FileSummary, WriteError> {
    write_csv(
        dir,
        "allocations.csv",
        &[
            "LAchildID",
            "WorkerName",
            "WorkerEmail",
            "Team",
            "StartDate",
            "EndDate",
        ],
        ds.allocations.iter().map(|a| {
            vec![
                a.la_child_id.to_string(),
                a.worker_name.clone(),
                a.worker_email.clone(),
                a.team.clone(),
                iso(a.span.start),
                opt_date(a.span.end),
            ]
        }),
    )
}

/// `roll.csv`: every enrolment, with the pupil's name, birth date and sex on each row, and the
/// pupil's SEN provision and ethnicity in two extra columns (DESIGN §8: extra columns are
/// ignored by a reader that does not want them).
pub(crate) fn roll(ds: &Dataset, dir: &Path) -> Result<FileSummary, WriteError> {
    let pupils: BTreeMap<Upn, &vschool_domain::Pupil> =
        ds.pupils.iter().map(|p| (p.upn, p)).collect();
    let chars: BTreeMap<Upn, &PupilCharacteristics> =
        ds.characteristics.iter().map(|c| (c.upn, c)).collect();
    write_csv(
        dir,
        "roll.csv",
        &[
            "UPN",
            "URN",
            "Surname",
            "Forename",
            "DOB",
            "Gender",
            "NCYearActual",
            "EntryDate",
            "LeavingDate",
            "EnrolStatus",
            "SENProvision",
            "Ethnicity",
        ],
        ds.enrolments.iter().filter_map(|e| {
            let p = pupils.get(&e.upn)?;
            let c = chars.get(&e.upn);
            Some(vec![
                e.upn.to_string(),
                e.urn.to_string(),
                p.surname.clone(),
                p.forename.clone(),
                iso(p.birth_date),
                p.sex.code().to_owned(),
                e.nc_year.code(),
                iso(e.entry),
                opt_date(e.leaving),
                e.status.code().to_owned(),
                c.and_then(|c| c.sen.clone()).unwrap_or_default(),
                c.and_then(|c| c.ethnicity.clone()).unwrap_or_default(),
            ])
        }),
    )
}

/// `attendance-YYYY-YY.csv`, one per academic year: every mark of every register, by UPN,
/// URN, date and session. Written by hand rather than through the csv crate: nothing needs
/// quoting, and the large LA writes some 30 million lines.
pub(crate) fn attendance(ds: &Dataset, dir: &Path) -> Result<Vec<FileSummary>, WriteError> {
    let mut by_year: BTreeMap<AcademicYear, Vec<usize>> = BTreeMap::new();
    for (i, r) in ds.registers.iter().enumerate() {
        by_year.entry(r.register.year).or_default().push(i);
    }
    let mut out = Vec::new();
    for (year, mut idx) in by_year {
        idx.sort_by_key(|&i| (ds.registers[i].upn, ds.registers[i].urn));
        let name = format!(
            "attendance-{}-{:02}.csv",
            year.0,
            (year.0 + 1).rem_euclid(100)
        );
        let mut file = Out::create(dir, &name)?;
        file.write_all(b"UPN,URN,Date,Session,Code\n")?;
        // Dates of the year, formatted once.
        let dates: Vec<String> = (0..year.days()).map(|d| iso(year.date_of_day(d))).collect();
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
        let mut rows = 0;
        for i in idx {
            let r = &ds.registers[i];
            let prefix = format!("{},{},", r.upn, r.urn);
            for (k, &b) in r.register.as_bytes().iter().enumerate() {
                if b == 0 {
                    continue;
                }
                let Some(code) = vschool_domain::AttendanceCode::from_byte(b) else {
                    continue;
                };
                buf.extend_from_slice(prefix.as_bytes());
                buf.extend_from_slice(dates[k / 2].as_bytes());
                buf.extend_from_slice(if k % 2 == 0 { b",AM," } else { b",PM," });
                buf.extend_from_slice(code.as_str().as_bytes());
                buf.push(b'\n');
                rows += 1;
            }
            if buf.len() > (1 << 20) - 4096 {
                file.write_all(&buf)?;
                buf.clear();
            }
        }
        file.write_all(&buf)?;
        out.push(file.finish(rows)?);
    }
    Ok(out)
}

/// `exclusions.csv`: suspensions (with their length in sessions) and permanent exclusions.
pub(crate) fn exclusions(ds: &Dataset, dir: &Path) -> Result<FileSummary, WriteError> {
    write_csv(
        dir,
        "exclusions.csv",
        &["UPN", "URN", "Category", "StartDate", "Sessions", "Reason"],
        ds.exclusions.iter().map(|e| {
            vec![
                e.upn.to_string(),
                e.urn.to_string(),
                e.category.code().to_owned(),
                iso(e.start),
                e.sessions.map(|s| s.to_string()).unwrap_or_default(),
                e.reason.clone(),
            ]
        }),
    )
}

/// `attainment.csv`: `AcademicYear` as `2024/25`; Y/N measures and Attainment 8 scores.
pub(crate) fn attainment(ds: &Dataset, dir: &Path) -> Result<FileSummary, WriteError> {
    write_csv(
        dir,
        "attainment.csv",
        &["UPN", "AcademicYear", "Measure", "Value"],
        ds.attainment.iter().map(|a| {
            vec![
                a.upn.to_string(),
                a.year.to_string(),
                a.measure.code().to_owned(),
                a.value.text(),
            ]
        }),
    )
}

/// `contacts.csv`: headteachers, DSLs and designated teachers.
pub(crate) fn contacts(ds: &Dataset, dir: &Path) -> Result<FileSummary, WriteError> {
    write_csv(
        dir,
        "contacts.csv",
        &["URN", "Role", "Name", "Email"],
        ds.contacts.iter().map(|c| {
            vec![
                c.urn.to_string(),
                c.role.code().to_owned(),
                c.name.clone(),
                c.email.clone(),
            ]
        }),
    )
}
