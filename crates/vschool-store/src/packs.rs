//! Half-term dates, packs and aspirational targets (migration 0030). The rules (which
//! dates apply, what a pack holds, what changed) live in `vschool-analytics` and
//! `vschool-web`; this module keeps the rows.

use sqlx::any::AnyRow;
use time::{Date, OffsetDateTime};
use vschool_domain::calendar::AcademicYear;
use vschool_domain::{Percent, Upn, Urn};

use crate::children::parse_upn;
use crate::db::Store;
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{
    date_text, get, parse_date, parse_timestamp, timestamp_text, write_error, TableKey,
};

/// One half term's dates as the LA set them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HalfTermDates {
    pub year: AcademicYear,
    /// 1 to 6.
    pub number: u8,
    pub start: Date,
    pub end: Date,
    pub set_at: OffsetDateTime,
    /// An email, or `cli:<os user>`.
    pub set_by: String,
}

/// A school's pack for a half term, one version of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPack {
    pub id: i64,
    pub urn: Urn,
    /// `2024/25-3`.
    pub half_term: String,
    pub version: i64,
    /// The half term's last day: what the pack was computed for.
    pub as_at: Date,
    /// The half term's dates were the shipped default, not the LA's own.
    pub default_dates: bool,
    pub built_at: OffsetDateTime,
    /// Pupils on the list.
    pub pupils: i64,
    /// JSON (see `vschool_web::packs::content`).
    pub content: String,
}

/// One version of a school's pack without its content (the lists of packs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackSummary {
    pub id: i64,
    pub urn: Urn,
    /// `2024/25-3`.
    pub half_term: String,
    pub version: i64,
    pub as_at: Date,
    pub default_dates: bool,
    pub built_at: OffsetDateTime,
    pub pupils: i64,
}

/// When a school last read one of its packs (migration 0031).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackRead {
    pub urn: Urn,
    /// The half term of the pack read last.
    pub half_term: String,
    pub at: OffsetDateTime,
    /// The reader's email.
    pub by: String,
}

/// What storing a new pack version needs (the version number is the next free one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPack {
    pub urn: Urn,
    pub half_term: String,
    pub as_at: Date,
    pub default_dates: bool,
    pub built_at: OffsetDateTime,
    pub pupils: i64,
    pub content: String,
}

/// Whom a target is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TargetFor {
    Pupil(Upn),
    /// A status group by its tracker code: `CLA`, `CP`, `CIN` or `ever6`.
    Group(String),
}

/// An aspirational attendance target for an academic year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTarget {
    pub urn: Urn,
    pub year: AcademicYear,
    pub target_for: TargetFor,
    pub target: Percent,
    pub set_at: OffsetDateTime,
    pub set_by: String,
}

const PACKS: TableKey = TableKey {
    table: "packs",
    what: "packs",
    key: "school, half term and version",
};

const PACK_COLUMNS: &str =
    "id, urn, half_term, version, as_at, default_dates, built_at, pupils, content";

fn pack_from_row(r: &AnyRow) -> Result<StoredPack> {
    let s = summary_from_row(r)?;
    Ok(StoredPack {
        id: s.id,
        urn: s.urn,
        half_term: s.half_term,
        version: s.version,
        as_at: s.as_at,
        default_dates: s.default_dates,
        built_at: s.built_at,
        pupils: s.pupils,
        content: get(r, "content")?,
    })
}

fn summary_from_row(r: &AnyRow) -> Result<PackSummary> {
    let as_at: String = get(r, "as_at")?;
    let built: String = get(r, "built_at")?;
    let default_dates: i64 = get(r, "default_dates")?;
    Ok(PackSummary {
        id: get(r, "id")?,
        urn: urn_of("packs.urn", get(r, "urn")?)?,
        half_term: get(r, "half_term")?,
        version: get(r, "version")?,
        as_at: parse_date("packs.as_at", &as_at)?,
        default_dates: default_dates != 0,
        built_at: parse_timestamp("packs.built_at", &built)?,
        pupils: get(r, "pupils")?,
    })
}

fn number_of(raw: i64) -> Result<u8> {
    u8::try_from(raw)
        .ok()
        .filter(|n| (1..=6).contains(n))
        .ok_or_else(|| StoreError::corrupt("half_term_dates.number", raw.to_string(), "not 1 to 6"))
}

