//! The DfE CIN census XML, every collection year from 2021, validated against that year's
//! XSD while it streams (quick-xml), → children with their CIN episodes, CIN plans and
//! child protection plans.
//!
//! Severity (DESIGN §8): malformed or truncated XML and anything that breaks the year's XSD
//! structure are errors; XSD value violations in elements we do not read are warnings; for
//! the elements we read, a value the figures depend on (a date, the LA child id) that cannot
//! be read is an error and the rest (UPN, sex, ethnicity) are warnings.

mod build;
mod model;
mod reader;
pub mod rules;
mod validate;
pub(crate) mod xsd;

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::Date;
use vschool_domain::Child;

use model::paths;
pub use model::{CinReturn, RawChild, RawCinDetails, RawPlan, RawValue};
pub use xsd::{FIRST_SCHEMA_YEAR, LAST_SCHEMA_YEAR};

use crate::context::ImportContext;
use crate::problem::{FileReport, Location, Parsed, Problem};
use crate::rules::{Return, RuleHit, RuleSet};
use crate::values::{collection_year_end, collection_year_of, parse_xs_date};

/// Where a file's collection year came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum YearSource {
    /// The first 31 March on or after `ReferenceDate`.
    ReferenceDate,
    /// The header's `<Year>`.
    YearElement,
    /// `--collection-year`.
    Caller,
}

/// A CIN episode (a referral): keyed by (LA child id, referral date) (DESIGN §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CinEpisode {
    pub referral: Date,
    pub closure: Option<Date>,
    pub reason_for_closure: Option<String>,
    pub primary_need: Option<String>,
}

/// One child of the return. `child.history.plans` holds its CIN and CP plans (keyed by
/// (LA child id, kind, start date)); `child.history.episodes` is empty (looked-after
/// episodes come from the SSDA903).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CinChild {
    pub child: Child,
    pub episodes: Vec<CinEpisode>,
    /// The UPN as written when it is not a valid UPN (for the data-quality page).
    pub unusable_upn: Option<String>,
}

/// A CIN census file. The store applies it so (DESIGN §8): the file replaces the file held
/// for the same `collection_year` (a resubmission or the final census after a mid-year
/// extract); its plans and episodes are upserted by key and, where several files list the
/// same key, the one with the latest `extract_date` wins whatever the import order; the same
/// LA child id in two years is one child (identifiers from the newest extract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CinCensusBatch {
    /// The year of the 31 March that ends the collection (0 when it could not be told, which
    /// is an error).
    pub collection_year: i32,
    pub year_from: YearSource,
    /// `<ReferenceDate>`.
    pub reference_date: Option<Date>,
    /// The extract date: `ReferenceDate`, else 31 March of the collection year.
    pub extract_date: Date,
    /// `<LEA>`.
    pub la_code: Option<String>,
    pub children: Vec<CinChild>,
    /// Every DfE rule hit (also listed as warnings in the report).
    pub rule_hits: Vec<RuleHit>,
    /// The collection year whose rules were applied.
    pub rules_year: i32,
}

/// The DfE ethnicity codes (the XSD's list, the same every year).
pub const ETHNICITIES: &[&str] = &[
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
    "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
];

/// Decodes the file to text: UTF-8 (with or without a byte-order mark), UTF-16 with a
/// byte-order mark, or the Latin encodings a declaration may name.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| not_utf8());
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, bad) = encoding_rs::Encoding::for_bom(bytes)
            .map(|(enc, _)| enc)
            .unwrap_or(encoding_rs::UTF_16LE)
            .decode(bytes);
        return if bad { Err(not_utf8()) } else { Ok(text) };
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let latin = [
        "iso-8859-1",
        "windows-1252",
        "latin1",
        "latin-1",
        "iso8859-1",
    ];
    if head.starts_with("<?xml")
        && latin.iter().any(|l| {
            head.contains(&format!("encoding=\"{l}\"")) || head.contains(&format!("encoding='{l}'"))
        })
    {
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        return Ok(text);
    }
    std::str::from_utf8(bytes)
        .map(Cow::Borrowed)
        .map_err(|_| not_utf8())
}

fn not_utf8() -> String {
    "the file is not UTF-8 text (nor does its XML declaration name another encoding): is it really a CIN census XML file?".into()
}

/// The text of the first `<tag>…</tag>` in the header, found before the XML is parsed, to
/// pick the year's schema.
fn header_value<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    let end_of_header = text.find("<Children").unwrap_or(text.len());
    let head = &text[..end_of_header];
    let open = format!("<{tag}>");
    let start = head.find(&open)? + open.len();
    let len = head[start..].find(&format!("</{tag}>"))?;
    Some(head[start..start + len].trim())
}

