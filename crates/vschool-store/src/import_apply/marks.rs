//! Applying a marks file (DESIGN §8 "What a re-import replaces"): for each (UPN, URN) in
//! it, that pupil's marks at that school on the dates the file gives are replaced; other
//! pupils and dates are untouched. Every mark is kept; a mark no enrolment at its school
//! covers is kept with a warning.

use std::collections::{BTreeSet, HashMap};

use sqlx::AnyConnection;
use time::Date;
use vschool_domain::calendar::iso;
use vschool_domain::{AcademicYear, PupilRegister, Upn, Urn, YearRegister};
use vschool_import::{FileReport, Location, MarksBatch, Problem};

use crate::children::parse_upn;
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{get, parse_date, parse_opt_date};

/// Enrolment spans (entry, leaving) by pupil and school.
type Spans = HashMap<(Upn, Urn), Vec<(Date, Option<Date>)>>;

/// A register held: its row id and session bytes.
struct Held {
    id: i64,
    register: YearRegister,
}

/// `urn IN (…)` for a set of URNs. URNs are six-digit numbers, so writing them into the SQL
/// is safe, and a list of a few hundred keeps the statement small.
fn urn_list(urns: &BTreeSet<Urn>) -> String {
    urns.iter()
        .map(|u| u.get().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The registers held for the schools and years the file covers.
async fn held_registers(
    conn: &mut AnyConnection,
    years: &BTreeSet<AcademicYear>,
    urns: &BTreeSet<Urn>,
) -> Result<HashMap<(Upn, Urn, AcademicYear), Held>> {
    let mut held = HashMap::new();
    if urns.is_empty() {
        return Ok(held);
    }
    let list = urn_list(urns);
    for year in years {
        let rows = sqlx::query(&format!(
            "SELECT id, upn, urn, sessions FROM attendance_registers \
             WHERE academic_year = $1 AND urn IN ({list})"
        ))
        .bind(i64::from(year.0))
        .fetch_all(&mut *conn)
        .await
        .ctx("reading attendance registers")?;
        for r in &rows {
            let upn: String = get(r, "upn")?;
            let upn = parse_upn("attendance_registers.upn", &upn)?;
            let urn = urn_of("attendance_registers.urn", get(r, "urn")?)?;
            let bytes: Vec<u8> = get(r, "sessions")?;
            let register = YearRegister::from_bytes(*year, bytes).map_err(|e| {
                StoreError::corrupt("attendance_registers.sessions", upn.as_str(), e)
            })?;
            held.insert(
                (upn, urn, *year),
                Held {
                    id: get(r, "id")?,
                    register,
                },
            );
        }
    }
    Ok(held)
}

/// Enrolment spans (entry, leaving) by pupil and school, for the schools the file covers.
async fn enrolment_spans(conn: &mut AnyConnection, urns: &BTreeSet<Urn>) -> Result<Spans> {
    let mut spans = Spans::new();
    if urns.is_empty() {
        return Ok(spans);
    }
    let rows = sqlx::query(&format!(
        "SELECT upn, urn, entry_date, leaving_date FROM enrolments WHERE urn IN ({})",
        urn_list(urns)
    ))
    .fetch_all(&mut *conn)
    .await
    .ctx("reading enrolments")?;
    for r in &rows {
        let upn: String = get(r, "upn")?;
        let entry: String = get(r, "entry_date")?;
        spans
            .entry((
                parse_upn("enrolments.upn", &upn)?,
                urn_of("enrolments.urn", get(r, "urn")?)?,
            ))
            .or_default()
            .push((
                parse_date("enrolments.entry_date", &entry)?,
                parse_opt_date("enrolments.leaving_date", get(r, "leaving_date")?)?,
            ));
    }
    Ok(spans)
}

/// Sessions whose code differs between two registers of the same year.
fn sessions_changed(old: Option<&YearRegister>, new: &YearRegister) -> u64 {
    match old {
        None => new.marks() as u64,
        Some(o) => o
            .as_bytes()
            .iter()
            .zip(new.as_bytes())
            .filter(|(a, b)| a != b)
            .count() as u64,
    }
}

/// Warns about the file's marks that no enrolment at their school covers: one warning per
/// pupil and school, with how many marks and their first and last dates.
fn warn_unenrolled(
    file: &str,
    register: &vschool_import::MarksRegister,
    spans: Option<&Vec<(Date, Option<Date>)>>,
    report: &mut FileReport,
) {
    let covered = |d: Date| {
        spans.is_some_and(|s| {
            s.iter()
                .any(|(entry, leaving)| *entry <= d && leaving.is_none_or(|l| d <= l))
        })
    };
    let mut count = 0u64;
    let mut first: Option<Date> = None;
    let mut last: Option<Date> = None;
    for (date, _, _) in register.register.iter_marks() {
        if !covered(date) {
            count += 1;
            first = first.or(Some(date));
            last = Some(date);
        }
    }
    let (Some(first), Some(last)) = (first, last) else {
        return;
    };
    let urn = register.urn;
    report.push_lazy(vschool_import::Severity::Warning, || {
        Problem::warning(
            file,
            Location::File,
            format!(
                "{count} mark{} from {} to {} for a pupil with no enrolment at school {urn} \
                 covering {}: kept, and the pupil counts as on roll there between their first \
                 and last marks until a roll says otherwise; import the school's roll",
                if count == 1 { "" } else { "s" },
                iso(first),
                iso(last),
                if count == 1 {
                    "its date"
                } else {
                    "their dates"
                }
            ),
        )
        .field("UPN")
        .value(register.upn.as_str())
    });
}

/// Applies a marks file; returns the number of sessions whose mark changed.
pub(crate) async fn apply(
    conn: &mut AnyConnection,
    file: &str,
    batch: &MarksBatch,
    report: &mut FileReport,
) -> Result<u64> {
    let years: BTreeSet<AcademicYear> = batch.registers.iter().map(|r| r.register.year).collect();
    let urns: BTreeSet<Urn> = batch.registers.iter().map(|r| r.urn).collect();
    let held = held_registers(conn, &years, &urns).await?;
    let spans = enrolment_spans(conn, &urns).await?;
    let mut inserts: Vec<PupilRegister> = Vec::new();
    let mut updates: Vec<(i64, YearRegister)> = Vec::new();
    let mut changed = 0u64;
    for r in &batch.registers {
        warn_unenrolled(file, r, spans.get(&(r.upn, r.urn)), report);
        let old = held.get(&(r.upn, r.urn, r.register.year));
        let new = r.apply_to(old.map(|h| &h.register));
        let n = sessions_changed(old.map(|h| &h.register), &new);
        if n == 0 {
            continue;
        }
        changed += n;
        match old {
            Some(h) => updates.push((h.id, new)),
            None => inserts.push(PupilRegister {
                upn: r.upn,
                urn: r.urn,
                register: new,
            }),
        }
    }
    crate::attendance::insert(conn, &inserts).await?;
    for (id, register) in &updates {
        sqlx::query("UPDATE attendance_registers SET marks = $1, sessions = $2 WHERE id = $3")
            .bind(i64::try_from(register.marks()).unwrap_or(i64::MAX))
            .bind(register.as_bytes())
            .bind(*id)
            .execute(&mut *conn)
            .await
            .ctx("writing attendance registers")?;
    }
    Ok(changed)
}
