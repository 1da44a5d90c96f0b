//! Accounts, sessions, one-time set-password links and API tokens for the web service
//! (migration 0010). The rules (roles, who may do what, password and TOTP checks) live in
//! `vschool-web`; this module only keeps the rows. Secrets arrive here already hashed: the
//! store never sees a password, a session id or a token in clear.

use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use time::OffsetDateTime;
use vschool_domain::Urn;

use crate::db::Store;
use crate::error::{Context, Result};
use crate::settings::urn_of;
use crate::sql::{get, parse_timestamp, timestamp_text, write_error, TableKey};

const USERS: TableKey = TableKey {
    table: "users",
    what: "accounts",
    key: "email address",
};

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    /// Lower-cased.
    pub email: String,
    pub name: String,
    /// The role's code (`vsh`, `dsl`, …).
    pub role: String,
    /// A social worker's caseload email, lower-cased.
    pub worker_email: Option<String>,
    /// A DSL's schools, in URN order.
    pub schools: Vec<Urn>,
    /// Argon2id PHC string; `None` until the person sets a password.
    pub password_hash: Option<String>,
    /// Base32 TOTP secret; `None` until enrolled.
    pub totp_secret: Option<String>,
    pub created_at: OffsetDateTime,
    pub last_sign_in_at: Option<OffsetDateTime>,
    pub disabled_at: Option<OffsetDateTime>,
}

/// What creating an account needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub role: String,
    pub worker_email: Option<String>,
    pub schools: Vec<Urn>,
}

/// A web session as stored (looked up by the hash of its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user_id: i64,
    pub csrf_token: String,
    pub second_factor: bool,
    pub pending_totp_secret: Option<String>,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    /// How the first factor was given: `password` or `oidc` (migration 0011).
    pub first_factor: String,
}

/// A live session as the user-admin page lists it: never the session id, only the hash
/// it is stored under (which cannot be turned back into a cookie).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    pub token_hash: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// The address the session was started from.
    pub origin: String,
    pub second_factor: bool,
    pub first_factor: String,
}

/// A one-time set-password link as stored: whose it is and what it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordLinkRecord {
    pub user_id: i64,
    /// `set` (a new account's or the Virtual School Head's link) or `reset` (emailed from
    /// "Forgotten your password?").
    pub purpose: String,
}

/// An API token as stored (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub label: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

const ACCOUNT_COLUMNS: &str = "id, email, name, role, worker_email, password_hash, totp_secret, \
     created_at, last_sign_in_at, disabled_at";

/// A `LIKE … ESCAPE '\\'` pattern matching text that starts with `prefix`, with the
/// prefix's own wildcards escaped: the same on both databases.
fn like_prefix(prefix: &str) -> String {
    let escaped = prefix
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("{escaped}%")
}

fn opt_timestamp(what: &'static str, raw: Option<String>) -> Result<Option<OffsetDateTime>> {
    raw.map(|r| parse_timestamp(what, &r)).transpose()
}

fn account_from_row(r: &AnyRow, schools: Vec<Urn>) -> Result<Account> {
    let created: String = get(r, "created_at")?;
    Ok(Account {
        id: get(r, "id")?,
        email: get(r, "email")?,
        name: get(r, "name")?,
        role: get(r, "role")?,
        worker_email: get(r, "worker_email")?,
        schools,
        password_hash: get(r, "password_hash")?,
        totp_secret: get(r, "totp_secret")?,
        created_at: parse_timestamp("users.created_at", &created)?,
        last_sign_in_at: opt_timestamp("users.last_sign_in_at", get(r, "last_sign_in_at")?)?,
        disabled_at: opt_timestamp("users.disabled_at", get(r, "disabled_at")?)?,
    })
}

async fn schools_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<Urn>> {
    let rows = sqlx::query("SELECT urn FROM user_schools WHERE user_id = $1 ORDER BY urn")
        .bind(user_id)
        .fetch_all(conn)
        .await
        .ctx("reading an account's schools")?;
    rows.iter()
        .map(|r| urn_of("user_schools.urn", get(r, "urn")?))
        .collect()
}

