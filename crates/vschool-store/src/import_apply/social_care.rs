//! Social-care sources (CIN census years, SSDA903 years, the demo's dataset) and the merged
//! children, plans, looked-after episodes and CIN episodes derived from them (DESIGN §8
//! "What a re-import replaces").
//!
//! Every file is kept as it came, in the `source_*` tables. After a file is stored the
//! derived rows of every child it (or the file it replaced) lists are recomputed:
//!
//! - a plan is keyed by (child, kind, start), a looked-after episode by (child, DECOM), a
//!   CIN episode by (child, referral date); each takes the values of the source with the
//!   latest extract date that lists it, whatever the import order (so a newer census closes
//!   a plan an older one left open, and importing the older one afterwards changes nothing);
//! - a child's identifiers come field by field from the newest source that gives them (a
//!   source that leaves a UPN out does not erase one an older source gave); sources that give
//!   one child different UPNs are a conflict, listed for review;
//! - a file for a collection year already held replaces that year's file: what only the old
//!   file listed disappears, and what an older year also lists reverts to that year's values.
//!
//! Ties of extract date (a census and a 903 both ending on 31 March) go to the CIN census,
//! then to the later import, so the result never depends on the order files came in.
//!
//! Derived rows are updated in place (never deleted and re-inserted): a child's row id is
//! the opaque id of its page in the web app.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};
use vschool_domain::{Child, LaChildId, PlanKind, Sex, Upn, UpnUnknown};
use vschool_import::{CinCensusBatch, Ssda903Batch};

use crate::children::{parse_opt_upn, parse_sex};
use crate::error::{Context, Result, StoreError};
use crate::sql::{
    date_text, get, insert_batched, opt_date_text, parse_date, parse_opt_date, timestamp_text,
    TableKey, Val,
};

/// What kind of file a source is. The order is the tie-break between sources with the same
/// extract date: later variants win.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum SourceKind {
    /// The demo's dataset (`replace_with_dataset`): older than any file.
    Dataset,
    Ssda903,
    CinCensus,
}

impl SourceKind {
    pub fn code(&self) -> &'static str {
        match self {
            SourceKind::Dataset => "dataset",
            SourceKind::Ssda903 => "ssda903",
            SourceKind::CinCensus => "cin-census",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        [
            SourceKind::Dataset,
            SourceKind::Ssda903,
            SourceKind::CinCensus,
        ]
        .into_iter()
        .find(|k| k.code() == raw)
    }

    /// How a person names a source in a message.
    fn describe(&self, year: i32) -> String {
        match self {
            SourceKind::Dataset => "the demo's data".into(),
            SourceKind::Ssda903 => format!("the {}/{:02} SSDA903", year - 1, year % 100),
            SourceKind::CinCensus => format!("the {year} CIN census"),
        }
    }
}

/// The extract date of the demo's dataset: before any real file, so any import overrides it.
fn dataset_extract_date() -> Date {
    Date::from_calendar_date(1, time::Month::January, 1).unwrap_or(Date::MIN)
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct EpisodeFields {
    end: Option<Date>,
    legal_status: String,
    placement: String,
    reason_ceased: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CinFields {
    closure: Option<Date>,
    reason_for_closure: Option<String>,
    primary_need: Option<String>,
}

/// A small map kept as a sorted vector: a child has a handful of plans and episodes, and a
/// large LA's sources hold hundreds of thousands of children, where a `BTreeMap`'s
/// eleven-slot nodes would cost several times the data.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Keyed<K, V>(Vec<(K, V)>);

impl<K, V> Default for Keyed<K, V> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<K: Ord + Copy, V> Keyed<K, V> {
    /// Adds or replaces the value of `key`.
    fn insert(&mut self, key: K, value: V) {
        match self.0.binary_search_by_key(&key, |(k, _)| *k) {
            Ok(i) => {
                if let Some(slot) = self.0.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    fn get(&self, key: &K) -> Option<&V> {
        let i = self.0.binary_search_by_key(key, |(k, _)| *k).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn iter(&self) -> std::slice::Iter<'_, (K, V)> {
        self.0.iter()
    }

    fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }
}

impl<K: Ord + Copy, V> Extend<(K, V)> for Keyed<K, V> {
    /// Later entries win, as in a map.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, items: I) {
        for (k, v) in items {
            self.insert(k, v);
        }
    }
}

impl<K: Ord + Copy, V> FromIterator<(K, V)> for Keyed<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut k = Keyed::default();
        k.extend(items);
        k
    }
}

impl<'a, K, V> IntoIterator for &'a Keyed<K, V> {
    type Item = &'a (K, V);
    type IntoIter = std::slice::Iter<'a, (K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

type PlanMap = Keyed<(PlanKind, Date), Option<Date>>;
type EpisodeMap = Keyed<Date, EpisodeFields>;
type CinMap = Keyed<Date, CinFields>;

/// A child's identifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Ids {
    upn: Option<Upn>,
    upn_unknown: Option<UpnUnknown>,
    former_upn: Option<Upn>,
    birth_date: Option<Date>,
    sex: Option<Sex>,
    ethnicity: Option<String>,
}

/// What one source says about one child.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SourceChild {
    ids: Ids,
    unusable_upn: Option<String>,
    plans: PlanMap,
    episodes: EpisodeMap,
    cin: CinMap,
}

/// A source about to be stored.
pub(crate) struct NewSource {
    pub kind: SourceKind,
    pub collection_year: i32,
    pub extract_date: Date,
    pub file_name: String,
    pub sha256: String,
    children: BTreeMap<LaChildId, SourceChild>,
}

struct HeldSource {
    id: i64,
    kind: SourceKind,
    collection_year: i32,
    extract_date: Date,
    sha256: String,
    children: HashMap<LaChildId, SourceChild>,
}

