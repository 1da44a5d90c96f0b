//! A half term's run: the dry run (who would be emailed about which school, how many
//! pupils, what changed), queueing the emails, and delivering them with retries.
//!
//! Every email goes through the `outbox` table. A run queues one email per subscriber of
//! each school (none for a recipient who already had a successful delivery for the half
//! term, unless `resend`), then delivers them at once. An attempt that fails for a reason
//! that may pass (the server is down, a 4xx answer) is queued again with backoff; the
//! server's background task and the next run retry it. Permanent failures (a 5xx answer,
//! a bad address) and emails that failed [`Backoff::attempts`] times are given up, listed
//! first on the send log, with "Resend".

use std::collections::BTreeMap;
use std::sync::Arc;

use time::{Duration, OffsetDateTime};
use vschool_analytics::pack::ChangeCounts;
use vschool_analytics::LaSnapshot;
use vschool_domain::Urn;
use vschool_mail::{Email, Mailer, SmtpMailer};
use vschool_store::{
    Attempt, AuditAction, AuditEvent, AuditObject, Delivery, DeliveryStatus, NewDelivery,
    OutboxKind, Store, Subscriber,
};

use super::calendar::{self, ResolvedHalfTerm};
use super::content::{self, PackContent};
use super::email::{self, pack_path, unsubscribe_path};
use super::targets::StoredTargets;
use super::PackError;
use crate::accounts::Actor;
use crate::config::Config;
use crate::util::{random_token, token_hash};

/// How failed deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure; it doubles after each further failure…
    pub first: Duration,
    /// …up to this.
    pub max: Duration,
    /// Attempts before giving up.
    pub attempts: i64,
    /// How long a sender holds an email it is sending before others may try it (a sender
    /// that dies mid-send does not lose it).
    pub lease: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::minutes(2),
            max: Duration::hours(6),
            attempts: 10,
            lease: Duration::minutes(10),
        }
    }
}

impl Backoff {
    /// The wait after `failures` failed attempts (1 or more).
    pub fn after(&self, failures: i64) -> Duration {
        let doublings = u32::try_from((failures - 1).clamp(0, 20)).unwrap_or(20);
        let wait = self.first * 2i32.saturating_pow(doublings);
        if wait > self.max {
            self.max
        } else {
            wait
        }
    }
}

/// What sending needs. Cheap to clone.
#[derive(Clone)]
pub struct Notifier {
    pub store: Store,
    pub config: Config,
    pub la_name: String,
    /// `None` when email is not set up (a dry run still works).
    pub mailer: Option<Arc<dyn Mailer>>,
    pub backoff: Backoff,
    /// Who runs it, for the audit trail and the accounts it makes.
    pub actor: Actor,
}

impl Notifier {
    /// A notifier whose mailer is the SMTP server of `config.smtp` (if set).
    pub fn new(
        store: Store,
        config: Config,
        la_name: String,
        actor: Actor,
    ) -> Result<Self, PackError> {
        let mailer: Option<Arc<dyn Mailer>> = match &config.smtp {
            Some(smtp) => Some(Arc::new(SmtpMailer::new(smtp.clone())?)),
            None => None,
        };
        Ok(Notifier {
            store,
            config,
            la_name,
            mailer,
            backoff: Backoff::default(),
            actor,
        })
    }

    fn audit(&self, at: OffsetDateTime, urn: Urn, detail: String) -> AuditEvent {
        AuditEvent {
            at,
            actor: self.actor.actor.clone(),
            role: self.actor.role.clone(),
            action: AuditAction::Change,
            object: AuditObject::Pack,
            upn: None,
            la_child_id: None,
            urn: Some(urn),
            detail,
            from: self.actor.from.clone(),
        }
    }
}

/// One recipient in a dry run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientPlan {
    pub name: String,
    pub email: String,
    /// A successful delivery for this half term exists: a run without `resend` skips them.
    pub already_sent: bool,
}

