//! A set of SSDA903 (children looked after) CSVs → children with their looked-after
//! episodes. Tables are recognised by their columns; Header and Episodes are used, the
//! others are recognised, reported and set aside. Dates are dd/mm/yyyy; sex 1/2 (before
//! 2024/25) or M/F/U.
//!
//! Severity (DESIGN §8): an episode ending before it starts, an unreadable date, an invalid
//! legal status or reason-ceased code, an unusable CHILD id are errors; DfE rule hits and a
//! malformed UPN (the child loads but cannot be linked to school data) are warnings.

mod read;
pub mod rules;
mod tables;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use time::Date;
use vschool_domain::{Child, LaChildId};

pub use tables::{Table, TableKind, TableRow};

use crate::context::ImportContext;
use crate::problem::{FileReport, Location, Problem};
use crate::rules::{Return, RuleHit, RuleSet};
use crate::values::{collection_year_end, collection_year_of, parse_uk_date};

/// A table found among the files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecognisedTable {
    pub kind: TableKind,
    pub file: String,
    pub rows: usize,
    /// Whether the Virtual School uses it (Header and Episodes); the rest are set aside.
    pub used: bool,
}

/// A set of 903 files, one import. The store applies it so (DESIGN §8): episodes are keyed
/// by (CHILD, DECOM) and upserted, and where several imports list the same key the one with
/// the latest `extract_date` wins whatever the import order (so a DEC missing from an older
/// file and present in a newer one closes the episode); children's identifiers (UPN, birth
/// date, sex, ethnicity) come from the newest extract; the same LA child id in the CIN census
/// is the same child.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ssda903Batch {
    /// The year of the 31 March that ends the collection.
    pub collection_year: i32,
    /// True when no collection year was given and it was inferred from the latest date.
    pub collection_year_inferred: bool,
    /// The end of the collection period (31 March): the extract date.
    pub extract_date: Option<Date>,
    /// Children, with `history.episodes` (`history.plans` is empty: plans come from the CIN
    /// census), sorted by LA child id.
    pub children: Vec<Child>,
    /// UPNs written in the header that are not valid UPNs, by child (data-quality page).
    pub unusable_upns: BTreeMap<LaChildId, String>,
    pub tables: Vec<RecognisedTable>,
    pub rule_hits: Vec<RuleHit>,
    pub rules_year: i32,
}

/// The result of reading a set of files: one report per file.
#[derive(Debug, Clone)]
pub struct Ssda903Parsed {
    pub batch: Ssda903Batch,
    pub reports: Vec<FileReport>,
    /// The tables as read (for `--check` listings and the public-validator comparison).
    pub tables: Vec<Table>,
}

impl Ssda903Parsed {
    pub fn is_loadable(&self) -> bool {
        self.reports.iter().all(|r| !r.has_errors())
    }
}

/// Values of an episodes row, parsed.
pub(crate) struct Episode<'a> {
    pub row: usize,
    pub line: u64,
    pub child: Option<String>,
    pub decom: Option<Date>,
    pub dec: Option<Date>,
    pub decom_raw: Option<&'a str>,
    pub dec_raw: Option<&'a str>,
    pub rne: Option<String>,
    pub ls: Option<String>,
    pub cin: Option<String>,
    pub place: Option<String>,
    pub rec: Option<String>,
}

pub(crate) fn episodes_of(t: &Table) -> Vec<Episode<'_>> {
    let c = |n| t.col(n);
    let (child, decom, rne, ls, cin, place, dec, rec) = (
        c("CHILD"),
        c("DECOM"),
        c("RNE"),
        c("LS"),
        c("CIN"),
        c("PLACE"),
        c("DEC"),
        c("REC"),
    );
    let up = |r: &TableRow, i| r.get(i).map(str::to_ascii_uppercase);
    t.rows
        .iter()
        .enumerate()
        .map(|(row, r)| Episode {
            row,
            line: r.line,
            child: up(r, child),
            decom: r.get(decom).and_then(|v| parse_uk_date(v).ok()),
            dec: r.get(dec).and_then(|v| parse_uk_date(v).ok()),
            decom_raw: r.get(decom),
            dec_raw: r.get(dec),
            rne: up(r, rne),
            ls: up(r, ls),
            cin: up(r, cin),
            place: up(r, place),
            rec: up(r, rec),
        })
        .collect()
}

