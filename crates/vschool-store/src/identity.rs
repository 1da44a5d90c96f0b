//! Identity and linking (DESIGN §8 "Identity and linking"): which roll pupil each
//! social-care child is, and the review queue for the pairs only a person can decide.
//!
//! A child links to a pupil, in this order:
//! 1. by the child's UPN (the newest source's, see `import_apply::social_care`);
//! 2. by the CIN census `FormerUPN`;
//! 3. by a pair a person **accepted** in the review queue.
//!
//! A UPN from a return outranks an accepted pair: the pair was decided on weaker evidence
//! (date of birth and sex) for a child that had no usable UPN then.
//!
//! The queue proposes a pair for every child with no usable UPN (none given, or not a valid
//! UPN) and no link, and every roll pupil with the same date of birth and sex who is not
//! linked to another child. Pending pairs are re-proposed after every import (a pair whose
//! child gained a UPN disappears); decided pairs are never proposed again and stay decided
//! across re-imports: the queue is keyed by LA child id and UPN, never by row ids.
//!
//! Conflicting UPNs (two sources giving one child different UPNs) are computed from the
//! sources held: [`Store::upn_conflicts`].

use serde::{Serialize, Serializer};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};
use vschool_domain::{LaChildId, Sex, Upn, Urn};

use crate::audit::{serialize_timestamp, AuditAction, AuditEvent, AuditObject};
use crate::children::{link_source, parse_opt_upn, parse_sex, parse_upn};
use crate::db::Store;
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{get, parse_date, parse_opt_date, parse_timestamp, timestamp_text};

/// Who does something: an email or `cli:<os user>`, their role, and where from (an IP
/// address or `cli`). Recorded in the audit trail with every decision and import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub actor: String,
    pub role: String,
    pub from: String,
}

/// The operating-system user running a command, for the audit trail's `cli:<os user>`
/// (`USER`, else `LOGNAME`, else `USERNAME`, else `unknown`). The one place that knows how.
pub fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_owned())
}

impl Actor {
    /// The person running this command, as [`Actor::cli`] names them.
    pub fn at_terminal() -> Actor {
        Actor::cli(&os_user())
    }

    /// A person at the command line: `cli:<os user>`, role `cli`, from `cli`.
    pub fn cli(os_user: &str) -> Actor {
        Actor {
            actor: format!("cli:{os_user}"),
            role: "cli".into(),
            from: "cli".into(),
        }
    }

    /// The audit event of something this actor did, now.
    pub fn event(&self, action: AuditAction, object: AuditObject, detail: String) -> AuditEvent {
        AuditEvent {
            at: OffsetDateTime::now_utc(),
            actor: self.actor.clone(),
            role: self.role.clone(),
            action,
            object,
            upn: None,
            la_child_id: None,
            urn: None,
            detail,
            from: self.from.clone(),
        }
    }
}

/// Where a pair stands in the review queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewStatus {
    /// Proposed; waiting for a person.
    Pending,
    /// A person said the child is this pupil: they are linked.
    Accepted,
    /// A person said the child is not this pupil: never proposed again.
    Rejected,
}

impl ReviewStatus {
    pub fn code(&self) -> &'static str {
        match self {
            ReviewStatus::Pending => "pending",
            ReviewStatus::Accepted => "accepted",
            ReviewStatus::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            ReviewStatus::Pending,
            ReviewStatus::Accepted,
            ReviewStatus::Rejected,
        ]
        .into_iter()
        .find(|s| s.code() == raw)
    }
}

impl Serialize for ReviewStatus {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Which pairs to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFilter {
    /// Waiting for a decision (the review page's list).
    Pending,
    /// Accepted or rejected (the decisions made, newest first).
    Decided,
    All,
}

/// The child side of a pair, as the social-care returns give it (they carry no names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewChild {
    pub birth_date: Option<Date>,
    pub sex: Option<Sex>,
    /// `UN1`…`UN10` when a return says why the UPN is unknown.
    pub upn_unknown: Option<String>,
    /// The pupil the child is linked to now (after an accepted pair, this pair's pupil).
    pub linked_upn: Option<Upn>,
}

/// The pupil side of a pair, as the roll gives them: the name a reviewer recognises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewPupil {
    pub surname: String,
    pub forename: String,
    pub birth_date: Date,
    pub sex: Sex,
    /// The schools the pupil has enrolments at, by URN.
    pub schools: Vec<Urn>,
}