/// One school in a dry run.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolPlan {
    pub urn: Urn,
    pub name: String,
    pub recipients: Vec<RecipientPlan>,
    /// Pupils on the pack's list.
    pub pupils: usize,
    pub changes: ChangeCounts,
    /// The half term compared with, or `None` for the school's first pack.
    pub compared_with: Option<String>,
}

/// A half term's dry run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPlan {
    pub half: ResolvedHalfTerm,
    /// Schools with a subscriber, by name.
    pub schools: Vec<SchoolPlan>,
    /// Schools with pupils on a pack list but nobody subscribed: not delivered, to chase.
    pub to_chase: Vec<(Urn, String, usize)>,
    /// Subscribers whose school is not in the settings register (their URN is wrong).
    pub unknown_schools: Vec<Urn>,
}

impl RunPlan {
    pub fn emails(&self, resend: bool) -> usize {
        self.schools
            .iter()
            .flat_map(|s| &s.recipients)
            .filter(|r| resend || !r.already_sent)
            .count()
    }
}

fn by_school(subs: Vec<Subscriber>, only: Option<Urn>) -> BTreeMap<Urn, Vec<Subscriber>> {
    let mut map: BTreeMap<Urn, Vec<Subscriber>> = BTreeMap::new();
    for s in subs {
        if only.is_none_or(|u| u == s.urn) {
            map.entry(s.urn).or_default().push(s);
        }
    }
    map
}

async fn previous_content(
    store: &Store,
    urn: Urn,
    half: &ResolvedHalfTerm,
) -> Result<Option<PackContent>, PackError> {
    match store.pack_before(urn, half.half.end).await? {
        Some(p) => Ok(Some(PackContent::from_stored(&p)?)),
        None => Ok(None),
    }
}

fn sent_to(deliveries: &[Delivery], half: &str, email: &str) -> bool {
    deliveries.iter().any(|d| {
        d.half_term.as_deref() == Some(half) && d.email == email && d.status == DeliveryStatus::Sent
    })
}

/// The dry run: what a run would send, to whom, about what. Stores nothing.
pub async fn plan(
    store: &Store,
    snapshot: &LaSnapshot,
    half: &ResolvedHalfTerm,
    only: Option<Urn>,
) -> Result<RunPlan, PackError> {
    let targets = StoredTargets::load(store, only, half.half.end).await?;
    let subs = by_school(store.subscribers(only).await?, only);
    let sent = store.outbox_for_half_term(&half.name()).await?;
    let mut schools = Vec::new();
    let mut unknown_schools = Vec::new();
    for (urn, people) in &subs {
        let previous = previous_content(store, *urn, half).await?;
        let Some(c) = content::compute(snapshot, &targets, *urn, half, previous.as_ref()) else {
            unknown_schools.push(*urn);
            continue;
        };
        schools.push(SchoolPlan {
            urn: *urn,
            name: c.school_name.clone(),
            recipients: people
                .iter()
                .map(|p| RecipientPlan {
                    name: p.name.clone(),
                    email: p.email.clone(),
                    already_sent: sent_to(&sent, &half.name(), &p.email),
                })
                .collect(),
            pupils: c.list.len(),
            changes: c.counts(),
            compared_with: c.compared_with.clone(),
        });
    }
    schools.sort_by(|a, b| a.name.cmp(&b.name).then(a.urn.cmp(&b.urn)));
    let mut to_chase = Vec::new();
    for urn in snapshot.schools_with_pupils() {
        if subs.contains_key(&urn) || only.is_some_and(|u| u != urn) {
            continue;
        }
        if let Some(c) = content::compute(snapshot, &targets, urn, half, None) {
            if !c.list.is_empty() {
                to_chase.push((urn, c.school_name, c.list.len()));
            }
        }
    }
    to_chase.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(RunPlan {
        half: *half,
        schools,
        to_chase,
        unknown_schools,
    })
}

/// What queueing a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queued {
    /// The outbox rows to deliver now.
    pub ids: Vec<i64>,
    /// Recipients skipped because they already had a successful delivery.
    pub already_sent: usize,
    /// Schools whose pack was built or reused.
    pub packs: usize,
}