/// Reads and validates a set of 903 CSVs (`(file name, bytes)` each).
pub fn parse_ssda903(files: &[(&str, &[u8])], ctx: &ImportContext) -> Ssda903Parsed {
    let mut reports: Vec<FileReport> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut problems: Vec<Vec<Problem>> = Vec::new();
    for (name, bytes) in files {
        let mut report = FileReport::new(name, ctx.problem_cap);
        if let Some(t) = tables::read_table(name, bytes, &mut report) {
            if let Some(other) = tables.iter().find(|o| o.kind == t.kind) {
                report.push(Problem::error(
                    name,
                    Location::File,
                    format!(
                        "this is a second {} table ({} is one too): give one file per table",
                        t.kind.name(),
                        other.file
                    ),
                ));
            } else {
                tables.push(t);
            }
        }
        reports.push(report);
        problems.push(Vec::new());
    }
    let file_index = |f: &str| files.iter().position(|(n, _)| *n == f).unwrap_or(0);
    let mut batch = Ssda903Batch {
        tables: tables
            .iter()
            .map(|t| RecognisedTable {
                kind: t.kind,
                file: t.file.clone(),
                rows: t.rows.len(),
                used: t.kind.is_used(),
            })
            .collect(),
        ..Default::default()
    };
    let header = tables.iter().find(|t| t.kind == TableKind::Header);
    let episodes = tables.iter().find(|t| t.kind == TableKind::Episodes);

    // The collection year: given, else from the latest date in the episodes.
    let latest = episodes
        .map(|t| {
            episodes_of(t)
                .iter()
                .flat_map(|e| [e.decom, e.dec])
                .flatten()
                .max()
        })
        .unwrap_or(None);
    let year = match (ctx.collection_year, latest) {
        (Some(y), _) => Some(y),
        (None, Some(d)) => {
            batch.collection_year_inferred = true;
            Some(collection_year_of(d))
        }
        (None, None) => None,
    };
    let Some(year) = year else {
        let i = episodes.or(header).map_or(0, |t| file_index(&t.file));
        if let Some(r) = reports.get_mut(i) {
            let file = r.file.clone();
            r.push(Problem::error(
                &file,
                Location::File,
                "cannot tell the collection year: the files hold no episode dates; give it with --collection-year",
            ));
        }
        return Ssda903Parsed {
            batch,
            reports,
            tables,
        };
    };
    batch.collection_year = year;
    batch.extract_date = Some(collection_year_end(year));
    if batch.collection_year_inferred {
        if let Some(t) = episodes {
            problems[file_index(&t.file)].push(Problem::warning(
                &t.file,
                Location::File,
                format!("no collection year was given; it is taken as {}/{:02} (ending 31 March {year}) from the latest date in the episodes", year - 1, year % 100),
            ));
        }
    }
    let mut children: BTreeMap<LaChildId, Child> = BTreeMap::new();
    if let Some(h) = header {
        read::read_header(
            h,
            &mut children,
            &mut batch,
            &mut problems[file_index(&h.file)],
        );
    }
    if let Some(e) = episodes {
        let eps = read::read_episodes(e, &mut children, &mut problems[file_index(&e.file)]);
        if header.is_none() && eps > 0 {
            problems[file_index(&e.file)].push(Problem::warning(
                &e.file,
                Location::File,
                "no 903 Header table was given: the children load without UPN, date of birth or sex, so they cannot be linked to school records",
            ));
        }
    }
    batch.children = children.into_values().collect();

    let rules_year = ctx.rules_year.unwrap_or(year);
    batch.rules_year = rules_year;
    let set = RuleSet::for_year(Return::Ssda903, rules_year);
    batch.rule_hits = rules::check(header, episodes, &set);
    for (i, p) in problems.iter_mut().enumerate() {
        let Some((file, _)) = files.get(i) else {
            continue;
        };
        let hits: Vec<RuleHit> = batch
            .rule_hits
            .iter()
            .filter(|h| {
                tables
                    .iter()
                    .any(|t| t.file == *file && t.kind.name() == h.table)
            })
            .cloned()
            .collect();
        merge_rule_hits(file, &set, &hits, p);
    }
    for (r, p) in reports.iter_mut().zip(problems) {
        for x in p {
            r.push(x);
        }
    }
    Ssda903Parsed {
        batch,
        reports,
        tables,
    }
}

/// Adds rule hits as warnings, or as the rule code of a problem already on the same cell.
fn merge_rule_hits(file: &str, set: &RuleSet, hits: &[RuleHit], problems: &mut Vec<Problem>) {
    let mut at: HashMap<(u64, String), usize> = HashMap::new();
    for (i, p) in problems.iter().enumerate() {
        if let (Some(line), Some(field)) = (p.location.line(), &p.field) {
            at.entry((line, field.clone())).or_insert(i);
        }
    }
    for h in hits {
        if let Some(&i) = at.get(&(h.line, h.field.to_owned())) {
            if problems[i].rule.is_none() {
                problems[i].rule = Some(h.code.to_owned());
                continue;
            }
        }
        let mut p = Problem::warning(
            file,
            Location::Line(h.line),
            set.get(h.code).map_or("", |r| r.message),
        )
        .field(h.field)
        .rule(h.code);
        if let Some(v) = &h.value {
            p = p.value(v);
        }
        if let Some(id) = &h.la_child_id {
            p = p.child(id);
        }
        problems.push(p);
    }
}