/// A proposed pair: a social-care child and a roll pupil who may be the same person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewPair {
    /// The pair's id, for [`Store::accept_review_pair`] and [`Store::reject_review_pair`].
    pub id: i64,
    pub status: ReviewStatus,
    pub la_child_id: LaChildId,
    pub upn: Upn,
    /// `None` when the child is no longer in any return (a decided pair outlives its data).
    pub child: Option<ReviewChild>,
    /// `None` when the pupil is no longer on any roll.
    pub pupil: Option<ReviewPupil>,
    #[serde(serialize_with = "serialize_timestamp")]
    pub proposed_at: OffsetDateTime,
    #[serde(serialize_with = "serialize_opt_timestamp")]
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
}

fn serialize_opt_timestamp<S: Serializer>(
    at: &Option<OffsetDateTime>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match at {
        Some(t) => s.serialize_str(&timestamp_text(*t)),
        None => s.serialize_none(),
    }
}

/// One source's claim about a child's UPN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpnClaim {
    pub upn: Upn,
    /// `cin-census`, `ssda903` or `dataset` (the demo).
    pub source: String,
    pub collection_year: i32,
    pub extract_date: Date,
}

/// A child whose sources give different UPNs (DESIGN §8: the newest wins and the conflict is
/// listed for review).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpnConflict {
    pub la_child_id: LaChildId,
    /// The UPN in use: the newest source's.
    pub used: Option<Upn>,
    /// Every source's claim, oldest extract first.
    pub claims: Vec<UpnClaim>,
}

