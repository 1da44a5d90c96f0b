//! Problems found in an input file, said so that a data officer can act on them.
//!
//! DESIGN §8 "Severity of problems in an import" draws the line: an [`Severity::Error`] stops
//! the whole import (nothing from any file of the command loads); a [`Severity::Warning`]
//! loads and is listed, with the DfE rule code where there is one.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How many problems a [`FileReport`] lists by default; the rest are counted.
pub const DEFAULT_PROBLEM_CAP: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// Stops the whole import.
    Error,
    /// Loads; listed in the import result and on the data-quality page.
    Warning,
}

impl Severity {
    pub fn label(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Location {
    /// The file as a whole (it cannot be read, a column is missing, …).
    File,
    /// A CSV line as a text editor numbers it: the header is line 1.
    Line(u64),
    /// An XML element: its line and its path from the root (`Message/Children/Child/…`).
    Xml { line: u64, path: String },
}

impl Location {
    pub fn line(&self) -> Option<u64> {
        match self {
            Location::File => None,
            Location::Line(l) => Some(*l),
            Location::Xml { line, .. } => Some(*line),
        }
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Problem {
    /// The file's name as the user gave it (no directories), e.g. `attendance.csv`.
    pub file: String,
    pub location: Location,
    /// The child concerned in a social-care return (`LAchildID`, 903 `CHILD`), when known.
    pub la_child_id: Option<String>,
    /// The column or element, e.g. `Code`.
    pub field: Option<String>,
    /// The value as the file gives it.
    pub value: Option<String>,
    /// What is wrong, in plain English, with what to do where that is not obvious.
    pub reason: String,
    pub severity: Severity,
    /// The DfE validation rule this is, when there is one (`"501"`, `"8940"`, `"1560Q"`).
    pub rule: Option<String>,
}

impl Problem {
    pub fn new(
        file: &str,
        location: Location,
        severity: Severity,
        reason: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.to_owned(),
            location,
            la_child_id: None,
            field: None,
            value: None,
            reason: reason.into(),
            severity,
            rule: None,
        }
    }

    pub fn error(file: &str, location: Location, reason: impl Into<String>) -> Self {
        Self::new(file, location, Severity::Error, reason)
    }

    pub fn warning(file: &str, location: Location, reason: impl Into<String>) -> Self {
        Self::new(file, location, Severity::Warning, reason)
    }

    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    pub fn value(mut self, value: &str) -> Self {
        self.value = Some(value.to_owned());
        self
    }

    pub fn child(mut self, la_child_id: &str) -> Self {
        if !la_child_id.is_empty() {
            self.la_child_id = Some(la_child_id.to_owned());
        }
        self
    }

    pub fn rule(mut self, code: &str) -> Self {
        self.rule = Some(code.to_owned());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Column names of [`Problem::csv_row`], for the "download all problems" CSV.
    pub const CSV_HEADER: [&'static str; 9] = [
        "file",
        "line",
        "element",
        "la_child_id",
        "field",
        "value",
        "severity",
        "rule",
        "reason",
    ];

    /// The problem as one row of the problems CSV (see [`Problem::CSV_HEADER`]).
    pub fn csv_row(&self) -> [String; 9] {
        let (line, element) = match &self.location {
            Location::File => (String::new(), String::new()),
            Location::Line(l) => (l.to_string(), String::new()),
            Location::Xml { line, path } => (line.to_string(), path.clone()),
        };
        [
            self.file.clone(),
            line,
            element,
            self.la_child_id.clone().unwrap_or_default(),
            self.field.clone().unwrap_or_default(),
            self.value.clone().unwrap_or_default(),
            self.severity.label().to_owned(),
            self.rule.clone().unwrap_or_default(),
            self.reason.clone(),
        ]
    }
}

/// `attendance.csv line 1234, Code "ZZ": not an attendance code in use on 2024-10-01`
/// `cin.xml line 40, Message/Children/Child/ChildIdentifiers/UPN (LAchildID 12345), UPN "X1": …`
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        match &self.location {
            Location::File => {}
            Location::Line(l) => write!(f, " line {l}")?,
            Location::Xml { line, path } => write!(f, " line {line}, {path}")?,
        }
        if let Some(id) = &self.la_child_id {
            if matches!(self.location, Location::Xml { .. }) {
                write!(f, " (LAchildID {id})")?;
            } else {
                write!(f, ", child {id}")?;
            }
        }
        match (&self.field, &self.value) {
            (Some(field), Some(value)) => write!(f, ", {field} \"{value}\"")?,
            (Some(field), None) => write!(f, ", {field}")?,
            (None, Some(value)) => write!(f, ", \"{value}\"")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.reason)?;
        if let Some(rule) = &self.rule {
            write!(f, " (DfE rule {rule})")?;
        }
        Ok(())
    }
}

/// The problems of one file: the first [`DEFAULT_PROBLEM_CAP`] (errors kept in preference to
/// warnings once the cap is reached) and a count of every one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub file: String,
    errors_listed: Vec<Problem>,
    warnings_listed: Vec<Problem>,
    /// Every error found, listed or not.
    pub error_count: usize,
    /// Every warning found, listed or not.
    pub warning_count: usize,
    /// Data rows read (CSV records after the header; XML children).
    pub rows_read: u64,
    cap: usize,
}

impl FileReport {
    pub fn new(file: &str, cap: usize) -> Self {
        FileReport {
            file: file.to_owned(),
            errors_listed: Vec::new(),
            warnings_listed: Vec::new(),
            error_count: 0,
            warning_count: 0,
            rows_read: 0,
            cap,
        }
    }

