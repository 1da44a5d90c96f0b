//! A whole LA at once: bulk-loading a [`Dataset`] (what the demo does) and reading one back.

use vschool_domain::Dataset;

use crate::db::{Store, Tx};
use crate::error::{Context, Result, StoreError};
use crate::{attendance, children, contacts, meta, pupils, records, settings, sql};

/// The tables that hold an LA's data, children's rows before their parents'. History
/// (imports, audit) and the database's own facts (meta) are not data and are kept.
const DATA_TABLES: &[&str] = &[
    "source_plans",
    "source_care_episodes",
    "source_cin_episodes",
    "source_children",
    "social_care_sources",
    "plans",
    "care_episodes",
    "cin_episodes",
    "children",
    "allocations",
    "attendance_registers",
    "exclusions",
    "attainment",
    "contacts",
    "enrolments",
    "pupil_characteristics",
    "pupils",
    "settings",
];

impl Store {
    /// Whether the database holds no LA data (imports and audit history aside).
    pub async fn is_empty(&self) -> Result<bool> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        for table in DATA_TABLES {
            if !sql::table_is_empty(&mut conn, table).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Replaces all LA data with `dataset`, in one transaction: on any error nothing changes.
    pub async fn replace_with_dataset(&self, dataset: &Dataset) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.replace_with_dataset(dataset).await?;
        tx.commit().await
    }

    /// Reads all LA data back. Every list comes in the order it was stored, so a dataset
    /// loaded with [`Store::replace_with_dataset`] reads back equal to itself.
    pub async fn load_dataset(&self) -> Result<Dataset> {
        let mut tx = self.begin_read().await?;
        let conn = &mut *tx;
        let la_code = match meta::get_value(conn, meta::LA_CODE).await? {
            None => 0,
            Some(v) => v
                .parse()
                .map_err(|e| StoreError::corrupt("meta.la_code", v.clone(), e))?,
        };
        let la_name = meta::get_value(conn, meta::LA_NAME)
            .await?
            .unwrap_or_default();
        let dataset = Dataset {
            la_code,
            la_name,
            settings: settings::load(conn, false).await?,
            children: children::load(conn).await?,
            allocations: children::load_allocations(conn).await?,
            pupils: pupils::load(conn).await?,
            characteristics: pupils::load_characteristics(conn).await?,
            enrolments: pupils::load_enrolments(conn, None).await?,
            registers: attendance::load(conn, attendance::RegisterFilter::All).await?,
            exclusions: records::load_exclusions(conn).await?,
            attainment: records::load_attainment(conn).await?,
            contacts: contacts::load(conn)
                .await?
                .into_iter()
                .map(|c| c.contact)
                .collect(),
        };
        tx.commit().await.ctx("finishing a read")?;
        Ok(dataset)
    }
}

impl Tx {
    /// Deletes all LA data and loads `dataset` with batched multi-row INSERTs, records the
    /// LA's code and name, re-resolves child–pupil links and bumps the data version.
    pub async fn replace_with_dataset(&mut self, d: &Dataset) -> Result<()> {
        let conn = self.conn();
        for table in DATA_TABLES {
            sql::delete_all(conn, table).await?;
        }
        settings::insert(conn, &d.settings).await?;
        children::insert(conn, &d.children).await?;
        // The dataset is also kept as a social-care source (the oldest), so that a later
        // import merges with the demo's children instead of dropping them.
        crate::import_apply::social_care::insert_dataset_source(conn, &d.children).await?;
        children::insert_allocations(conn, &d.allocations).await?;
        pupils::insert(conn, &d.pupils).await?;
        pupils::insert_characteristics(conn, &d.characteristics).await?;
        pupils::insert_enrolments(conn, &d.enrolments).await?;
        attendance::insert(conn, &d.registers).await?;
        records::insert_exclusions(conn, &d.exclusions).await?;
        records::insert_attainment(conn, &d.attainment).await?;
        contacts::insert(conn, &d.contacts).await?;
        meta::set_value(conn, meta::LA_CODE, &d.la_code.to_string()).await?;
        meta::set_value(conn, meta::LA_NAME, &d.la_name).await?;
        children::resolve_links(conn).await?;
        meta::bump_data_version(conn).await
    }
}
