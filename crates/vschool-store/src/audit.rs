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
    table: "audit_events",
    what: "audit events",
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

fn row_of(e: &AuditEvent) -> [Val; 10] {
    [
        timestamp_text(e.at).into(),
        e.actor.as_str().into(),
        e.role.as_str().into(),
        e.action.code().into(),
        e.object.code().into(),
        e.upn.map(|u| u.as_str().to_owned()).into(),
        e.la_child_id.as_ref().map(|c| c.as_str().to_owned()).into(),
        Val::OptInt(e.urn.map(|u| i64::from(u.get()))),
        e.detail.as_str().into(),
        e.from.as_str().into(),
    ]
}

const COLUMNS: [&str; 10] = [
    "at",
    "actor",
    "role",
    "action",
    "object",
    "upn",
    "la_child_id",
    "urn",
    "detail",
    "origin",
];

pub(crate) async fn append(conn: &mut AnyConnection, events: &[AuditEvent]) -> Result<u64> {
    // Multi-row INSERTs with bound values. (One JSON parameter expanded by `json_each` was
    // tried: 1.5× slower on SQLite, the database parsing each row's JSON once per column.)
    insert_batched(conn, TABLE, COLUMNS, events, row_of).await
}

fn from_row(r: &AnyRow) -> Result<Stored<AuditEvent>> {
    let at: String = get(r, "at")?;
    let action: String = get(r, "action")?;
    let object: String = get(r, "object")?;
    let upn: Option<String> = get(r, "upn")?;
    let la: Option<String> = get(r, "la_child_id")?;
    let urn: Option<i64> = get(r, "urn")?;
    Ok(Stored {
        id: get(r, "id")?,
        item: AuditEvent {
            at: parse_timestamp("audit_events.at", &at)?,
            actor: get(r, "actor")?,
            role: get(r, "role")?,
            action: AuditAction::parse(&action).ok_or_else(|| {
                StoreError::corrupt("audit_events.action", action.clone(), "not an audit action")
            })?,
            object: AuditObject::parse(&object).ok_or_else(|| {
                StoreError::corrupt("audit_events.object", object.clone(), "not an audit object")
            })?,
            upn: upn.map(|u| parse_upn("audit_events.upn", &u)).transpose()?,
            la_child_id: la
                .map(|c| {
                    LaChildId::parse(&c)
                        .map_err(|e| StoreError::corrupt("audit_events.la_child_id", c.clone(), e))
                })
                .transpose()?,
            urn: urn.map(|u| urn_of("audit_events.urn", u)).transpose()?,
            detail: get(r, "detail")?,
            from: get(r, "origin")?,
        },
    })
}

impl Store {
    /// Appends one audit event now, on its own; returns its id. Pages use
    /// [`Store::record_audit_many`], which commits concurrent requests' events together.
    pub async fn record_audit(&self, event: &AuditEvent) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO audit_events (at, actor, role, action, object, upn, la_child_id, urn, detail, origin) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        );
        let mut q = row;
        for v in row_of(event) {
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
        let base =
            "SELECT id, at, actor, role, action, object, upn, la_child_id, urn, detail, origin \
                    FROM audit_events";
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
        rows.iter().map(from_row).collect()
    }
}

impl Tx {
    /// Appends audit events inside this transaction (a change and its audit commit together).
    pub async fn record_audit(&mut self, events: &[AuditEvent]) -> Result<u64> {
        append(self.conn(), events).await
    }
}