impl HeldSource {
    fn precedence(&self) -> (Date, SourceKind, i64) {
        (self.extract_date, self.kind, self.id)
    }
}

/// A child as the derived tables hold it (or as the merge says it should be).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Merged {
    ids: Ids,
    plans: PlanMap,
    episodes: EpisodeMap,
    cin: CinMap,
}

struct DerivedChild {
    id: i64,
    data: Merged,
}

/// Rows of the derived tables a source changed, and the UPN conflicts among the children it
/// lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SourceOutcome {
    /// The same file (same SHA-256) was already held for this kind and year.
    pub same_file_held: bool,
    /// `children` rows added, changed or removed.
    pub children: u64,
    /// `plans`, `care_episodes` and `cin_episodes` rows added, changed or removed.
    pub history: u64,
    /// Children of this file whose sources give different UPNs: (child, the UPN used, every
    /// claim as "UPN (source)").
    pub conflicts: Vec<(LaChildId, Option<Upn>, Vec<String>)>,
}

impl SourceChild {
    fn from_child(c: &Child) -> Self {
        SourceChild {
            ids: Ids {
                upn: c.upn,
                upn_unknown: c.upn_unknown,
                former_upn: c.former_upn,
                birth_date: c.birth_date,
                sex: c.sex,
                ethnicity: c.ethnicity.clone(),
            },
            unusable_upn: None,
            plans: c
                .history
                .plans
                .iter()
                .map(|p| ((p.kind, p.span.start), p.span.end))
                .collect(),
            episodes: c
                .history
                .episodes
                .iter()
                .map(|e| {
                    (
                        e.span.start,
                        EpisodeFields {
                            end: e.span.end,
                            legal_status: e.legal_status.clone(),
                            placement: e.placement.clone(),
                            reason_ceased: e.reason_ceased.clone(),
                        },
                    )
                })
                .collect(),
            cin: CinMap::default(),
        }
    }

    /// Adds what another entry for the same child in the same file says (a file listing a
    /// child twice); the later entry wins key by key.
    fn absorb(&mut self, other: SourceChild) {
        let Ids {
            upn,
            upn_unknown,
            former_upn,
            birth_date,
            sex,
            ethnicity,
        } = other.ids;
        self.ids.upn = upn.or(self.ids.upn);
        self.ids.upn_unknown = upn_unknown.or(self.ids.upn_unknown);
        self.ids.former_upn = former_upn.or(self.ids.former_upn);
        self.ids.birth_date = birth_date.or(self.ids.birth_date);
        self.ids.sex = sex.or(self.ids.sex);
        self.ids.ethnicity = ethnicity.or(self.ids.ethnicity.take());
        self.unusable_upn = other.unusable_upn.or(self.unusable_upn.take());
        self.plans.extend(other.plans.0);
        self.episodes.extend(other.episodes.0);
        self.cin.extend(other.cin.0);
    }
}

fn add_child(children: &mut BTreeMap<LaChildId, SourceChild>, id: LaChildId, c: SourceChild) {
    match children.get_mut(&id) {
        Some(held) => held.absorb(c),
        None => {
            children.insert(id, c);
        }
    }
}

impl NewSource {
    pub fn from_cin_census(b: &CinCensusBatch, file_name: &str, sha256: &str) -> Self {
        let mut children = BTreeMap::new();
        for c in &b.children {
            let mut sc = SourceChild::from_child(&c.child);
            sc.unusable_upn = c.unusable_upn.clone();
            sc.cin = c
                .episodes
                .iter()
                .map(|e| {
                    (
                        e.referral,
                        CinFields {
                            closure: e.closure,
                            reason_for_closure: e.reason_for_closure.clone(),
                            primary_need: e.primary_need.clone(),
                        },
                    )
                })
                .collect();
            add_child(&mut children, c.child.la_child_id.clone(), sc);
        }
        NewSource {
            kind: SourceKind::CinCensus,
            collection_year: b.collection_year,
            extract_date: b.extract_date,
            file_name: file_name.to_owned(),
            sha256: sha256.to_owned(),
            children,
        }
    }

    pub fn from_ssda903(
        b: &Ssda903Batch,
        extract_date: Date,
        file_name: &str,
        sha256: &str,
    ) -> Self {
        let mut children = BTreeMap::new();
        for c in &b.children {
            let mut sc = SourceChild::from_child(c);
            sc.unusable_upn = b.unusable_upns.get(&c.la_child_id).cloned();
            add_child(&mut children, c.la_child_id.clone(), sc);
        }
        NewSource {
            kind: SourceKind::Ssda903,
            collection_year: b.collection_year,
            extract_date,
            file_name: file_name.to_owned(),
            sha256: sha256.to_owned(),
            children,
        }
    }

    pub fn from_dataset(children: &[Child]) -> Self {
        let mut map = BTreeMap::new();
        for c in children {
            add_child(&mut map, c.la_child_id.clone(), SourceChild::from_child(c));
        }
        NewSource {
            kind: SourceKind::Dataset,
            collection_year: 0,
            extract_date: dataset_extract_date(),
            file_name: "demo dataset".into(),
            sha256: String::new(),
            children: map,
        }
    }
}

const SOURCE_CHILDREN: TableKey = TableKey {
    table: "source_children",
    what: "children of one social-care file",
    key: "LA child id",
};
const SOURCE_PLANS: TableKey = TableKey {
    table: "source_plans",
    what: "plans of one child in one social-care file",
    key: "kind and start date",
};
const SOURCE_EPISODES: TableKey = TableKey {
    table: "source_care_episodes",
    what: "looked-after episodes of one child in one 903 file",
    key: "DECOM",
};
const SOURCE_CIN: TableKey = TableKey {
    table: "source_cin_episodes",
    what: "CIN episodes of one child in one census file",
    key: "referral date",
};
const CIN_EPISODES: TableKey = TableKey {
    table: "cin_episodes",
    what: "CIN episodes of one child",
    key: "referral date",
};

