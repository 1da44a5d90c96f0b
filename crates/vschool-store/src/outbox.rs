//! Emails to send, sent and given up on, and the log of every attempt (migration 0030).
//! What to send and when to retry is decided in `vschool-web::packs`; this keeps the rows
//! and makes claiming a row safe when the CLI and the server work at once.

use sqlx::any::AnyRow;
use time::OffsetDateTime;
use vschool_domain::Urn;

use crate::db::Store;
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{get, parse_timestamp, timestamp_text};

/// What an email is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxKind {
    /// "Your school's pack for the half term is ready."
    Pack,
    /// "An account has been made for you: set your password."
    Account,
}

impl OutboxKind {
    pub fn code(self) -> &'static str {
        match self {
            OutboxKind::Pack => "pack",
            OutboxKind::Account => "account",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pack" => Some(OutboxKind::Pack),
            "account" => Some(OutboxKind::Account),
            _ => None,
        }
    }
}

/// Where an email stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Waiting for its (next) attempt.
    Queued,
    /// The SMTP server accepted it.
    Sent,
    /// Given up: refused permanently, or too many attempts. "Resend" queues it again.
    Failed,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "queued" => Some(DeliveryStatus::Queued),
            "sent" => Some(DeliveryStatus::Sent),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// One email in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub kind: OutboxKind,
    pub urn: Urn,
    pub half_term: Option<String>,
    pub pack_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Lower-cased.
    pub email: String,
    pub name: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

/// What queueing an email needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    pub kind: OutboxKind,
    pub urn: Urn,
    pub half_term: Option<String>,
    pub pack_id: Option<i64>,
    pub user_id: Option<i64>,
    pub email: String,
    pub name: String,
}

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// Failed for now; try again at this time.
    Retry {
        at: OffsetDateTime,
        error: String,
    },
    /// Failed for good.
    Failed {
        error: String,
    },
}

const COLUMNS: &str = "id, kind, urn, half_term, pack_id, user_id, email, name, status, attempts, \
     next_attempt_at, last_error, created_at, sent_at";

fn opt_time(what: &'static str, raw: Option<String>) -> Result<Option<OffsetDateTime>> {
    raw.map(|r| parse_timestamp(what, &r)).transpose()
}

fn from_row(r: &AnyRow) -> Result<Delivery> {
    let kind: String = get(r, "kind")?;
    let status: String = get(r, "status")?;
    let created: String = get(r, "created_at")?;
    Ok(Delivery {
        id: get(r, "id")?,
        kind: OutboxKind::parse(&kind).ok_or_else(|| {
            StoreError::corrupt("outbox.kind", kind.clone(), "not pack or account")
        })?,
        urn: urn_of("outbox.urn", get(r, "urn")?)?,
        half_term: get(r, "half_term")?,
        pack_id: get(r, "pack_id")?,
        user_id: get(r, "user_id")?,
        email: get(r, "email")?,
        name: get(r, "name")?,
        status: DeliveryStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt("outbox.status", status.clone(), "not a status"))?,
        attempts: get(r, "attempts")?,
        next_attempt_at: opt_time("outbox.next_attempt_at", get(r, "next_attempt_at")?)?,
        last_error: get(r, "last_error")?,
        created_at: parse_timestamp("outbox.created_at", &created)?,
        sent_at: opt_time("outbox.sent_at", get(r, "sent_at")?)?,
    })
}

impl Store {
    /// Queues an email, due at once; returns its id.
    pub async fn outbox_add(&self, new: &NewDelivery, at: OffsetDateTime) -> Result<i64> {
        let now = timestamp_text(at);
        let row = sqlx::query(
            "INSERT INTO outbox (kind, urn, half_term, pack_id, user_id, email, name, status, attempts, \
             next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $8) RETURNING id",
        )
        .bind(new.kind.code())
        .bind(i64::from(new.urn.get()))
        .bind(new.half_term.clone())
        .bind(new.pack_id)
        .bind(new.user_id)
        .bind(new.email.trim().to_lowercase())
        .bind(new.name.clone())
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .ctx("queueing an email")?;
        get(&row, "id")
    }

