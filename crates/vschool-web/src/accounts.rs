//! Account administration as library functions: `vschool user add`, `vschool token create`
//! and the user-admin page all call these, so the rules live in one place.
//!
//! A new account has no password: [`add_user`] returns a one-time link, valid for 7 days,
//! where the person sets one; at their first sign-in they enrol a second factor.

use time::{Duration, OffsetDateTime};
use vschool_domain::Urn;
use vschool_store::{AuditAction, AuditObject, NewAccount, Store, StoreError};

use crate::auth::Role;
use crate::config::Config;
use crate::util::{random_token, token_hash};

/// How long a set-password link works (DESIGN §8: 7 days).
pub const LINK_VALID_FOR: Duration = Duration::days(7);

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0:?} is not an email address like name@example.gov.uk")]
    BadEmail(String),
    #[error("enter the person's full name")]
    NameMissing,
    #[error("{0:?} is not a role; use one of vsh, advisory-teacher, data-officer, dsl, social-worker, trainer")]
    BadRole(String),
    #[error("a dsl account needs at least one school: add --school URN")]
    SchoolsRequired,
    #[error("only a dsl account has schools: leave out --school for a {0} account")]
    SchoolsNotAllowed(Role),
    #[error("only a social-worker account has a caseload email: leave out --worker-email for a {0} account")]
    WorkerEmailNotAllowed(Role),
    #[error(
        "there is no setting with URN {0} in the settings register; check the URN, or import \
         the register of establishments (GIAS) first"
    )]
    UnknownSchool(Urn),
    #[error("an account for {0} already exists")]
    EmailTaken(String),
    #[error("there is no account for {0}")]
    NoSuchAccount(String),
    #[error("{0}")]
    BadPassword(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] crate::keys::KeyError),
}

/// Who is doing the administration, for the audit trail: the store's one `Actor` (an email
/// or `cli:<os user>`, a role, and where from).
pub use vschool_store::Actor;

/// Records a change `actor` made to an account.
async fn audit_user_change(store: &Store, actor: &Actor, detail: String) -> Result<(), StoreError> {
    store
        .record_audit(&actor.event(AuditAction::Change, AuditObject::User, detail))
        .await?;
    Ok(())
}

/// What `vschool user add` asks for.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// A DSL's schools (one or more); empty for every other role.
    pub schools: Vec<Urn>,
    /// A social worker's caseload email; defaults to `email`.
    pub worker_email: Option<String>,
}

/// A one-time link to set a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetPasswordLink {
    /// Absolute, from `VSCHOOL_PUBLIC_URL` (or `http://127.0.0.1:8080` when unset).
    pub url: String,
    pub expires_at: OffsetDateTime,
}

/// Normalises an email (trimmed, lower-cased) if it looks like one.
pub fn normalise_email(raw: &str) -> Option<String> {
    let e = raw.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && e.len() <= 254
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(e)
}

/// The path of a set-password page for a token.
pub fn set_password_path(token: &str) -> String {
    format!("/set-password/{token}")
}

/// What a set-password link is for (`password_links.purpose`).
pub const PURPOSE_SET: &str = "set";
/// An emailed password reset ("Forgotten your password?"), valid for
/// `Config::reset_link_valid_for`.
pub const PURPOSE_RESET: &str = "reset";

/// The one place links are made: a random token, of which only the hash is stored.
async fn new_link(
    store: &Store,
    config: &Config,
    user_id: i64,
    purpose: &str,
    now: OffsetDateTime,
    valid_for: Duration,
) -> Result<SetPasswordLink, AccountError> {
    let token = random_token();
    let expires_at = now + valid_for;
    store
        .password_link_create(&token_hash(&token), user_id, purpose, now, expires_at)
        .await?;
    Ok(SetPasswordLink {
        url: config.absolute(&set_password_path(&token)),
        expires_at,
    })
}

/// Creates an account and returns its one-time set-password link.
pub async fn add_user(
    store: &Store,
    config: &Config,
    actor: &Actor,
    new: NewUser,
) -> Result<SetPasswordLink, AccountError> {
    let email =
        normalise_email(&new.email).ok_or_else(|| AccountError::BadEmail(new.email.clone()))?;
    let name = new.name.trim().to_owned();
    if name.is_empty() {
        return Err(AccountError::NameMissing);
    }
    let mut schools = new.schools.clone();
    schools.sort();
    schools.dedup();
    match new.role {
        Role::Dsl if schools.is_empty() => return Err(AccountError::SchoolsRequired),
        Role::Dsl => {}
        other if !schools.is_empty() => return Err(AccountError::SchoolsNotAllowed(other)),
        _ => {}
    }
    for urn in &schools {
        if store.setting(*urn).await?.is_none() {
            return Err(AccountError::UnknownSchool(*urn));
        }
    }
    let worker_email = match (new.role, &new.worker_email) {
        (Role::SocialWorker, Some(w)) => {
            Some(normalise_email(w).ok_or_else(|| AccountError::BadEmail(w.clone()))?)
        }
        (Role::SocialWorker, None) => Some(email.clone()),
        (other, Some(_)) => return Err(AccountError::WorkerEmailNotAllowed(other)),
        (_, None) => None,
    };
    let account = NewAccount {
        email: email.clone(),
        name,
        role: new.role.code().to_owned(),
        worker_email,
        schools: schools.clone(),
    };
    let id = match store
        .account_create(&account, OffsetDateTime::now_utc())
        .await
    {
        Ok(id) => id,
        Err(StoreError::Duplicate { .. }) => return Err(AccountError::EmailTaken(email)),
        Err(e) => return Err(e.into()),
    };
    let link = new_link(
        store,
        config,
        id,
        PURPOSE_SET,
        OffsetDateTime::now_utc(),
        LINK_VALID_FOR,
    )
    .await?;
    let schools_text = if schools.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = schools.iter().map(|u| u.to_string()).collect();
        format!(" for schools {}", list.join(", "))
    };
    audit_user_change(
        store,
        actor,
        format!(
            "created account {email} with role {}{schools_text}",
            new.role.code()
        ),
    )
    .await?;
    Ok(link)
}