fn opt_text(v: Option<String>) -> Val {
    Val::OptText(v)
}

fn upn_val(u: Option<Upn>) -> Val {
    opt_text(u.map(|u| u.as_str().to_owned()))
}

/// Stores a source's rows (its `social_care_sources` row is already written, id `sid`).
async fn insert_source_rows(conn: &mut AnyConnection, sid: i64, s: &NewSource) -> Result<()> {
    let mut kids: Vec<[Val; 9]> = Vec::with_capacity(s.children.len());
    let mut plans: Vec<[Val; 5]> = Vec::new();
    let mut eps: Vec<[Val; 7]> = Vec::new();
    let mut cins: Vec<[Val; 6]> = Vec::new();
    for (id, c) in &s.children {
        let la = || Val::Text(id.as_str().to_owned());
        kids.push([
            Val::Int(sid),
            la(),
            upn_val(c.ids.upn),
            opt_text(c.ids.upn_unknown.map(|u| u.code())),
            upn_val(c.ids.former_upn),
            opt_text(c.unusable_upn.clone()),
            opt_text(opt_date_text(c.ids.birth_date)),
            opt_text(c.ids.sex.map(|x| x.code().to_owned())),
            opt_text(c.ids.ethnicity.clone()),
        ]);
        for ((kind, start), end) in &c.plans {
            plans.push([
                Val::Int(sid),
                la(),
                kind.code().into(),
                date_text(*start).into(),
                opt_text(opt_date_text(*end)),
            ]);
        }
        for (start, e) in &c.episodes {
            eps.push([
                Val::Int(sid),
                la(),
                date_text(*start).into(),
                opt_text(opt_date_text(e.end)),
                e.legal_status.as_str().into(),
                e.placement.as_str().into(),
                opt_text(e.reason_ceased.clone()),
            ]);
        }
        for (referral, e) in &c.cin {
            cins.push([
                Val::Int(sid),
                la(),
                date_text(*referral).into(),
                opt_text(opt_date_text(e.closure)),
                opt_text(e.reason_for_closure.clone()),
                opt_text(e.primary_need.clone()),
            ]);
        }
    }
    insert_batched(
        conn,
        SOURCE_CHILDREN,
        [
            "source_id",
            "la_child_id",
            "upn",
            "upn_unknown",
            "former_upn",
            "unusable_upn",
            "birth_date",
            "sex",
            "ethnicity",
        ],
        &kids,
        |r| r.clone(),
    )
    .await?;
    insert_batched(
        conn,
        SOURCE_PLANS,
        ["source_id", "la_child_id", "kind", "start_date", "end_date"],
        &plans,
        |r| r.clone(),
    )
    .await?;
    insert_batched(
        conn,
        SOURCE_EPISODES,
        [
            "source_id",
            "la_child_id",
            "start_date",
            "end_date",
            "legal_status",
            "placement",
            "reason_ceased",
        ],
        &eps,
        |r| r.clone(),
    )
    .await?;
    insert_batched(
        conn,
        SOURCE_CIN,
        [
            "source_id",
            "la_child_id",
            "referral_date",
            "closure_date",
            "reason_for_closure",
            "primary_need",
        ],
        &cins,
        |r| r.clone(),
    )
    .await?;
    Ok(())
}

async fn insert_source_row(conn: &mut AnyConnection, s: &NewSource) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO social_care_sources (kind, collection_year, extract_date, file_name, sha256, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(s.kind.code())
    .bind(i64::from(s.collection_year))
    .bind(date_text(s.extract_date))
    .bind(s.file_name.as_str())
    .bind(s.sha256.as_str())
    .bind(timestamp_text(OffsetDateTime::now_utc()))
    .fetch_one(&mut *conn)
    .await
    .ctx("recording a social-care file")?;
    get(&row, "id")
}

/// Records the demo's dataset as a source (`replace_with_dataset` has already written the
/// derived rows, which equal it), so a later import merges with it instead of losing it.
pub(crate) async fn insert_dataset_source(
    conn: &mut AnyConnection,
    children: &[Child],
) -> Result<()> {
    if children.is_empty() {
        // Nothing to merge with; an empty database stays empty.
        return Ok(());
    }
    let s = NewSource::from_dataset(children);
    let sid = insert_source_row(conn, &s).await?;
    insert_source_rows(conn, sid, &s).await
}

fn la_id(what: &'static str, raw: String) -> Result<LaChildId> {
    LaChildId::parse(&raw).map_err(|e| StoreError::corrupt(what, raw.clone(), e))
}

fn plan_kind(what: &'static str, raw: &str) -> Result<PlanKind> {
    match raw {
        "CIN" => Ok(PlanKind::Cin),
        "CP" => Ok(PlanKind::Cp),
        other => Err(StoreError::corrupt(what, other, "not CIN or CP")),
    }
}

fn ids_from_row(r: &AnyRow, what: &'static str) -> Result<Ids> {
    let unknown: Option<String> = get(r, "upn_unknown")?;
    let sex: Option<String> = get(r, "sex")?;
    Ok(Ids {
        upn: parse_opt_upn(what, get(r, "upn")?)?,
        upn_unknown: unknown
            .map(|u| {
                UpnUnknown::parse(&u)
                    .ok_or_else(|| StoreError::corrupt(what, u.clone(), "not UN1 to UN10"))
            })
            .transpose()?,
        former_upn: parse_opt_upn(what, get(r, "former_upn")?)?,
        birth_date: parse_opt_date(what, get(r, "birth_date")?)?,
        sex: sex.map(|s| parse_sex(what, &s)).transpose()?,
        ethnicity: get(r, "ethnicity")?,
    })
}

