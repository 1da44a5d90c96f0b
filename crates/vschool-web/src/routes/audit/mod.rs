//! The audit trail for the Virtual School Head: search by person, child, school, action
//! and date, and export what was found as CSV. Searches are POSTs so that UPNs and emails
//! never sit in a URL.

pub mod get;
pub mod post;

use askama::Template;
use time::{Date, OffsetDateTime};
use vschool_store::{AuditEvent, AuditObject};

use crate::components::{Cell, FormErrors, Table};
use crate::format::short_date_time;
use crate::layout::Layout;

/// Most events shown on the page; the export has them all.
pub const SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "audit/search.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub errors: FormErrors,
    pub filter: Filter,
    pub actions: Vec<&'static str>,
    pub total: usize,
    pub table: Table,
}

/// What to look for; empty fields match everything.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Filter {
    #[serde(default)]
    pub person: String,
    /// A UPN or an LA child id.
    #[serde(default)]
    pub child: String,
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub action: String,
    /// YYYY-MM-DD, inclusive.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// A filter whose dates and URN have been read.
pub struct Parsed {
    person: String,
    child: String,
    school: Option<u32>,
    action: String,
    from: Option<Date>,
    to: Option<Date>,
}

impl Filter {
    pub fn parse(&self) -> Result<Parsed, FormErrors> {
        let mut errors = FormErrors::new();
        let date = |raw: &str, field: &str, errors: &mut FormErrors| {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            let d = vschool_domain::calendar::parse_iso_date(raw);
            if d.is_none() {
                errors.add(field, "Enter a date like 2025-03-14");
            }
            d
        };
        let from = date(&self.from, "from", &mut errors);
        let to = date(&self.to, "to", &mut errors);
        let school = match self.school.trim() {
            "" => None,
            s => match s.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add("school", "Enter a school’s 6-digit URN");
                    None
                }
            },
        };
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                errors.add("to", "The end date must be on or after the start date");
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Parsed {
            person: self.person.trim().to_lowercase(),
            child: self.child.trim().to_uppercase(),
            school,
            action: self.action.trim().to_owned(),
            from,
            to,
        })
    }
}

impl Parsed {
    pub fn since(&self) -> Option<OffsetDateTime> {
        self.from.map(|d| d.midnight().assume_utc())
    }

    pub fn matches(&self, e: &AuditEvent) -> bool {
        (self.person.is_empty() || e.actor.to_lowercase().contains(&self.person))
            && (self.child.is_empty()
                || e.upn.is_some_and(|u| u.as_str() == self.child)
                || e.la_child_id
                    .as_ref()
                    .is_some_and(|c| c.as_str().eq_ignore_ascii_case(&self.child)))
            && self
                .school
                .is_none_or(|s| e.urn.is_some_and(|u| u.get() == s))
            && (self.action.is_empty() || e.action.code() == self.action)
            && self.to.is_none_or(|t| e.at.date() <= t)
    }
}

pub fn object_text(o: AuditObject) -> &'static str {
    o.code()
}

pub fn table(events: &[&AuditEvent]) -> Table {
    Table {
        caption: String::new(),
        head: vec![
            Cell::text("When (UTC)"),
            Cell::text("Who"),
            Cell::text("What"),
            Cell::text("Child"),
            Cell::text("School"),
            Cell::text("From"),
        ],
        rows: events
            .iter()
            .map(|e| {
                let child = match (&e.upn, &e.la_child_id) {
                    (Some(u), Some(c)) => format!("{u} ({})", c.as_str()),
                    (Some(u), None) => u.to_string(),
                    (None, Some(c)) => c.as_str().to_owned(),
                    (None, None) => String::new(),
                };
                vec![
                    Cell::text(short_date_time(e.at)),
                    Cell::text(format!("{} ({})", e.actor, e.role)),
                    Cell::text(format!(
                        "{} {}: {}",
                        e.action.code(),
                        object_text(e.object),
                        e.detail
                    )),
                    Cell::text(child),
                    Cell::text(e.urn.map(|u| u.to_string()).unwrap_or_default()),
                    Cell::text(e.from.clone()),
                ]
            })
            .collect(),
    }
}

pub fn actions() -> Vec<&'static str> {
    vschool_store::AuditAction::ALL
        .iter()
        .map(|a| a.code())
        .collect()
}
