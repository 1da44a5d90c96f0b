//! Children in social care, their plans and looked-after episodes, their social workers,
//! and the link from a child to a pupil on a school roll.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use vschool_domain::{
    Allocation, CareEpisode, Child, LaChildId, Plan, PlanKind, Sex, SocialCareHistory, Span, Upn,
    UpnUnknown,
};

use crate::db::{Store, Tx};
use crate::error::{Context, Result, StoreError};
use crate::sql::{
    date_text, get, insert_batched, opt_date_text, parse_date, parse_opt_date, TableKey, Val,
};

pub(crate) const CHILDREN: TableKey = TableKey {
    table: "children",
    what: "children",
    key: "LA child id",
};
pub(crate) const PLANS: TableKey = TableKey {
    table: "plans",
    what: "plans of one child",
    key: "kind and start date",
};
pub(crate) const EPISODES: TableKey = TableKey {
    table: "care_episodes",
    what: "looked-after episodes of one child",
    key: "start date",
};
pub(crate) const ALLOCATIONS: TableKey = TableKey {
    table: "allocations",
    what: "allocations",
    key: "row",
};

/// How a child came to be linked to a pupil (`children.link_source`).
pub mod link_source {
    /// The child's UPN is a pupil's UPN.
    pub const UPN: &str = "upn";
    /// The child's former UPN is a pupil's UPN.
    pub const FORMER_UPN: &str = "former_upn";
    /// A person accepted the pair in the identity review queue (applied when neither the
    /// child's UPN nor its former UPN links).
    pub const REVIEW: &str = "review";
}

fn plan_kind_code(k: PlanKind) -> &'static str {
    k.code()
}

fn parse_plan_kind(raw: &str) -> Result<PlanKind> {
    match raw {
        "CIN" => Ok(PlanKind::Cin),
        "CP" => Ok(PlanKind::Cp),
        other => Err(StoreError::corrupt("plans.kind", other, "not CIN or CP")),
    }
}

pub(crate) fn parse_upn(what: &'static str, raw: &str) -> Result<Upn> {
    Upn::parse(raw).map_err(|e| StoreError::corrupt(what, raw, e))
}

pub(crate) fn parse_opt_upn(what: &'static str, raw: Option<String>) -> Result<Option<Upn>> {
    raw.map(|r| parse_upn(what, &r)).transpose()
}

pub(crate) fn parse_sex(what: &'static str, raw: &str) -> Result<Sex> {
    Sex::parse(raw).ok_or_else(|| StoreError::corrupt(what, raw, "not M, F or U"))
}

fn parse_child_id(what: &'static str, raw: &str) -> Result<LaChildId> {
    LaChildId::parse(raw).map_err(|e| StoreError::corrupt(what, raw, e))
}

/// Inserts children with their plans and episodes. The child rows go first; their new
/// ids are then read back by LA child id to key the plans and episodes.
pub(crate) async fn insert(conn: &mut AnyConnection, children: &[Child]) -> Result<()> {
    insert_batched(
        conn,
        CHILDREN,
        [
            "la_child_id",
            "upn",
            "upn_unknown",
            "former_upn",
            "birth_date",
            "sex",
            "ethnicity",
        ],
        children,
        |c| {
            [
                c.la_child_id.as_str().into(),
                c.upn.map(|u| u.as_str().to_owned()).into(),
                c.upn_unknown.map(|u| u.code()).into(),
                c.former_upn.map(|u| u.as_str().to_owned()).into(),
                opt_date_text(c.birth_date).into(),
                c.sex.map(|s| s.code().to_owned()).into(),
                c.ethnicity.clone().into(),
            ]
        },
    )
    .await?;

    let ids = child_ids(conn).await?;
    let (plans, episodes) = history_rows(children, &ids)?;
    insert_batched(
        conn,
        PLANS,
        ["child_id", "kind", "start_date", "end_date"],
        &plans,
        |r| r.clone(),
    )
    .await?;
    insert_batched(
        conn,
        EPISODES,
        [
            "child_id",
            "start_date",
            "end_date",
            "legal_status",
            "placement",
            "reason_ceased",
        ],
        &episodes,
        |r| r.clone(),
    )
    .await?;
    Ok(())
}