fn episode_from_row(r: &AnyRow, what: &'static str) -> Result<(Date, EpisodeFields)> {
    let start: String = get(r, "start_date")?;
    Ok((
        parse_date(what, &start)?,
        EpisodeFields {
            end: parse_opt_date(what, get(r, "end_date")?)?,
            legal_status: get(r, "legal_status")?,
            placement: get(r, "placement")?,
            reason_ceased: get(r, "reason_ceased")?,
        },
    ))
}

fn cin_from_row(r: &AnyRow, what: &'static str) -> Result<(Date, CinFields)> {
    let referral: String = get(r, "referral_date")?;
    Ok((
        parse_date(what, &referral)?,
        CinFields {
            closure: parse_opt_date(what, get(r, "closure_date")?)?,
            reason_for_closure: get(r, "reason_for_closure")?,
            primary_need: get(r, "primary_need")?,
        },
    ))
}

async fn fetch(conn: &mut AnyConnection, sql: &str, action: &'static str) -> Result<Vec<AnyRow>> {
    sqlx::query(sql).fetch_all(conn).await.ctx(action)
}

/// Reads a large table a page at a time, in id order (keyset pagination), so that loading a
/// large LA's sources never holds hundreds of thousands of driver rows at once.
struct Pager {
    sql: String,
    after: i64,
    done: bool,
    action: &'static str,
}

/// Rows per page.
const PAGE: i64 = 20_000;

impl Pager {
    /// `select` is `SELECT id, … FROM table`, without WHERE or ORDER BY.
    fn new(select: &str, action: &'static str) -> Self {
        Pager {
            sql: format!("{select} WHERE id > $1 ORDER BY id LIMIT {PAGE}"),
            after: 0,
            done: false,
            action,
        }
    }

    async fn next(&mut self, conn: &mut AnyConnection) -> Result<Option<Vec<AnyRow>>> {
        if self.done {
            return Ok(None);
        }
        let rows = sqlx::query(&self.sql)
            .bind(self.after)
            .fetch_all(conn)
            .await
            .ctx(self.action)?;
        match rows.last() {
            None => {
                self.done = true;
                Ok(None)
            }
            Some(last) => {
                self.after = get(last, "id")?;
                self.done = (rows.len() as i64) < PAGE;
                Ok(Some(rows))
            }
        }
    }
}

/// Every social-care source held, and the derived rows, in memory for one import command
/// (loaded once; kept in step with the database as sources are applied).
pub(crate) struct SocialCare {
    sources: Vec<HeldSource>,
    derived: HashMap<LaChildId, DerivedChild>,
}

impl SocialCare {
    pub async fn load(conn: &mut AnyConnection) -> Result<SocialCare> {
        let mut sources: Vec<HeldSource> = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        for r in fetch(
            conn,
            "SELECT id, kind, collection_year, extract_date, sha256 FROM social_care_sources ORDER BY id",
            "reading social-care files",
        )
        .await?
        {
            let kind: String = get(&r, "kind")?;
            let year: i64 = get(&r, "collection_year")?;
            let extract: String = get(&r, "extract_date")?;
            let id: i64 = get(&r, "id")?;
            index.insert(id, sources.len());
            sources.push(HeldSource {
                id,
                kind: SourceKind::parse(&kind).ok_or_else(|| {
                    StoreError::corrupt("social_care_sources.kind", kind.clone(), "not a source kind")
                })?,
                collection_year: i32::try_from(year).map_err(|e| {
                    StoreError::corrupt("social_care_sources.collection_year", year.to_string(), e)
                })?,
                extract_date: parse_date("social_care_sources.extract_date", &extract)?,
                sha256: get(&r, "sha256")?,
                children: HashMap::new(),
            });
        }
        let mut pages = Pager::new("SELECT id, source_id, la_child_id, upn, upn_unknown, former_upn, unusable_upn, birth_date, sex, ethnicity FROM source_children", "reading social-care files");
        while let Some(rows) = pages.next(conn).await? {
            for r in &rows {
                let la = la_id("source_children.la_child_id", get(r, "la_child_id")?)?;
                let ids = ids_from_row(r, "source_children")?;
                let unusable: Option<String> = get(r, "unusable_upn")?;
                if let Some(c) = source_child(&mut sources, &index, get(r, "source_id")?, la) {
                    c.ids = ids;
                    c.unusable_upn = unusable;
                }
            }
        }
        let mut pages = Pager::new(
            "SELECT id, source_id, la_child_id, kind, start_date, end_date FROM source_plans",
            "reading social-care files",
        );
        while let Some(rows) = pages.next(conn).await? {
            for r in &rows {
                let la = la_id("source_plans.la_child_id", get(r, "la_child_id")?)?;
                let kind: String = get(r, "kind")?;
                let start: String = get(r, "start_date")?;
                let key = (
                    plan_kind("source_plans.kind", &kind)?,
                    parse_date("source_plans.start_date", &start)?,
                );
                let end = parse_opt_date("source_plans.end_date", get(r, "end_date")?)?;
                if let Some(c) = source_child(&mut sources, &index, get(r, "source_id")?, la) {
                    c.plans.insert(key, end);
                }
            }
        }
        let mut pages = Pager::new("SELECT id, source_id, la_child_id, start_date, end_date, legal_status, placement, reason_ceased FROM source_care_episodes", "reading social-care files");
        while let Some(rows) = pages.next(conn).await? {
            for r in &rows {
                let la = la_id("source_care_episodes.la_child_id", get(r, "la_child_id")?)?;
                let (start, e) = episode_from_row(r, "source_care_episodes")?;
                if let Some(c) = source_child(&mut sources, &index, get(r, "source_id")?, la) {
                    c.episodes.insert(start, e);
                }
            }
        }
        let mut pages = Pager::new("SELECT id, source_id, la_child_id, referral_date, closure_date, reason_for_closure, primary_need FROM source_cin_episodes", "reading social-care files");
        while let Some(rows) = pages.next(conn).await? {
            for r in &rows {
                let la = la_id("source_cin_episodes.la_child_id", get(r, "la_child_id")?)?;
                let (referral, e) = cin_from_row(r, "source_cin_episodes")?;
                if let Some(c) = source_child(&mut sources, &index, get(r, "source_id")?, la) {
                    c.cin.insert(referral, e);
                }
            }
        }
        let derived = load_derived(conn).await?;
        Ok(SocialCare { sources, derived })
    }

