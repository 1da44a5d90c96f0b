//! What every CSV format shares: a UTF-8 byte-order mark and Windows line endings are
//! accepted, columns are found by header name after trimming spaces and quotes (any case),
//! extra columns are ignored, and a missing or misspelt required column is an error that
//! names the column and the closest header the file has.

use std::io::Read;

use crate::csv_reader::{CsvReader, Record};
use crate::problem::{FileReport, Location, Problem};
use crate::values::closest;

/// One column a format expects.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub name: &'static str,
    pub required: bool,
}

pub(crate) const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

pub(crate) const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// A header cell as people mean it: without a byte-order mark, surrounding spaces or quotes.
pub(crate) fn normalise_header(raw: &[u8]) -> String {
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    let text = String::from_utf8_lossy(raw);
    text.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .to_owned()
}

/// Where each expected column is in the file (`None` for an absent optional column).
#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub positions: Vec<Option<usize>>,
    pub names: Vec<String>,
}

impl Header {
    /// Matches the file's header row to `columns`. Problems (missing required columns) go to
    /// `report`; `None` means the file cannot be read.
    pub fn match_columns(
        record: &Record,
        columns: &[Column],
        report: &mut FileReport,
    ) -> Option<Header> {
        let names: Vec<String> = record.iter().map(normalise_header).collect();
        let mut positions = Vec::with_capacity(columns.len());
        let mut ok = true;
        for col in columns {
            let pos = names.iter().position(|n| n.eq_ignore_ascii_case(col.name));
            if pos.is_none() && col.required {
                ok = false;
                let unmatched = names
                    .iter()
                    .filter(|n| !columns.iter().any(|c| c.name.eq_ignore_ascii_case(n)));
                let reason = match closest(col.name, unmatched.map(String::as_str)) {
                    Some(near) => format!(
                        "the required column \"{}\" is missing; the column \"{near}\" looks like a misspelling of it: rename it \"{}\"",
                        col.name, col.name
                    ),
                    None => format!(
                        "the required column \"{}\" is missing (the header line has: {})",
                        col.name,
                        if names.iter().all(String::is_empty) {
                            "nothing".to_owned()
                        } else {
                            names.join(", ")
                        }
                    ),
                };
                report.push(
                    Problem::error(&report.file.clone(), Location::Line(1), reason).field(col.name),
                );
            }
            positions.push(pos);
        }
        ok.then_some(Header { positions, names })
    }
}

/// Reads the header row of a CSV, reporting an empty or unreadable file.
pub(crate) fn read_header<R: Read>(
    reader: &mut CsvReader<R>,
    columns: &[Column],
    report: &mut FileReport,
) -> Option<Header> {
    let mut record = Record::new();
    match reader.read_record(&mut record) {
        Ok(true) => Header::match_columns(&record, columns, report),
        Ok(false) => {
            let file = report.file.clone();
            report.push(Problem::error(
                &file,
                Location::File,
                "the file is empty: it needs a header line and rows",
            ));
            None
        }
        Err(e) => {
            let file = report.file.clone();
            report.push(read_failure(&file, e));
            None
        }
    }
}

/// One data row, with its fields found through the header.
pub(crate) struct Row<'a> {
    pub record: &'a Record,
    pub header: &'a Header,
    pub line: u64,
    pub file: &'a str,
}

impl<'a> Row<'a> {
    /// The trimmed text of expected column `i`; empty when the column is absent or the row is
    /// short. Text that is not UTF-8 is a problem (returned for the caller to report).
    pub fn get(&self, i: usize) -> Result<&'a str, Box<Problem>> {
        let Some(Some(pos)) = self.header.positions.get(i) else {
            return Ok("");
        };
        let bytes = self.record.get(*pos).unwrap_or(b"");
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.trim()),
            Err(_) => Err(Box::new(
                Problem::error(
                    self.file,
                    Location::Line(self.line),
                    "the text is not UTF-8: save the file as \"CSV UTF-8\" and import it again",
                )
                .field(self.header.names.get(*pos).map_or("", String::as_str))
                .value(&String::from_utf8_lossy(bytes)),
            )),
        }
    }

    pub fn error(&self, field: &str, value: &str, reason: impl Into<String>) -> Problem {
        Problem::error(self.file, Location::Line(self.line), reason)
            .field(field)
            .value(value)
    }

    pub fn warning(&self, field: &str, value: &str, reason: impl Into<String>) -> Problem {
        Problem::warning(self.file, Location::Line(self.line), reason)
            .field(field)
            .value(value)
    }

    /// The whole row as text, for spotting exact duplicates.
    pub fn fingerprint(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for pos in self.header.positions.iter().flatten() {
            out.extend_from_slice(self.record.get(*pos).unwrap_or(b"").trim_ascii());
            out.push(0);
        }
        out
    }
}

