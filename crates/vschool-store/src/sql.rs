//! Small helpers shared by the area modules: how values are written as columns, batched
//! multi-row INSERTs, and reading columns back into domain types with clear errors.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::error::{Context, Result, StoreError};

/// Timestamps are stored as RFC 3339 UTC with a fixed six-digit fraction, so that text
/// comparison orders them in both databases.
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

pub(crate) fn timestamp_text(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    // Formatting a UTC timestamp with four-digit years cannot fail; years beyond 9999 are
    // not dates this system meets, so fall back to the plain RFC 3339 form rather than panic.
    utc.format(TIMESTAMP).unwrap_or_else(|_| utc.to_string())
}

pub(crate) fn parse_timestamp(what: &'static str, raw: &str) -> Result<OffsetDateTime> {
    PrimitiveDateTime::parse(raw, TIMESTAMP)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|e| StoreError::corrupt(what, raw, e))
}

pub(crate) fn date_text(d: Date) -> String {
    vschool_domain::calendar::iso(d)
}

pub(crate) fn opt_date_text(d: Option<Date>) -> Option<String> {
    d.map(date_text)
}

pub(crate) fn parse_date(what: &'static str, raw: &str) -> Result<Date> {
    vschool_domain::calendar::parse_iso_date(raw)
        .ok_or_else(|| StoreError::corrupt(what, raw, "not a date like 2025-03-14"))
}

pub(crate) fn parse_opt_date(what: &'static str, raw: Option<String>) -> Result<Option<Date>> {
    raw.map(|r| parse_date(what, &r)).transpose()
}

/// Reads a column, naming it in the error.
pub(crate) fn get<'r, T>(row: &'r AnyRow, column: &'static str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(column).ctx(column)
}

/// A value to bind. The `Any` driver carries only integers, text and bytes (and NULLs of
/// them), so every column is written as one of these.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Blob(Vec<u8>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::OptInt(v)
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::OptText(v)
    }
}
impl From<Vec<u8>> for Val {
    fn from(v: Vec<u8>) -> Self {
        Val::Blob(v)
    }
}

pub(crate) fn bind_val<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    v: Val,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    match v {
        Val::Int(i) => q.bind(i),
        Val::OptInt(i) => q.bind(i),
        Val::Text(t) => q.bind(t),
        Val::OptText(t) => q.bind(t),
        Val::Blob(b) => q.bind(b),
    }
}

/// Most bound values one statement may carry: PostgreSQL allows 65,535 and the bundled
/// SQLite more; staying well under keeps statements a sensible size.
const MAX_PARAMS: usize = 30_000;
/// Rows per statement: enough to make per-statement overhead vanish in a bulk load.
const MAX_ROWS: usize = 1_000;

/// `INSERT INTO table (a, b) VALUES ($1, $2), ($3, $4), …` for `rows` rows.
///
/// The one place SQL text differs by backend: on SQLite the placeholders are plain `?`.
/// SQLite looks a named parameter such as `$1` up by walking a list, and sqlx asks for every
/// parameter's name, so a statement with thousands of `$n` costs time quadratic in their
/// number (measured: a 1,000-row, 5,000-parameter INSERT ran 10× slower than 50 rows at a
/// time). Plain `?` has no name and binds in order, which is what a batch needs.
pub(crate) fn insert_sql(table: &str, columns: &[&str], rows: usize, positional: bool) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            if positional {
                sql.push('?');
            } else {
                sql.push('$');
                sql.push_str(&n.to_string());
            }
        }
        sql.push(')');
    }
    sql
}

/// Whether a connection is to SQLite (see [`insert_sql`]).
fn is_sqlite(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("sqlite")
}

/// What a table holds and which key must be unique in it, for duplicate-row messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableKey {
    pub table: &'static str,
    /// "settings", "enrolments", … as a person would say it.
    pub what: &'static str,
    /// "URN", "UPN, URN and entry date", …
    pub key: &'static str,
}

/// Inserts rows with batched multi-row INSERTs; `to_row` turns one item into its column
/// values. Returns the number of rows inserted.
///
/// `to_row` is a plain function rather than a closure, and the rows a slice rather than an
/// iterator: closures held across an `.await` make the future fail the `Send` check in
/// generic callers (a rustc limitation with higher-ranked lifetimes), and every store
/// future must be `Send` for the web server and `tokio::spawn`.
pub(crate) async fn insert_batched<T: Sync, const N: usize>(
    conn: &mut AnyConnection,
    target: TableKey,
    columns: [&str; N],
    rows: &[T],
    to_row: fn(&T) -> [Val; N],
) -> Result<u64> {
    let per_batch = (MAX_PARAMS / N.max(1)).clamp(1, MAX_ROWS);
    let positional = is_sqlite(conn);
    let full_sql = insert_sql(target.table, &columns, per_batch, positional);
    let mut total = 0u64;
    for chunk in rows.chunks(per_batch) {
        let tail_sql;
        let sql = if chunk.len() == per_batch {
            &full_sql
        } else {
            tail_sql = insert_sql(target.table, &columns, chunk.len(), positional);
            &tail_sql
        };
        let mut q = sqlx::query(sql);
        for item in chunk {
            for v in to_row(item) {
                q = bind_val(q, v);
            }
        }
        let done = q
            .execute(&mut *conn)
            .await
            .map_err(|e| write_error(target, e))?;
        total += done.rows_affected();
    }
    Ok(total)
}

/// Turns a unique-key violation into a message that says which rows clash.
pub(crate) fn write_error(target: TableKey, e: sqlx::Error) -> StoreError {
    let unique = e
        .as_database_error()
        .is_some_and(|d| d.is_unique_violation());
    if unique {
        let detail = e
            .as_database_error()
            .map(|d| d.message().to_owned())
            .unwrap_or_default();
        StoreError::Duplicate {
            what: target.what,
            key: target.key,
            detail,
        }
    } else {
        StoreError::Query {
            action: "writing",
            cause: e,
        }
    }
}

/// Deletes every row of a table.
pub(crate) async fn delete_all(conn: &mut AnyConnection, table: &str) -> Result<u64> {
    let sql = format!("DELETE FROM {table}");
    let done = sqlx::query(&sql)
        .execute(conn)
        .await
        .ctx("clearing a table")?;
    Ok(done.rows_affected())
}

/// Whether a table has no rows.
pub(crate) async fn table_is_empty(conn: &mut AnyConnection, table: &str) -> Result<bool> {
    let sql = format!("SELECT 1 FROM {table} LIMIT 1");
    let row = sqlx::query(&sql)
        .fetch_optional(conn)
        .await
        .ctx("checking whether the database is empty")?;
    Ok(row.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn insert_statements_number_placeholders_in_order() {
        assert_eq!(
            insert_sql("t", &["a", "b"], 2, false),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            insert_sql("t", &["a", "b"], 2, true),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
    }

    #[test]
    fn timestamps_are_fixed_width_utc() {
        let t = datetime!(2025-03-14 10:05:00.5 +01:00);
        assert_eq!(timestamp_text(t), "2025-03-14T09:05:00.500000Z");
        assert_eq!(
            parse_timestamp("x", "2025-03-14T09:05:00.500000Z").ok(),
            Some(t)
        );
        assert!(parse_timestamp("x", "yesterday").is_err());
        // Text order is time order.
        assert!(
            timestamp_text(datetime!(2025-03-14 09:05:00 UTC))
                < timestamp_text(datetime!(2025-03-14 09:05:00.000001 UTC))
        );
    }
}