    /// Records a problem. Past the cap only the count grows, except that an error displaces a
    /// listed warning: the list must show why an import stopped.
    pub fn push(&mut self, problem: Problem) {
        let listed = self.errors_listed.len() + self.warnings_listed.len();
        match problem.severity {
            Severity::Error => {
                self.error_count += 1;
                if listed < self.cap || self.warnings_listed.pop().is_some() {
                    self.errors_listed.push(problem);
                }
            }
            Severity::Warning => {
                self.warning_count += 1;
                if listed < self.cap {
                    self.warnings_listed.push(problem);
                }
            }
        }
    }

    /// Records a problem built only if it will be listed; past the cap only the count grows.
    /// Keeps a file with millions of bad rows from allocating millions of messages.
    pub fn push_lazy(&mut self, severity: Severity, make: impl FnOnce() -> Problem) {
        let listed = self.errors_listed.len() + self.warnings_listed.len();
        let will_list =
            listed < self.cap || (severity == Severity::Error && !self.warnings_listed.is_empty());
        if will_list {
            self.push(make());
        } else {
            match severity {
                Severity::Error => self.error_count += 1,
                Severity::Warning => self.warning_count += 1,
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.error_count > 0
    }

    /// The listed problems: errors first, each group in the order found.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.errors_listed.iter().chain(&self.warnings_listed)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.errors_listed.iter()
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.warnings_listed.iter()
    }

    /// How many problems were found but not listed.
    pub fn omitted(&self) -> usize {
        self.error_count + self.warning_count
            - self.errors_listed.len()
            - self.warnings_listed.len()
    }

    pub fn cap(&self) -> usize {
        self.cap
    }
}

impl fmt::Display for FileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in self.problems() {
            writeln!(f, "{}: {p}", p.severity.label())?;
        }
        if self.omitted() > 0 {
            writeln!(
                f,
                "… and {} more problems in {} (download the full list as CSV)",
                self.omitted(),
                self.file
            )?;
        }
        Ok(())
    }
}

/// A parser's output: what the file holds, and what is wrong with it.
#[derive(Debug, Clone)]
pub struct Parsed<B> {
    pub batch: B,
    pub report: FileReport,
}

impl<B> Parsed<B> {
    /// True when the batch may be applied (no errors).
    pub fn is_loadable(&self) -> bool {
        !self.report.has_errors()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_the_issue_example() {
        let p = Problem::error(
            "attendance.csv",
            Location::Line(1234),
            "not an attendance code in use on 2024-10-01",
        )
        .field("Code")
        .value("ZZ");
        assert_eq!(
            p.to_string(),
            "attendance.csv line 1234, Code \"ZZ\": not an attendance code in use on 2024-10-01"
        );
        let x = Problem::warning(
            "cin.xml",
            Location::Xml {
                line: 40,
                path: "Message/Children/Child".into(),
            },
            "the check letter should be H",
        )
        .child("C1")
        .field("UPN")
        .value("A1")
        .rule("1510");
        assert_eq!(
            x.to_string(),
            "cin.xml line 40, Message/Children/Child (LAchildID C1), UPN \"A1\": the check letter should be H (DfE rule 1510)"
        );
    }

    #[test]
    fn cap_keeps_errors_in_preference_to_warnings() {
        let mut r = FileReport::new("f.csv", 3);
        for i in 0..5 {
            r.push(Problem::warning("f.csv", Location::Line(i), "w"));
        }
        r.push(Problem::error("f.csv", Location::Line(9), "e"));
        assert_eq!(r.warning_count, 5);
        assert_eq!(r.error_count, 1);
        assert_eq!(r.problems().count(), 3);
        assert_eq!(r.errors().count(), 1);
        assert_eq!(r.omitted(), 3);
        assert!(r.has_errors());
        assert!(r.to_string().contains("3 more problems"));
    }
}