async fn account_where(
    conn: &mut AnyConnection,
    clause: &str,
    bind: AccountKey<'_>,
) -> Result<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE {clause}");
    let q = sqlx::query(&sql);
    let q = match bind {
        AccountKey::Id(id) => q.bind(id),
        AccountKey::Email(e) => q.bind(e.to_owned()),
    };
    let row = q
        .fetch_optional(&mut *conn)
        .await
        .ctx("reading an account")?;
    match row {
        None => Ok(None),
        Some(r) => {
            let id: i64 = get(&r, "id")?;
            let schools = schools_of(conn, id).await?;
            Ok(Some(account_from_row(&r, schools)?))
        }
    }
}

enum AccountKey<'a> {
    Id(i64),
    Email(&'a str),
}

fn session_from_row(r: &AnyRow) -> Result<SessionRecord> {
    let created: String = get(r, "created_at")?;
    let seen: String = get(r, "last_seen_at")?;
    let second: i64 = get(r, "second_factor")?;
    Ok(SessionRecord {
        user_id: get(r, "user_id")?,
        csrf_token: get(r, "csrf_token")?,
        second_factor: second != 0,
        pending_totp_secret: get(r, "pending_totp_secret")?,
        created_at: parse_timestamp("web_sessions.created_at", &created)?,
        last_seen_at: parse_timestamp("web_sessions.last_seen_at", &seen)?,
        revoked_at: opt_timestamp("web_sessions.revoked_at", get(r, "revoked_at")?)?,
        first_factor: get(r, "first_factor")?,
    })
}

fn session_summary_from_row(r: &AnyRow) -> Result<SessionSummary> {
    let created: String = get(r, "created_at")?;
    let seen: String = get(r, "last_seen_at")?;
    let second: i64 = get(r, "second_factor")?;
    Ok(SessionSummary {
        token_hash: get(r, "token_hash")?,
        created_at: parse_timestamp("web_sessions.created_at", &created)?,
        last_seen_at: parse_timestamp("web_sessions.last_seen_at", &seen)?,
        origin: get(r, "origin")?,
        second_factor: second != 0,
        first_factor: get(r, "first_factor")?,
    })
}

fn token_from_row(r: &AnyRow) -> Result<ApiTokenRecord> {
    let created: String = get(r, "created_at")?;
    Ok(ApiTokenRecord {
        id: get(r, "id")?,
        user_id: get(r, "user_id")?,
        label: get(r, "label")?,
        created_at: parse_timestamp("api_tokens.created_at", &created)?,
        last_used_at: opt_timestamp("api_tokens.last_used_at", get(r, "last_used_at")?)?,
        revoked_at: opt_timestamp("api_tokens.revoked_at", get(r, "revoked_at")?)?,
    })
}

impl Store {
    // ---- accounts -------------------------------------------------------------------

    /// Creates an account without a password; returns its id. An email already in use is a
    /// [`crate::StoreError::Duplicate`].
    pub async fn account_create(&self, new: &NewAccount, at: OffsetDateTime) -> Result<i64> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO users (email, name, role, worker_email, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(new.email.clone())
        .bind(new.name.clone())
        .bind(new.role.clone())
        .bind(new.worker_email.clone())
        .bind(timestamp_text(at))
        .fetch_one(tx.conn())
        .await
        .map_err(|e| write_error(USERS, e))?;
        let id: i64 = get(&row, "id")?;
        for urn in &new.schools {
            sqlx::query("INSERT INTO user_schools (user_id, urn) VALUES ($1, $2)")
                .bind(id)
                .bind(i64::from(urn.get()))
                .execute(tx.conn())
                .await
                .ctx("recording an account's schools")?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        account_where(&mut conn, "email = $1", AccountKey::Email(email)).await
    }

    pub async fn account_by_id(&self, id: i64) -> Result<Option<Account>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        account_where(&mut conn, "id = $1", AccountKey::Id(id)).await
    }

