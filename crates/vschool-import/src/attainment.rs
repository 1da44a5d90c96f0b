//! Attainment CSV: `UPN,AcademicYear,Measure,Value`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use vschool_domain::pupil::{AttainmentResult, Measure, MeasureValue};
use vschool_domain::{AcademicYear, Upn};

use crate::context::ImportContext;
use crate::csv_input::{for_each_row, req, Column};
use crate::fields::{texts, upn_key};
use crate::problem::{FileReport, Parsed};

/// Upsert on (UPN, AcademicYear, Measure) (DESIGN §8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttainmentBatch {
    pub results: Vec<AttainmentResult>,
}

const COLUMNS: [Column; 4] = [
    req("UPN"),
    req("AcademicYear"),
    req("Measure"),
    req("Value"),
];

pub fn parse_attainment(file: &str, bytes: &[u8], ctx: &ImportContext) -> Parsed<AttainmentBatch> {
    let mut report = FileReport::new(file, ctx.problem_cap);
    let mut batch = AttainmentBatch::default();
    let mut at: HashMap<(Upn, AcademicYear, Measure), (usize, u64)> = HashMap::new();
    for_each_row(bytes, &COLUMNS, &mut report, |row, report| {
        let Some([upn, year, measure, value]) = texts::<4>(row, report) else {
            return;
        };
        let upn_v = upn_key(row, report, "UPN", upn);
        let year_v = AcademicYear::parse(year).ok();
        if year_v.is_none() {
            report.push(row.error(
                "AcademicYear",
                year,
                "an academic year is written like 2024/25",
            ));
        }
        let Some(m) = Measure::parse(measure) else {
            // A measure the system does not follow is a code-list value it does not use.
            report.push(row.warning(
                "Measure",
                measure,
                "not a measure this system follows (EYFS_GLD, KS2_RWM_EXP, KS4_EM_GRADE5, KS4_ATT8); the row is skipped",
            ));
            return;
        };
        let value_v = MeasureValue::parse(m, value);
        if value_v.is_none() {
            let why = match m {
                Measure::Ks4Attainment8 => "an Attainment 8 score is a number from 0 to 90",
                _ => "this measure is valued Y or N",
            };
            report.push(row.error("Value", value, why));
        }
        let (Some(upn), Some(year), Some(value)) = (upn_v, year_v, value_v) else {
            return;
        };
        let result = AttainmentResult {
            upn,
            year,
            measure: m,
            value,
        };
        match at.get(&(upn, year, m)) {
            Some(&(i, first)) if batch.results[i] == result => {
                report.push(row.warning(
                    "UPN",
                    upn.as_str(),
                    format!("the same row as line {first}, counted once"),
                ));
            }
            Some(&(_, first)) => {
                report.push(row.error(
                    "Value",
                    value_text(&value).as_str(),
                    format!(
                        "line {first} gives this pupil a different {} for {year}",
                        m.code()
                    ),
                ));
            }
            None => {
                at.insert((upn, year, m), (batch.results.len(), row.line));
                batch.results.push(result);
            }
        }
    });
    Parsed { batch, report }
}

fn value_text(v: &MeasureValue) -> String {
    v.text()
}
