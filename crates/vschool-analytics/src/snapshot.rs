//! An indexed, read-only view of a whole local authority's data in memory.
//!
//! Storage loads a `Dataset` (a large LA is tens of megabytes with the compact attendance
//! layout); the snapshot indexes it once so a tracker, a page or a statistic is a few hash
//! look-ups and byte scans. Pages share one snapshot behind an `Arc` and rebuild it when the
//! data changes.

use std::collections::HashMap;

use time::Date;

use vschool_domain::attendance::YearRegister;
use vschool_domain::child::allocation_on;
use vschool_domain::pupil::{Enrolment, Exclusion};
use vschool_domain::social_care::TrackerStatus;
use vschool_domain::{Allocation, Child, Dataset, Pupil, Setting, Upn, Urn};

/// The Dataset and its indexes.
#[derive(Debug, Default)]
pub struct LaSnapshot {
    pub data: Dataset,
    settings_by_urn: HashMap<Urn, usize>,
    pupil_by_upn: HashMap<Upn, usize>,
    child_by_upn: HashMap<Upn, usize>,
    enrolments_by_urn: HashMap<Urn, Vec<usize>>,
    enrolments_by_upn: HashMap<Upn, Vec<usize>>,
    registers_by_enrolment: HashMap<(Upn, Urn), Vec<usize>>,
    registers_by_urn: HashMap<Urn, Vec<usize>>,
    /// The schools each pupil has registers at (so finding them never scans every register).
    register_schools_by_upn: HashMap<Upn, Vec<Urn>>,
    allocations_by_child: HashMap<String, Vec<usize>>,
    characteristics_by_upn: HashMap<Upn, usize>,
    exclusions_by_upn: HashMap<Upn, Vec<usize>>,
}

impl LaSnapshot {
    pub fn new(data: Dataset) -> Self {
        let mut s = LaSnapshot {
            data,
            ..Default::default()
        };
        for (i, setting) in s.data.settings.iter().enumerate() {
            s.settings_by_urn.insert(setting.urn, i);
        }
        for (i, pupil) in s.data.pupils.iter().enumerate() {
            s.pupil_by_upn.insert(pupil.upn, i);
        }
        // A social-care child links to school records by UPN, also trying the CIN census
        // FormerUPN (DESIGN §8). A current UPN beats another child's former UPN.
        for (i, child) in s.data.children.iter().enumerate() {
            if let Some(former) = child.former_upn {
                s.child_by_upn.entry(former).or_insert(i);
            }
        }
        for (i, child) in s.data.children.iter().enumerate() {
            if let Some(upn) = child.upn {
                s.child_by_upn.insert(upn, i);
            }
        }
        for (i, e) in s.data.enrolments.iter().enumerate() {
            s.enrolments_by_urn.entry(e.urn).or_default().push(i);
            s.enrolments_by_upn.entry(e.upn).or_default().push(i);
        }
        for (i, r) in s.data.registers.iter().enumerate() {
            s.registers_by_enrolment
                .entry((r.upn, r.urn))
                .or_default()
                .push(i);
            s.registers_by_urn.entry(r.urn).or_default().push(i);
            let schools = s.register_schools_by_upn.entry(r.upn).or_default();
            if !schools.contains(&r.urn) {
                schools.push(r.urn);
            }
        }
        for (i, a) in s.data.allocations.iter().enumerate() {
            s.allocations_by_child
                .entry(a.la_child_id.as_str().to_owned())
                .or_default()
                .push(i);
        }
        for (i, x) in s.data.exclusions.iter().enumerate() {
            s.exclusions_by_upn.entry(x.upn).or_default().push(i);
        }
        for (i, c) in s.data.characteristics.iter().enumerate() {
            s.characteristics_by_upn.insert(c.upn, i);
        }
        s
    }

    pub fn setting(&self, urn: Urn) -> Option<&Setting> {
        self.settings_by_urn
            .get(&urn)
            .map(|&i| &self.data.settings[i])
    }

    pub fn pupil(&self, upn: Upn) -> Option<&Pupil> {
        self.pupil_by_upn.get(&upn).map(|&i| &self.data.pupils[i])
    }

    /// The social-care child a pupil's UPN links to.
    pub fn child_for(&self, upn: Upn) -> Option<&Child> {
        self.child_by_upn.get(&upn).map(|&i| &self.data.children[i])
    }

    pub fn sen(&self, upn: Upn) -> Option<&str> {
        let i = self.characteristics_by_upn.get(&upn)?;
        self.data.characteristics[*i].sen.as_deref()
    }

    pub fn ethnicity(&self, upn: Upn) -> Option<&str> {
        let i = self.characteristics_by_upn.get(&upn)?;
        self.data.characteristics[*i].ethnicity.as_deref()
    }

