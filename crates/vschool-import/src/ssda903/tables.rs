//! The SSDA903 tables, recognised by their columns as the DfE's own tools do (a file's name
//! says nothing), read into raw rows.

use serde::{Deserialize, Serialize};

use crate::csv_input::normalise_header;
use crate::csv_reader::{CsvReader, Record};
use crate::problem::{FileReport, Location, Problem};
use crate::values::closest;

/// The 903 tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TableKind {
    Header,
    Episodes,
    Reviews,
    Uasc,
    Oc2,
    Oc3,
    Ad1,
    PlacedAdoption,
    PrevPerm,
    Missing,
    SocialWorkerEpisodes,
    DeprivationOfLiberty,
}

impl TableKind {
    pub const ALL: [TableKind; 12] = [
        TableKind::Header,
        TableKind::Episodes,
        TableKind::Reviews,
        TableKind::Uasc,
        TableKind::Oc2,
        TableKind::Oc3,
        TableKind::Ad1,
        TableKind::PlacedAdoption,
        TableKind::PrevPerm,
        TableKind::Missing,
        TableKind::SocialWorkerEpisodes,
        TableKind::DeprivationOfLiberty,
    ];

    /// The table's columns, in the DfE's order.
    pub fn columns(&self) -> &'static [&'static str] {
        match self {
            TableKind::Header => &["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
            TableKind::Episodes => &[
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
            ],
            TableKind::Reviews => &["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
            TableKind::Uasc => &["CHILD", "SEX", "DOB", "DUC"],
            TableKind::Oc2 => &[
                "CHILD",
                "DOB",
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ],
            TableKind::Oc3 => &["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
            TableKind::Ad1 => &[
                "CHILD",
                "DOB",
                "DATE_INT",
                "DATE_MATCH",
                "FOSTER_CARE",
                "NB_ADOPTR",
                "SEX_ADOPTR",
                "LS_ADOPTR",
            ],
            TableKind::PlacedAdoption => &[
                "CHILD",
                "DOB",
                "DATE_PLACED",
                "DATE_PLACED_CEASED",
                "REASON_PLACED_CEASED",
            ],
            TableKind::PrevPerm => &["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
            TableKind::Missing => &["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
            TableKind::SocialWorkerEpisodes => {
                &["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"]
            }
            TableKind::DeprivationOfLiberty => &["CHILD", "DOB", "DOLO_START", "DOLO_END"],
        }
    }

    /// The name the DfE's tools give the table.
    pub fn name(&self) -> &'static str {
        match self {
            TableKind::Header => "Header",
            TableKind::Episodes => "Episodes",
            TableKind::Reviews => "Reviews",
            TableKind::Uasc => "UASC",
            TableKind::Oc2 => "OC2",
            TableKind::Oc3 => "OC3",
            TableKind::Ad1 => "AD1",
            TableKind::PlacedAdoption => "PlacedAdoption",
            TableKind::PrevPerm => "PrevPerm",
            TableKind::Missing => "Missing",
            TableKind::SocialWorkerEpisodes => "SWEpisodes",
            TableKind::DeprivationOfLiberty => "DoLo",
        }
    }

    /// Whether the Virtual School uses the table (the rest are recognised and set aside).
    pub fn is_used(&self) -> bool {
        matches!(self, TableKind::Header | TableKind::Episodes)
    }
}

/// A recognised table as read: one row per data line, values aligned with
/// [`TableKind::columns`], blank as `None`, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub kind: TableKind,
    pub file: String,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    pub line: u64,
    pub values: Vec<Option<String>>,
}

impl Table {
    pub fn col(&self, name: &str) -> usize {
        self.kind
            .columns()
            .iter()
            .position(|c| *c == name)
            .unwrap_or(usize::MAX)
    }
}

impl TableRow {
    pub fn get(&self, col: usize) -> Option<&str> {
        self.values.get(col).and_then(|v| v.as_deref())
    }
}

/// Works out which table a header row is; reports why when it is none.
fn recognise(file: &str, names: &[String], report: &mut FileReport) -> Option<TableKind> {
    let upper: Vec<String> = names.iter().map(|n| n.to_ascii_uppercase()).collect();
    let has = |c: &str| upper.iter().any(|n| n == c);
    let full = TableKind::ALL
        .iter()
        .filter(|k| k.columns().iter().all(|c| has(c)))
        .max_by_key(|k| k.columns().len());
    if let Some(k) = full {
        return Some(*k);
    }
    // The table it most looks like: the most of its columns present.
    let best = TableKind::ALL
        .iter()
        .map(|k| (k.columns().iter().filter(|c| has(c)).count(), k))
        .filter(|(n, _)| *n >= 2)
        .max_by_key(|(n, k)| (*n * 100) / k.columns().len());
    let reason = match best {
        Some((_, k)) => {
            let missing: Vec<String> = k
                .columns()
                .iter()
                .filter(|c| !has(c))
                .map(|c| {
                    let unmatched = upper.iter().filter(|n| !k.columns().contains(&n.as_str()));
                    match closest(c, unmatched.map(String::as_str)) {
                        Some(near) => format!("{c} (is \"{near}\" a misspelling?)"),
                        None => (*c).to_owned(),
                    }
                })
                .collect();
            format!(
                "this looks like the 903 {} table but lacks the column(s) {}",
                k.name(),
                missing.join(", ")
            )
        }
        None => format!(
            "not a 903 table: its columns ({}) match none of Header, Episodes, Reviews, UASC, OC2, OC3, AD1, PlacedAdoption, PrevPerm, Missing, SWEpisodes, DoLo",
            names.join(", ")
        ),
    };
    report.push(Problem::error(file, Location::Line(1), reason));
    None
}

/// Reads one 903 CSV: recognises its table and reads its rows (as text).
pub(crate) fn read_table(file: &str, bytes: &[u8], report: &mut FileReport) -> Option<Table> {
    let mut reader = CsvReader::new(bytes);
    let mut rec = Record::new();
    match reader.read_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => {
            report.push(Problem::error(
                file,
                Location::File,
                "the file is empty: a 903 table needs a header line",
            ));
            return None;
        }
        Err(e) => {
            report.push(crate::csv_input::read_failure(file, e));
            return None;
        }
    }
    let names: Vec<String> = rec.iter().map(normalise_header).collect();
    let kind = recognise(file, &names, report)?;
    let positions: Vec<Option<usize>> = kind
        .columns()
        .iter()
        .map(|c| names.iter().position(|n| n.eq_ignore_ascii_case(c)))
        .collect();
    let mut table = Table {
        kind,
        file: file.to_owned(),
        rows: Vec::new(),
    };
    loop {
        match reader.read_record(&mut rec) {
            Ok(true) => {
                if rec.is_blank() {
                    continue;
                }
                if rec.unterminated_quote {
                    report.push(crate::csv_input::unterminated_quote(file, rec.line));
                    break;
                }
                report.rows_read += 1;
                let mut values = Vec::with_capacity(positions.len());
                for pos in &positions {
                    let raw = pos.and_then(|p| rec.get(p)).unwrap_or(b"");
                    let text = match std::str::from_utf8(raw) {
                        Ok(t) => t.trim().to_owned(),
                        Err(_) => {
                            report.push(Problem::error(
                                file,
                                Location::Line(rec.line),
                                "the text is not UTF-8: save the file as \"CSV UTF-8\" and import it again",
                            ));
                            String::from_utf8_lossy(raw).trim().to_owned()
                        }
                    };
                    values.push((!text.is_empty()).then_some(text));
                }
                table.rows.push(TableRow {
                    line: rec.line,
                    values,
                });
            }
            Ok(false) => break,
            Err(e) => {
                report.push(crate::csv_input::read_failure(file, e));
                break;
            }
        }
    }
    Some(table)
}