/// A new one-time set-password link for an existing account (forgotten password, or the
/// first link expired). Older links stay valid until used or expired; using any link uses
/// up the others.
pub async fn password_link(
    store: &Store,
    config: &Config,
    actor: &Actor,
    email: &str,
) -> Result<SetPasswordLink, AccountError> {
    let e = normalise_email(email).ok_or_else(|| AccountError::BadEmail(email.to_owned()))?;
    let account = store
        .account_by_email(&e)
        .await?
        .ok_or_else(|| AccountError::NoSuchAccount(e.clone()))?;
    let link = new_link(
        store,
        config,
        account.id,
        PURPOSE_SET,
        OffsetDateTime::now_utc(),
        LINK_VALID_FOR,
    )
    .await?;
    audit_user_change(store, actor, format!("issued a set-password link for {e}")).await?;
    Ok(link)
}

/// A one-time link to reset an account's password, for the email sent from "Forgotten your
/// password?": the same links as [`password_link`] makes, redeemed at the same page, but
/// valid only for `config.reset_link_valid_for` from `now` (the service's wall clock). The
/// request is audited by the caller, which knows where it came from.
pub async fn reset_link(
    store: &Store,
    config: &Config,
    user_id: i64,
    now: OffsetDateTime,
) -> Result<SetPasswordLink, AccountError> {
    let valid_for = Duration::try_from(config.reset_link_valid_for).unwrap_or(Duration::hours(1));
    new_link(store, config, user_id, PURPOSE_RESET, now, valid_for).await
}

/// Sets an account's password directly, without a link (`vschool demo`'s ready-made
/// accounts; scripted set-ups). The same rules as the set-password page apply. The person
/// still enrols a second factor at their first sign-in.
pub async fn set_password(
    store: &Store,
    actor: &Actor,
    email: &str,
    password: &str,
) -> Result<(), AccountError> {
    let e = normalise_email(email).ok_or_else(|| AccountError::BadEmail(email.to_owned()))?;
    let account = store
        .account_by_email(&e)
        .await?
        .ok_or_else(|| AccountError::NoSuchAccount(e.clone()))?;
    if let Some(problem) = crate::auth::password::problem_with(password, &e) {
        return Err(AccountError::BadPassword(problem));
    }
    let phc = crate::auth::password::hash(password.to_owned())
        .await
        .map_err(|_| AccountError::BadPassword("the password could not be hashed"))?;
    store.account_set_password(account.id, &phc).await?;
    audit_user_change(store, actor, format!("set the password of {e}")).await?;
    Ok(())
}

/// A new API token for an account (`vschool token create`). The value is returned once and
/// only its hash is kept.
pub async fn create_api_token(
    store: &Store,
    actor: &Actor,
    email: &str,
    label: &str,
) -> Result<String, AccountError> {
    let e = normalise_email(email).ok_or_else(|| AccountError::BadEmail(email.to_owned()))?;
    let account = store
        .account_by_email(&e)
        .await?
        .ok_or_else(|| AccountError::NoSuchAccount(e.clone()))?;
    // A recognisable prefix lets secret scanners find leaked tokens.
    let token = format!("vst_{}", random_token());
    store
        .api_token_create(
            &token_hash(&token),
            account.id,
            label,
            OffsetDateTime::now_utc(),
        )
        .await?;
    audit_user_change(store, actor, format!("created an API token for {e}")).await?;
    Ok(token)
}

/// Ends every session and revokes every API token of an account; returns how many of each.
pub async fn revoke_access(
    store: &Store,
    actor: &Actor,
    email: &str,
) -> Result<(u64, u64), AccountError> {
    let e = normalise_email(email).ok_or_else(|| AccountError::BadEmail(email.to_owned()))?;
    let account = store
        .account_by_email(&e)
        .await?
        .ok_or_else(|| AccountError::NoSuchAccount(e.clone()))?;
    let now = OffsetDateTime::now_utc();
    let sessions = store.sessions_revoke_user(account.id, now).await?;
    let tokens = store.api_tokens_revoke_user(account.id, now).await?;
    audit_user_change(
        store,
        actor,
        format!("revoked {sessions} sessions and {tokens} API tokens of {e}"),
    )
    .await?;
    Ok((sessions, tokens))
}

