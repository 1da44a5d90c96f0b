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
