//! Field readers shared by our own CSV formats, each reporting its problem in plain English.

use time::Date;
use vschool_domain::{Upn, Urn};

use crate::context::ImportContext;
use crate::csv_input::Row;
use crate::problem::FileReport;
use crate::values::parse_iso_date;

/// A UPN that keys the row (roll, marks, exclusions, attainment): failing its check is an
/// error (DESIGN §8).
pub(crate) fn upn_key(
    row: &Row<'_>,
    report: &mut FileReport,
    field: &str,
    raw: &str,
) -> Option<Upn> {
    match Upn::parse(raw) {
        Ok(u) => Some(u),
        Err(e) => {
            report.push(row.error(field, raw, format!("not a valid UPN: {e}")));
            None
        }
    }
}

/// A school URN, which must be in the settings register.
pub(crate) fn urn_in_register(
    row: &Row<'_>,
    report: &mut FileReport,
    ctx: &ImportContext,
    field: &str,
    raw: &str,
) -> Option<Urn> {
    let Ok(urn) = Urn::parse(raw) else {
        report.push(row.error(
            field,
            raw,
            "a URN is a six-digit number from 100000 to 999999",
        ));
        return None;
    };
    if !ctx.known_urns.contains(&urn) {
        report.push(row.error(
            field,
            raw,
            "this school is not in the settings register: import the GIAS file that lists it first, or correct the URN",
        ));
        return None;
    }
    Some(urn)
}

/// A required ISO date.
pub(crate) fn iso_date(
    row: &Row<'_>,
    report: &mut FileReport,
    field: &str,
    raw: &str,
) -> Option<Date> {
    match parse_iso_date(raw) {
        Ok(d) => Some(d),
        Err(reason) => {
            report.push(row.error(field, raw, reason));
            None
        }
    }
}

/// An optional ISO date: blank is `Ok(None)`; a bad one is reported and `Err(())`.
pub(crate) fn optional_iso_date(
    row: &Row<'_>,
    report: &mut FileReport,
    field: &str,
    raw: &str,
) -> Result<Option<Date>, ()> {
    if raw.is_empty() {
        return Ok(None);
    }
    iso_date(row, report, field, raw).map(Some).ok_or(())
}

/// Reads every expected column of a row as text; a non-UTF-8 cell is reported and `None`.
pub(crate) fn texts<'a, const N: usize>(
    row: &Row<'a>,
    report: &mut FileReport,
) -> Option<[&'a str; N]> {
    let mut out = [""; N];
    for (i, slot) in out.iter_mut().enumerate() {
        match row.get(i) {
            Ok(s) => *slot = s,
            Err(p) => {
                report.push(*p);
                return None;
            }
        }
    }
    Some(out)
}

/// Plausible email: one `@`, something either side, a dot in the domain, no spaces.
pub(crate) fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
}
