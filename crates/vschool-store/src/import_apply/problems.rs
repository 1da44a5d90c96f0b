//! The problems of each imported file, kept for the import's result page and the
//! data-quality page.

use sqlx::AnyConnection;
use vschool_import::{FileReport, Location, Problem, Severity, DEFAULT_PROBLEM_CAP};

use crate::db::Store;
use crate::error::{Context, Result};
use crate::sql::{get, insert_batched, TableKey, Val};

const TABLE: TableKey = TableKey {
    table: "import_problems",
    what: "import problems",
    key: "id",
};

/// Keeps the problems `report` lists for the file recorded as import `import_id`: the first
/// [`DEFAULT_PROBLEM_CAP`] (errors first), however many the import was asked to list (a
/// `--problems-csv` import of a garbage file could otherwise store millions of rows).
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    import_id: i64,
    report: &FileReport,
) -> Result<u64> {
    let rows: Vec<[Val; 9]> = report
        .problems()
        .take(DEFAULT_PROBLEM_CAP)
        .map(|p| {
            let (line, element) = match &p.location {
                Location::File => (None, None),
                Location::Line(l) => (Some(*l), None),
                Location::Xml { line, path } => (Some(*line), Some(path.clone())),
            };
            [
                Val::Int(import_id),
                Val::OptInt(line.map(|l| i64::try_from(l).unwrap_or(i64::MAX))),
                Val::OptText(element),
                Val::OptText(p.la_child_id.clone()),
                Val::OptText(p.field.clone()),
                Val::OptText(p.value.clone()),
                p.severity.label().into(),
                Val::OptText(p.rule.clone()),
                p.reason.as_str().into(),
            ]
        })
        .collect();
    insert_batched(
        conn,
        TABLE,
        [
            "import_id",
            "line",
            "element",
            "la_child_id",
            "field",
            "value",
            "severity",
            "rule",
            "reason",
        ],
        &rows,
        |r| r.clone(),
    )
    .await
}

impl Store {
    /// The problems kept for one file of an import (its id in [`Store::imports`]): errors
    /// first, each group in the order found, as the import listed them.
    pub async fn import_problems(&self, import_id: i64) -> Result<Vec<Problem>> {
        let rows = sqlx::query(
            "SELECT i.file_name, p.line, p.element, p.la_child_id, p.field, p.value, p.severity, \
             p.rule, p.reason FROM import_problems p JOIN imports i ON i.id = p.import_id \
             WHERE p.import_id = $1 ORDER BY p.id",
        )
        .bind(import_id)
        .fetch_all(&self.pool)
        .await
        .ctx("reading an import's problems")?;
        rows.iter()
            .map(|r| {
                let line: Option<i64> = get(r, "line")?;
                let element: Option<String> = get(r, "element")?;
                let severity: String = get(r, "severity")?;
                let line = line.map(|l| u64::try_from(l).unwrap_or(0));
                let location = match (line, element) {
                    (Some(line), Some(path)) => Location::Xml { line, path },
                    (Some(line), None) => Location::Line(line),
                    (None, _) => Location::File,
                };
                Ok(Problem {
                    file: get(r, "file_name")?,
                    location,
                    la_child_id: get(r, "la_child_id")?,
                    field: get(r, "field")?,
                    value: get(r, "value")?,
                    reason: get(r, "reason")?,
                    severity: if severity == "error" {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    rule: get(r, "rule")?,
                })
            })
            .collect()
    }
}