/// The plan and episode rows of `children`, keyed by their new child ids. Built before any
/// further `.await` so that no closure is held across one (see `sql::insert_batched`).
#[allow(clippy::type_complexity)]
fn history_rows(
    children: &[Child],
    ids: &HashMap<String, i64>,
) -> Result<(Vec<[Val; 4]>, Vec<[Val; 6]>)> {
    let mut plans = Vec::new();
    let mut episodes = Vec::new();
    for c in children {
        let id = ids.get(c.la_child_id.as_str()).copied().ok_or_else(|| {
            StoreError::corrupt(
                "children.la_child_id",
                c.la_child_id.as_str(),
                "just inserted but not found",
            )
        })?;
        for p in &c.history.plans {
            plans.push([
                Val::Int(id),
                plan_kind_code(p.kind).into(),
                date_text(p.span.start).into(),
                opt_date_text(p.span.end).into(),
            ]);
        }
        for e in &c.history.episodes {
            episodes.push([
                Val::Int(id),
                date_text(e.span.start).into(),
                opt_date_text(e.span.end).into(),
                e.legal_status.as_str().into(),
                e.placement.as_str().into(),
                e.reason_ceased.clone().into(),
            ]);
        }
    }
    Ok((plans, episodes))
}

async fn child_ids(conn: &mut AnyConnection) -> Result<HashMap<String, i64>> {
    let rows = sqlx::query("SELECT id, la_child_id FROM children")
        .fetch_all(conn)
        .await
        .ctx("reading child ids")?;
    rows.iter()
        .map(|r| Ok((get::<String>(r, "la_child_id")?, get::<i64>(r, "id")?)))
        .collect()
}

fn child_from_row(r: &AnyRow) -> Result<(i64, Child)> {
    let id: i64 = get(r, "id")?;
    let la: String = get(r, "la_child_id")?;
    let upn_unknown: Option<String> = get(r, "upn_unknown")?;
    let sex: Option<String> = get(r, "sex")?;
    let child = Child {
        la_child_id: parse_child_id("children.la_child_id", &la)?,
        upn: parse_opt_upn("children.upn", get(r, "upn")?)?,
        upn_unknown: upn_unknown
            .map(|u| {
                UpnUnknown::parse(&u).ok_or_else(|| {
                    StoreError::corrupt("children.upn_unknown", u.clone(), "not UN1 to UN10")
                })
            })
            .transpose()?,
        former_upn: parse_opt_upn("children.former_upn", get(r, "former_upn")?)?,
        birth_date: parse_opt_date("children.birth_date", get(r, "birth_date")?)?,
        sex: sex.map(|s| parse_sex("children.sex", &s)).transpose()?,
        ethnicity: get(r, "ethnicity")?,
        history: SocialCareHistory::default(),
    };
    Ok((id, child))
}

