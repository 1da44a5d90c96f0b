//! The import history: who imported which file when, and what came of it.

use serde::{Serialize, Serializer};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};

use crate::audit::{serialize_timestamp, Stored};
use crate::db::{Store, Tx};
use crate::error::{Context, Result, StoreError};
use crate::sql::{get, opt_date_text, parse_opt_date, parse_timestamp, timestamp_text, Val};

/// What came of importing one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportOutcome {
    /// Loaded; `rows_changed` says how much changed.
    Loaded,
    /// Valid, and already held: nothing changed.
    Unchanged,
    /// Errors: nothing from the command was loaded.
    Rejected,
    /// `--check`: validated only.
    Checked,
}

impl ImportOutcome {
    pub const ALL: [ImportOutcome; 4] = [
        ImportOutcome::Loaded,
        ImportOutcome::Unchanged,
        ImportOutcome::Rejected,
        ImportOutcome::Checked,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            ImportOutcome::Loaded => "loaded",
            ImportOutcome::Unchanged => "unchanged",
            ImportOutcome::Rejected => "rejected",
            ImportOutcome::Checked => "checked",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == raw)
    }
}

impl Serialize for ImportOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

fn serialize_opt_date<S: Serializer>(
    d: &Option<Date>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&vschool_domain::calendar::iso(*d)),
        None => s.serialize_none(),
    }
}

/// One file of one import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRecord {
    #[serde(serialize_with = "serialize_timestamp")]
    pub at: OffsetDateTime,
    /// An email, or `cli:<os user>`.
    pub actor: String,
    /// `gias`, `cin-census`, `ssda903`, `allocations`, `roll`, `attendance`, …
    pub kind: String,
    pub file_name: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub rows_read: u64,
    pub rows_changed: u64,
    pub outcome: ImportOutcome,
    /// The date the source data is current to (DESIGN §8).
    #[serde(serialize_with = "serialize_opt_date")]
    pub extract_date: Option<Date>,
    /// A one-line summary (e.g. "3 warnings").
    pub detail: String,
}

const SELECT: &str = "SELECT id, at, actor, kind, file_name, sha256, rows_read, rows_changed, \
                      outcome, extract_date, detail FROM imports";

fn count(v: u64) -> Val {
    Val::Int(i64::try_from(v).unwrap_or(i64::MAX))
}

pub(crate) async fn insert(conn: &mut AnyConnection, r: &ImportRecord) -> Result<i64> {
    let mut q = sqlx::query(
        "INSERT INTO imports (at, actor, kind, file_name, sha256, rows_read, rows_changed, \
         outcome, extract_date, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    );
    let vals: [Val; 10] = [
        timestamp_text(r.at).into(),
        r.actor.as_str().into(),
        r.kind.as_str().into(),
        r.file_name.as_str().into(),
        r.sha256.as_str().into(),
        count(r.rows_read),
        count(r.rows_changed),
        r.outcome.code().into(),
        opt_date_text(r.extract_date).into(),
        r.detail.as_str().into(),
    ];
    for v in vals {
        q = crate::sql::bind_val(q, v);
    }
    let row = q.fetch_one(conn).await.ctx("recording an import")?;
    get(&row, "id")
}

fn from_row(r: &AnyRow) -> Result<Stored<ImportRecord>> {
    let at: String = get(r, "at")?;
    let outcome: String = get(r, "outcome")?;
    let read: i64 = get(r, "rows_read")?;
    let changed: i64 = get(r, "rows_changed")?;
    Ok(Stored {
        id: get(r, "id")?,
        item: ImportRecord {
            at: parse_timestamp("imports.at", &at)?,
            actor: get(r, "actor")?,
            kind: get(r, "kind")?,
            file_name: get(r, "file_name")?,
            sha256: get(r, "sha256")?,
            rows_read: u64::try_from(read).unwrap_or(0),
            rows_changed: u64::try_from(changed).unwrap_or(0),
            outcome: ImportOutcome::parse(&outcome).ok_or_else(|| {
                StoreError::corrupt("imports.outcome", outcome.clone(), "not an import outcome")
            })?,
            extract_date: parse_opt_date("imports.extract_date", get(r, "extract_date")?)?,
            detail: get(r, "detail")?,
        },
    })
}

impl Store {
    /// Records one file of an import made outside a transaction (a rejected or checked
    /// file: nothing else is written). Returns its id.
    pub async fn record_import(&self, record: &ImportRecord) -> Result<i64> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        insert(&mut conn, record).await
    }

    /// The import history, oldest first.
    pub async fn imports(&self) -> Result<Vec<Stored<ImportRecord>>> {
        let rows = sqlx::query(&format!("{SELECT} ORDER BY at, id"))
            .fetch_all(&self.pool)
            .await
            .ctx("reading the import history")?;
        rows.iter().map(from_row).collect()
    }

    /// The latest loaded or unchanged import of a file with these bytes, if any: importing
    /// the same file again changes nothing and says so.
    pub async fn import_of_file(&self, sha256: &str) -> Result<Option<Stored<ImportRecord>>> {
        let row = sqlx::query(&format!(
            "{SELECT} WHERE sha256 = $1 AND outcome IN ('loaded', 'unchanged') ORDER BY at DESC, id DESC LIMIT 1"
        ))
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await
        .ctx("reading the import history")?;
        row.as_ref().map(from_row).transpose()
    }

    /// The newest extract date of a kind of source that was loaded, for "social-care data
    /// current to 31 March 2025".
    pub async fn latest_extract(&self, kind: &str) -> Result<Option<Date>> {
        let row = sqlx::query(
            "SELECT MAX(extract_date) AS d FROM imports WHERE kind = $1 AND outcome IN ('loaded', 'unchanged')",
        )
        .bind(kind)
        .fetch_one(&self.pool)
        .await
        .ctx("reading the import history")?;
        parse_opt_date("imports.extract_date", get(&row, "d")?)
    }
}

impl Tx {
    /// Records one file of an import in the import's own transaction.
    pub async fn record_import(&mut self, record: &ImportRecord) -> Result<i64> {
        insert(self.conn(), record).await
    }
}
