//! School roll CSV:
//! `UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolStatus`.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use time::Date;
use vschool_domain::calendar::iso;
use vschool_domain::dataset::PupilCharacteristics;
use vschool_domain::{EnrolStatus, Enrolment, NcYear, Pupil, Sex, Upn, Urn};

use crate::context::ImportContext;
use crate::csv_input::{for_each_row, opt, req, Column};
use crate::fields::{iso_date, optional_iso_date, texts, upn_key, urn_in_register};
use crate::problem::{FileReport, Parsed};

/// A roll is authoritative for the enrolments it lists, keyed by (UPN, URN, EntryDate); a
/// later file can add a LeavingDate; an enrolment missing from a newer roll is never deleted
/// but listed as "not in the latest roll" (DESIGN §8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollBatch {
    /// One per UPN (names and date of birth come from schools only): upsert by UPN.
    pub pupils: Vec<Pupil>,
    /// Upsert by (UPN, URN, EntryDate).
    pub enrolments: Vec<Enrolment>,
    /// The schools the file covers: enrolments held for these schools but absent from
    /// `enrolments` are the "not in the latest roll" list.
    pub schools: BTreeSet<Urn>,
    /// SEN provision and ethnicity from the optional `SENProvision` and `Ethnicity` columns
    /// (one per pupil that has either): upsert by UPN.
    pub characteristics: Vec<PupilCharacteristics>,
}

const COLUMNS: [Column; 12] = [
    req("UPN"),
    req("URN"),
    req("Surname"),
    req("Forename"),
    req("DOB"),
    req("Gender"),
    req("NCYearActual"),
    req("EntryDate"),
    req("LeavingDate"),
    req("EnrolStatus"),
    opt("SENProvision"),
    opt("Ethnicity"),
];

/// SEN provision codes: N (none), K (SEN support), E (EHC plan).
const SEN: &[&str] = &["N", "K", "E"];

pub fn parse_roll(file: &str, bytes: &[u8], ctx: &ImportContext) -> Parsed<RollBatch> {
    let mut report = FileReport::new(file, ctx.problem_cap);
    let mut batch = RollBatch::default();
    let mut pupil_at: HashMap<Upn, (usize, u64)> = HashMap::new();
    let mut enrolment_at: HashMap<(Upn, Urn, Date), (usize, u64)> = HashMap::new();
    for_each_row(bytes, &COLUMNS, &mut report, |row, report| {
        let Some(
            [upn, urn, surname, forename, dob, gender, ncy, entry, leaving, status, sen, ethnicity],
        ) = texts::<12>(row, report)
        else {
            return;
        };
        // Read every field before giving up on a row, so each problem is reported at once.
        let upn_v = upn_key(row, report, "UPN", upn);
        let urn_v = urn_in_register(row, report, ctx, "URN", urn);
        let dob_v = iso_date(row, report, "DOB", dob);
        let sex = Sex::parse(gender).filter(|_| !gender.is_empty());
        if sex.is_none() {
            report.push(row.error("Gender", gender, "Gender is M, F or U"));
        }
        let nc = NcYear::parse(ncy).ok();
        if nc.is_none() {
            report.push(row.error(
                "NCYearActual",
                ncy,
                "NCYearActual is N1, N2, R, 1 to 14 or X",
            ));
        }
        let entry_v = iso_date(row, report, "EntryDate", entry);
        let leaving_v = optional_iso_date(row, report, "LeavingDate", leaving);
        let status_v = EnrolStatus::parse(status);
        if status_v.is_none() {
            report.push(row.error(
                "EnrolStatus",
                status,
                "EnrolStatus is C (single registration), M (main dual), S (subsidiary dual) or G (guest)",
            ));
        }
        let sen_v = match sen.to_ascii_uppercase() {
            s if s.is_empty() => None,
            s if SEN.contains(&s.as_str()) => Some(s),
            _ => {
                report.push(row.warning(
                    "SENProvision",
                    sen,
                    "SENProvision is N, K or E; the pupil loads without it",
                ));
                None
            }
        };
        let eth_v = match ethnicity.to_ascii_uppercase() {
            e if e.is_empty() => None,
            e if crate::cin_census::ETHNICITIES.contains(&e.as_str()) => Some(e),
            _ => {
                report.push(row.warning(
                    "Ethnicity",
                    ethnicity,
                    "not a DfE ethnicity code; the pupil loads without it",
                ));
                None
            }
        };
        if surname.is_empty() && forename.is_empty() {
            report.push(row.warning("Surname", surname, "the pupil has no name"));
        }
        let (
            Some(upn),
            Some(urn),
            Some(birth_date),
            Some(sex),
            Some(nc_year),
            Some(entry),
            Ok(leaving),
            Some(status),
        ) = (upn_v, urn_v, dob_v, sex, nc, entry_v, leaving_v, status_v)
        else {
            return;
        };
        if let Some(l) = leaving {
            if l < entry {
                report.push(row.error(
                    "LeavingDate",
                    &iso(l),
                    "the pupil leaves before they enter",
                ));
                return;
            }
        }
        let pupil = Pupil {
            upn,
            surname: surname.to_owned(),
            forename: forename.to_owned(),
            birth_date,
            sex,
        };
        match pupil_at.get(&upn) {
            Some(&(i, first)) if batch.pupils[i] != pupil => {
                report.push(row.warning(
                    "UPN",
                    upn.as_str(),
                    format!("this pupil's name, date of birth or gender differ from line {first}; line {first} is kept"),
                ));
            }
            Some(_) => {}
            None => {
                pupil_at.insert(upn, (batch.pupils.len(), row.line));
                batch.pupils.push(pupil);
                if sen_v.is_some() || eth_v.is_some() {
                    batch.characteristics.push(PupilCharacteristics {
                        upn,
                        sen: sen_v,
                        ethnicity: eth_v,
                    });
                }
            }
        }
        let enrolment = Enrolment {
            upn,
            urn,
            entry,
            leaving,
            status,
            nc_year,
        };
        match enrolment_at.get(&(upn, urn, entry)) {
            Some(&(i, first)) if batch.enrolments[i] == enrolment => {
                report.push(row.warning(
                    "UPN",
                    upn.as_str(),
                    format!("the same enrolment as line {first}, counted once"),
                ));
            }
            Some(&(_, first)) => {
                report.push(row.error(
                    "EntryDate",
                    &iso(entry),
                    format!("line {first} gives this pupil another enrolment at this school from the same date with different details"),
                ));
            }
            None => {
                enrolment_at.insert((upn, urn, entry), (batch.enrolments.len(), row.line));
                batch.schools.insert(urn);
                batch.enrolments.push(enrolment);
            }
        }
    });
    Parsed { batch, report }
}
