//! The key/value `meta` table: facts about the database itself.

use sqlx::AnyConnection;

use crate::db::{Store, Tx};
use crate::error::{Context, Result, StoreError};
use crate::sql::get;

/// Who built the database's data: `demo` when `vschool demo` did (DESIGN §8: the demo only
/// refills a database that is empty or was built by the demo).
pub const BUILT_BY: &str = "built_by";
/// The LA's code (e.g. `999`).
pub const LA_CODE: &str = "la_code";
/// The LA's name.
pub const LA_NAME: &str = "la_name";
/// A counter bumped on every change of data, so caches can tell they are stale.
pub const DATA_VERSION: &str = "data_version";

pub(crate) async fn get_value(conn: &mut AnyConnection, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM meta WHERE key = $1")
        .bind(key)
        .fetch_optional(conn)
        .await
        .ctx("reading a setting of the database")?;
    row.map(|r| get::<String>(&r, "value")).transpose()
}

pub(crate) async fn set_value(conn: &mut AnyConnection, key: &str, value: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO meta (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await
    .ctx("writing a setting of the database")?;
    Ok(())
}

/// Adds one to `data_version` in the same statement, so concurrent writers never lose a bump.
pub(crate) async fn bump_data_version(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = $1")
        .bind(DATA_VERSION)
        .execute(conn)
        .await
        .ctx("bumping the data version")?;
    Ok(())
}

fn parse_version(raw: Option<String>) -> Result<i64> {
    match raw {
        None => Ok(0),
        Some(v) => v
            .parse()
            .map_err(|e| StoreError::corrupt("meta.data_version", v, e)),
    }
}

impl Store {
    pub async fn meta_get(&self, key: &str) -> Result<Option<String>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        get_value(&mut conn, key).await
    }

    pub async fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        set_value(&mut conn, key, value).await
    }

    /// The data version: changes whenever data changes.
    pub async fn data_version(&self) -> Result<i64> {
        parse_version(self.meta_get(DATA_VERSION).await?)
    }
}

impl Tx {
    pub async fn meta_get(&mut self, key: &str) -> Result<Option<String>> {
        get_value(self.conn(), key).await
    }

    pub async fn meta_set(&mut self, key: &str, value: &str) -> Result<()> {
        set_value(self.conn(), key, value).await
    }

    /// Marks the data as changed; call once in every transaction that changes data.
    pub async fn bump_data_version(&mut self) -> Result<()> {
        bump_data_version(self.conn()).await
    }
}