/// Builds (or reuses) each subscribed school's pack and queues its emails: everyone
/// without a successful delivery for the half term, or everyone with `resend`.
pub async fn queue(
    n: &Notifier,
    snapshot: &LaSnapshot,
    half: &ResolvedHalfTerm,
    only: Option<Urn>,
    resend: bool,
    now: OffsetDateTime,
) -> Result<Queued, PackError> {
    let store = &n.store;
    let targets = StoredTargets::load(store, only, half.half.end).await?;
    let subs = by_school(store.subscribers(only).await?, only);
    let name = half.name();
    let mut out = Queued::default();
    let mut events = Vec::new();
    for (urn, people) in &subs {
        let Some((pack, _)) =
            content::build_or_reuse(store, snapshot, &targets, *urn, half, now).await?
        else {
            continue;
        };
        out.packs += 1;
        let held = store.outbox_for_school(OutboxKind::Pack, *urn).await?;
        let mut queued_here = 0;
        for p in people {
            let mine: Vec<&Delivery> = held
                .iter()
                .filter(|d| d.half_term.as_deref() == Some(name.as_str()) && d.email == p.email)
                .collect();
            // An email not yet delivered (failed, or waiting for a retry) is tried again
            // now, whatever else was sent; otherwise one already delivered is skipped.
            let open = mine.iter().rev().find(|d| d.status != DeliveryStatus::Sent);
            let id = match open {
                Some(d) => {
                    store.outbox_requeue(d.id, Some(pack.id), now).await?;
                    d.id
                }
                None if !resend && mine.iter().any(|d| d.status == DeliveryStatus::Sent) => {
                    out.already_sent += 1;
                    continue;
                }
                None => {
                    store
                        .outbox_add(
                            &NewDelivery {
                                kind: OutboxKind::Pack,
                                urn: *urn,
                                half_term: Some(name.clone()),
                                pack_id: Some(pack.id),
                                user_id: None,
                                email: p.email.clone(),
                                name: p.name.clone(),
                            },
                            now,
                        )
                        .await?
                }
            };
            out.ids.push(id);
            queued_here += 1;
        }
        events.push(n.audit(
            now,
            *urn,
            format!(
                "pack {name} version {}: {queued_here} emails queued",
                pack.version
            ),
        ));
    }
    if !events.is_empty() {
        store.record_audit_many(&events).await?;
    }
    Ok(out)
}

/// What delivering came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    /// Failed for now, queued to try again later.
    pub retrying: usize,
    /// Given up (refused permanently, or too many attempts).
    pub failed: usize,
    /// Being sent by someone else at the same moment.
    pub elsewhere: usize,
}

impl Delivered {
    pub fn add(&mut self, other: Delivered) {
        self.sent += other.sent;
        self.retrying += other.retrying;
        self.failed += other.failed;
        self.elsewhere += other.elsewhere;
    }

    /// Every email was accepted by the server.
    pub fn all_sent(&self) -> bool {
        self.retrying == 0 && self.failed == 0
    }
}

