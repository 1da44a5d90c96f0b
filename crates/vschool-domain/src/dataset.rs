//! A whole local authority's data in memory: what the synthetic generator produces, what the
//! importers validate files into, and what storage loads in bulk.

use serde::{Deserialize, Serialize};

use crate::attendance::YearRegister;
use crate::child::{Allocation, Child};
use crate::ids::{Upn, Urn};
use crate::pupil::{AttainmentResult, Contact, Enrolment, Exclusion, Pupil};
use crate::school::Setting;

/// One pupil's register at one school for one academic year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilRegister {
    pub upn: Upn,
    pub urn: Urn,
    pub register: YearRegister,
}

/// Pupil characteristics schools hold that the Virtual School analyses by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilCharacteristics {
    pub upn: Upn,
    /// SEN provision: N (none), K (SEN support), E (EHC plan).
    pub sen: Option<String>,
    pub ethnicity: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    /// The LA's own code and name (e.g. 999, "Northshire").
    pub la_code: u16,
    pub la_name: String,
    pub settings: Vec<Setting>,
    pub children: Vec<Child>,
    pub allocations: Vec<Allocation>,
    pub pupils: Vec<Pupil>,
    pub characteristics: Vec<PupilCharacteristics>,
    pub enrolments: Vec<Enrolment>,
    pub registers: Vec<PupilRegister>,
    pub exclusions: Vec<Exclusion>,
    pub attainment: Vec<AttainmentResult>,
    pub contacts: Vec<Contact>,
}

impl Dataset {
    pub fn mark_count(&self) -> usize {
        self.registers.iter().map(|r| r.register.marks()).sum()
    }
}

impl Dataset {
    /// Puts every list in one canonical order, so two datasets holding the same facts compare
    /// equal whatever order they were built or imported in: settings by URN; children by LA
    /// child id (plans by start, kind and end; episodes by start and end); allocations by
    /// child, start, end and worker email; pupils and characteristics by UPN; enrolments by
    /// UPN, entry date and URN; registers by academic year, UPN and URN; exclusions by UPN,
    /// start, URN and category; attainment by UPN, year and measure; contacts by URN, role and
    /// email.
    pub fn sort_canonical(&mut self) {
        self.settings.sort_by_key(|s| s.urn);
        self.children
            .sort_by(|a, b| a.la_child_id.cmp(&b.la_child_id));
        for c in &mut self.children {
            c.history
                .plans
                .sort_by_key(|p| (p.span.start, p.kind, p.span.end));
            c.history
                .episodes
                .sort_by_key(|e| (e.span.start, e.span.end));
        }
        self.allocations.sort_by(|a, b| {
            (&a.la_child_id, a.span.start, a.span.end, &a.worker_email).cmp(&(
                &b.la_child_id,
                b.span.start,
                b.span.end,
                &b.worker_email,
            ))
        });
        self.pupils.sort_by_key(|p| p.upn);
        self.characteristics.sort_by_key(|c| c.upn);
        self.enrolments
            .sort_by_key(|e| (e.upn, e.entry, e.urn, e.status));
        self.registers
            .sort_by_key(|r| (r.register.year, r.upn, r.urn));
        self.exclusions
            .sort_by_key(|e| (e.upn, e.start, e.urn, e.category));
        self.attainment.sort_by_key(|a| (a.upn, a.year, a.measure));
        self.contacts
            .sort_by(|a, b| (a.urn, a.role, &a.email).cmp(&(b.urn, b.role, &b.email)));
    }
}

#[cfg(test)]
mod canonical_tests {
    use super::*;
    use crate::ids::NcYear;
    use crate::pupil::{EnrolStatus, Enrolment};
    use time::macros::date;

    #[test]
    fn canonical_order_ignores_build_order() {
        let upn = |s: &str| Upn::parse(s).expect("valid UPN");
        let urn = |n: u32| Urn::new(n).expect("valid URN");
        let enrol = |u: &str, n: u32, entry| Enrolment {
            upn: upn(u),
            urn: urn(n),
            entry,
            leaving: None,
            status: EnrolStatus::Single,
            nc_year: NcYear::Year(7),
        };
        let a1 = enrol("H801200001001", 200_000, date!(2024 - 09 - 02));
        let a2 = enrol("H801200001001", 100_000, date!(2023 - 09 - 02));
        let mut x = Dataset {
            enrolments: vec![a1.clone(), a2.clone()],
            ..Default::default()
        };
        let mut y = Dataset {
            enrolments: vec![a2, a1],
            ..Default::default()
        };
        x.sort_canonical();
        y.sort_canonical();
        assert_eq!(x, y);
        assert_eq!(x.enrolments[0].entry, date!(2023 - 09 - 02));
    }
}
