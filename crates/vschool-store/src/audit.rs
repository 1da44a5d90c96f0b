//! The append-only audit trail (DESIGN §8 "The command line" and §6 "Security"): every view,
//! export and change of a child's record. The store offers no way to change or delete an
//! event.

use serde::{Serialize, Serializer};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use time::OffsetDateTime;
use vschool_domain::{LaChildId, Upn, Urn};

use crate::children::parse_upn;
use crate::db::{Store, Tx};
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{get, insert_batched, parse_timestamp, timestamp_text, TableKey, Val};

const TABLE: TableKey = TableKey {
    table: "audit_records",
    what: "audit records",
    key: "id",
};

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $( $variant:ident = $code:literal ),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $( $variant, )* }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// As stored and as the JSON contracts write it.
            pub fn code(&self) -> &'static str {
                match self { $( $name::$variant => $code, )* }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                match raw { $( $code => Some($name::$variant), )* _ => None }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

code_enum!(
    /// What was done.
    AuditAction {
        View = "view",
        Export = "export",
        Download = "download",
        Change = "change",
        SignIn = "sign-in",
        SignInFailed = "sign-in-failed",
    }
);

code_enum!(
    /// What it was done to.
    AuditObject {
        Child = "child",
        School = "school",
        Pack = "pack",
        User = "user",
        Import = "import",
    }
);

pub(crate) fn serialize_timestamp<S: Serializer>(
    at: &OffsetDateTime,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&timestamp_text(*at))
}

/// One audit event. Serialises to the `vschool audit --format json` object: `at` (RFC 3339
/// UTC), `actor`, `role`, `action`, `object`, `upn`, `la_child_id`, `urn`, `detail`, `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// When; stored to the microsecond.
    #[serde(serialize_with = "serialize_timestamp")]
    pub at: OffsetDateTime,
    /// An email, or `cli:<os user>`.
    pub actor: String,
    pub role: String,
    pub action: AuditAction,
    pub object: AuditObject,
    pub upn: Option<Upn>,
    pub la_child_id: Option<LaChildId>,
    pub urn: Option<Urn>,
    pub detail: String,
    /// An IP address, or `cli`.
    pub from: String,
}

/// A row as stored, with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stored<T> {
    pub id: i64,
    #[serde(flatten)]
    pub item: T,
}

/// One stored row: the events of one action (migration 0040), which share everything but
/// their subjects.
struct Record<'a> {
    first: &'a AuditEvent,
    /// `[object, upn, la_child_id, urn]` per event, as JSON.
    subjects: String,
    events: usize,
}

type Subject<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Option<u32>);

fn subject(e: &AuditEvent) -> Subject<'_> {
    (
        e.object.code(),
        e.upn.as_ref().map(|u| u.as_str()),
        e.la_child_id.as_ref().map(|c| c.as_str()),
        e.urn.map(|u| u.get()),
    )
}

/// Consecutive events of the same action (same time, person, role, action, detail and
/// origin: a page listing children) become one record.
fn records(events: &[AuditEvent]) -> Result<Vec<Record<'_>>> {
    let same = |a: &AuditEvent, b: &AuditEvent| {
        a.at == b.at
            && a.actor == b.actor
            && a.role == b.role
            && a.action == b.action
            && a.detail == b.detail
            && a.from == b.from
    };
    events
        .chunk_by(|a, b| same(a, b))
        .map(|group| {
            let subjects: Vec<Subject<'_>> = group.iter().map(subject).collect();
            Ok(Record {
                first: &group[0],
                subjects: serde_json::to_string(&subjects).map_err(|e| StoreError::Refused {
                    reason: format!("cannot write the audit trail: {e}"),
                })?,
                events: group.len(),
            })
        })
        .collect()
}

fn row_of(r: &Record<'_>) -> [Val; 8] {
    let e = r.first;
    [
        timestamp_text(e.at).into(),
        e.actor.as_str().into(),
        e.role.as_str().into(),
        e.action.code().into(),
        e.detail.as_str().into(),
        e.from.as_str().into(),
        r.subjects.as_str().into(),
        Val::Int(r.events as i64),
    ]
}

const COLUMNS: [&str; 8] = [
    "at", "actor", "role", "action", "detail", "origin", "subjects", "events",
];