/// Drives a CSV file: header, then every row through `each`, counting rows. I/O errors and
/// CSV syntax errors become problems rather than stopping the caller.
pub(crate) fn for_each_row<R: Read>(
    input: R,
    columns: &[Column],
    report: &mut FileReport,
    mut each: impl FnMut(&Row<'_>, &mut FileReport),
) {
    let mut reader = CsvReader::new(input);
    let Some(header) = read_header(&mut reader, columns, report) else {
        return;
    };
    let file = report.file.clone();
    let mut record = Record::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                // A line of nothing but separators is not a row.
                if record.is_blank() {
                    continue;
                }
                if record.unterminated_quote {
                    report.push(unterminated_quote(&file, record.line));
                    break;
                }
                report.rows_read += 1;
                let row = Row {
                    record: &record,
                    header: &header,
                    line: record.line,
                    file: &file,
                };
                each(&row, report);
            }
            Ok(false) => break,
            Err(e) => {
                report.push(read_failure(&file, e));
                break;
            }
        }
    }
}

/// A quoted field opened and never closed: everything after it would be misread.
pub(crate) fn unterminated_quote(file: &str, line: u64) -> Problem {
    Problem::error(
        file,
        Location::Line(line),
        "a quote (\") opened on this line is never closed, so the rest of the file cannot be read: check the file is complete",
    )
}

pub(crate) fn read_failure(file: &str, e: std::io::Error) -> Problem {
    Problem::error(
        file,
        Location::File,
        format!("the file cannot be read: {e}"),
    )
}

/// Reports a value problem, returning `None` so callers can write `let Some(x) = … else`.
pub(crate) fn report_err<T>(report: &mut FileReport, p: Problem) -> Option<T> {
    report.push(p);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(data: &[u8]) -> Record {
        let mut r = CsvReader::new(data);
        let mut rec = Record::new();
        assert!(r.read_record(&mut rec).expect("in memory"));
        rec
    }

    const COLS: [Column; 3] = [req("UPN"), req("Session"), opt("Extra")];

    #[test]
    fn headers_are_trimmed_and_matched_in_any_case() {
        let mut r = FileReport::new("f.csv", 10);
        let rec = record(b"\xEF\xBB\xBF\"upn\" , 'SESSION',Other\n");
        let h = Header::match_columns(&rec, &COLS, &mut r).expect("matches");
        assert_eq!(h.positions, vec![Some(0), Some(1), None]);
        assert!(!r.has_errors());
    }

    #[test]
    fn misspelt_column_is_named_with_its_likely_intent() {
        let mut r = FileReport::new("f.csv", 10);
        let rec = record(b"UPN,Sesion\n");
        assert!(Header::match_columns(&rec, &COLS, &mut r).is_none());
        let p = r.problems().next().expect("one problem");
        assert_eq!(
            p.to_string(),
            "f.csv line 1, Session: the required column \"Session\" is missing; the column \"Sesion\" looks like a misspelling of it: rename it \"Session\""
        );
    }

    #[test]
    fn rows_crlf_and_bom() {
        let data = b"\xEF\xBB\xBFUPN,Session\r\nA,AM\r\n\r\nB,PM\r\n";
        let mut r = FileReport::new("f.csv", 10);
        let mut seen = Vec::new();
        for_each_row(&data[..], &COLS, &mut r, |row, _| {
            seen.push((
                row.line,
                row.get(0).unwrap_or("?").to_owned(),
                row.get(2).unwrap_or("?").to_owned(),
            ));
        });
        assert_eq!(
            seen,
            vec![(2, "A".into(), "".into()), (4, "B".into(), "".into())]
        );
        assert_eq!(r.rows_read, 2);
    }
}