    /// Stores `new`, replacing the file held for the same kind and collection year, and
    /// brings the derived rows of every child either lists up to date.
    pub async fn apply(
        &mut self,
        conn: &mut AnyConnection,
        new: NewSource,
    ) -> Result<SourceOutcome> {
        let held = self
            .sources
            .iter()
            .position(|s| s.kind == new.kind && s.collection_year == new.collection_year);
        let mut outcome = SourceOutcome::default();
        let mut affected: BTreeSet<LaChildId> = new.children.keys().cloned().collect();
        if let Some(i) = held {
            if self.sources[i].sha256 == new.sha256 && !new.sha256.is_empty() {
                outcome.same_file_held = true;
                outcome.conflicts = self.conflicts(new.children.keys());
                return Ok(outcome);
            }
            let old = self.sources.remove(i);
            affected.extend(old.children.into_keys());
            sqlx::query("DELETE FROM social_care_sources WHERE id = $1")
                .bind(old.id)
                .execute(&mut *conn)
                .await
                .ctx("replacing a social-care file")?;
        }
        let sid = insert_source_row(conn, &new).await?;
        insert_source_rows(conn, sid, &new).await?;
        let mine: Vec<LaChildId> = new.children.keys().cloned().collect();
        self.sources.push(HeldSource {
            id: sid,
            kind: new.kind,
            collection_year: new.collection_year,
            extract_date: new.extract_date,
            sha256: new.sha256,
            children: new.children.into_iter().collect(),
        });
        let (children, history) = self.recompute(conn, &affected).await?;
        outcome.children = children;
        outcome.history = history;
        outcome.conflicts = self.conflicts(mine.iter());
        Ok(outcome)
    }

    /// Sources in order of precedence, lowest first.
    fn ordered(&self) -> Vec<&HeldSource> {
        let mut v: Vec<&HeldSource> = self.sources.iter().collect();
        v.sort_by_key(|s| s.precedence());
        v
    }

    fn merge(ordered: &[&HeldSource], la: &LaChildId) -> Option<Merged> {
        let mut m = Merged::default();
        let mut found = false;
        let mut unknown = None;
        for s in ordered {
            let Some(c) = s.children.get(la) else {
                continue;
            };
            found = true;
            let ids = &c.ids;
            m.ids.upn = ids.upn.or(m.ids.upn);
            unknown = ids.upn_unknown.or(unknown);
            m.ids.former_upn = ids.former_upn.or(m.ids.former_upn);
            m.ids.birth_date = ids.birth_date.or(m.ids.birth_date);
            m.ids.sex = ids.sex.or(m.ids.sex);
            if ids.ethnicity.is_some() {
                m.ids.ethnicity.clone_from(&ids.ethnicity);
            }
            m.plans.extend(c.plans.iter().map(|(k, v)| (*k, *v)));
            m.episodes
                .extend(c.episodes.iter().map(|(k, v)| (*k, v.clone())));
            m.cin.extend(c.cin.iter().map(|(k, v)| (*k, v.clone())));
        }
        // A reason the UPN is unknown means nothing once a UPN is known.
        m.ids.upn_unknown = if m.ids.upn.is_some() { None } else { unknown };
        found.then_some(m)
    }

    /// Children among `which` whose sources give different UPNs.
    fn conflicts<'a>(
        &self,
        which: impl Iterator<Item = &'a LaChildId>,
    ) -> Vec<(LaChildId, Option<Upn>, Vec<String>)> {
        let ordered = self.ordered();
        let mut out = Vec::new();
        for la in which {
            let claims: Vec<(Upn, &HeldSource)> = ordered
                .iter()
                .filter_map(|s| s.children.get(la)?.ids.upn.map(|u| (u, *s)))
                .collect();
            let distinct: BTreeSet<Upn> = claims.iter().map(|(u, _)| *u).collect();
            if distinct.len() > 1 {
                let used = self.derived.get(la).and_then(|d| d.data.ids.upn);
                let described = claims
                    .iter()
                    .map(|(u, s)| {
                        format!(
                            "{} ({}, extract {})",
                            u.as_str(),
                            s.kind.describe(s.collection_year),
                            date_text(s.extract_date)
                        )
                    })
                    .collect();
                out.push((la.clone(), used, described));
            }
        }
        out
    }

    /// Brings the derived rows of `affected` in line with the merge of the sources. Returns
    /// (children rows changed, history rows changed).
    async fn recompute(
        &mut self,
        conn: &mut AnyConnection,
        affected: &BTreeSet<LaChildId>,
    ) -> Result<(u64, u64)> {
        let ordered = self.ordered();
        let mut w = Writes::default();
        for la in affected {
            let merged = Self::merge(&ordered, la);
            match (merged, self.derived.get(la)) {
                (None, None) => {}
                (Some(m), None) => w.new_children.push((la.clone(), m)),
                (None, Some(d)) => {
                    w.children_changed += 1;
                    w.history_changed +=
                        (d.data.plans.len() + d.data.episodes.len() + d.data.cin.len()) as u64;
                    w.deleted_children.push((la.clone(), d.id));
                }
                (Some(m), Some(d)) => w.diff(d.id, &d.data, &m, la),
            }
        }
        drop(ordered);
        w.execute(conn, &mut self.derived).await
    }
}

