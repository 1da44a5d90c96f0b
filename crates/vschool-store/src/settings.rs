//! Settings (schools and other establishments) from the register of establishments.

use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use vschool_domain::{Phase, Setting, Urn};

use crate::db::{Store, Tx};
use crate::error::{Context, Result, StoreError};
use crate::sql::{get, insert_batched, TableKey, Val};

pub(crate) const TABLE: TableKey = TableKey {
    table: "settings",
    what: "settings",
    key: "URN",
};

const COLUMNS: &str = "urn, name, type_name, phase, status, la_code, la_name, postcode";

pub(crate) async fn insert(conn: &mut AnyConnection, settings: &[Setting]) -> Result<u64> {
    insert_batched(
        conn,
        TABLE,
        [
            "urn",
            "name",
            "type_name",
            "phase",
            "status",
            "la_code",
            "la_name",
            "postcode",
        ],
        settings,
        |s| {
            [
                Val::Int(i64::from(s.urn.get())),
                s.name.as_str().into(),
                s.type_name.as_str().into(),
                s.phase.gias_name().into(),
                s.status.as_str().into(),
                Val::Int(i64::from(s.la_code)),
                s.la_name.as_str().into(),
                s.postcode.as_str().into(),
            ]
        },
    )
    .await
}

pub(crate) fn urn_of(what: &'static str, v: i64) -> Result<Urn> {
    u32::try_from(v)
        .ok()
        .and_then(|n| Urn::new(n).ok())
        .ok_or_else(|| StoreError::corrupt(what, v.to_string(), "not a six-digit URN"))
}

fn from_row(r: &AnyRow) -> Result<Setting> {
    let phase: String = get(r, "phase")?;
    let la_code: i64 = get(r, "la_code")?;
    Ok(Setting {
        urn: urn_of("settings.urn", get(r, "urn")?)?,
        name: get(r, "name")?,
        type_name: get(r, "type_name")?,
        phase: Phase::parse_gias(&phase).ok_or_else(|| {
            StoreError::corrupt("settings.phase", phase.clone(), "not a GIAS phase")
        })?,
        status: get(r, "status")?,
        la_code: u16::try_from(la_code)
            .map_err(|e| StoreError::corrupt("settings.la_code", la_code.to_string(), e))?,
        la_name: get(r, "la_name")?,
        postcode: get(r, "postcode")?,
    })
}

/// Every setting, in the order given (`id` keeps insertion order) or by URN.
pub(crate) async fn load(conn: &mut AnyConnection, by_urn: bool) -> Result<Vec<Setting>> {
    let order = if by_urn { "urn" } else { "id" };
    let sql = format!("SELECT {COLUMNS} FROM settings ORDER BY {order}");
    let rows = sqlx::query(&sql)
        .fetch_all(conn)
        .await
        .ctx("reading settings")?;
    rows.iter().map(from_row).collect()
}

impl Store {
    /// Every setting, by URN.
    pub async fn settings(&self) -> Result<Vec<Setting>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        load(&mut conn, true).await
    }

    /// One setting.
    pub async fn setting(&self, urn: Urn) -> Result<Option<Setting>> {
        let sql = format!("SELECT {COLUMNS} FROM settings WHERE urn = $1");
        let row = sqlx::query(&sql)
            .bind(i64::from(urn.get()))
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a setting")?;
        row.as_ref().map(from_row).transpose()
    }
}

impl Tx {
    /// Adds or updates settings by URN (the GIAS import is an upsert, DESIGN §8). Returns
    /// how many were added or actually changed: a setting given again unchanged is not
    /// counted, so re-importing the same file reports no change.
    pub async fn upsert_settings(&mut self, settings: &[Setting]) -> Result<u64> {
        let mut changed = 0;
        for s in settings {
            let done = sqlx::query(
                "INSERT INTO settings (urn, name, type_name, phase, status, la_code, la_name, postcode) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (urn) DO UPDATE SET name = excluded.name, type_name = excluded.type_name, \
                 phase = excluded.phase, status = excluded.status, la_code = excluded.la_code, \
                 la_name = excluded.la_name, postcode = excluded.postcode \
                 WHERE settings.name <> excluded.name OR settings.type_name <> excluded.type_name \
                 OR settings.phase <> excluded.phase OR settings.status <> excluded.status \
                 OR settings.la_code <> excluded.la_code OR settings.la_name <> excluded.la_name \
                 OR settings.postcode <> excluded.postcode",
            )
            .bind(i64::from(s.urn.get()))
            .bind(s.name.as_str())
            .bind(s.type_name.as_str())
            .bind(s.phase.gias_name())
            .bind(s.status.as_str())
            .bind(i64::from(s.la_code))
            .bind(s.la_name.as_str())
            .bind(s.postcode.as_str())
            .execute(self.conn())
            .await
            .ctx("writing settings")?;
            changed += done.rows_affected();
        }
        Ok(changed)
    }
}
