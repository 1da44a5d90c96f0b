//! Suspensions and exclusions CSV: `UPN,URN,Category,StartDate,Sessions,Reason`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::Date;
use vschool_domain::pupil::EXCLUSION_REASONS;
use vschool_domain::{Exclusion, ExclusionCategory, Upn, Urn};

use crate::context::ImportContext;
use crate::csv_input::{for_each_row, req, Column};
use crate::fields::{iso_date, texts, upn_key, urn_in_register};
use crate::problem::{FileReport, Parsed};

/// Upsert on (UPN, URN, Category, StartDate) (DESIGN §8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionsBatch {
    pub exclusions: Vec<Exclusion>,
}

const COLUMNS: [Column; 6] = [
    req("UPN"),
    req("URN"),
    req("Category"),
    req("StartDate"),
    req("Sessions"),
    req("Reason"),
];

pub fn parse_exclusions(file: &str, bytes: &[u8], ctx: &ImportContext) -> Parsed<ExclusionsBatch> {
    let mut report = FileReport::new(file, ctx.problem_cap);
    let mut batch = ExclusionsBatch::default();
    let mut at: HashMap<(Upn, Urn, ExclusionCategory, Date), (usize, u64)> = HashMap::new();
    for_each_row(bytes, &COLUMNS, &mut report, |row, report| {
        let Some([upn, urn, category, start, sessions, reason]) = texts::<6>(row, report) else {
            return;
        };
        let upn_v = upn_key(row, report, "UPN", upn);
        let urn_v = urn_in_register(row, report, ctx, "URN", urn);
        let cat = ExclusionCategory::parse(category);
        if cat.is_none() {
            report.push(row.error(
                "Category",
                category,
                "Category is SUSP (suspension) or PERM (permanent exclusion)",
            ));
        }
        let start_v = iso_date(row, report, "StartDate", start);
        let sessions_v: Result<Option<u32>, ()> = match cat {
            Some(ExclusionCategory::Suspension) => match sessions.parse::<u32>() {
                Ok(n) if n > 0 => Ok(Some(n)),
                _ => {
                    report.push(row.error(
                        "Sessions",
                        sessions,
                        "a suspension's length is a whole number of sessions (two a day), at least 1",
                    ));
                    Err(())
                }
            },
            Some(ExclusionCategory::Permanent) => {
                if !sessions.is_empty() {
                    report.push(row.warning(
                        "Sessions",
                        sessions,
                        "a permanent exclusion has no length in sessions; ignored",
                    ));
                }
                Ok(None)
            }
            None => Err(()),
        };
        let reason_code = reason.to_ascii_uppercase();
        if !EXCLUSION_REASONS.contains(&reason_code.as_str()) {
            report.push(row.warning(
                "Reason",
                reason,
                "not a DfE exclusion reason code (PP, PA, VP, VA, BU, RA, SM, DM, DA, TH, DB, MT, UB, AS, OT)",
            ));
        }
        let (Some(upn), Some(urn), Some(category), Some(start), Ok(sessions)) =
            (upn_v, urn_v, cat, start_v, sessions_v)
        else {
            return;
        };
        let exclusion = Exclusion {
            upn,
            urn,
            category,
            start,
            sessions,
            reason: reason_code,
        };
        match at.get(&(upn, urn, category, start)) {
            Some(&(i, first)) if batch.exclusions[i] == exclusion => {
                report.push(row.warning(
                    "UPN",
                    upn.as_str(),
                    format!("the same row as line {first}, counted once"),
                ));
            }
            Some(&(_, first)) => {
                report.push(row.error(
                    "StartDate",
                    start_raw(start).as_str(),
                    format!("line {first} records this pupil's {} at this school from the same date with different details", category.code()),
                ));
            }
            None => {
                at.insert(
                    (upn, urn, category, start),
                    (batch.exclusions.len(), row.line),
                );
                batch.exclusions.push(exclusion);
            }
        }
    });
    Parsed { batch, report }
}

fn start_raw(d: Date) -> String {
    vschool_domain::calendar::iso(d)
}
