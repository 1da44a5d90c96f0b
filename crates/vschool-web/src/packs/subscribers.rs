//! A subscriber is a contact, not an account: when a contact becomes subscribed and has no
//! `dsl` account for that school, the system makes one and emails a one-time set-password
//! link valid for 7 days (DESIGN §8 "Who may do what").

use time::OffsetDateTime;
use vschool_domain::Urn;
use vschool_store::{NewDelivery, OutboxKind, Store};

use super::PackError;
use crate::accounts::{self, AccountError, Actor, NewUser};
use crate::auth::Role;
use crate::config::Config;

/// What [`ensure_accounts`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounts {
    /// Outbox rows of the set-password emails queued for new accounts.
    pub emails: Vec<i64>,
    /// Existing DSL accounts given another school.
    pub schools_added: usize,
    /// Subscribers left without an account: an email the accounts rules refuse, or a school
    /// not in the register.
    pub skipped: usize,
}

/// Makes a `dsl` account for every subscriber who has none for their school, queueing the
/// set-password email; a DSL account of the same email gets the school added. An account of
/// another role (someone of the Virtual School subscribed to a school's packs) is left alone.
pub async fn ensure_accounts(
    store: &Store,
    config: &Config,
    actor: &Actor,
    only: Option<Urn>,
    now: OffsetDateTime,
) -> Result<Accounts, PackError> {
    let mut out = Accounts::default();
    for sub in store.subscribers(only).await? {
        match store.account_by_email(&sub.email).await? {
            Some(a) if a.role == Role::Dsl.code() => {
                if !a.schools.contains(&sub.urn) && store.account_add_school(a.id, sub.urn).await? {
                    out.schools_added += 1;
                }
            }
            Some(_) => {}
            None => {
                let new = NewUser {
                    email: sub.email.clone(),
                    name: sub.name.clone(),
                    role: Role::Dsl,
                    schools: vec![sub.urn],
                    worker_email: None,
                };
                match accounts::add_user(store, config, actor, new).await {
                    Ok(_) => {}
                    Err(
                        AccountError::BadEmail(_)
                        | AccountError::UnknownSchool(_)
                        | AccountError::NameMissing,
                    ) => {
                        out.skipped += 1;
                        continue;
                    }
                    // Made by someone else at the same moment: theirs will email.
                    Err(AccountError::EmailTaken(_)) => continue,
                    Err(e) => return Err(e.into()),
                }
                let user_id = store.account_by_email(&sub.email).await?.map(|a| a.id);
                let id = store
                    .outbox_add(
                        &NewDelivery {
                            kind: OutboxKind::Account,
                            urn: sub.urn,
                            half_term: None,
                            pack_id: None,
                            user_id,
                            email: sub.email.clone(),
                            name: sub.name.clone(),
                        },
                        now,
                    )
                    .await?;
                out.emails.push(id);
            }
        }
    }
    Ok(out)
}
