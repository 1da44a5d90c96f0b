//! Social-worker allocations CSV: `LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate`.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use vschool_domain::{Allocation, LaChildId, Span};

use crate::context::ImportContext;
use crate::csv_input::{for_each_row, opt, req, Column};
use crate::fields::{iso_date, looks_like_email, optional_iso_date, texts};
use crate::problem::{FileReport, Parsed};

/// A file holds the full allocation history of the children it lists and replaces theirs
/// (DESIGN §8): delete every allocation of each child in `children`, then insert
/// `allocations`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationsBatch {
    pub allocations: Vec<Allocation>,
    /// Every child the file lists.
    pub children: BTreeSet<LaChildId>,
}

const COLUMNS: [Column; 6] = [
    req("LAchildID"),
    req("WorkerName"),
    req("WorkerEmail"),
    opt("Team"),
    req("StartDate"),
    req("EndDate"),
];

pub fn parse_allocations(
    file: &str,
    bytes: &[u8],
    ctx: &ImportContext,
) -> Parsed<AllocationsBatch> {
    let mut report = FileReport::new(file, ctx.problem_cap);
    let mut batch = AllocationsBatch::default();
    let mut seen: HashMap<Vec<u8>, u64> = HashMap::new();
    for_each_row(bytes, &COLUMNS, &mut report, |row, report| {
        let Some([id, name, email, team, start, end]) = texts::<6>(row, report) else {
            return;
        };
        let id_ok = match LaChildId::parse(id) {
            Ok(id) => Some(id),
            Err(e) => {
                report.push(row.error("LAchildID", id, e.to_string()));
                None
            }
        };
        let start = iso_date(row, report, "StartDate", start);
        let end = optional_iso_date(row, report, "EndDate", end);
        if name.is_empty() {
            report.push(row.warning(
                "WorkerName",
                name,
                "the worker has no name; schools will see a blank worker",
            ));
        }
        if !looks_like_email(email) {
            report.push(row.warning(
                "WorkerEmail",
                email,
                "not an email address: the worker will not see this child when they sign in",
            ));
        }
        let (Some(la_child_id), Some(start), Ok(end)) = (id_ok, start, end) else {
            return;
        };
        if let Some(e) = end {
            if e < start {
                report.push(row.error(
                    "EndDate",
                    &vschool_domain::calendar::iso(e),
                    "the allocation ends before it starts",
                ));
                return;
            }
        }
        if let Some(first) = seen.get(&row.fingerprint()) {
            report.push(row.warning(
                "LAchildID",
                id,
                format!("the same row as line {first}, counted once"),
            ));
            return;
        }
        seen.insert(row.fingerprint(), row.line);
        batch.children.insert(la_child_id.clone());
        batch.allocations.push(Allocation {
            la_child_id,
            worker_name: name.to_owned(),
            worker_email: email.to_owned(),
            team: team.to_owned(),
            span: Span::new(start, end),
        });
    });
    Parsed { batch, report }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_reports_bad_ones() {
        let data = b"LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate\n\
C1,Ann Smith,ann@la.gov.uk,North,2024-01-01,\n\
C1,Bob Jones,bob@la.gov.uk,North,2024-06-01,2024-05-01\n";
        let p = parse_allocations("alloc.csv", data, &ImportContext::default());
        assert_eq!(p.batch.allocations.len(), 1);
        assert_eq!(p.report.error_count, 1);
        assert!(p.report.problems().any(|x| x
            .to_string()
            .contains("line 3, EndDate \"2024-05-01\": the allocation ends before it starts")));
    }
}
