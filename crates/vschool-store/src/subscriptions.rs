//! Who receives a school's packs (migration 0030): requests from the public page, the
//! contacts the Virtual School subscribed, and unsubscribe links.
//!
//! A subscriber is a contact whose `unsubscribed` flag is 0 and who either has the role DSL
//! (from the contacts import) or was subscribed by the Virtual School (an approved request,
//! or by hand). Emails are compared lower-cased: an import may keep the case it was given.

use sqlx::any::AnyRow;
use time::OffsetDateTime;
use vschool_domain::pupil::ContactRole;
use vschool_domain::Urn;

use crate::db::Store;
use crate::error::{Context, Result, StoreError};
use crate::settings::urn_of;
use crate::sql::{get, parse_timestamp, timestamp_text};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    Pending,
    Approved,
    Declined,
}

impl RequestStatus {
    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Approved => "approved",
            RequestStatus::Declined => "declined",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(RequestStatus::Pending),
            "approved" => Some(RequestStatus::Approved),
            "declined" => Some(RequestStatus::Declined),
            _ => None,
        }
    }
}

/// A request to receive a school's packs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRequest {
    pub id: i64,
    pub urn: Urn,
    pub name: String,
    pub role: ContactRole,
    /// Lower-cased.
    pub email: String,
    pub requested_at: OffsetDateTime,
    pub origin: String,
    pub status: RequestStatus,
    pub decided_at: Option<OffsetDateTime>,
    pub decided_by: Option<String>,
}

/// What the public form gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    pub urn: Urn,
    pub name: String,
    pub role: ContactRole,
    pub email: String,
    pub origin: String,
}

/// A contact who receives a school's packs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub urn: Urn,
    pub name: String,
    /// Lower-cased.
    pub email: String,
    pub role: ContactRole,
}

const REQUEST_COLUMNS: &str =
    "id, urn, name, role, email, requested_at, origin, status, decided_at, decided_by";

fn request_from_row(r: &AnyRow) -> Result<SubscriptionRequest> {
    let role: String = get(r, "role")?;
    let status: String = get(r, "status")?;
    let at: String = get(r, "requested_at")?;
    let decided: Option<String> = get(r, "decided_at")?;
    Ok(SubscriptionRequest {
        id: get(r, "id")?,
        urn: urn_of("subscription_requests.urn", get(r, "urn")?)?,
        name: get(r, "name")?,
        role: ContactRole::parse(&role).ok_or_else(|| {
            StoreError::corrupt(
                "subscription_requests.role",
                role.clone(),
                "not DSL, DT or HEAD",
            )
        })?,
        email: get(r, "email")?,
        requested_at: parse_timestamp("subscription_requests.requested_at", &at)?,
        origin: get(r, "origin")?,
        status: RequestStatus::parse(&status).ok_or_else(|| {
            StoreError::corrupt(
                "subscription_requests.status",
                status.clone(),
                "not a status",
            )
        })?,
        decided_at: decided
            .map(|d| parse_timestamp("subscription_requests.decided_at", &d))
            .transpose()?,
        decided_by: get(r, "decided_by")?,
    })
}

/// Subscribes a contact in a transaction: creates the contact if the school has none with
/// that email, clears `unsubscribed`, and records that the Virtual School subscribed them.
async fn subscribe(
    tx: &mut crate::db::Tx,
    urn: Urn,
    name: &str,
    role: ContactRole,
    email: &str,
    by: &str,
    at: OffsetDateTime,
) -> Result<()> {
    let email = email.trim().to_lowercase();
    let updated =
        sqlx::query("UPDATE contacts SET unsubscribed = 0 WHERE urn = $1 AND LOWER(email) = $2")
            .bind(i64::from(urn.get()))
            .bind(email.clone())
            .execute(tx.conn())
            .await
            .ctx("subscribing a contact")?;
    if updated.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO contacts (urn, role, name, email, unsubscribed) VALUES ($1, $2, $3, $4, 0)",
        )
        .bind(i64::from(urn.get()))
        .bind(role.code())
        .bind(name.trim().to_owned())
        .bind(email.clone())
        .execute(tx.conn())
        .await
        .ctx("adding a contact")?;
    }
    sqlx::query(
        "INSERT INTO subscriptions_added (urn, email, added_at, added_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (urn, email) DO NOTHING",
    )
    .bind(i64::from(urn.get()))
    .bind(email)
    .bind(timestamp_text(at))
    .bind(by.to_owned())
    .execute(tx.conn())
    .await
    .ctx("recording a subscription")?;
    // Contacts are data: pages that list them rebuild when the data version changes.
    tx.bump_data_version().await
}

