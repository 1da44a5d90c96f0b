//! The scope of child-level data a signed-in person may see (DESIGN §8 "Who may do what"):
//!
//! | role | children |
//! |---|---|
//! | vsh, advisory-teacher, data-officer | all |
//! | dsl | pupils on roll at their schools today who are CLA, CP, CIN or ever6, never a child previously looked after (adopted, SGO, CAO) |
//! | social-worker | children whose allocation covering today has their worker email |
//! | trainer | none |
//!
//! A `Scope` can only be made from a signed-in [`User`] (or, for the API, the user behind a
//! token), and every function that reads child-level data takes one (see `crate::index`),
//! so no handler can list or show a child without it. Out of scope is indistinguishable
//! from "does not exist": a plain 404.

use time::Date;
use vschool_domain::child::allocation_on;
use vschool_domain::{TrackerStatus, Urn};

use crate::auth::{Role, User};
use crate::index::ChildEntry;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Access {
    All,
    Schools(Vec<Urn>),
    Caseload(String),
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    access: Access,
    today: Date,
}

impl Scope {
    /// The scope of `user` on `today`. The only constructor outside tests.
    pub(crate) fn for_user(user: &User, today: Date) -> Scope {
        let access = match user.role {
            Role::Vsh | Role::AdvisoryTeacher | Role::DataOfficer => Access::All,
            Role::Dsl => Access::Schools(user.schools.clone()),
            Role::SocialWorker => match &user.worker_email {
                Some(e) if !e.trim().is_empty() => Access::Caseload(e.trim().to_lowercase()),
                _ => Access::Nothing,
            },
            Role::Trainer => Access::Nothing,
        };
        Scope { access, today }
    }

    /// The date the scope is judged on ("today" from the service's clock).
    pub fn today(&self) -> Date {
        self.today
    }

    /// Does the scope cover the whole LA?
    pub fn is_all(&self) -> bool {
        self.access == Access::All
    }

    /// Does the scope cover this school's pupils (all of them in scope, for school pages)?
    pub fn covers_school(&self, urn: Urn) -> bool {
        match &self.access {
            Access::All => true,
            Access::Schools(urns) => urns.contains(&urn),
            Access::Caseload(_) | Access::Nothing => false,
        }
    }

    /// May this child be shown?
    pub fn may_see(&self, child: &ChildEntry) -> bool {
        let today = self.today;
        match &self.access {
            Access::All => true,
            Access::Nothing => false,
            Access::Schools(urns) => {
                child.upn.is_some()
                    && child
                        .enrolments
                        .iter()
                        .any(|e| e.on_roll(today) && urns.contains(&e.urn))
                    && school_visible(child, today)
            }
            Access::Caseload(email) => allocation_on(&child.allocations, today)
                .is_some_and(|a| a.worker_email.trim().eq_ignore_ascii_case(email)),
        }
    }
}

/// Whether a school may see this child at all: CLA, CP, CIN or Ever6 on the date, except a
/// child whose only claim is a past period of care that ended in adoption, special
/// guardianship or a child arrangements order: whether a school learns of that is the
/// family's choice, never the LA's record (DESIGN §8). The same rule as the tracker's
/// `LaSnapshot::school_visible_status` in vschool-analytics, so pages and trackers agree.
pub fn school_visible(child: &ChildEntry, date: Date) -> bool {
    match child.history.tracker_status_on(date) {
        None => false,
        Some(TrackerStatus::Ever6) => child.history.previously_looked_after_on(date).is_none(),
        Some(TrackerStatus::Current(_)) => true,
    }
}