fn year_of(what: &'static str, raw: i64) -> Result<AcademicYear> {
    i32::try_from(raw)
        .map(AcademicYear)
        .map_err(|e| StoreError::corrupt(what, raw.to_string(), e))
}

impl Store {
    // ---- half-term dates ------------------------------------------------------------

    /// The LA's half-term dates: of one academic year, or of every year; by year and number.
    pub async fn half_term_dates(&self, year: Option<AcademicYear>) -> Result<Vec<HalfTermDates>> {
        let base = "SELECT academic_year, number, start_date, end_date, set_at, set_by \
                    FROM half_term_dates";
        let rows = match year {
            Some(y) => {
                sqlx::query(&format!("{base} WHERE academic_year = $1 ORDER BY number"))
                    .bind(i64::from(y.0))
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query(&format!("{base} ORDER BY academic_year, number"))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .ctx("reading half-term dates")?;
        rows.iter()
            .map(|r| {
                let start: String = get(r, "start_date")?;
                let end: String = get(r, "end_date")?;
                let at: String = get(r, "set_at")?;
                Ok(HalfTermDates {
                    year: year_of("half_term_dates.academic_year", get(r, "academic_year")?)?,
                    number: number_of(get(r, "number")?)?,
                    start: parse_date("half_term_dates.start_date", &start)?,
                    end: parse_date("half_term_dates.end_date", &end)?,
                    set_at: parse_timestamp("half_term_dates.set_at", &at)?,
                    set_by: get(r, "set_by")?,
                })
            })
            .collect()
    }

    /// Sets half terms' dates (replacing what was set for those half terms), in one
    /// transaction. The caller checks the dates make sense.
    pub async fn set_half_term_dates(&self, dates: &[HalfTermDates]) -> Result<()> {
        let mut tx = self.begin().await?;
        for d in dates {
            sqlx::query(
                "INSERT INTO half_term_dates (academic_year, number, start_date, end_date, set_at, set_by) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (academic_year, number) DO UPDATE SET start_date = excluded.start_date, \
                 end_date = excluded.end_date, set_at = excluded.set_at, set_by = excluded.set_by",
            )
            .bind(i64::from(d.year.0))
            .bind(i64::from(d.number))
            .bind(date_text(d.start))
            .bind(date_text(d.end))
            .bind(timestamp_text(d.set_at))
            .bind(d.set_by.clone())
            .execute(tx.conn())
            .await
            .ctx("setting half-term dates")?;
        }
        tx.commit().await
    }

    /// Forgets the LA's dates for a year: the shipped default applies again.
    pub async fn clear_half_term_dates(&self, year: AcademicYear) -> Result<u64> {
        let done = sqlx::query("DELETE FROM half_term_dates WHERE academic_year = $1")
            .bind(i64::from(year.0))
            .execute(&self.pool)
            .await
            .ctx("clearing half-term dates")?;
        Ok(done.rows_affected())
    }

    // ---- packs ----------------------------------------------------------------------

    /// Stores a new version of a school's pack for a half term; returns it.
    pub async fn pack_insert(&self, new: &NewPack) -> Result<StoredPack> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) AS v FROM packs WHERE urn = $1 AND half_term = $2",
        )
        .bind(i64::from(new.urn.get()))
        .bind(new.half_term.clone())
        .fetch_one(tx.conn())
        .await
        .ctx("numbering a pack")?;
        let version: i64 = get::<i64>(&row, "v")? + 1;
        let sql = format!(
            "INSERT INTO packs (urn, half_term, version, as_at, default_dates, built_at, pupils, content) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {PACK_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(i64::from(new.urn.get()))
            .bind(new.half_term.clone())
            .bind(version)
            .bind(date_text(new.as_at))
            .bind(i64::from(new.default_dates))
            .bind(timestamp_text(new.built_at))
            .bind(new.pupils)
            .bind(new.content.clone())
            .fetch_one(tx.conn())
            .await
            .map_err(|e| write_error(PACKS, e))?;
        let pack = pack_from_row(&row)?;
        tx.commit().await?;
        Ok(pack)
    }