impl Store {
    // ---- requests -------------------------------------------------------------------

    pub async fn subscription_request_create(
        &self,
        new: &NewRequest,
        at: OffsetDateTime,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO subscription_requests (urn, name, role, email, requested_at, origin, status) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending') RETURNING id",
        )
        .bind(i64::from(new.urn.get()))
        .bind(new.name.trim().to_owned())
        .bind(new.role.code())
        .bind(new.email.trim().to_lowercase())
        .bind(timestamp_text(at))
        .bind(new.origin.clone())
        .fetch_one(&self.pool)
        .await
        .ctx("recording a request for packs")?;
        get(&row, "id")
    }

    /// Requests, oldest first: those with one status, or all.
    pub async fn subscription_requests(
        &self,
        status: Option<RequestStatus>,
    ) -> Result<Vec<SubscriptionRequest>> {
        let base = format!("SELECT {REQUEST_COLUMNS} FROM subscription_requests");
        let rows = match status {
            Some(s) => {
                sqlx::query(&format!("{base} WHERE status = $1 ORDER BY id"))
                    .bind(s.code())
                    .fetch_all(&self.pool)
                    .await
            }
            None => {
                sqlx::query(&format!("{base} ORDER BY id"))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .ctx("reading requests for packs")?;
        rows.iter().map(request_from_row).collect()
    }

    /// Requests made from an address, or for an email, since a time (the page's rate limit).
    pub async fn subscription_requests_since(
        &self,
        origin: &str,
        email: &str,
        since: OffsetDateTime,
    ) -> Result<(i64, i64)> {
        let since = timestamp_text(since);
        let by_origin = sqlx::query(
            "SELECT COUNT(*) AS n FROM subscription_requests WHERE origin = $1 AND requested_at >= $2",
        )
        .bind(origin.to_owned())
        .bind(since.clone())
        .fetch_one(&self.pool)
        .await
        .ctx("counting requests for packs")?;
        let by_email = sqlx::query(
            "SELECT COUNT(*) AS n FROM subscription_requests WHERE email = $1 AND requested_at >= $2",
        )
        .bind(email.trim().to_lowercase())
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .ctx("counting requests for packs")?;
        Ok((get(&by_origin, "n")?, get(&by_email, "n")?))
    }

    /// Approves or declines a pending request; approving subscribes the person. Returns
    /// the request as decided, or `None` if it was not pending (decided by someone else).
    pub async fn subscription_request_decide(
        &self,
        id: i64,
        approve: bool,
        by: &str,
        at: OffsetDateTime,
    ) -> Result<Option<SubscriptionRequest>> {
        let mut tx = self.begin().await?;
        let sql = format!(
            "UPDATE subscription_requests SET status = $1, decided_at = $2, decided_by = $3 \
             WHERE id = $4 AND status = 'pending' RETURNING {REQUEST_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(if approve { "approved" } else { "declined" })
            .bind(timestamp_text(at))
            .bind(by.to_owned())
            .bind(id)
            .fetch_optional(tx.conn())
            .await
            .ctx("deciding a request for packs")?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        let request = request_from_row(&row)?;
        if approve {
            subscribe(
                &mut tx,
                request.urn,
                &request.name,
                request.role,
                &request.email,
                by,
                at,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(request))
    }

    // ---- subscribers ----------------------------------------------------------------

    /// Everyone who receives packs (of one school, or of all), by school then email.
    pub async fn subscribers(&self, urn: Option<Urn>) -> Result<Vec<Subscriber>> {
        let base = "SELECT c.urn, c.name, LOWER(c.email) AS email, c.role FROM contacts c \
                    WHERE c.unsubscribed = 0 AND (c.role = 'DSL' OR EXISTS ( \
                    SELECT 1 FROM subscriptions_added s WHERE s.urn = c.urn AND s.email = LOWER(c.email)))";
        let rows = match urn {
            Some(u) => {
                sqlx::query(&format!(
                    "{base} AND c.urn = $1 ORDER BY c.urn, LOWER(c.email)"
                ))
                .bind(i64::from(u.get()))
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query(&format!("{base} ORDER BY c.urn, LOWER(c.email)"))
                    .fetch_all(&self.pool)
                    .await
            }
        }
        .ctx("reading who receives packs")?;
        let mut out: Vec<Subscriber> = Vec::with_capacity(rows.len());
        for r in &rows {
            let role: String = get(r, "role")?;
            let s = Subscriber {
                urn: urn_of("contacts.urn", get(r, "urn")?)?,
                name: get(r, "name")?,
                email: get(r, "email")?,
                role: ContactRole::parse(&role).ok_or_else(|| {
                    StoreError::corrupt("contacts.role", role.clone(), "not DSL, DT or HEAD")
                })?,
            };
            // One email per school once, even if the contacts hold it twice in two cases.
            if !out.iter().any(|o| o.urn == s.urn && o.email == s.email) {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Subscribes a contact by hand (the Virtual School's page): adds the contact if the
    /// school has none with that email.
    pub async fn subscribe_contact(
        &self,
        urn: Urn,
        name: &str,
        role: ContactRole,
        email: &str,
        by: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        subscribe(&mut tx, urn, name, role, email, by, at).await?;
        tx.commit().await
    }

    /// Unsubscribes a contact; returns whether one was subscribed. They stay unsubscribed
    /// when the contacts file lists them again (DESIGN §8).
    pub async fn unsubscribe_contact(&self, urn: Urn, email: &str) -> Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE contacts SET unsubscribed = 1 WHERE urn = $1 AND LOWER(email) = $2 AND unsubscribed = 0",
        )
        .bind(i64::from(urn.get()))
        .bind(email.trim().to_lowercase())
        .execute(tx.conn())
        .await
        .ctx("unsubscribing a contact")?;
        if done.rows_affected() > 0 {
            tx.bump_data_version().await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Gives a DSL account another school (a subscriber of a second school who already has
    /// an account). Returns false if the account already had it.
    pub async fn account_add_school(&self, user_id: i64, urn: Urn) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO user_schools (user_id, urn) VALUES ($1, $2) ON CONFLICT (user_id, urn) DO NOTHING",
        )
        .bind(user_id)
        .bind(i64::from(urn.get()))
        .execute(&self.pool)
        .await
        .ctx("giving an account a school")?;
        Ok(done.rows_affected() == 1)
    }

    // ---- unsubscribe links ----------------------------------------------------------

    pub async fn unsubscribe_token_create(
        &self,
        token_hash: &str,
        urn: Urn,
        email: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO unsubscribe_tokens (token_hash, urn, email, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash.to_owned())
        .bind(i64::from(urn.get()))
        .bind(email.trim().to_lowercase())
        .bind(timestamp_text(at))
        .execute(&self.pool)
        .await
        .ctx("creating an unsubscribe link")?;
        Ok(())
    }

    /// The school and email an unsubscribe link is for.
    pub async fn unsubscribe_token(&self, token_hash: &str) -> Result<Option<(Urn, String)>> {
        let row = sqlx::query("SELECT urn, email FROM unsubscribe_tokens WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .fetch_optional(&self.pool)
            .await
            .ctx("reading an unsubscribe link")?;
        row.map(|r| {
            Ok((
                urn_of("unsubscribe_tokens.urn", get(&r, "urn")?)?,
                get(&r, "email")?,
            ))
        })
        .transpose()
    }

    /// Uses an unsubscribe link: the contact is unsubscribed. Returns the school and email,
    /// or `None` for an unknown link. Using a link twice is harmless.
    pub async fn unsubscribe_by_token(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> Result<Option<(Urn, String)>> {
        let Some((urn, email)) = self.unsubscribe_token(token_hash).await? else {
            return Ok(None);
        };
        self.unsubscribe_contact(urn, &email).await?;
        sqlx::query(
            "UPDATE unsubscribe_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(timestamp_text(at))
        .bind(token_hash.to_owned())
        .execute(&self.pool)
        .await
        .ctx("using an unsubscribe link")?;
        Ok(Some((urn, email)))
    }
}