/// Re-resolves every child's link to a roll pupil, then refreshes the review queue. Runs
/// after every import and every decision. Returns the number of linked children.
pub(crate) async fn resolve_links(conn: &mut AnyConnection) -> Result<u64> {
    // Each step links only children the steps before left unlinked.
    let steps: [(&str, &[&str]); 4] = [
        (
            "UPDATE children SET linked_upn = NULL, link_source = NULL \
             WHERE linked_upn IS NOT NULL OR link_source IS NOT NULL",
            &[],
        ),
        (
            "UPDATE children SET linked_upn = upn, link_source = $1 \
             WHERE upn IS NOT NULL AND EXISTS (SELECT 1 FROM pupils p WHERE p.upn = children.upn)",
            &[link_source::UPN],
        ),
        (
            "UPDATE children SET linked_upn = former_upn, link_source = $1 \
             WHERE linked_upn IS NULL AND former_upn IS NOT NULL \
             AND EXISTS (SELECT 1 FROM pupils p WHERE p.upn = children.former_upn)",
            &[link_source::FORMER_UPN],
        ),
        (
            "UPDATE children SET link_source = $1, linked_upn = ( \
                 SELECT MIN(r.upn) FROM identity_reviews r JOIN pupils p ON p.upn = r.upn \
                 WHERE r.la_child_id = children.la_child_id AND r.status = $2) \
             WHERE linked_upn IS NULL AND EXISTS ( \
                 SELECT 1 FROM identity_reviews r JOIN pupils p ON p.upn = r.upn \
                 WHERE r.la_child_id = children.la_child_id AND r.status = $2)",
            &[link_source::REVIEW, "accepted"],
        ),
    ];
    for (sql, args) in steps {
        let mut q = sqlx::query(sql);
        for a in args {
            q = q.bind(*a);
        }
        q.execute(&mut *conn)
            .await
            .ctx("linking children to pupils")?;
    }
    refresh_queue(conn).await?;
    let row = sqlx::query("SELECT COUNT(*) AS n FROM children WHERE linked_upn IS NOT NULL")
        .fetch_one(conn)
        .await
        .ctx("counting linked children")?;
    let n: i64 = get(&row, "n")?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The condition for proposing child `c` and pupil `p` as a pair (used by both statements
/// of [`refresh_queue`], so proposing and withdrawing can never disagree).
const CANDIDATE: &str = "p.birth_date = c.birth_date AND p.sex = c.sex \
     AND c.linked_upn IS NULL AND c.upn IS NULL \
     AND NOT EXISTS (SELECT 1 FROM children c2 WHERE c2.linked_upn = p.upn)";

/// Withdraws pending pairs that are no longer candidates and proposes new ones; decided pairs
/// are left alone and never proposed again.
async fn refresh_queue(conn: &mut AnyConnection) -> Result<()> {
    let withdraw = format!(
        "DELETE FROM identity_reviews WHERE status = 'pending' AND NOT EXISTS ( \
             SELECT 1 FROM children c JOIN pupils p ON p.upn = identity_reviews.upn \
             WHERE c.la_child_id = identity_reviews.la_child_id AND {CANDIDATE})"
    );
    sqlx::query(&withdraw)
        .execute(&mut *conn)
        .await
        .ctx("refreshing the identity review queue")?;
    let propose = format!(
        "INSERT INTO identity_reviews (la_child_id, upn, status, proposed_at) \
         SELECT c.la_child_id, p.upn, 'pending', $1 FROM children c JOIN pupils p \
         ON p.birth_date = c.birth_date AND p.sex = c.sex \
         WHERE {CANDIDATE} AND NOT EXISTS (SELECT 1 FROM identity_reviews r \
             WHERE r.la_child_id = c.la_child_id AND r.upn = p.upn)"
    );
    sqlx::query(&propose)
        .bind(timestamp_text(OffsetDateTime::now_utc()))
        .execute(&mut *conn)
        .await
        .ctx("refreshing the identity review queue")?;
    Ok(())
}

const PAIR_SELECT: &str = "SELECT r.id, r.la_child_id, r.upn, r.status, r.proposed_at, \
     r.decided_at, r.decided_by, \
     c.id AS child_row, c.birth_date AS child_birth, c.sex AS child_sex, \
     c.upn_unknown AS child_upn_unknown, c.linked_upn AS child_linked, \
     p.id AS pupil_row, p.surname, p.forename, p.birth_date AS pupil_birth, p.sex AS pupil_sex \
     FROM identity_reviews r \
     LEFT JOIN children c ON c.la_child_id = r.la_child_id \
     LEFT JOIN pupils p ON p.upn = r.upn";

fn pair_from_row(r: &AnyRow) -> Result<ReviewPair> {
    let la: String = get(r, "la_child_id")?;
    let upn: String = get(r, "upn")?;
    let status: String = get(r, "status")?;
    let proposed: String = get(r, "proposed_at")?;
    let decided: Option<String> = get(r, "decided_at")?;
    let child_row: Option<i64> = get(r, "child_row")?;
    let pupil_row: Option<i64> = get(r, "pupil_row")?;
    let child = match child_row {
        None => None,
        Some(_) => {
            let sex: Option<String> = get(r, "child_sex")?;
            Some(ReviewChild {
                birth_date: parse_opt_date("children.birth_date", get(r, "child_birth")?)?,
                sex: sex.map(|s| parse_sex("children.sex", &s)).transpose()?,
                upn_unknown: get(r, "child_upn_unknown")?,
                linked_upn: parse_opt_upn("children.linked_upn", get(r, "child_linked")?)?,
            })
        }
    };
    let pupil = match pupil_row {
        None => None,
        Some(_) => {
            let birth: String = get(r, "pupil_birth")?;
            let sex: String = get(r, "pupil_sex")?;
            Some(ReviewPupil {
                surname: get(r, "surname")?,
                forename: get(r, "forename")?,
                birth_date: parse_date("pupils.birth_date", &birth)?,
                sex: parse_sex("pupils.sex", &sex)?,
                schools: Vec::new(),
            })
        }
    };
    Ok(ReviewPair {
        id: get(r, "id")?,
        status: ReviewStatus::parse(&status).ok_or_else(|| {
            StoreError::corrupt(
                "identity_reviews.status",
                status.clone(),
                "not pending, accepted or rejected",
            )
        })?,
        la_child_id: LaChildId::parse(&la)
            .map_err(|e| StoreError::corrupt("identity_reviews.la_child_id", la.clone(), e))?,
        upn: parse_upn("identity_reviews.upn", &upn)?,
        child,
        pupil,
        proposed_at: parse_timestamp("identity_reviews.proposed_at", &proposed)?,
        decided_at: decided
            .map(|d| parse_timestamp("identity_reviews.decided_at", &d))
            .transpose()?,
        decided_by: get(r, "decided_by")?,
    })
}

/// Fills in each pair's pupil's schools.
async fn add_schools(conn: &mut AnyConnection, pairs: &mut [ReviewPair]) -> Result<()> {
    for pair in pairs.iter_mut() {
        let Some(pupil) = pair.pupil.as_mut() else {
            continue;
        };
        let rows = sqlx::query("SELECT DISTINCT urn FROM enrolments WHERE upn = $1 ORDER BY urn")
            .bind(pair.upn.as_str())
            .fetch_all(&mut *conn)
            .await
            .ctx("reading a pupil's schools")?;
        pupil.schools = rows
            .iter()
            .map(|r| urn_of("enrolments.urn", get(r, "urn")?))
            .collect::<Result<_>>()?;
    }
    Ok(())
}

async fn load_pairs(conn: &mut AnyConnection, filter: ReviewFilter) -> Result<Vec<ReviewPair>> {
    let sql = match filter {
        ReviewFilter::Pending => {
            format!("{PAIR_SELECT} WHERE r.status = 'pending' ORDER BY r.la_child_id, r.upn")
        }
        ReviewFilter::Decided => format!(
            "{PAIR_SELECT} WHERE r.status <> 'pending' ORDER BY r.decided_at DESC, r.id DESC"
        ),
        ReviewFilter::All => format!("{PAIR_SELECT} ORDER BY r.id"),
    };
    let rows = sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await
        .ctx("reading the identity review queue")?;
    let mut pairs = rows.iter().map(pair_from_row).collect::<Result<Vec<_>>>()?;
    add_schools(conn, &mut pairs).await?;
    Ok(pairs)
}

async fn load_pair(conn: &mut AnyConnection, id: i64) -> Result<Option<ReviewPair>> {
    let row = sqlx::query(&format!("{PAIR_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .ctx("reading an identity review pair")?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut pair = [pair_from_row(&row)?];
    add_schools(conn, &mut pair).await?;
    let [pair] = pair;
    Ok(Some(pair))
}

/// Why a decision cannot be made, said so the reviewer knows what to do instead.
fn refuse(reason: String) -> StoreError {
    StoreError::Refused { reason }
}

impl Store {
    /// Pairs in the identity review queue: pending ones by LA child id then UPN, decided ones
    /// newest decision first, or all by id.
    pub async fn review_pairs(&self, filter: ReviewFilter) -> Result<Vec<ReviewPair>> {
        let mut tx = self.begin_read().await?;
        let pairs = load_pairs(&mut tx, filter).await?;
        tx.commit().await.ctx("finishing a read")?;
        Ok(pairs)
    }

    /// One pair, whatever its status.
    pub async fn review_pair(&self, id: i64) -> Result<Option<ReviewPair>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        load_pair(&mut conn, id).await
    }

    /// How many pairs wait for a decision (for a badge beside the menu item).
    pub async fn pending_review_count(&self) -> Result<u64> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM identity_reviews WHERE status = 'pending'")
                .fetch_one(&self.pool)
                .await
                .ctx("counting the identity review queue")?;
        let n: i64 = get(&row, "n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// A person says the child is this pupil: links them (in one transaction with the audit
    /// event, a re-resolution of every link and a bump of the data version). Refused, with
    /// the reason, when the child or the pupil is already linked to someone else: a child is
    /// one pupil and a pupil one child. Deciding a decided pair again is allowed (a reviewer
    /// can correct a mistake). Returns the pair as it now stands.
    pub async fn accept_review_pair(&self, id: i64, by: &Actor) -> Result<ReviewPair> {
        self.decide(id, ReviewStatus::Accepted, by).await
    }

    /// A person says the child is not this pupil: the pair is never proposed again, and if it
    /// had been accepted the link is undone. Audited like [`Store::accept_review_pair`].
    pub async fn reject_review_pair(&self, id: i64, by: &Actor) -> Result<ReviewPair> {
        self.decide(id, ReviewStatus::Rejected, by).await
    }

    async fn decide(&self, id: i64, status: ReviewStatus, by: &Actor) -> Result<ReviewPair> {
        let mut tx = self.begin().await?;
        let conn = tx.conn();
        let pair = load_pair(conn, id).await?.ok_or(StoreError::NotFound {
            what: "identity review pair",
            id: id.to_string(),
        })?;
        if status == ReviewStatus::Accepted {
            check_acceptable(conn, &pair).await?;
        }
        sqlx::query(
            "UPDATE identity_reviews SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4",
        )
        .bind(status.code())
        .bind(timestamp_text(OffsetDateTime::now_utc()))
        .bind(by.actor.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await
        .ctx("recording an identity review decision")?;
        resolve_links(conn).await?;
        let name = pair
            .pupil
            .as_ref()
            .map(|p| format!(" ({} {})", p.forename, p.surname))
            .unwrap_or_default();
        let verb = match status {
            ReviewStatus::Accepted => "accepted: the child is",
            _ => "rejected: the child is not",
        };
        let mut event = by.event(
            AuditAction::Change,
            AuditObject::Child,
            format!("identity review {verb} pupil {}{name}", pair.upn.as_str()),
        );
        event.upn = Some(pair.upn);
        event.la_child_id = Some(pair.la_child_id.clone());
        crate::audit::append(conn, std::slice::from_ref(&event)).await?;
        crate::meta::bump_data_version(conn).await?;
        let decided = load_pair(conn, id).await?.ok_or(StoreError::NotFound {
            what: "identity review pair",
            id: id.to_string(),
        })?;
        tx.commit().await?;
        Ok(decided)
    }

    /// Children whose sources give different UPNs, by LA child id: the newest source's UPN is
    /// used; this is the list a person reviews.
    pub async fn upn_conflicts(&self) -> Result<Vec<UpnConflict>> {
        let mut tx = self.begin_read().await?;
        let rows = sqlx::query(
            "SELECT sc.la_child_id, sc.upn, s.kind, s.collection_year, s.extract_date, c.upn AS used \
             FROM source_children sc JOIN social_care_sources s ON s.id = sc.source_id \
             LEFT JOIN children c ON c.la_child_id = sc.la_child_id \
             WHERE sc.upn IS NOT NULL AND sc.la_child_id IN ( \
                 SELECT la_child_id FROM source_children WHERE upn IS NOT NULL \
                 GROUP BY la_child_id HAVING COUNT(DISTINCT upn) > 1) \
             ORDER BY sc.la_child_id, s.extract_date, s.kind",
        )
        .fetch_all(&mut *tx)
        .await
        .ctx("reading conflicting UPNs")?;
        tx.commit().await.ctx("finishing a read")?;
        let mut out: Vec<UpnConflict> = Vec::new();
        for r in &rows {
            let la: String = get(r, "la_child_id")?;
            let la = LaChildId::parse(&la)
                .map_err(|e| StoreError::corrupt("source_children.la_child_id", la.clone(), e))?;
            let upn: String = get(r, "upn")?;
            let year: i64 = get(r, "collection_year")?;
            let extract: String = get(r, "extract_date")?;
            let claim = UpnClaim {
                upn: parse_upn("source_children.upn", &upn)?,
                source: get(r, "kind")?,
                collection_year: i32::try_from(year).map_err(|e| {
                    StoreError::corrupt("social_care_sources.collection_year", year.to_string(), e)
                })?,
                extract_date: parse_date("social_care_sources.extract_date", &extract)?,
            };
            match out.last_mut() {
                Some(c) if c.la_child_id == la => c.claims.push(claim),
                _ => out.push(UpnConflict {
                    la_child_id: la,
                    used: parse_opt_upn("children.upn", get(r, "used")?)?,
                    claims: vec![claim],
                }),
            }
        }
        Ok(out)
    }
}

/// A child is one pupil and a pupil one child: refuses an acceptance that would break that.
async fn check_acceptable(conn: &mut AnyConnection, pair: &ReviewPair) -> Result<()> {
    let Some(child) = &pair.child else {
        return Err(refuse(format!(
            "child {} is no longer in any social-care return, so there is nothing to link",
            pair.la_child_id
        )));
    };
    if pair.pupil.is_none() {
        return Err(refuse(format!(
            "pupil {} is no longer on any school roll, so there is nothing to link",
            pair.upn.as_str()
        )));
    }
    if let Some(linked) = child.linked_upn.filter(|u| *u != pair.upn) {
        return Err(refuse(format!(
            "child {} is already linked to pupil {}; reject that pair first if it is wrong",
            pair.la_child_id,
            linked.as_str()
        )));
    }
    let other = sqlx::query(
        "SELECT la_child_id FROM children WHERE linked_upn = $1 AND la_child_id <> $2 LIMIT 1",
    )
    .bind(pair.upn.as_str())
    .bind(pair.la_child_id.as_str())
    .fetch_optional(&mut *conn)
    .await
    .ctx("checking a pupil's links")?;
    if let Some(row) = other {
        let other: String = get(&row, "la_child_id")?;
        return Err(refuse(format!(
            "pupil {} is already linked to child {other}; a pupil is one child",
            pair.upn.as_str()
        )));
    }
    Ok(())
}
