//! School records kept per pupil: suspensions and exclusions, attainment results.

use sqlx::AnyConnection;
use vschool_domain::pupil::{AttainmentResult, Measure, MeasureValue};
use vschool_domain::{AcademicYear, Exclusion, ExclusionCategory};

use crate::children::parse_upn;
use crate::db::Store;
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{date_text, get, insert_batched, parse_date, TableKey, Val};

pub(crate) const EXCLUSIONS: TableKey = TableKey {
    table: "exclusions",
    what: "exclusions",
    key: "UPN, URN, category and start date",
};
pub(crate) const ATTAINMENT: TableKey = TableKey {
    table: "attainment",
    what: "attainment results",
    key: "UPN, academic year and measure",
};

pub(crate) async fn insert_exclusions(conn: &mut AnyConnection, rows: &[Exclusion]) -> Result<u64> {
    insert_batched(
        conn,
        EXCLUSIONS,
        ["upn", "urn", "category", "start_date", "sessions", "reason"],
        rows,
        |e| {
            [
                e.upn.as_str().into(),
                Val::Int(i64::from(e.urn.get())),
                e.category.code().into(),
                date_text(e.start).into(),
                Val::OptInt(e.sessions.map(i64::from)),
                e.reason.as_str().into(),
            ]
        },
    )
    .await
}

pub(crate) async fn load_exclusions(conn: &mut AnyConnection) -> Result<Vec<Exclusion>> {
    let rows = sqlx::query(
        "SELECT upn, urn, category, start_date, sessions, reason FROM exclusions ORDER BY id",
    )
    .fetch_all(conn)
    .await
    .ctx("reading exclusions")?;
    rows.iter()
        .map(|r| {
            let upn: String = get(r, "upn")?;
            let category: String = get(r, "category")?;
            let start: String = get(r, "start_date")?;
            let sessions: Option<i64> = get(r, "sessions")?;
            Ok(Exclusion {
                upn: parse_upn("exclusions.upn", &upn)?,
                urn: urn_of("exclusions.urn", get(r, "urn")?)?,
                category: ExclusionCategory::parse(&category).ok_or_else(|| {
                    StoreError::corrupt("exclusions.category", category.clone(), "not SUSP or PERM")
                })?,
                start: parse_date("exclusions.start_date", &start)?,
                sessions: sessions
                    .map(|s| {
                        u32::try_from(s).map_err(|e| {
                            StoreError::corrupt("exclusions.sessions", s.to_string(), e)
                        })
                    })
                    .transpose()?,
                reason: get(r, "reason")?,
            })
        })
        .collect()
}

pub(crate) async fn insert_attainment(
    conn: &mut AnyConnection,
    rows: &[AttainmentResult],
) -> Result<u64> {
    insert_batched(
        conn,
        ATTAINMENT,
        ["upn", "academic_year", "measure", "met", "score_tenths"],
        rows,
        |a| {
            let (met, score) = match a.value {
                MeasureValue::Met(m) => (Some(i64::from(m)), None),
                MeasureValue::ScoreTenths(t) => (None, Some(i64::from(t))),
            };
            [
                a.upn.as_str().into(),
                Val::Int(i64::from(a.year.0)),
                a.measure.code().into(),
                Val::OptInt(met),
                Val::OptInt(score),
            ]
        },
    )
    .await
}

pub(crate) async fn load_attainment(conn: &mut AnyConnection) -> Result<Vec<AttainmentResult>> {
    let rows = sqlx::query(
        "SELECT upn, academic_year, measure, met, score_tenths FROM attainment ORDER BY id",
    )
    .fetch_all(conn)
    .await
    .ctx("reading attainment")?;
    rows.iter()
        .map(|r| {
            let upn: String = get(r, "upn")?;
            let year: i64 = get(r, "academic_year")?;
            let measure: String = get(r, "measure")?;
            let met: Option<i64> = get(r, "met")?;
            let score: Option<i64> = get(r, "score_tenths")?;
            let value = match (met, score) {
                (Some(m), None) => MeasureValue::Met(m != 0),
                (None, Some(s)) => MeasureValue::ScoreTenths(u32::try_from(s).map_err(|e| {
                    StoreError::corrupt("attainment.score_tenths", s.to_string(), e)
                })?),
                _ => {
                    return Err(StoreError::corrupt(
                        "attainment.met/score_tenths",
                        format!("{met:?}/{score:?}"),
                        "exactly one of the two must be set",
                    ))
                }
            };
            Ok(AttainmentResult {
                upn: parse_upn("attainment.upn", &upn)?,
                year: AcademicYear(i32::try_from(year).map_err(|e| {
                    StoreError::corrupt("attainment.academic_year", year.to_string(), e)
                })?),
                measure: Measure::parse(&measure).ok_or_else(|| {
                    StoreError::corrupt(
                        "attainment.measure",
                        measure.clone(),
                        "not a known measure",
                    )
                })?,
                value,
            })
        })
        .collect()
}

impl Store {
    /// Every suspension and exclusion, in the order stored.
    pub async fn exclusions(&self) -> Result<Vec<Exclusion>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        load_exclusions(&mut conn).await
    }

    /// Every attainment result, in the order stored.
    pub async fn attainment(&self) -> Result<Vec<AttainmentResult>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        load_attainment(&mut conn).await
    }
}