/// Works out the collection year (DESIGN §8): the first 31 March on or after
/// `ReferenceDate`, else `<Year>`, else the caller's.
fn collection_year(text: &str, ctx: &ImportContext) -> Option<(i32, YearSource)> {
    if let Some(d) = header_value(text, "ReferenceDate").and_then(|v| parse_xs_date(v).ok()) {
        return Some((collection_year_of(d), YearSource::ReferenceDate));
    }
    if let Some(y) = header_value(text, "Year").and_then(|v| v.parse::<i32>().ok()) {
        return Some((y, YearSource::YearElement));
    }
    ctx.collection_year.map(|y| (y, YearSource::Caller))
}

/// Parses and validates a CIN census file.
pub fn parse_cin_census(file: &str, bytes: &[u8], ctx: &ImportContext) -> Parsed<CinCensusBatch> {
    let mut report = FileReport::new(file, ctx.problem_cap);
    let mut batch = CinCensusBatch {
        collection_year: 0,
        year_from: YearSource::Caller,
        reference_date: None,
        extract_date: Date::MIN,
        la_code: None,
        children: Vec::new(),
        rule_hits: Vec::new(),
        rules_year: 0,
    };
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(reason) => {
            report.push(Problem::error(file, Location::File, reason));
            return Parsed { batch, report };
        }
    };
    let Some((year, source)) = collection_year(&text, ctx) else {
        report.push(Problem::error(
            file,
            Location::File,
            "cannot tell the collection year: the header has no valid <ReferenceDate> or <Year>; give it with --collection-year",
        ));
        return Parsed { batch, report };
    };
    batch.collection_year = year;
    batch.year_from = source;
    if year < FIRST_SCHEMA_YEAR {
        report.push(Problem::error(
            file,
            Location::File,
            format!("this is a {year} CIN census file; files before the {FIRST_SCHEMA_YEAR} collection are not supported"),
        ));
        return Parsed { batch, report };
    }
    let mut problems: Vec<Problem> = Vec::new();
    if year > LAST_SCHEMA_YEAR {
        problems.push(Problem::warning(
            file,
            Location::File,
            format!("there is no {year} CIN census schema here yet; the file was checked against the {LAST_SCHEMA_YEAR} schema"),
        ));
    }
    let schema = match xsd::schema_for(year) {
        Ok(s) => s,
        Err(e) => {
            report.push(Problem::error(
                file,
                Location::File,
                format!("the {year} schema cannot be loaded: {e}"),
            ));
            return Parsed { batch, report };
        }
    };
    let raw = reader::read(file, &text, schema, &mut problems);
    report.rows_read = raw.children.len() as u64;

    // Header values.
    batch.reference_date = raw
        .reference_date
        .as_ref()
        .and_then(|v| match parse_xs_date(&v.text) {
            Ok(d) => Some(d),
            Err(reason) => {
                problems.push(
                    Problem::error(
                        file,
                        Location::Xml {
                            line: v.line,
                            path: format!("{}/ReferenceDate", paths::HEADER),
                        },
                        reason,
                    )
                    .field("ReferenceDate")
                    .value(&v.text),
                );
                None
            }
        });
    batch.extract_date = batch
        .reference_date
        .unwrap_or_else(|| collection_year_end(year));
    batch.la_code = raw.lea.as_ref().map(|v| v.text.clone());

    build::build_children(file, &raw, &mut batch, &mut problems);

    let rules_year = ctx.rules_year.unwrap_or(year);
    batch.rules_year = rules_year;
    let set = RuleSet::for_year(Return::CinCensus, rules_year);
    let period_end = batch
        .reference_date
        .unwrap_or_else(|| collection_year_end(year));
    batch.rule_hits = rules::check(&raw, &set, period_end);
    merge_rule_hits(file, &set, &batch.rule_hits, &mut problems);
    for p in problems {
        report.push(p);
    }
    Parsed { batch, report }
}

/// Reads a CIN census file into its raw form without building the domain batch (the DfE rule
/// checks and the public-validator comparison use this).
pub fn read_raw(file: &str, bytes: &[u8], ctx: &ImportContext) -> (CinReturn, Vec<Problem>) {
    let mut problems = Vec::new();
    let Ok(text) = decode(bytes) else {
        return (CinReturn::default(), problems);
    };
    let year = collection_year(&text, ctx).map_or(LAST_SCHEMA_YEAR, |(y, _)| y);
    match xsd::schema_for(year) {
        Ok(schema) => (reader::read(file, &text, schema, &mut problems), problems),
        Err(_) => (CinReturn::default(), problems),
    }
}

/// Adds rule hits as warnings, or as the rule code of an error already on the same cell.
pub(crate) fn merge_rule_hits(
    file: &str,
    set: &RuleSet,
    hits: &[RuleHit],
    problems: &mut Vec<Problem>,
) {
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
            }
            if problems[i].is_error() || problems[i].rule.as_deref() == Some(h.code) {
                continue;
            }
        }
        let message = set.get(h.code).map_or("", |r| r.message);
        let mut p = Problem::warning(
            file,
            Location::Xml {
                line: h.line,
                path: paths::of(h.table, h.field),
            },
            message,
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