/// Delivers queued emails now, one attempt each; `progress(done, total)` after each.
pub async fn deliver(
    n: &Notifier,
    ids: &[i64],
    now: impl Fn() -> OffsetDateTime,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<Delivered, PackError> {
    let mailer = n.mailer.clone().ok_or(PackError::NoMailer)?;
    let mut out = Delivered::default();
    for (i, id) in ids.iter().enumerate() {
        let at = now();
        match n.store.outbox_get(*id).await? {
            Some(d) if n.store.outbox_claim(d.id, at, at + n.backoff.lease).await? => {
                out.add(attempt(n, mailer.as_ref(), &d, at).await?);
            }
            Some(d) if d.status == DeliveryStatus::Sent => out.sent += 1,
            _ => out.elsewhere += 1,
        }
        progress(i + 1, ids.len());
    }
    Ok(out)
}

/// Tries every queued email whose time has come (the background task; the next run).
/// `now` is injected so that tests drive retries without waiting.
pub async fn process_due(
    n: &Notifier,
    now: OffsetDateTime,
    limit: i64,
) -> Result<Delivered, PackError> {
    let Some(mailer) = n.mailer.clone() else {
        return Ok(Delivered::default());
    };
    let mut out = Delivered::default();
    for d in n.store.outbox_due(now, limit).await? {
        if n.store
            .outbox_claim(d.id, now, now + n.backoff.lease)
            .await?
        {
            out.add(attempt(n, mailer.as_ref(), &d, now).await?);
        } else {
            out.elsewhere += 1;
        }
    }
    Ok(out)
}

/// Queues every given-up email of a half term again (the send log's "Resend all failed").
pub async fn resend_failed(
    store: &Store,
    half_term: &str,
    now: OffsetDateTime,
) -> Result<Vec<i64>, PackError> {
    let mut ids = Vec::new();
    for d in store.outbox_for_half_term(half_term).await? {
        if d.status == DeliveryStatus::Failed && store.outbox_requeue(d.id, None, now).await? {
            ids.push(d.id);
        }
    }
    Ok(ids)
}

/// A fresh unsubscribe link for a recipient (each email carries its own).
async fn unsubscribe_url(
    n: &Notifier,
    urn: Urn,
    email: &str,
    now: OffsetDateTime,
) -> Result<String, PackError> {
    let token = random_token();
    n.store
        .unsubscribe_token_create(&token_hash(&token), urn, email, now)
        .await?;
    Ok(n.config.absolute(&unsubscribe_path(&token)))
}

async fn compose(n: &Notifier, d: &Delivery, now: OffsetDateTime) -> Result<Email, PackError> {
    let school = n
        .store
        .setting(d.urn)
        .await?
        .map(|s| s.name)
        .unwrap_or_else(|| format!("School {}", d.urn));
    let unsubscribe = unsubscribe_url(n, d.urn, &d.email, now).await?;
    match d.kind {
        OutboxKind::Pack => {
            let name = d.half_term.clone().unwrap_or_default();
            let half = calendar::resolve(&n.store, &name).await?;
            Ok(email::pack_ready(
                &n.la_name,
                &school,
                &half,
                &d.email,
                &d.name,
                &n.config.absolute(&pack_path(d.urn, &name)),
                &unsubscribe,
            ))
        }
        OutboxKind::Account => {
            // A new link each attempt: only its hash is stored, so a failed attempt's link
            // cannot be sent again; it simply expires unused.
            let link =
                crate::accounts::password_link(&n.store, &n.config, &n.actor, &d.email).await?;
            Ok(email::account_made(
                &n.la_name,
                &school,
                &d.email,
                &d.name,
                &link.url,
                link.expires_at.date(),
                &unsubscribe,
            ))
        }
    }
}

/// One attempt at one claimed email, recorded in the outbox and the mail log.
async fn attempt(
    n: &Notifier,
    mailer: &dyn Mailer,
    d: &Delivery,
    now: OffsetDateTime,
) -> Result<Delivered, PackError> {
    let result = match compose(n, d, now).await {
        Ok(email) => mailer.send(&email).await,
        Err(PackError::Mail(e)) => Err(e),
        Err(e) => return Err(e),
    };
    let failures = d.attempts + 1;
    let (outcome, counted) = match result {
        Ok(()) => (
            Attempt::Sent,
            Delivered {
                sent: 1,
                ..Delivered::default()
            },
        ),
        Err(e) if e.is_permanent() || failures >= n.backoff.attempts => (
            Attempt::Failed {
                error: e.to_string(),
            },
            Delivered {
                failed: 1,
                ..Delivered::default()
            },
        ),
        Err(e) => (
            Attempt::Retry {
                at: now + n.backoff.after(failures),
                error: e.to_string(),
            },
            Delivered {
                retrying: 1,
                ..Delivered::default()
            },
        ),
    };
    n.store.outbox_record(d, &outcome, now).await?;
    Ok(counted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let b = Backoff::default();
        assert_eq!(b.after(1), Duration::minutes(2));
        assert_eq!(b.after(2), Duration::minutes(4));
        assert_eq!(b.after(5), Duration::minutes(32));
        assert_eq!(b.after(9), Duration::hours(6));
        assert_eq!(b.after(100), Duration::hours(6));
    }
}
