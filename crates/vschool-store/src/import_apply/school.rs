//! Applying the register of establishments and what schools send: rolls, exclusions,
//! attainment, contacts (DESIGN §8 "What a re-import replaces").
//!
//! Each is an upsert on its DESIGN key, done the same way: what is held is read once, the
//! file is compared with it in memory, new rows go in with batched INSERTs and only rows
//! whose values differ are updated (by key). A row given again unchanged is not counted, so
//! importing the same file twice reports no change.

use std::collections::{HashMap, HashSet};

use sqlx::AnyConnection;
use time::Date;
use vschool_domain::calendar::iso;
use vschool_domain::dataset::PupilCharacteristics;
use vschool_domain::pupil::{AttainmentResult, Contact, Measure, MeasureValue};
use vschool_domain::{
    AcademicYear, Enrolment, Exclusion, ExclusionCategory, Pupil, Setting, Upn, Urn,
};
use vschool_import::{FileReport, Location, Problem, RollBatch, Severity};

use crate::error::{Context, Result};
use crate::sql::{date_text, opt_date_text};
use crate::{contacts, pupils, records, settings};

/// Settings: upsert by URN.
pub(crate) async fn apply_settings(conn: &mut AnyConnection, batch: &[Setting]) -> Result<u64> {
    let held: HashMap<Urn, Setting> = settings::load(conn, false)
        .await?
        .into_iter()
        .map(|s| (s.urn, s))
        .collect();
    let mut inserts = Vec::new();
    let mut changed = 0u64;
    for s in batch {
        match held.get(&s.urn) {
            None => inserts.push(s.clone()),
            Some(h) if h == s => {}
            Some(_) => {
                changed += 1;
                sqlx::query(
                    "UPDATE settings SET name = $1, type_name = $2, phase = $3, status = $4, \
                     la_code = $5, la_name = $6, postcode = $7 WHERE urn = $8",
                )
                .bind(s.name.as_str())
                .bind(s.type_name.as_str())
                .bind(s.phase.gias_name())
                .bind(s.status.as_str())
                .bind(i64::from(s.la_code))
                .bind(s.la_name.as_str())
                .bind(s.postcode.as_str())
                .bind(i64::from(s.urn.get()))
                .execute(&mut *conn)
                .await
                .ctx("updating a setting")?;
            }
        }
    }
    Ok(changed + settings::insert(conn, &inserts).await?)
}

/// A roll: pupils and characteristics upserted by UPN, enrolments by (UPN, URN, EntryDate).
/// Enrolments held at the file's schools, still open and missing from the file are never
/// deleted: each is a warning, "not in the latest roll: add a leaving date?".
pub(crate) async fn apply_roll(
    conn: &mut AnyConnection,
    file: &str,
    batch: &RollBatch,
    report: &mut FileReport,
) -> Result<u64> {
    let mut changed = 0u64;

    let held: HashMap<Upn, Pupil> = pupils::load(conn)
        .await?
        .into_iter()
        .map(|p| (p.upn, p))
        .collect();
    let mut inserts = Vec::new();
    for p in &batch.pupils {
        match held.get(&p.upn) {
            None => inserts.push(p.clone()),
            Some(h) if h == p => {}
            Some(_) => {
                changed += 1;
                sqlx::query(
                    "UPDATE pupils SET surname = $1, forename = $2, birth_date = $3, sex = $4 \
                     WHERE upn = $5",
                )
                .bind(p.surname.as_str())
                .bind(p.forename.as_str())
                .bind(date_text(p.birth_date))
                .bind(p.sex.code())
                .bind(p.upn.as_str())
                .execute(&mut *conn)
                .await
                .ctx("updating a pupil")?;
            }
        }
    }
    changed += pupils::insert(conn, &inserts).await?;

    let held: HashMap<Upn, PupilCharacteristics> = pupils::load_characteristics(conn)
        .await?
        .into_iter()
        .map(|c| (c.upn, c))
        .collect();
    let mut inserts = Vec::new();
    for c in &batch.characteristics {
        match held.get(&c.upn) {
            None => inserts.push(c.clone()),
            Some(h) if h == c => {}
            Some(_) => {
                changed += 1;
                sqlx::query(
                    "UPDATE pupil_characteristics SET sen = $1, ethnicity = $2 WHERE upn = $3",
                )
                .bind(c.sen.clone())
                .bind(c.ethnicity.clone())
                .bind(c.upn.as_str())
                .execute(&mut *conn)
                .await
                .ctx("updating a pupil's characteristics")?;
            }
        }
    }
    changed += pupils::insert_characteristics(conn, &inserts).await?;

    changed += apply_enrolments(conn, file, batch, report).await?;
    Ok(changed)
}

type EnrolmentKey = (Upn, Urn, Date);