    /// The latest version of a school's pack for a half term.
    pub async fn pack_latest(&self, urn: Urn, half_term: &str) -> Result<Option<StoredPack>> {
        let sql = format!(
            "SELECT {PACK_COLUMNS} FROM packs WHERE urn = $1 AND half_term = $2 \
             ORDER BY version DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(i64::from(urn.get()))
            .bind(half_term.to_owned())
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a pack")?;
        row.as_ref().map(pack_from_row).transpose()
    }

    pub async fn pack_by_id(&self, id: i64) -> Result<Option<StoredPack>> {
        let sql = format!("SELECT {PACK_COLUMNS} FROM packs WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a pack")?;
        row.as_ref().map(pack_from_row).transpose()
    }

    /// The latest version of the school's most recent pack for a date before `before`
    /// (what a new pack's "what changed" compares with).
    pub async fn pack_before(&self, urn: Urn, before: Date) -> Result<Option<StoredPack>> {
        let sql = format!(
            "SELECT {PACK_COLUMNS} FROM packs WHERE urn = $1 AND as_at < $2 \
             ORDER BY as_at DESC, version DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(i64::from(urn.get()))
            .bind(date_text(before))
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a school's previous pack")?;
        row.as_ref().map(pack_from_row).transpose()
    }

    /// A school's packs, the latest version of each half term, newest half term first.
    pub async fn packs_of(&self, urn: Urn) -> Result<Vec<StoredPack>> {
        let sql = format!(
            "SELECT {PACK_COLUMNS} FROM packs p WHERE urn = $1 AND version = \
             (SELECT MAX(version) FROM packs q WHERE q.urn = p.urn AND q.half_term = p.half_term) \
             ORDER BY as_at DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(i64::from(urn.get()))
            .fetch_all(&self.pool)
            .await
            .ctx("reading a school's packs")?;
        rows.iter().map(pack_from_row).collect()
    }

    /// Every version of a school's pack for a half term, newest first.
    pub async fn pack_versions(&self, urn: Urn, half_term: &str) -> Result<Vec<StoredPack>> {
        let sql = format!(
            "SELECT {PACK_COLUMNS} FROM packs WHERE urn = $1 AND half_term = $2 ORDER BY version DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(i64::from(urn.get()))
            .bind(half_term.to_owned())
            .fetch_all(&self.pool)
            .await
            .ctx("reading a pack's versions")?;
        rows.iter().map(pack_from_row).collect()
    }

    /// Every version of every pack of a school, without their content: newest half term
    /// first, then newest version first.
    pub async fn pack_summaries(&self, urn: Urn) -> Result<Vec<PackSummary>> {
        let rows = sqlx::query(
            "SELECT id, urn, half_term, version, as_at, default_dates, built_at, pupils \
             FROM packs WHERE urn = $1 ORDER BY as_at DESC, half_term DESC, version DESC",
        )
        .bind(i64::from(urn.get()))
        .fetch_all(&self.pool)
        .await
        .ctx("reading a school's packs")?;
        rows.iter().map(summary_from_row).collect()
    }

    // ---- reads by schools -----------------------------------------------------------

    /// Records that someone of the school read (opened or downloaded) its pack for a half
    /// term. The caller decides whose reads count (the school's own staff).
    pub async fn pack_read(
        &self,
        urn: Urn,
        half_term: &str,
        by: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        let at = timestamp_text(at);
        sqlx::query(
            "INSERT INTO pack_reads (urn, half_term, first_read_at, last_read_at, last_read_by, reads) \
             VALUES ($1, $2, $3, $4, $5, 1) \
             ON CONFLICT (urn, half_term) DO UPDATE SET \
             last_read_at = CASE WHEN excluded.last_read_at > pack_reads.last_read_at \
                 THEN excluded.last_read_at ELSE pack_reads.last_read_at END, \
             last_read_by = CASE WHEN excluded.last_read_at > pack_reads.last_read_at \
                 THEN excluded.last_read_by ELSE pack_reads.last_read_by END, \
             reads = pack_reads.reads + 1",
        )
        .bind(i64::from(urn.get()))
        .bind(half_term.to_owned())
        .bind(at.clone())
        .bind(at)
        .bind(by.trim().to_lowercase())
        .execute(&self.pool)
        .await
        .ctx("recording that a school read its pack")?;
        Ok(())
    }

    /// Each school's latest read of any of its packs, by URN (schools that never read one
    /// are absent).
    pub async fn pack_last_reads(&self) -> Result<Vec<PackRead>> {
        let rows = sqlx::query(
            "SELECT urn, half_term, last_read_at, last_read_by FROM pack_reads \
             ORDER BY urn, last_read_at DESC",
        )
        .fetch_all(&self.pool)
        .await
        .ctx("reading when schools last read their packs")?;
        let mut out: Vec<PackRead> = Vec::new();
        for r in &rows {
            let urn = urn_of("pack_reads.urn", get(r, "urn")?)?;
            // Newest first within a school: the first row of each school is its latest.
            if out.last().is_some_and(|p| p.urn == urn) {
                continue;
            }
            let at: String = get(r, "last_read_at")?;
            out.push(PackRead {
                urn,
                half_term: get(r, "half_term")?,
                at: parse_timestamp("pack_reads.last_read_at", &at)?,
                by: get(r, "last_read_by")?,
            });
        }
        Ok(out)
    }

    // ---- aspirational targets -------------------------------------------------------

    /// Targets for an academic year: one school's, or every school's.
    pub async fn targets(&self, urn: Option<Urn>, year: AcademicYear) -> Result<Vec<StoredTarget>> {
        let base = "SELECT urn, academic_year, upn, status_group, target_tenths, set_at, set_by \
                    FROM aspirational_targets WHERE academic_year = $1";
        let rows = match urn {
            Some(u) => {
                sqlx::query(&format!("{base} AND urn = $2 ORDER BY id"))
                    .bind(i64::from(year.0))
                    .bind(i64::from(u.get()))
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query(&format!("{base} ORDER BY id"))
                    .bind(i64::from(year.0))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .ctx("reading aspirational targets")?;
        rows.iter()
            .map(|r| {
                let upn: String = get(r, "upn")?;
                let group: String = get(r, "status_group")?;
                let tenths: i64 = get(r, "target_tenths")?;
                let at: String = get(r, "set_at")?;
                let target_for = if upn.is_empty() {
                    TargetFor::Group(group)
                } else {
                    TargetFor::Pupil(parse_upn("aspirational_targets.upn", &upn)?)
                };
                Ok(StoredTarget {
                    urn: urn_of("aspirational_targets.urn", get(r, "urn")?)?,
                    year: year_of(
                        "aspirational_targets.academic_year",
                        get(r, "academic_year")?,
                    )?,
                    target_for,
                    target: Percent(u32::try_from(tenths).map_err(|e| {
                        StoreError::corrupt(
                            "aspirational_targets.target_tenths",
                            tenths.to_string(),
                            e,
                        )
                    })?),
                    set_at: parse_timestamp("aspirational_targets.set_at", &at)?,
                    set_by: get(r, "set_by")?,
                })
            })
            .collect()
    }

    /// Sets (`Some`) or removes (`None`) targets of one school for a year, in one
    /// transaction; returns how many changed.
    pub async fn targets_set(
        &self,
        urn: Urn,
        year: AcademicYear,
        changes: &[(TargetFor, Option<Percent>)],
        by: &str,
        at: OffsetDateTime,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        let mut changed = 0;
        for (target_for, value) in changes {
            let (upn, group) = match target_for {
                TargetFor::Pupil(u) => (u.as_str().to_owned(), String::new()),
                TargetFor::Group(g) => (String::new(), g.clone()),
            };
            let done = match value {
                Some(p) => sqlx::query(
                    "INSERT INTO aspirational_targets (urn, academic_year, upn, status_group, target_tenths, set_at, set_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (urn, academic_year, upn, status_group) DO UPDATE SET \
                     target_tenths = excluded.target_tenths, set_at = excluded.set_at, set_by = excluded.set_by \
                     WHERE aspirational_targets.target_tenths <> excluded.target_tenths",
                )
                .bind(i64::from(urn.get()))
                .bind(i64::from(year.0))
                .bind(upn)
                .bind(group)
                .bind(i64::from(p.tenths()))
                .bind(timestamp_text(at))
                .bind(by.to_owned())
                .execute(tx.conn())
                .await,
                None => sqlx::query(
                    "DELETE FROM aspirational_targets \
                     WHERE urn = $1 AND academic_year = $2 AND upn = $3 AND status_group = $4",
                )
                .bind(i64::from(urn.get()))
                .bind(i64::from(year.0))
                .bind(upn)
                .bind(group)
                .execute(tx.conn())
                .await,
            }
            .ctx("setting an aspirational target")?;
            changed += done.rows_affected();
        }
        tx.commit().await?;
        Ok(changed)
    }
}