/// Every child with their history, in insertion order; plans and episodes keep theirs.
pub(crate) async fn load(conn: &mut AnyConnection) -> Result<Vec<Child>> {
    let rows = sqlx::query(
        "SELECT id, la_child_id, upn, upn_unknown, former_upn, birth_date, sex, ethnicity \
         FROM children ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await
    .ctx("reading children")?;
    let mut children = Vec::with_capacity(rows.len());
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(rows.len());
    for r in &rows {
        let (id, child) = child_from_row(r)?;
        index.insert(id, children.len());
        children.push(child);
    }
    drop(rows);

    let plans = sqlx::query("SELECT child_id, kind, start_date, end_date FROM plans ORDER BY id")
        .fetch_all(&mut *conn)
        .await
        .ctx("reading plans")?;
    for r in &plans {
        let child_id: i64 = get(r, "child_id")?;
        let kind: String = get(r, "kind")?;
        let start: String = get(r, "start_date")?;
        let plan = Plan {
            kind: parse_plan_kind(&kind)?,
            span: Span::new(
                parse_date("plans.start_date", &start)?,
                parse_opt_date("plans.end_date", get(r, "end_date")?)?,
            ),
        };
        if let Some(&i) = index.get(&child_id) {
            children[i].history.plans.push(plan);
        }
    }
    drop(plans);

    let episodes = sqlx::query(
        "SELECT child_id, start_date, end_date, legal_status, placement, reason_ceased \
         FROM care_episodes ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await
    .ctx("reading looked-after episodes")?;
    for r in &episodes {
        let child_id: i64 = get(r, "child_id")?;
        let start: String = get(r, "start_date")?;
        let episode = CareEpisode {
            span: Span::new(
                parse_date("care_episodes.start_date", &start)?,
                parse_opt_date("care_episodes.end_date", get(r, "end_date")?)?,
            ),
            legal_status: get(r, "legal_status")?,
            placement: get(r, "placement")?,
            reason_ceased: get(r, "reason_ceased")?,
        };
        if let Some(&i) = index.get(&child_id) {
            children[i].history.episodes.push(episode);
        }
    }
    Ok(children)
}

pub(crate) async fn insert_allocations(
    conn: &mut AnyConnection,
    allocations: &[Allocation],
) -> Result<u64> {
    insert_batched(
        conn,
        ALLOCATIONS,
        [
            "la_child_id",
            "worker_name",
            "worker_email",
            "team",
            "start_date",
            "end_date",
        ],
        allocations,
        |a| {
            [
                a.la_child_id.as_str().into(),
                a.worker_name.as_str().into(),
                a.worker_email.as_str().into(),
                a.team.as_str().into(),
                date_text(a.span.start).into(),
                opt_date_text(a.span.end).into(),
            ]
        },
    )
    .await
}

pub(crate) async fn load_allocations(conn: &mut AnyConnection) -> Result<Vec<Allocation>> {
    let rows = sqlx::query(
        "SELECT la_child_id, worker_name, worker_email, team, start_date, end_date \
         FROM allocations ORDER BY id",
    )
    .fetch_all(conn)
    .await
    .ctx("reading allocations")?;
    rows.iter()
        .map(|r| {
            let la: String = get(r, "la_child_id")?;
            let start: String = get(r, "start_date")?;
            Ok(Allocation {
                la_child_id: parse_child_id("allocations.la_child_id", &la)?,
                worker_name: get(r, "worker_name")?,
                worker_email: get(r, "worker_email")?,
                team: get(r, "team")?,
                span: Span::new(
                    parse_date("allocations.start_date", &start)?,
                    parse_opt_date("allocations.end_date", get(r, "end_date")?)?,
                ),
            })
        })
        .collect()
}

/// Re-resolves every child's link to a roll pupil and refreshes the identity review
/// queue (DESIGN §8: links are re-resolved after every import); see `crate::identity`.
/// Returns the number of linked children.
pub(crate) async fn resolve_links(conn: &mut AnyConnection) -> Result<u64> {
    crate::identity::resolve_links(conn).await
}

impl Store {
    /// Every child in social care with their full history, in the order stored.
    pub async fn children(&self) -> Result<Vec<Child>> {
        let mut tx = self.begin_read().await?;
        let children = load(&mut tx).await?;
        tx.commit().await.ctx("finishing a read")?;
        Ok(children)
    }

    /// Every social-worker allocation, in the order stored.
    pub async fn allocations(&self) -> Result<Vec<Allocation>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        load_allocations(&mut conn).await
    }

    /// The UPN of the roll pupil a child is linked to, if any.
    pub async fn linked_upn(&self, child: &LaChildId) -> Result<Option<Upn>> {
        let row = sqlx::query("SELECT linked_upn FROM children WHERE la_child_id = $1")
            .bind(child.as_str())
            .fetch_optional(&self.pool)
            .await
            .ctx("reading a child's link")?;
        match row {
            None => Ok(None),
            Some(r) => parse_opt_upn("children.linked_upn", get(&r, "linked_upn")?),
        }
    }
}

impl Tx {
    /// See [`resolve_links`].
    pub async fn resolve_links(&mut self) -> Result<u64> {
        resolve_links(self.conn()).await
    }
}
