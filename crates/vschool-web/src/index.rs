//! An in-memory index of the children the service shows, rebuilt whenever the database's
//! `data_version` changes (every import bumps it), so pages search and filter in memory
//! instead of loading the database on each request.
//!
//! Every function here that yields child-level data takes a [`Scope`]: this module is the
//! only way handlers reach children, so no page can show a child its reader may not see.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::Date;
use vschool_domain::child::allocation_on;
use vschool_domain::pupil::{AttainmentResult, Contact};
use vschool_domain::{
    Allocation, EnrolStatus, Enrolment, Exclusion, LaChildId, Pupil, Setting, SocialCareHistory,
    TrackerStatus, Upn, Urn,
};

use crate::auth::Scope;
use crate::error::AppError;
use crate::state::AppState;

/// A child known to social care, with what the school records say about them.
#[derive(Debug, Clone)]
pub struct ChildEntry {
    /// Opaque id for `/children/{id}`: a keyed hash of the LA child id, so addresses never
    /// carry a UPN, a name or a guessable number.
    pub id: String,
    pub la_child_id: LaChildId,
    /// The roll pupil this child is linked to.
    pub upn: Option<Upn>,
    pub pupil: Option<Pupil>,
    pub birth_date: Option<Date>,
    pub history: SocialCareHistory,
    /// The linked pupil's enrolments, newest entry first.
    pub enrolments: Vec<Enrolment>,
    pub allocations: Vec<Allocation>,
    /// Suspensions and exclusions of the linked pupil, newest first.
    pub exclusions: Vec<Exclusion>,
    /// Attainment results of the linked pupil, newest year first.
    pub attainment: Vec<AttainmentResult>,
}

impl ChildEntry {
    /// The pupil's name, or (the DfE returns carry no names) the LA child id.
    pub fn display_name(&self) -> String {
        match &self.pupil {
            Some(p) => p.full_name(),
            None => format!("Child {}", self.la_child_id.as_str()),
        }
    }

    /// The enrolment that is the child's school on `date`: single or main registration
    /// first, else any on roll.
    pub fn school_on(&self, date: Date) -> Option<&Enrolment> {
        let on_roll = || self.enrolments.iter().filter(|e| e.on_roll(date));
        on_roll()
            .find(|e| matches!(e.status, EnrolStatus::Single | EnrolStatus::Main))
            .or_else(|| on_roll().next())
    }

    pub fn status_on(&self, date: Date) -> Option<TrackerStatus> {
        self.history.tracker_status_on(date)
    }

    pub fn worker_on(&self, date: Date) -> Option<&Allocation> {
        allocation_on(&self.allocations, date)
    }
}

#[derive(Debug)]
pub struct Index {
    data_version: i64,
    children: Vec<ChildEntry>,
    by_id: HashMap<String, usize>,
    /// The children with an enrolment (past or present) at each school, in `children`'s
    /// order: a school page or the schools list reads its own pupils, not all the LA's.
    by_school: HashMap<Urn, Vec<usize>>,
    settings: BTreeMap<Urn, Setting>,
    /// School contacts (DSL, designated teacher, head) by URN; `bool` is "unsubscribed".
    contacts: HashMap<Urn, Vec<(Contact, bool)>>,
}

fn opaque_id(key: &[u8], child: &LaChildId) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC takes keys of any length; this arm is unreachable in practice.
        Err(_) => return crate::util::token_hash(child.as_str())[..20].to_owned(),
    };
    mac.update(child.as_str().as_bytes());
    crate::util::hex(&mac.finalize().into_bytes()[..10])
}

