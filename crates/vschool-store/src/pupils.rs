//! Pupils as school rolls give them, their characteristics and their enrolments.

use sqlx::AnyConnection;
use vschool_domain::dataset::PupilCharacteristics;
use vschool_domain::{EnrolStatus, Enrolment, NcYear, Pupil, Urn};

use crate::children::{parse_sex, parse_upn};
use crate::db::Store;
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{
    date_text, get, insert_batched, opt_date_text, parse_date, parse_opt_date, TableKey, Val,
};

pub(crate) const PUPILS: TableKey = TableKey {
    table: "pupils",
    what: "pupils",
    key: "UPN",
};
pub(crate) const CHARACTERISTICS: TableKey = TableKey {
    table: "pupil_characteristics",
    what: "pupil characteristics rows",
    key: "UPN",
};
pub(crate) const ENROLMENTS: TableKey = TableKey {
    table: "enrolments",
    what: "enrolments",
    key: "UPN, URN and entry date",
};

pub(crate) async fn insert(conn: &mut AnyConnection, pupils: &[Pupil]) -> Result<u64> {
    insert_batched(
        conn,
        PUPILS,
        ["upn", "surname", "forename", "birth_date", "sex"],
        pupils,
        |p| {
            [
                p.upn.as_str().into(),
                p.surname.as_str().into(),
                p.forename.as_str().into(),
                date_text(p.birth_date).into(),
                p.sex.code().into(),
            ]
        },
    )
    .await
}

pub(crate) async fn load(conn: &mut AnyConnection) -> Result<Vec<Pupil>> {
    let rows =
        sqlx::query("SELECT upn, surname, forename, birth_date, sex FROM pupils ORDER BY id")
            .fetch_all(conn)
            .await
            .ctx("reading pupils")?;
    rows.iter()
        .map(|r| {
            let upn: String = get(r, "upn")?;
            let birth: String = get(r, "birth_date")?;
            let sex: String = get(r, "sex")?;
            Ok(Pupil {
                upn: parse_upn("pupils.upn", &upn)?,
                surname: get(r, "surname")?,
                forename: get(r, "forename")?,
                birth_date: parse_date("pupils.birth_date", &birth)?,
                sex: parse_sex("pupils.sex", &sex)?,
            })
        })
        .collect()
}

pub(crate) async fn insert_characteristics(
    conn: &mut AnyConnection,
    rows: &[PupilCharacteristics],
) -> Result<u64> {
    insert_batched(
        conn,
        CHARACTERISTICS,
        ["upn", "sen", "ethnicity"],
        rows,
        |c| {
            [
                c.upn.as_str().into(),
                c.sen.clone().into(),
                c.ethnicity.clone().into(),
            ]
        },
    )
    .await
}

pub(crate) async fn load_characteristics(
    conn: &mut AnyConnection,
) -> Result<Vec<PupilCharacteristics>> {
    let rows = sqlx::query("SELECT upn, sen, ethnicity FROM pupil_characteristics ORDER BY id")
        .fetch_all(conn)
        .await
        .ctx("reading pupil characteristics")?;
    rows.iter()
        .map(|r| {
            let upn: String = get(r, "upn")?;
            Ok(PupilCharacteristics {
                upn: parse_upn("pupil_characteristics.upn", &upn)?,
                sen: get(r, "sen")?,
                ethnicity: get(r, "ethnicity")?,
            })
        })
        .collect()
}

pub(crate) async fn insert_enrolments(
    conn: &mut AnyConnection,
    enrolments: &[Enrolment],
) -> Result<u64> {
    insert_batched(
        conn,
        ENROLMENTS,
        [
            "upn",
            "urn",
            "entry_date",
            "leaving_date",
            "status",
            "nc_year",
        ],
        enrolments,
        |e| {
            [
                e.upn.as_str().into(),
                Val::Int(i64::from(e.urn.get())),
                date_text(e.entry).into(),
                opt_date_text(e.leaving).into(),
                e.status.code().into(),
                e.nc_year.code().into(),
            ]
        },
    )
    .await
}

/// Enrolments in insertion order, optionally only those at one school.
pub(crate) async fn load_enrolments(
    conn: &mut AnyConnection,
    school: Option<Urn>,
) -> Result<Vec<Enrolment>> {
    let base = "SELECT upn, urn, entry_date, leaving_date, status, nc_year FROM enrolments";
    let rows = match school {
        None => {
            sqlx::query(&format!("{base} ORDER BY id"))
                .fetch_all(conn)
                .await
        }
        Some(urn) => {
            sqlx::query(&format!("{base} WHERE urn = $1 ORDER BY id"))
                .bind(i64::from(urn.get()))
                .fetch_all(conn)
                .await
        }
    }
    .ctx("reading enrolments")?;
    rows.iter()
        .map(|r| {
            let upn: String = get(r, "upn")?;
            let entry: String = get(r, "entry_date")?;
            let status: String = get(r, "status")?;
            let nc: String = get(r, "nc_year")?;
            Ok(Enrolment {
                upn: parse_upn("enrolments.upn", &upn)?,
                urn: urn_of("enrolments.urn", get(r, "urn")?)?,
                entry: parse_date("enrolments.entry_date", &entry)?,
                leaving: parse_opt_date("enrolments.leaving_date", get(r, "leaving_date")?)?,
                status: EnrolStatus::parse(&status).ok_or_else(|| {
                    StoreError::corrupt("enrolments.status", status.clone(), "not C, M, S or G")
                })?,
                nc_year: NcYear::parse(&nc)
                    .map_err(|e| StoreError::corrupt("enrolments.nc_year", nc.clone(), e))?,
            })
        })
        .collect()
}

impl Store {
    /// Every pupil on a roll, in the order stored.
    pub async fn pupils(&self) -> Result<Vec<Pupil>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        load(&mut conn).await
    }

    /// Enrolments at one school, in the order stored.
    pub async fn enrolments_at(&self, school: Urn) -> Result<Vec<Enrolment>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        load_enrolments(&mut conn, Some(school)).await
    }
}