    /// Every account, by email.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let mut conn = self.pool.acquire().await.ctx("opening a connection")?;
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users ORDER BY email");
        let rows = sqlx::query(&sql)
            .fetch_all(&mut *conn)
            .await
            .ctx("reading accounts")?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = get(r, "id")?;
            let schools = schools_of(&mut conn, id).await?;
            out.push(account_from_row(r, schools)?);
        }
        Ok(out)
    }

    /// Sets the password hash. The caller revokes sessions and links as its rules say.
    pub async fn account_set_password(&self, id: i64, password_hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash.to_owned())
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("setting a password")?;
        Ok(())
    }

    /// Records an enrolled TOTP secret and the step of the code that confirmed it.
    pub async fn account_set_totp(&self, id: i64, secret: &str, step: i64) -> Result<()> {
        sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3")
            .bind(secret.to_owned())
            .bind(step)
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("enrolling a second factor")?;
        Ok(())
    }

    /// Forgets the TOTP secret (the person enrols again at their next sign-in).
    pub async fn account_reset_totp(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("resetting a second factor")?;
        Ok(())
    }

    /// Uses up a TOTP time step: true if `step` is later than any step used before (and
    /// records it), false if the code's step was already used, so a code works only once
    /// even under concurrent requests.
    pub async fn account_use_totp_step(&self, id: i64, step: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 \
             WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(id)
        .execute(&self.pool)
        .await
        .ctx("using a second-factor code")?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn account_signed_in(&self, id: i64, at: OffsetDateTime) -> Result<()> {
        sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
            .bind(timestamp_text(at))
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("recording a sign-in")?;
        Ok(())
    }

    /// Disables (`Some`) or re-enables (`None`) an account.
    pub async fn account_set_disabled(&self, id: i64, at: Option<OffsetDateTime>) -> Result<()> {
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(at.map(timestamp_text))
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("disabling an account")?;
        Ok(())
    }

    /// Failed sign-ins since `since` recorded in the audit trail: (for this account's
    /// email, from this address).
    pub async fn sign_in_failures_since(
        &self,
        email: &str,
        origin: &str,
        since: OffsetDateTime,
    ) -> Result<(i64, i64)> {
        let since = timestamp_text(since);
        let by_account = sqlx::query(
            "SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) AS n FROM audit_records \
             WHERE actor = $1 AND action = 'sign-in-failed' AND at >= $2",
        )
        .bind(email.to_owned())
        .bind(since.clone())
        .fetch_one(&self.pool)
        .await
        .ctx("counting failed sign-ins")?;
        let by_origin = sqlx::query(
            "SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) AS n FROM audit_records \
             WHERE origin = $1 AND action = 'sign-in-failed' AND at >= $2",
        )
        .bind(origin.to_owned())
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .ctx("counting failed sign-ins")?;
        Ok((get(&by_account, "n")?, get(&by_origin, "n")?))
    }

    /// Audit events of one action whose detail starts with `detail_prefix`, recorded since
    /// `since`: (by this actor, from this address). Rate limits of things other than
    /// sign-in (asking for a password-reset email) count their own events this way.
    pub async fn audit_attempts_since(
        &self,
        actor: &str,
        origin: &str,
        action: &str,
        detail_prefix: &str,
        since: OffsetDateTime,
    ) -> Result<(i64, i64)> {
        let since = timestamp_text(since);
        let pattern = like_prefix(detail_prefix);
        let by_account = sqlx::query(
            "SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) AS n FROM audit_records \
             WHERE actor = $1 AND action = $2 AND at >= $3 AND detail LIKE $4 ESCAPE '\\'",
        )
        .bind(actor.to_owned())
        .bind(action.to_owned())
        .bind(since.clone())
        .bind(pattern.clone())
        .fetch_one(&self.pool)
        .await
        .ctx("counting recent attempts")?;
        let by_origin = sqlx::query(
            "SELECT CAST(COALESCE(SUM(events), 0) AS BIGINT) AS n FROM audit_records \
             WHERE origin = $1 AND action = $2 AND at >= $3 AND detail LIKE $4 ESCAPE '\\'",
        )
        .bind(origin.to_owned())
        .bind(action.to_owned())
        .bind(since)
        .bind(pattern)
        .fetch_one(&self.pool)
        .await
        .ctx("counting recent attempts")?;
        Ok((get(&by_account, "n")?, get(&by_origin, "n")?))
    }

    // ---- encrypted second-factor secrets (migration 0011) --------------------------------

    /// Accounts whose TOTP secret is still stored as it was before secrets were encrypted
    /// (anything not starting with `prefix`), to encrypt them.
    pub async fn totp_secrets_without_prefix(&self, prefix: &str) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "SELECT id, totp_secret FROM users \
             WHERE totp_secret IS NOT NULL AND totp_secret NOT LIKE $1 ESCAPE '\\' ORDER BY id",
        )
        .bind(like_prefix(prefix))
        .fetch_all(&self.pool)
        .await
        .ctx("reading second-factor secrets")?;
        rows.iter()
            .map(|r| Ok((get(r, "id")?, get(r, "totp_secret")?)))
            .collect()
    }

    /// Replaces an account's stored TOTP secret with another form of the same secret, only
    /// if it is still `old` (so a concurrent enrolment or reset is never overwritten).
    pub async fn account_replace_totp_secret(&self, id: i64, old: &str, new: &str) -> Result<bool> {
        let done =
            sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3")
                .bind(new.to_owned())
                .bind(id)
                .bind(old.to_owned())
                .execute(&self.pool)
                .await
                .ctx("encrypting a second-factor secret")?;
        Ok(done.rows_affected() == 1)
    }

    // ---- one-time set-password links ----------------------------------------------------

    /// A new link; `purpose` is `set` or `reset` (see [`PasswordLinkRecord`]).
    pub async fn password_link_create(
        &self,
        token_hash: &str,
        user_id: i64,
        purpose: &str,
        at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO password_links (token_hash, user_id, purpose, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash.to_owned())
        .bind(user_id)
        .bind(purpose.to_owned())
        .bind(timestamp_text(at))
        .bind(timestamp_text(expires_at))
        .execute(&self.pool)
        .await
        .ctx("creating a set-password link")?;
        Ok(())
    }

    /// The account a link is for, if the link exists, is unused and has not expired at `now`.
    pub async fn password_link_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<i64>> {
        let row = sqlx::query(
            "SELECT user_id FROM password_links \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash.to_owned())
        .bind(timestamp_text(now))
        .fetch_optional(&self.pool)
        .await
        .ctx("reading a set-password link")?;
        row.map(|r| get(&r, "user_id")).transpose()
    }

    /// A link that exists, is unused and has not expired at `now`: whose and what for.
    pub async fn password_link_get(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<PasswordLinkRecord>> {
        let row = sqlx::query(
            "SELECT user_id, purpose FROM password_links \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash.to_owned())
        .bind(timestamp_text(now))
        .fetch_optional(&self.pool)
        .await
        .ctx("reading a set-password link")?;
        row.map(|r| {
            Ok(PasswordLinkRecord {
                user_id: get(&r, "user_id")?,
                purpose: get(&r, "purpose")?,
            })
        })
        .transpose()
    }

    /// Uses a link up and sets the password in one transaction: returns the account id, or
    /// `None` if the link was not usable (then nothing changes). Every other unused link
    /// of the account is used up too, and its sessions are revoked.
    pub async fn password_link_redeem(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<i64>> {
        let mut tx = self.begin().await?;
        let now_text = timestamp_text(now);
        let row = sqlx::query(
            "UPDATE password_links SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(now_text.clone())
        .bind(token_hash.to_owned())
        .fetch_optional(tx.conn())
        .await
        .ctx("using a set-password link")?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        let user_id: i64 = get(&row, "user_id")?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash.to_owned())
            .bind(user_id)
            .execute(tx.conn())
            .await
            .ctx("setting a password")?;
        sqlx::query(
            "UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(now_text.clone())
        .bind(user_id)
        .execute(tx.conn())
        .await
        .ctx("using up older set-password links")?;
        sqlx::query(
            "UPDATE web_sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now_text)
        .bind(user_id)
        .execute(tx.conn())
        .await
        .ctx("ending sessions after a password change")?;
        tx.commit().await?;
        Ok(Some(user_id))
    }

    // ---- sessions -----------------------------------------------------------------------

    /// A new session whose first factor (`password` or `oidc`) was just given; the second
    /// factor is still to come.
    pub async fn session_create(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        origin: &str,
        first_factor: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        let at = timestamp_text(at);
        sqlx::query(
            "INSERT INTO web_sessions (token_hash, user_id, csrf_token, second_factor, created_at, last_seen_at, origin, first_factor) \
             VALUES ($1, $2, $3, 0, $4, $4, $5, $6)",
        )
        .bind(token_hash.to_owned())
        .bind(user_id)
        .bind(csrf_token.to_owned())
        .bind(at)
        .bind(origin.to_owned())
        .bind(first_factor.to_owned())
        .execute(&self.pool)
        .await
        .ctx("starting a session")?;
        Ok(())
    }

    pub async fn session_get(&self, token_hash: &str) -> Result<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT user_id, csrf_token, second_factor, pending_totp_secret, created_at, last_seen_at, revoked_at, first_factor \
             FROM web_sessions WHERE token_hash = $1",
        )
        .bind(token_hash.to_owned())
        .fetch_optional(&self.pool)
        .await
        .ctx("reading a session")?;
        row.as_ref().map(session_from_row).transpose()
    }

    pub async fn session_touch(&self, token_hash: &str, at: OffsetDateTime) -> Result<()> {
        sqlx::query("UPDATE web_sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(timestamp_text(at))
            .bind(token_hash.to_owned())
            .execute(&self.pool)
            .await
            .ctx("keeping a session alive")?;
        Ok(())
    }

    /// Marks the second factor as checked and gives the session a new id (and CSRF token),
    /// so an id seen before the privilege change is worthless after it.
    pub async fn session_complete_second_factor(
        &self,
        old_hash: &str,
        new_hash: &str,
        new_csrf: &str,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE web_sessions SET token_hash = $1, csrf_token = $2, second_factor = 1, \
             pending_totp_secret = NULL, last_seen_at = $3 \
             WHERE token_hash = $4 AND revoked_at IS NULL",
        )
        .bind(new_hash.to_owned())
        .bind(new_csrf.to_owned())
        .bind(timestamp_text(at))
        .bind(old_hash.to_owned())
        .execute(&self.pool)
        .await
        .ctx("completing a sign-in")?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn session_set_pending_totp(
        &self,
        token_hash: &str,
        secret: Option<&str>,
    ) -> Result<()> {
        sqlx::query("UPDATE web_sessions SET pending_totp_secret = $1 WHERE token_hash = $2")
            .bind(secret.map(str::to_owned))
            .bind(token_hash.to_owned())
            .execute(&self.pool)
            .await
            .ctx("starting second-factor enrolment")?;
        Ok(())
    }

    pub async fn session_revoke(&self, token_hash: &str, at: OffsetDateTime) -> Result<()> {
        sqlx::query(
            "UPDATE web_sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
        )
        .bind(timestamp_text(at))
        .bind(token_hash.to_owned())
        .execute(&self.pool)
        .await
        .ctx("ending a session")?;
        Ok(())
    }

    /// Ends every session of an account; returns how many were live.
    pub async fn sessions_revoke_user(&self, user_id: i64, at: OffsetDateTime) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE web_sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(timestamp_text(at))
        .bind(user_id)
        .execute(&self.pool)
        .await
        .ctx("ending an account's sessions")?;
        Ok(done.rows_affected())
    }

    /// An account's sessions that are not revoked, were seen at or after `seen_since` and
    /// started at or after `started_since` (the idle and absolute limits): newest first.
    pub async fn sessions_of_user(
        &self,
        user_id: i64,
        seen_since: OffsetDateTime,
        started_since: OffsetDateTime,
    ) -> Result<Vec<SessionSummary>> {
        let rows = sqlx::query(
            "SELECT token_hash, created_at, last_seen_at, origin, second_factor, first_factor \
             FROM web_sessions \
             WHERE user_id = $1 AND revoked_at IS NULL AND last_seen_at >= $2 AND created_at >= $3 \
             ORDER BY created_at DESC, token_hash",
        )
        .bind(user_id)
        .bind(timestamp_text(seen_since))
        .bind(timestamp_text(started_since))
        .fetch_all(&self.pool)
        .await
        .ctx("reading an account's sessions")?;
        rows.iter().map(session_summary_from_row).collect()
    }

    /// Ends one session of an account; false if it was not live (or not theirs).
    pub async fn session_revoke_of_user(
        &self,
        user_id: i64,
        token_hash: &str,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE web_sessions SET revoked_at = $1 \
             WHERE user_id = $2 AND token_hash = $3 AND revoked_at IS NULL",
        )
        .bind(timestamp_text(at))
        .bind(user_id)
        .bind(token_hash.to_owned())
        .execute(&self.pool)
        .await
        .ctx("ending a session")?;
        Ok(done.rows_affected() == 1)
    }

    /// Sessions of an account not revoked and seen at or after `seen_since`.
    pub async fn sessions_live(&self, user_id: i64, seen_since: OffsetDateTime) -> Result<u64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM web_sessions \
             WHERE user_id = $1 AND revoked_at IS NULL AND last_seen_at >= $2",
        )
        .bind(user_id)
        .bind(timestamp_text(seen_since))
        .fetch_one(&self.pool)
        .await
        .ctx("counting sessions")?;
        let n: i64 = get(&row, "n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Deletes sessions last seen before `before` or revoked (housekeeping: expired rows
    /// are useless and only grow the table).
    pub async fn sessions_purge(&self, before: OffsetDateTime) -> Result<u64> {
        let done = sqlx::query(
            "DELETE FROM web_sessions WHERE last_seen_at < $1 OR revoked_at IS NOT NULL",
        )
        .bind(timestamp_text(before))
        .execute(&self.pool)
        .await
        .ctx("removing expired sessions")?;
        Ok(done.rows_affected())
    }

    // ---- API tokens ---------------------------------------------------------------------

    pub async fn api_token_create(
        &self,
        token_hash: &str,
        user_id: i64,
        label: &str,
        at: OffsetDateTime,
    ) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO api_tokens (token_hash, user_id, label, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(token_hash.to_owned())
        .bind(user_id)
        .bind(label.to_owned())
        .bind(timestamp_text(at))
        .fetch_one(&self.pool)
        .await
        .ctx("creating an API token")?;
        get(&row, "id")
    }

    /// A live (not revoked) token by the hash of its value.
    pub async fn api_token_get(&self, token_hash: &str) -> Result<Option<ApiTokenRecord>> {
        let row = sqlx::query(
            "SELECT id, user_id, label, created_at, last_used_at, revoked_at FROM api_tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash.to_owned())
        .fetch_optional(&self.pool)
        .await
        .ctx("reading an API token")?;
        row.as_ref().map(token_from_row).transpose()
    }

    pub async fn api_token_touch(&self, id: i64, at: OffsetDateTime) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(timestamp_text(at))
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("recording an API token's use")?;
        Ok(())
    }

    /// An account's tokens, newest first.
    pub async fn api_tokens_of(&self, user_id: i64) -> Result<Vec<ApiTokenRecord>> {
        let rows = sqlx::query(
            "SELECT id, user_id, label, created_at, last_used_at, revoked_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .ctx("reading API tokens")?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes one live token of an account; false if it was already revoked (or not theirs).
    pub async fn api_token_revoke(
        &self,
        user_id: i64,
        id: i64,
        at: OffsetDateTime,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(timestamp_text(at))
        .bind(id)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .ctx("revoking an API token")?;
        Ok(done.rows_affected() == 1)
    }

    /// Revokes every live token of an account; returns how many.
    pub async fn api_tokens_revoke_user(&self, user_id: i64, at: OffsetDateTime) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(timestamp_text(at))
        .bind(user_id)
        .execute(&self.pool)
        .await
        .ctx("revoking API tokens")?;
        Ok(done.rows_affected())
    }
}