/// Appends events, one row per action; returns how many events.
pub(crate) async fn append(conn: &mut AnyConnection, events: &[AuditEvent]) -> Result<u64> {
    let records = records(events)?;
    insert_batched(conn, TABLE, COLUMNS, &records, row_of).await?;
    Ok(events.len() as u64)
}

/// The events of one stored record, in order.
fn from_row(r: &AnyRow) -> Result<Vec<Stored<AuditEvent>>> {
    let id: i64 = get(r, "id")?;
    let at: String = get(r, "at")?;
    let action: String = get(r, "action")?;
    let at = parse_timestamp("audit_records.at", &at)?;
    let action = AuditAction::parse(&action).ok_or_else(|| {
        StoreError::corrupt(
            "audit_records.action",
            action.clone(),
            "not an audit action",
        )
    })?;
    let actor: String = get(r, "actor")?;
    let role: String = get(r, "role")?;
    let detail: String = get(r, "detail")?;
    let from: String = get(r, "origin")?;
    let raw: String = get(r, "subjects")?;
    type Owned = (String, Option<String>, Option<String>, Option<i64>);
    let subjects: Vec<Owned> = serde_json::from_str(&raw)
        .map_err(|e| StoreError::corrupt("audit_records.subjects", raw.clone(), e.to_string()))?;
    subjects
        .into_iter()
        .map(|(object, upn, la, urn)| {
            Ok(Stored {
                id,
                item: AuditEvent {
                    at,
                    actor: actor.clone(),
                    role: role.clone(),
                    action,
                    object: AuditObject::parse(&object).ok_or_else(|| {
                        StoreError::corrupt(
                            "audit_records.subjects",
                            object.clone(),
                            "not an audit object",
                        )
                    })?,
                    upn: upn
                        .map(|u| parse_upn("audit_records.subjects", &u))
                        .transpose()?,
                    la_child_id: la
                        .map(|c| {
                            LaChildId::parse(&c).map_err(|e| {
                                StoreError::corrupt("audit_records.subjects", c.clone(), e)
                            })
                        })
                        .transpose()?,
                    urn: urn
                        .map(|u| urn_of("audit_records.subjects", u))
                        .transpose()?,
                    detail: detail.clone(),
                    from: from.clone(),
                },
            })
        })
        .collect()
}

impl Store {
    /// Appends one audit event now, on its own; returns its id. Pages use
    /// [`Store::record_audit_many`], which commits concurrent requests' events together.
    pub async fn record_audit(&self, event: &AuditEvent) -> Result<i64> {
        let records = records(std::slice::from_ref(event))?;
        let Some(record) = records.first() else {
            return Ok(0);
        };
        let mut q = sqlx::query(
            "INSERT INTO audit_records (at, actor, role, action, detail, origin, subjects, events) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        );
        for v in row_of(record) {
            q = crate::sql::bind_val(q, v);
        }
        let row = q
            .fetch_one(&self.pool)
            .await
            .ctx("recording an audit event")?;
        get(&row, "id")
    }

    /// Appends audit events (a page listing children records one per child) and returns
    /// once they are committed. Events of concurrent callers are committed together by one
    /// writer (see `audit_writer`), which keeps SQLite's single writer lock uncontended.
    pub async fn record_audit_many(&self, events: &[AuditEvent]) -> Result<u64> {
        self.audit_writer
            .append(&self.pool, self.backend, events.to_vec())
            .await
    }

    /// Audit events at or after `since` (all when `None`), oldest first.
    pub async fn audit_events(
        &self,
        since: Option<OffsetDateTime>,
    ) -> Result<Vec<Stored<AuditEvent>>> {
        let base = "SELECT id, at, actor, role, action, detail, origin, subjects \
                    FROM audit_records";
        let rows = match since {
            None => {
                sqlx::query(&format!("{base} ORDER BY at, id"))
                    .fetch_all(&self.pool)
                    .await
            }
            Some(t) => {
                sqlx::query(&format!("{base} WHERE at >= $1 ORDER BY at, id"))
                    .bind(timestamp_text(t))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .ctx("reading the audit trail")?;
        let mut events = Vec::new();
        for r in &rows {
            events.extend(from_row(r)?);
        }
        Ok(events)
    }
}

impl Tx {
    /// Appends audit events inside this transaction (a change and its audit commit together).
    pub async fn record_audit(&mut self, events: &[AuditEvent]) -> Result<u64> {
        append(self.conn(), events).await
    }
}