    pub async fn outbox_get(&self, id: i64) -> Result<Option<Delivery>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .ctx("reading an email of the outbox")?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every pack email of a half term, oldest first.
    pub async fn outbox_for_half_term(&self, half_term: &str) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE kind = 'pack' AND half_term = $1 ORDER BY id"
        ))
        .bind(half_term.to_owned())
        .fetch_all(&self.pool)
        .await
        .ctx("reading the send log")?;
        rows.iter().map(from_row).collect()
    }

    /// Every email of a kind to one school, oldest first.
    pub async fn outbox_for_school(&self, kind: OutboxKind, urn: Urn) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE kind = $1 AND urn = $2 ORDER BY id"
        ))
        .bind(kind.code())
        .bind(i64::from(urn.get()))
        .fetch_all(&self.pool)
        .await
        .ctx("reading the outbox")?;
        rows.iter().map(from_row).collect()
    }

    /// Queued emails whose time has come, oldest first, at most `limit`.
    pub async fn outbox_due(&self, now: OffsetDateTime, limit: i64) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $2"
        ))
        .bind(timestamp_text(now))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .ctx("reading emails due to be sent")?;
        rows.iter().map(from_row).collect()
    }

    /// Takes a queued, due email for sending: moves its next attempt to `until`, so that
    /// nobody else sends it meanwhile (and if this process dies, it is tried again then).
    /// Returns false if it was not queued and due (someone else has it, or it was sent).
    pub async fn outbox_claim(
        &self,
        id: i64,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1 \
             WHERE id = $2 AND status = 'queued' AND next_attempt_at <= $3",
        )
        .bind(timestamp_text(until))
        .bind(id)
        .bind(timestamp_text(now))
        .execute(&self.pool)
        .await
        .ctx("taking an email to send")?;
        Ok(done.rows_affected() == 1)
    }

    /// Records an attempt: the row's new state and a line of the mail log, together.
    pub async fn outbox_record(
        &self,
        d: &Delivery,
        attempt: &Attempt,
        at: OffsetDateTime,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let now = timestamp_text(at);
        let (status, next, error, outcome) = match attempt {
            Attempt::Sent => ("sent", None, None, "sent"),
            Attempt::Retry { at, error } => (
                "queued",
                Some(timestamp_text(*at)),
                Some(error.clone()),
                "retry",
            ),
            Attempt::Failed { error } => ("failed", None, Some(error.clone()), "failed"),
        };
        sqlx::query(
            "UPDATE outbox SET status = $1, attempts = attempts + 1, next_attempt_at = $2, \
             last_error = $3, sent_at = CASE WHEN $1 = 'sent' THEN $4 ELSE sent_at END WHERE id = $5",
        )
        .bind(status)
        .bind(next)
        .bind(error.clone())
        .bind(now.clone())
        .bind(d.id)
        .execute(tx.conn())
        .await
        .ctx("recording an email's delivery")?;
        sqlx::query(
            "INSERT INTO mail_log (at, outbox_id, kind, urn, recipient, outcome, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(now)
        .bind(d.id)
        .bind(d.kind.code())
        .bind(i64::from(d.urn.get()))
        .bind(d.email.clone())
        .bind(outcome)
        .bind(error.unwrap_or_default())
        .execute(tx.conn())
        .await
        .ctx("writing the mail log")?;
        tx.commit().await
    }

    /// Queues an email again, due at `at` (a re-run retrying a failure, or "Resend" of a
    /// failed one); for a pack, pointing at the pack's current version.
    pub async fn outbox_requeue(
        &self,
        id: i64,
        pack_id: Option<i64>,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE outbox SET status = 'queued', next_attempt_at = $1, pack_id = COALESCE($2, pack_id) \
             WHERE id = $3 AND status <> 'sent'",
        )
        .bind(timestamp_text(at))
        .bind(pack_id)
        .bind(id)
        .execute(&self.pool)
        .await
        .ctx("queueing an email again")?;
        Ok(done.rows_affected() == 1)
    }

    /// The mail log of one email: (when, outcome, detail), oldest first.
    pub async fn mail_log(&self, outbox_id: i64) -> Result<Vec<(OffsetDateTime, String, String)>> {
        let rows = sqlx::query(
            "SELECT at, outcome, detail FROM mail_log WHERE outbox_id = $1 ORDER BY id",
        )
        .bind(outbox_id)
        .fetch_all(&self.pool)
        .await
        .ctx("reading the mail log")?;
        rows.iter()
            .map(|r| {
                let at: String = get(r, "at")?;
                Ok((
                    parse_timestamp("mail_log.at", &at)?,
                    get(r, "outcome")?,
                    get(r, "detail")?,
                ))
            })
            .collect()
    }
}