/// Ends one session of an account (the user-admin page); false if it had already ended.
pub async fn end_session(
    store: &Store,
    actor: &Actor,
    email: &str,
    session: &vschool_store::SessionSummary,
) -> Result<bool, AccountError> {
    let e = normalise_email(email).ok_or_else(|| AccountError::BadEmail(email.to_owned()))?;
    let account = store
        .account_by_email(&e)
        .await?
        .ok_or_else(|| AccountError::NoSuchAccount(e.clone()))?;
    let ended = store
        .session_revoke_of_user(account.id, &session.token_hash, OffsetDateTime::now_utc())
        .await?;
    if ended {
        audit_user_change(
            store,
            actor,
            format!(
                "ended a session of {e} started {} from {}",
                crate::format::rfc3339(session.created_at),
                session.origin
            ),
        )
        .await?;
    }
    Ok(ended)
}

/// Ends every session of an account, leaving its API tokens alone; returns how many.
pub async fn end_sessions(store: &Store, actor: &Actor, email: &str) -> Result<u64, AccountError> {
    let e = normalise_email(email).ok_or_else(|| AccountError::BadEmail(email.to_owned()))?;
    let account = store
        .account_by_email(&e)
        .await?
        .ok_or_else(|| AccountError::NoSuchAccount(e.clone()))?;
    let n = store
        .sessions_revoke_user(account.id, OffsetDateTime::now_utc())
        .await?;
    audit_user_change(store, actor, format!("ended all {n} sessions of {e}")).await?;
    Ok(n)
}

/// Revokes one API token of an account; false if it was already revoked (or not theirs).
pub async fn revoke_api_token(
    store: &Store,
    actor: &Actor,
    email: &str,
    token_id: i64,
) -> Result<bool, AccountError> {
    let e = normalise_email(email).ok_or_else(|| AccountError::BadEmail(email.to_owned()))?;
    let account = store
        .account_by_email(&e)
        .await?
        .ok_or_else(|| AccountError::NoSuchAccount(e.clone()))?;
    let label = store
        .api_tokens_of(account.id)
        .await?
        .into_iter()
        .find(|t| t.id == token_id)
        .map(|t| t.label);
    let revoked = store
        .api_token_revoke(account.id, token_id, OffsetDateTime::now_utc())
        .await?;
    if revoked {
        audit_user_change(
            store,
            actor,
            format!(
                "revoked API token {token_id} ({}) of {e}",
                label.unwrap_or_default()
            ),
        )
        .await?;
    }
    Ok(revoked)
}

/// A ready-to-use account: password set and second factor enrolled (`vschool demo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyAccount {
    pub email: String,
    pub role: Role,
    pub password: String,
    /// Base32 TOTP secret to type into an authenticator app.
    pub totp_secret: String,
}

/// Creates an account (or reuses one with the same email) with a password and an enrolled
/// second factor, so a newcomer can sign in straight away. Reusing keeps the existing TOTP
/// secret, so an authenticator set up on a previous run keeps working.
pub async fn ready_account(
    store: &Store,
    config: &Config,
    actor: &Actor,
    new: NewUser,
    password: &str,
) -> Result<ReadyAccount, AccountError> {
    let email =
        normalise_email(&new.email).ok_or_else(|| AccountError::BadEmail(new.email.clone()))?;
    let role = new.role;
    if store.account_by_email(&email).await?.is_none() {
        add_user(store, config, actor, new).await?;
    }
    set_password(store, actor, &email, password).await?;
    let account = store
        .account_by_email(&email)
        .await?
        .ok_or_else(|| AccountError::NoSuchAccount(email.clone()))?;
    // Secrets are stored sealed with the service's key (`crate::keys`): the same key the
    // server will use, from VSCHOOL_SECRET_KEY or the key file beside the database.
    let key = match &config.secret_key {
        Some(k) => k.clone(),
        None => crate::keys::SecretKey::for_store(store)?,
    };
    let existing = account
        .totp_secret
        .as_deref()
        .and_then(|stored| key.open_totp(account.id, stored));
    let totp_secret = match existing {
        Some(open) => {
            if open.in_clear {
                store
                    .account_replace_totp_secret(
                        account.id,
                        &open.secret,
                        &key.seal_totp(account.id, &open.secret),
                    )
                    .await?;
            }
            open.secret
        }
        None => {
            let secret = crate::auth::totp::new_secret();
            store
                .account_set_totp(account.id, &key.seal_totp(account.id, &secret), 0)
                .await?;
            secret
        }
    };
    Ok(ReadyAccount {
        email,
        role,
        password: password.to_owned(),
        totp_secret,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(
            normalise_email("  Ann.Smith@Northshire.GOV.uk "),
            Some("ann.smith@northshire.gov.uk".into())
        );
        for bad in [
            "",
            "ann",
            "@x.org",
            "ann@",
            "ann@x",
            "a b@x.org",
            "a@.org",
            "a@x.org.",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad}");
        }
    }
}