/// The changes one recompute makes.
#[derive(Default)]
struct Writes {
    new_children: Vec<(LaChildId, Merged)>,
    deleted_children: Vec<(LaChildId, i64)>,
    changed_ids: Vec<(i64, LaChildId, Ids)>,
    /// Upserts carry whether the key is new (inserted in batches) or held (updated).
    plan_upserts: Vec<(i64, PlanKind, Date, Option<Date>, bool)>,
    plan_deletes: Vec<(i64, PlanKind, Date)>,
    episode_upserts: Vec<(i64, Date, EpisodeFields, bool)>,
    episode_deletes: Vec<(i64, Date)>,
    cin_upserts: Vec<(i64, Date, CinFields, bool)>,
    cin_deletes: Vec<(i64, Date)>,
    /// The new state of changed existing children, applied to the in-memory copy.
    updated: Vec<(LaChildId, Merged)>,
    children_changed: u64,
    history_changed: u64,
}

/// Keys of `new` whose values differ from (or are missing in) `old`, with whether the key is
/// new, and keys of `old` missing from `new`.
#[allow(clippy::type_complexity)]
fn diff_maps<'a, K: Ord + Copy, V: PartialEq>(
    old: &'a Keyed<K, V>,
    new: &'a Keyed<K, V>,
) -> (Vec<(K, &'a V, bool)>, Vec<K>) {
    let upserts = new
        .iter()
        .filter_map(|(k, v)| match old.get(k) {
            Some(held) if held == v => None,
            held => Some((*k, v, held.is_none())),
        })
        .collect();
    let deletes = old
        .keys()
        .filter(|k| !new.contains_key(k))
        .copied()
        .collect();
    (upserts, deletes)
}

impl Writes {
    fn diff(&mut self, id: i64, old: &Merged, new: &Merged, la: &LaChildId) {
        if old == new {
            return;
        }
        if old.ids != new.ids {
            self.children_changed += 1;
            self.changed_ids.push((id, la.clone(), new.ids.clone()));
        }
        let (up, del) = diff_maps(&old.plans, &new.plans);
        self.history_changed += (up.len() + del.len()) as u64;
        self.plan_upserts
            .extend(up.into_iter().map(|((k, s), e, n)| (id, k, s, *e, n)));
        self.plan_deletes
            .extend(del.into_iter().map(|(k, s)| (id, k, s)));
        let (up, del) = diff_maps(&old.episodes, &new.episodes);
        self.history_changed += (up.len() + del.len()) as u64;
        self.episode_upserts
            .extend(up.into_iter().map(|(s, e, n)| (id, s, e.clone(), n)));
        self.episode_deletes
            .extend(del.into_iter().map(|s| (id, s)));
        let (up, del) = diff_maps(&old.cin, &new.cin);
        self.history_changed += (up.len() + del.len()) as u64;
        self.cin_upserts
            .extend(up.into_iter().map(|(s, e, n)| (id, s, e.clone(), n)));
        self.cin_deletes.extend(del.into_iter().map(|s| (id, s)));
        self.updated.push((la.clone(), new.clone()));
    }

    async fn execute(
        mut self,
        conn: &mut AnyConnection,
        derived: &mut HashMap<LaChildId, DerivedChild>,
    ) -> Result<(u64, u64)> {
        for (la, id) in std::mem::take(&mut self.deleted_children) {
            // Plans and episodes go with the child (ON DELETE CASCADE).
            sqlx::query("DELETE FROM children WHERE id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await
                .ctx("removing a child no file lists any more")?;
            derived.remove(&la);
        }
        for (id, _, ids) in &self.changed_ids {
            sqlx::query(
                "UPDATE children SET upn = $1, upn_unknown = $2, former_upn = $3, birth_date = $4, \
                 sex = $5, ethnicity = $6 WHERE id = $7",
            )
            .bind(ids.upn.map(|u| u.as_str().to_owned()))
            .bind(ids.upn_unknown.map(|u| u.code()))
            .bind(ids.former_upn.map(|u| u.as_str().to_owned()))
            .bind(opt_date_text(ids.birth_date))
            .bind(ids.sex.map(|s| s.code().to_owned()))
            .bind(ids.ethnicity.clone())
            .bind(*id)
            .execute(&mut *conn)
            .await
            .ctx("updating a child's identifiers")?;
        }
        self.insert_new_children(conn, derived).await?;
        self.write_history(conn).await?;
        for (la, m) in std::mem::take(&mut self.updated) {
            if let Some(d) = derived.get_mut(&la) {
                d.data = m;
            }
        }
        Ok((self.children_changed, self.history_changed))
    }

    /// Inserts new children, learns their row ids, and queues their history for insertion.
    async fn insert_new_children(
        &mut self,
        conn: &mut AnyConnection,
        derived: &mut HashMap<LaChildId, DerivedChild>,
    ) -> Result<()> {
        if self.new_children.is_empty() {
            return Ok(());
        }
        let row = sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM children")
            .fetch_one(&mut *conn)
            .await
            .ctx("reading child ids")?;
        let before: i64 = get(&row, "m")?;
        let rows: Vec<[Val; 7]> = self
            .new_children
            .iter()
            .map(|(la, m)| {
                [
                    la.as_str().into(),
                    upn_val(m.ids.upn),
                    opt_text(m.ids.upn_unknown.map(|u| u.code())),
                    upn_val(m.ids.former_upn),
                    opt_text(opt_date_text(m.ids.birth_date)),
                    opt_text(m.ids.sex.map(|s| s.code().to_owned())),
                    opt_text(m.ids.ethnicity.clone()),
                ]
            })
            .collect();
        insert_batched(
            conn,
            crate::children::CHILDREN,
            [
                "la_child_id",
                "upn",
                "upn_unknown",
                "former_upn",
                "birth_date",
                "sex",
                "ethnicity",
            ],
            &rows,
            |r| r.clone(),
        )
        .await?;
        self.children_changed += rows.len() as u64;
        let fresh = sqlx::query("SELECT id, la_child_id FROM children WHERE id > $1")
            .bind(before)
            .fetch_all(&mut *conn)
            .await
            .ctx("reading child ids")?;
        let mut ids: HashMap<String, i64> = HashMap::with_capacity(fresh.len());
        for r in &fresh {
            ids.insert(get(r, "la_child_id")?, get(r, "id")?);
        }
        for (la, m) in std::mem::take(&mut self.new_children) {
            let id = *ids.get(la.as_str()).ok_or_else(|| {
                StoreError::corrupt(
                    "children.la_child_id",
                    la.as_str(),
                    "just inserted but not found",
                )
            })?;
            self.history_changed += (m.plans.len() + m.episodes.len() + m.cin.len()) as u64;
            self.plan_upserts
                .extend(m.plans.iter().map(|((k, s), e)| (id, *k, *s, *e, true)));
            self.episode_upserts
                .extend(m.episodes.iter().map(|(s, e)| (id, *s, e.clone(), true)));
            self.cin_upserts
                .extend(m.cin.iter().map(|(s, e)| (id, *s, e.clone(), true)));
            derived.insert(la, DerivedChild { id, data: m });
        }
        Ok(())
    }

    /// Deletes, then inserts or updates plans, episodes and CIN episodes by their keys. A
    /// new key is inserted in batches (a first import inserts hundreds of thousands); a held
    /// one is updated in place.
    async fn write_history(&mut self, conn: &mut AnyConnection) -> Result<()> {
        for (id, kind, start) in &self.plan_deletes {
            sqlx::query("DELETE FROM plans WHERE child_id = $1 AND kind = $2 AND start_date = $3")
                .bind(*id)
                .bind(kind.code())
                .bind(date_text(*start))
                .execute(&mut *conn)
                .await
                .ctx("removing a plan")?;
        }
        for (id, start) in &self.episode_deletes {
            sqlx::query("DELETE FROM care_episodes WHERE child_id = $1 AND start_date = $2")
                .bind(*id)
                .bind(date_text(*start))
                .execute(&mut *conn)
                .await
                .ctx("removing a looked-after episode")?;
        }
        for (id, referral) in &self.cin_deletes {
            sqlx::query("DELETE FROM cin_episodes WHERE child_id = $1 AND referral_date = $2")
                .bind(*id)
                .bind(date_text(*referral))
                .execute(&mut *conn)
                .await
                .ctx("removing a CIN episode")?;
        }
        let mut new_plans: Vec<[Val; 4]> = Vec::new();
        for (id, kind, start, end, new) in &self.plan_upserts {
            if *new {
                new_plans.push([
                    Val::Int(*id),
                    kind.code().into(),
                    date_text(*start).into(),
                    opt_text(opt_date_text(*end)),
                ]);
                continue;
            }
            sqlx::query(
                "UPDATE plans SET end_date = $1 WHERE child_id = $2 AND kind = $3 AND start_date = $4",
            )
            .bind(opt_date_text(*end))
            .bind(*id)
            .bind(kind.code())
            .bind(date_text(*start))
            .execute(&mut *conn)
            .await
            .ctx("updating a plan")?;
        }
        insert_batched(
            conn,
            crate::children::PLANS,
            ["child_id", "kind", "start_date", "end_date"],
            &new_plans,
            |r| r.clone(),
        )
        .await?;
        let mut new_eps: Vec<[Val; 6]> = Vec::new();
        for (id, start, e, new) in &self.episode_upserts {
            if *new {
                new_eps.push([
                    Val::Int(*id),
                    date_text(*start).into(),
                    opt_text(opt_date_text(e.end)),
                    e.legal_status.as_str().into(),
                    e.placement.as_str().into(),
                    opt_text(e.reason_ceased.clone()),
                ]);
                continue;
            }
            sqlx::query(
                "UPDATE care_episodes SET end_date = $1, legal_status = $2, placement = $3, \
                 reason_ceased = $4 WHERE child_id = $5 AND start_date = $6",
            )
            .bind(opt_date_text(e.end))
            .bind(e.legal_status.as_str())
            .bind(e.placement.as_str())
            .bind(e.reason_ceased.clone())
            .bind(*id)
            .bind(date_text(*start))
            .execute(&mut *conn)
            .await
            .ctx("updating a looked-after episode")?;
        }
        insert_batched(
            conn,
            crate::children::EPISODES,
            [
                "child_id",
                "start_date",
                "end_date",
                "legal_status",
                "placement",
                "reason_ceased",
            ],
            &new_eps,
            |r| r.clone(),
        )
        .await?;
        let mut new_cin: Vec<[Val; 5]> = Vec::new();
        for (id, referral, e, new) in &self.cin_upserts {
            if *new {
                new_cin.push([
                    Val::Int(*id),
                    date_text(*referral).into(),
                    opt_text(opt_date_text(e.closure)),
                    opt_text(e.reason_for_closure.clone()),
                    opt_text(e.primary_need.clone()),
                ]);
                continue;
            }
            sqlx::query(
                "UPDATE cin_episodes SET closure_date = $1, reason_for_closure = $2, primary_need = $3 \
                 WHERE child_id = $4 AND referral_date = $5",
            )
            .bind(opt_date_text(e.closure))
            .bind(e.reason_for_closure.clone())
            .bind(e.primary_need.clone())
            .bind(*id)
            .bind(date_text(*referral))
            .execute(&mut *conn)
            .await
            .ctx("updating a CIN episode")?;
        }
        insert_batched(
            conn,
            CIN_EPISODES,
            [
                "child_id",
                "referral_date",
                "closure_date",
                "reason_for_closure",
                "primary_need",
            ],
            &new_cin,
            |r| r.clone(),
        )
        .await?;
        Ok(())
    }
}

/// The child `la` of source `sid` (a plain function, not a closure: closures held across
/// `.await` break the futures' `Send` bound, see `sql::insert_batched`).
fn source_child<'a>(
    sources: &'a mut [HeldSource],
    index: &HashMap<i64, usize>,
    sid: i64,
    la: LaChildId,
) -> Option<&'a mut SourceChild> {
    let i = *index.get(&sid)?;
    Some(sources.get_mut(i)?.children.entry(la).or_default())
}

