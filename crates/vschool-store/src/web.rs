//! Bulk reads the web service builds its in-memory index of children from (`vschool-web`'s
//! `index` module), so a page never loads the whole database: the index is rebuilt only
//! when `data_version` changes.

use vschool_domain::{Enrolment, LaChildId, Upn};

use crate::db::Store;
use crate::error::{Context, Result, StoreError};
use crate::sql::get;

impl Store {
    /// Every child linked to a roll pupil, as (LA child id, the pupil's UPN).
    pub async fn child_links(&self) -> Result<Vec<(LaChildId, Upn)>> {
        let rows = sqlx::query(
            "SELECT la_child_id, linked_upn FROM children WHERE linked_upn IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .ctx("reading children's links to pupils")?;
        rows.iter()
            .map(|r| {
                let la: String = get(r, "la_child_id")?;
                let upn: String = get(r, "linked_upn")?;
                Ok((
                    LaChildId::parse(&la)
                        .map_err(|e| StoreError::corrupt("children.la_child_id", la.clone(), e))?,
                    crate::children::parse_upn("children.linked_upn", &upn)?,
                ))
            })
            .collect()
    }

    /// The file of a SQLite database (`None` for PostgreSQL or an in-memory database): the
    /// web service keeps its key file beside it.
    pub fn database_file(&self) -> Option<std::path::PathBuf> {
        match self.backend {
            crate::db::Backend::Sqlite if !self.url.contains("mode=memory") => {
                crate::db::sqlite_path(&self.url)
            }
            _ => None,
        }
    }

    /// Every enrolment at every school, in the order stored.
    pub async fn enrolments(&self) -> Result<Vec<Enrolment>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        crate::pupils::load_enrolments(&mut conn, None).await
    }
}