    /// A pupil's suspensions and exclusions at any school.
    pub fn exclusions_of(&self, upn: Upn) -> impl Iterator<Item = &Exclusion> {
        self.exclusions_by_upn
            .get(&upn)
            .into_iter()
            .flatten()
            .map(|&i| &self.data.exclusions[i])
    }

    pub fn enrolments_of(&self, upn: Upn) -> impl Iterator<Item = &Enrolment> {
        self.enrolments_by_upn
            .get(&upn)
            .into_iter()
            .flatten()
            .map(|&i| &self.data.enrolments[i])
    }

    /// The registers one school recorded for one pupil (any academic years).
    pub fn registers(&self, upn: Upn, urn: Urn) -> impl Iterator<Item = &YearRegister> {
        self.registers_by_enrolment
            .get(&(upn, urn))
            .into_iter()
            .flatten()
            .map(|&i| &self.data.registers[i].register)
    }

    /// Every register a pupil has at any school.
    pub fn all_registers_of(&self, upn: Upn) -> impl Iterator<Item = (Urn, &YearRegister)> {
        self.enrolments_of(upn)
            .map(|e| e.urn)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .chain(self.mark_only_schools(upn))
            .flat_map(move |urn| self.registers(upn, urn).map(move |r| (urn, r)))
    }

    /// Schools that recorded marks for a pupil with no enrolment there at all.
    fn mark_only_schools(&self, upn: Upn) -> Vec<Urn> {
        let enrolled: Vec<Urn> = self.enrolments_of(upn).map(|e| e.urn).collect();
        let mut out: Vec<Urn> = self
            .register_schools_by_upn
            .get(&upn)
            .into_iter()
            .flatten()
            .filter(|urn| !enrolled.contains(urn))
            .copied()
            .collect();
        out.sort();
        out
    }

    /// Whether a pupil is on roll at a school on a date: an enrolment with status C, M or S
    /// covering the date; or, where the school has no enrolment for the pupil at all, between
    /// the pupil's first and last marks there (DESIGN §8: marks without a roll).
    pub fn on_roll(&self, upn: Upn, urn: Urn, date: Date) -> Option<&Enrolment> {
        self.enrolments_of(upn)
            .find(|e| e.urn == urn && e.on_roll(date))
    }

    fn on_roll_by_marks(&self, upn: Upn, urn: Urn, date: Date) -> bool {
        if self.enrolments_of(upn).any(|e| e.urn == urn) {
            return false;
        }
        let spans: Vec<(Date, Date)> = self
            .registers(upn, urn)
            .filter_map(|r| r.marked_span())
            .collect();
        let first = spans.iter().map(|s| s.0).min();
        let last = spans.iter().map(|s| s.1).max();
        matches!((first, last), (Some(f), Some(l)) if f <= date && date <= l)
    }

    /// The pupils on roll at a school on a date (by enrolment, or by marks where the school
    /// sent marks but no roll), each once, in UPN order.
    pub fn pupils_on_roll(&self, urn: Urn, date: Date) -> Vec<Upn> {
        let mut upns: Vec<Upn> = self
            .enrolments_by_urn
            .get(&urn)
            .into_iter()
            .flatten()
            .map(|&i| &self.data.enrolments[i])
            .filter(|e| e.on_roll(date))
            .map(|e| e.upn)
            .collect();
        for &i in self.registers_by_urn.get(&urn).into_iter().flatten() {
            let upn = self.data.registers[i].upn;
            if self.on_roll_by_marks(upn, urn, date) {
                upns.push(upn);
            }
        }
        upns.sort();
        upns.dedup();
        upns
    }

    /// The status a school may see for a pupil on a date: CLA, CP, CIN or Ever6. A child
    /// whose only claim is a past period of care that ended in adoption, special guardianship
    /// or a child arrangements order is never shown to schools (DESIGN §8): whether a school
    /// learns of it is the family's choice.
    pub fn school_visible_status(&self, child: &Child, date: Date) -> Option<TrackerStatus> {
        let status = child.history.tracker_status_on(date)?;
        if status == TrackerStatus::Ever6
            && child.history.previously_looked_after_on(date).is_some()
        {
            return None;
        }
        Some(status)
    }

    /// The allocation covering a date with the latest start.
    pub fn worker_on(&self, child: &Child, date: Date) -> Option<&Allocation> {
        let ids = self.allocations_by_child.get(child.la_child_id.as_str())?;
        allocation_on(ids.iter().map(|&i| &self.data.allocations[i]), date)
    }

    /// Every school with at least one enrolment or register, in URN order.
    pub fn schools_with_pupils(&self) -> Vec<Urn> {
        let mut urns: Vec<Urn> = self
            .enrolments_by_urn
            .keys()
            .chain(self.registers_by_urn.keys())
            .copied()
            .collect();
        urns.sort();
        urns.dedup();
        urns
    }
}
