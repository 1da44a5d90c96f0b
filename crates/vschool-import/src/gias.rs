//! The DfE register of establishments (GIAS) CSV export → [`Setting`]s.
//!
//! GIAS exports are Windows-1252 and have ~130 columns; we use eight. A file someone has
//! re-saved as UTF-8 (with or without a byte-order mark) is read as UTF-8: Windows-1252 text
//! with accented letters is almost never valid UTF-8, so the test is safe.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use vschool_domain::{Phase, Setting, Urn};

use crate::context::ImportContext;
use crate::csv_input::{for_each_row, report_err, req, Column};
use crate::problem::{FileReport, Parsed};

/// Settings to upsert, keyed by URN (DESIGN §8: GIAS is an upsert on URN).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsBatch {
    /// In file order, one per URN.
    pub settings: Vec<Setting>,
}

const COLUMNS: [Column; 8] = [
    req("URN"),
    req("EstablishmentName"),
    req("TypeOfEstablishment (name)"),
    req("EstablishmentStatus (name)"),
    req("PhaseOfEducation (name)"),
    req("LA (code)"),
    req("LA (name)"),
    req("Postcode"),
];

/// Decodes a GIAS export: UTF-8 when it is (BOM or valid), Windows-1252 otherwise.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            text
        }
    }
}

pub fn parse_gias(file: &str, bytes: &[u8], ctx: &ImportContext) -> Parsed<SettingsBatch> {
    let mut report = FileReport::new(file, ctx.problem_cap);
    let text = decode(bytes);
    let mut settings: Vec<Setting> = Vec::new();
    let mut by_urn: HashMap<Urn, (usize, u64)> = HashMap::new();
    for_each_row(text.as_bytes(), &COLUMNS, &mut report, |row, report| {
        let mut v = [""; 8];
        for (i, slot) in v.iter_mut().enumerate() {
            match row.get(i) {
                Ok(s) => *slot = s,
                Err(p) => return report.push(*p),
            }
        }
        let [urn, name, type_name, status, phase, la_code, la_name, postcode] = v;
        let Some(urn) = Urn::parse(urn).ok().or_else(|| {
            report_err(
                report,
                row.error(
                    "URN",
                    urn,
                    "a URN is a six-digit number from 100000 to 999999",
                ),
            )
        }) else {
            return;
        };
        let phase = match Phase::parse_gias(phase) {
            Some(p) => p,
            None => {
                report.push(row.warning(
                    "PhaseOfEducation (name)",
                    phase,
                    "not a phase of education GIAS uses; the setting loads as \"Not applicable\"",
                ));
                Phase::NotApplicable
            }
        };
        let la = match la_code.parse::<u16>() {
            Ok(n) => n,
            Err(_) => {
                report.push(row.warning(
                    "LA (code)",
                    la_code,
                    "an LA code is a three-digit number; the setting loads without one",
                ));
                0
            }
        };
        if name.is_empty() {
            report.push(row.warning("EstablishmentName", name, "the setting has no name"));
        }
        let setting = Setting {
            urn,
            name: name.to_owned(),
            type_name: type_name.to_owned(),
            phase,
            status: status.to_owned(),
            la_code: la,
            la_name: la_name.to_owned(),
            postcode: postcode.to_owned(),
        };
        match by_urn.get(&urn) {
            Some(&(i, first_line)) => {
                if settings[i] == setting {
                    report.push(row.warning(
                        "URN",
                        &urn.to_string(),
                        format!("the same row as line {first_line}, counted once"),
                    ));
                } else {
                    report.push(row.error(
                        "URN",
                        &urn.to_string(),
                        format!("URN {urn} is also on line {first_line} with different details; a URN may appear once"),
                    ));
                }
            }
            None => {
                by_urn.insert(urn, (settings.len(), row.line));
                settings.push(setting);
            }
        }
    });
    Parsed {
        batch: SettingsBatch { settings },
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_windows_1252_and_the_columns_it_needs() {
        let mut data = b"URN,LA (code),LA (name),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name),Other,Postcode\r\n".to_vec();
        data.extend_from_slice(b"100000,201,City of London,Sir John Cass\xe9s School,Voluntary aided school,Open,Primary,x,EC3A 5DE\r\n");
        let parsed = parse_gias("gias.csv", &data, &ImportContext::default());
        assert!(parsed.is_loadable(), "{}", parsed.report);
        let s = &parsed.batch.settings[0];
        assert_eq!(s.name, "Sir John Cass\u{e9}s School");
        assert_eq!(s.la_code, 201);
        assert_eq!(s.phase, Phase::Primary);
        assert_eq!(s.postcode, "EC3A 5DE");
    }
}