impl Index {
    async fn build(state: &AppState, data_version: i64) -> Result<Index, AppError> {
        let store = state.store();
        let children = store.children().await?;
        let links: HashMap<LaChildId, Upn> = store.child_links().await?.into_iter().collect();
        let mut pupils: HashMap<Upn, Pupil> = store
            .pupils()
            .await?
            .into_iter()
            .map(|p| (p.upn, p))
            .collect();
        let mut enrolments: HashMap<Upn, Vec<Enrolment>> = HashMap::new();
        for e in store.enrolments().await? {
            enrolments.entry(e.upn).or_default().push(e);
        }
        let mut allocations: HashMap<LaChildId, Vec<Allocation>> = HashMap::new();
        for a in store.allocations().await? {
            allocations
                .entry(a.la_child_id.clone())
                .or_default()
                .push(a);
        }
        let mut exclusions: HashMap<Upn, Vec<Exclusion>> = HashMap::new();
        for e in store.exclusions().await? {
            exclusions.entry(e.upn).or_default().push(e);
        }
        let mut attainment: HashMap<Upn, Vec<AttainmentResult>> = HashMap::new();
        for a in store.attainment().await? {
            attainment.entry(a.upn).or_default().push(a);
        }
        let mut contacts: HashMap<Urn, Vec<(Contact, bool)>> = HashMap::new();
        for c in store.contacts().await? {
            contacts
                .entry(c.contact.urn)
                .or_default()
                .push((c.contact, c.unsubscribed));
        }
        let settings = store
            .settings()
            .await?
            .into_iter()
            .map(|s| (s.urn, s))
            .collect();
        let key = state.id_key();
        let mut entries = Vec::with_capacity(children.len());
        for c in children {
            let upn = links.get(&c.la_child_id).copied();
            let mut enrols = upn
                .and_then(|u| enrolments.get(&u).cloned())
                .unwrap_or_default();
            enrols.sort_by_key(|e| std::cmp::Reverse(e.entry));
            let mut excl = upn.and_then(|u| exclusions.remove(&u)).unwrap_or_default();
            excl.sort_by_key(|e| std::cmp::Reverse(e.start));
            let mut results = upn.and_then(|u| attainment.remove(&u)).unwrap_or_default();
            results.sort_by_key(|a| (std::cmp::Reverse(a.year), a.measure));
            entries.push(ChildEntry {
                id: opaque_id(key, &c.la_child_id),
                pupil: upn.and_then(|u| pupils.remove(&u)),
                allocations: allocations.remove(&c.la_child_id).unwrap_or_default(),
                la_child_id: c.la_child_id,
                upn,
                birth_date: c.birth_date,
                history: c.history,
                enrolments: enrols,
                exclusions: excl,
                attainment: results,
            });
        }
        entries.sort_by(|a, b| {
            // Named pupils by surname then forename; children known only by their LA
            // child id (no linked school record) after them.
            let key = |c: &ChildEntry| match &c.pupil {
                Some(p) => (false, p.surname.to_lowercase(), p.forename.to_lowercase()),
                None => (true, String::new(), String::new()),
            };
            key(a)
                .cmp(&key(b))
                .then_with(|| a.la_child_id.as_str().cmp(b.la_child_id.as_str()))
        });
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        let mut by_school: HashMap<Urn, Vec<usize>> = HashMap::new();
        for (i, c) in entries.iter().enumerate() {
            for e in &c.enrolments {
                let at = by_school.entry(e.urn).or_default();
                // A child who left and rejoined has two enrolments: listed once.
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        Ok(Index {
            data_version,
            children: entries,
            by_id,
            by_school,
            settings,
            contacts,
        })
    }

    /// The children `scope` may see, sorted by surname then forename.
    pub fn children_in<'a>(&'a self, scope: &'a Scope) -> impl Iterator<Item = &'a ChildEntry> {
        self.children.iter().filter(move |c| scope.may_see(c))
    }

    /// The children `scope` may see who have (or had) an enrolment at `urn`, sorted as
    /// [`Index::children_in`] sorts them.
    pub fn enrolled_at<'a>(
        &'a self,
        scope: &'a Scope,
        urn: Urn,
    ) -> impl Iterator<Item = &'a ChildEntry> {
        self.by_school
            .get(&urn)
            .map(|ix| ix.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|&i| self.children.get(i))
            .filter(move |c| scope.may_see(c))
    }

    /// One child by opaque id, if it exists and `scope` may see it.
    pub fn child(&self, scope: &Scope, id: &str) -> Option<&ChildEntry> {
        self.by_id
            .get(id)
            .and_then(|&i| self.children.get(i))
            .filter(|c| scope.may_see(c))
    }

    /// Children in scope whose name contains every word of `query`, or whose UPN or LA
    /// child id is `query`.
    pub fn search<'a>(&'a self, scope: &'a Scope, query: &str) -> Vec<&'a ChildEntry> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let words: Vec<&str> = q.split_whitespace().collect();
        self.children_in(scope)
            .filter(|c| {
                let id_match = c.upn.is_some_and(|u| u.as_str().eq_ignore_ascii_case(&q))
                    || c.la_child_id.as_str().eq_ignore_ascii_case(&q);
                let name = c.display_name().to_lowercase();
                id_match || words.iter().all(|w| name.contains(w))
            })
            .collect()
    }

    pub fn setting(&self, urn: Urn) -> Option<&Setting> {
        self.settings.get(&urn)
    }

    pub fn settings(&self) -> impl Iterator<Item = &Setting> {
        self.settings.values()
    }

    /// A school's contacts, with whether each has unsubscribed from packs.
    pub fn contacts(&self, urn: Urn) -> &[(Contact, bool)] {
        self.contacts.get(&urn).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The name of a school, or "URN 123456" when it is not in the register.
    pub fn school_name(&self, urn: Urn) -> String {
        self.setting(urn)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("URN {urn}"))
    }
}

/// The index for the data as it is now.
pub async fn current(state: &AppState) -> Result<Arc<Index>, AppError> {
    let version = state.store().data_version().await?;
    let mut slot = state.index_slot().lock().await;
    if let Some(ix) = slot.as_ref() {
        if ix.data_version == version {
            return Ok(ix.clone());
        }
    }
    let ix = Arc::new(Index::build(state, version).await?);
    *slot = Some(ix.clone());
    Ok(ix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_ids_are_keyed_and_stable() {
        let c = LaChildId::parse("C001").expect("id");
        let a = opaque_id(b"key one", &c);
        assert_eq!(a.len(), 20);
        assert_eq!(a, opaque_id(b"key one", &c));
        assert_ne!(a, opaque_id(b"key two", &c));
        assert!(!a.contains("C001"));
    }
}