fn derived_child<'a>(
    derived: &'a mut HashMap<LaChildId, DerivedChild>,
    by_id: &HashMap<i64, LaChildId>,
    id: i64,
) -> Option<&'a mut DerivedChild> {
    derived.get_mut(by_id.get(&id)?)
}

/// The derived rows as held.
async fn load_derived(conn: &mut AnyConnection) -> Result<HashMap<LaChildId, DerivedChild>> {
    let mut by_id: HashMap<i64, LaChildId> = HashMap::new();
    let mut derived: HashMap<LaChildId, DerivedChild> = HashMap::new();
    let mut pages = Pager::new("SELECT id, la_child_id, upn, upn_unknown, former_upn, birth_date, sex, ethnicity FROM children", "reading children");
    while let Some(rows) = pages.next(conn).await? {
        for r in &rows {
            let la = la_id("children.la_child_id", get(r, "la_child_id")?)?;
            let id: i64 = get(r, "id")?;
            let ids = ids_from_row(r, "children")?;
            by_id.insert(id, la.clone());
            derived.insert(
                la,
                DerivedChild {
                    id,
                    data: Merged {
                        ids,
                        ..Merged::default()
                    },
                },
            );
        }
    }
    let mut pages = Pager::new(
        "SELECT id, child_id, kind, start_date, end_date FROM plans",
        "reading plans",
    );
    while let Some(rows) = pages.next(conn).await? {
        for r in &rows {
            let kind: String = get(r, "kind")?;
            let start: String = get(r, "start_date")?;
            let key = (
                plan_kind("plans.kind", &kind)?,
                parse_date("plans.start_date", &start)?,
            );
            let end = parse_opt_date("plans.end_date", get(r, "end_date")?)?;
            if let Some(c) = derived_child(&mut derived, &by_id, get(r, "child_id")?) {
                c.data.plans.insert(key, end);
            }
        }
    }
    let mut pages = Pager::new("SELECT id, child_id, start_date, end_date, legal_status, placement, reason_ceased FROM care_episodes", "reading looked-after episodes");
    while let Some(rows) = pages.next(conn).await? {
        for r in &rows {
            let (start, e) = episode_from_row(r, "care_episodes")?;
            if let Some(c) = derived_child(&mut derived, &by_id, get(r, "child_id")?) {
                c.data.episodes.insert(start, e);
            }
        }
    }
    let mut pages = Pager::new("SELECT id, child_id, referral_date, closure_date, reason_for_closure, primary_need FROM cin_episodes", "reading CIN episodes");
    while let Some(rows) = pages.next(conn).await? {
        for r in &rows {
            let (referral, e) = cin_from_row(r, "cin_episodes")?;
            if let Some(c) = derived_child(&mut derived, &by_id, get(r, "child_id")?) {
                c.data.cin.insert(referral, e);
            }
        }
    }
    Ok(derived)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations::MIGRATIONS;
    use crate::testing::fixtures::cohort_dataset;
    use crate::Store;

    /// A database whose children were loaded before migration 0020 gets them back as its
    /// oldest source from migration 0023, so an import merges with them.
    #[tokio::test]
    async fn children_held_before_sources_existed_become_the_dataset_source() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("b.db").display());
        let store = Store::connect(&url).await.expect("opens");
        let dataset = cohort_dataset();
        store.replace_with_dataset(&dataset).await.expect("loads");
        let mut conn = store.pool.acquire().await.expect("a connection");
        // As a database built before 0020 was: children, no sources.
        sqlx::query("DELETE FROM social_care_sources")
            .execute(&mut *conn)
            .await
            .expect("deletes");
        let backfill = MIGRATIONS
            .iter()
            .find(|m| m.version == 23)
            .expect("migration 0023");
        let sql = crate::migrate::render(backfill.sql, store.backend());
        sqlx::Executor::execute(&mut *conn, sql.as_str())
            .await
            .expect("runs");
        let care = SocialCare::load(&mut conn).await.expect("loads");
        assert_eq!(care.sources.len(), 1);
        assert_eq!(care.sources[0].kind, SourceKind::Dataset);
        assert_eq!(care.sources[0].children.len(), dataset.children.len());
        // The source says exactly what the derived rows hold.
        let ordered = care.ordered();
        for (la, d) in &care.derived {
            assert_eq!(
                SocialCare::merge(&ordered, la).as_ref(),
                Some(&d.data),
                "{la}"
            );
        }
        drop(conn);
        store.close().await;
    }
}