async fn apply_enrolments(
    conn: &mut AnyConnection,
    file: &str,
    batch: &RollBatch,
    report: &mut FileReport,
) -> Result<u64> {
    let held: HashMap<EnrolmentKey, Enrolment> = pupils::load_enrolments(conn, None)
        .await?
        .into_iter()
        .map(|e| ((e.upn, e.urn, e.entry), e))
        .collect();
    let mut changed = 0u64;
    let mut inserts = Vec::new();
    let mut listed: HashSet<EnrolmentKey> = HashSet::with_capacity(batch.enrolments.len());
    for e in &batch.enrolments {
        let key = (e.upn, e.urn, e.entry);
        listed.insert(key);
        match held.get(&key) {
            None => inserts.push(e.clone()),
            Some(h) if h == e => {}
            Some(_) => {
                changed += 1;
                sqlx::query(
                    "UPDATE enrolments SET leaving_date = $1, status = $2, nc_year = $3 \
                     WHERE upn = $4 AND urn = $5 AND entry_date = $6",
                )
                .bind(opt_date_text(e.leaving))
                .bind(e.status.code())
                .bind(e.nc_year.code())
                .bind(e.upn.as_str())
                .bind(i64::from(e.urn.get()))
                .bind(date_text(e.entry))
                .execute(&mut *conn)
                .await
                .ctx("updating an enrolment")?;
            }
        }
    }
    changed += pupils::insert_enrolments(conn, &inserts).await?;

    let mut missing: Vec<&Enrolment> = held
        .values()
        .filter(|e| {
            e.leaving.is_none()
                && batch.schools.contains(&e.urn)
                && !listed.contains(&(e.upn, e.urn, e.entry))
        })
        .collect();
    missing.sort_by_key(|e| (e.urn, e.upn, e.entry));
    for e in missing {
        report.push_lazy(Severity::Warning, || {
            Problem::warning(
                file,
                Location::File,
                format!(
                    "the enrolment at school {} from {} is not in the latest roll: add a leaving date?",
                    e.urn,
                    iso(e.entry)
                ),
            )
            .field("UPN")
            .value(e.upn.as_str())
        });
    }
    Ok(changed)
}

/// Exclusions: upsert by (UPN, URN, Category, StartDate).
pub(crate) async fn apply_exclusions(conn: &mut AnyConnection, batch: &[Exclusion]) -> Result<u64> {
    type Key = (Upn, Urn, ExclusionCategory, Date);
    let held: HashMap<Key, Exclusion> = records::load_exclusions(conn)
        .await?
        .into_iter()
        .map(|e| ((e.upn, e.urn, e.category, e.start), e))
        .collect();
    let mut changed = 0u64;
    let mut inserts = Vec::new();
    for e in batch {
        match held.get(&(e.upn, e.urn, e.category, e.start)) {
            None => inserts.push(e.clone()),
            Some(h) if h == e => {}
            Some(_) => {
                changed += 1;
                sqlx::query(
                    "UPDATE exclusions SET sessions = $1, reason = $2 \
                     WHERE upn = $3 AND urn = $4 AND category = $5 AND start_date = $6",
                )
                .bind(e.sessions.map(i64::from))
                .bind(e.reason.as_str())
                .bind(e.upn.as_str())
                .bind(i64::from(e.urn.get()))
                .bind(e.category.code())
                .bind(date_text(e.start))
                .execute(&mut *conn)
                .await
                .ctx("updating an exclusion")?;
            }
        }
    }
    Ok(changed + records::insert_exclusions(conn, &inserts).await?)
}

/// Attainment: upsert by (UPN, AcademicYear, Measure).
pub(crate) async fn apply_attainment(
    conn: &mut AnyConnection,
    batch: &[AttainmentResult],
) -> Result<u64> {
    type Key = (Upn, AcademicYear, Measure);
    let held: HashMap<Key, MeasureValue> = records::load_attainment(conn)
        .await?
        .into_iter()
        .map(|a| ((a.upn, a.year, a.measure), a.value))
        .collect();
    let mut changed = 0u64;
    let mut inserts = Vec::new();
    for a in batch {
        match held.get(&(a.upn, a.year, a.measure)) {
            None => inserts.push(a.clone()),
            Some(v) if *v == a.value => {}
            Some(_) => {
                changed += 1;
                let (met, score) = match a.value {
                    MeasureValue::Met(m) => (Some(i64::from(m)), None),
                    MeasureValue::ScoreTenths(t) => (None, Some(i64::from(t))),
                };
                sqlx::query(
                    "UPDATE attainment SET met = $1, score_tenths = $2 \
                     WHERE upn = $3 AND academic_year = $4 AND measure = $5",
                )
                .bind(met)
                .bind(score)
                .bind(a.upn.as_str())
                .bind(i64::from(a.year.0))
                .bind(a.measure.code())
                .execute(&mut *conn)
                .await
                .ctx("updating an attainment result")?;
            }
        }
    }
    Ok(changed + records::insert_attainment(conn, &inserts).await?)
}

/// Contacts: upsert by (URN, email), the email compared without regard to case. The
/// subscription flag of a contact already held is never touched: one who unsubscribed stays
/// unsubscribed when a school lists them again.
pub(crate) async fn apply_contacts(conn: &mut AnyConnection, batch: &[Contact]) -> Result<u64> {
    let held: HashMap<(Urn, String), Contact> = contacts::load(conn)
        .await?
        .into_iter()
        .map(|c| ((c.contact.urn, c.contact.email.to_lowercase()), c.contact))
        .collect();
    let mut changed = 0u64;
    let mut inserts = Vec::new();
    for c in batch {
        match held.get(&(c.urn, c.email.to_lowercase())) {
            None => inserts.push(c.clone()),
            Some(h) if h == c => {}
            Some(h) => {
                changed += 1;
                sqlx::query(
                    "UPDATE contacts SET role = $1, name = $2, email = $3 WHERE urn = $4 AND email = $5",
                )
                .bind(c.role.code())
                .bind(c.name.as_str())
                .bind(c.email.as_str())
                .bind(i64::from(c.urn.get()))
                .bind(h.email.as_str())
                .execute(&mut *conn)
                .await
                .ctx("updating a contact")?;
            }
        }
    }
    Ok(changed + contacts::insert(conn, &inserts).await?)
}
