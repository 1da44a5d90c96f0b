//! School contacts CSV: `URN,Role,Name,Email`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use vschool_domain::pupil::{Contact, ContactRole};
use vschool_domain::Urn;

use crate::context::ImportContext;
use crate::csv_input::{for_each_row, req, Column};
use crate::fields::{looks_like_email, texts, urn_in_register};
use crate::problem::{FileReport, Parsed};

/// Upsert on (URN, Email); a contact who unsubscribed stays unsubscribed when listed again
/// (DESIGN §8): the store must not touch the subscription flag of an existing contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactsBatch {
    pub contacts: Vec<Contact>,
}

const COLUMNS: [Column; 4] = [req("URN"), req("Role"), req("Name"), req("Email")];

pub fn parse_contacts(file: &str, bytes: &[u8], ctx: &ImportContext) -> Parsed<ContactsBatch> {
    let mut report = FileReport::new(file, ctx.problem_cap);
    let mut batch = ContactsBatch::default();
    let mut at: HashMap<(Urn, String), (usize, u64)> = HashMap::new();
    for_each_row(bytes, &COLUMNS, &mut report, |row, report| {
        let Some([urn, role, name, email]) = texts::<4>(row, report) else {
            return;
        };
        let urn_v = urn_in_register(row, report, ctx, "URN", urn);
        let email_ok = looks_like_email(email);
        if !email_ok {
            report.push(row.error(
                "Email",
                email,
                "not an email address: a contact is identified by school and email",
            ));
        }
        let Some(role) = ContactRole::parse(role) else {
            report.push(row.warning("Role", role, "Role is DSL, DT or HEAD; the row is skipped"));
            return;
        };
        let (Some(urn), true) = (urn_v, email_ok) else {
            return;
        };
        let key_email = email.to_ascii_lowercase();
        let contact = Contact {
            urn,
            role,
            name: name.to_owned(),
            email: email.to_owned(),
        };
        match at.get(&(urn, key_email.clone())) {
            Some(&(i, first)) if batch.contacts[i] == contact => {
                report.push(row.warning(
                    "Email",
                    email,
                    format!("the same row as line {first}, counted once"),
                ));
            }
            Some(&(_, first)) => {
                // One contact per school and email (the store's key); a person with two roles
                // is kept once rather than stopping the import.
                report.push(row.warning(
                    "Email",
                    email,
                    format!("line {first} already lists this email at this school with another role or name; line {first} is kept"),
                ));
            }
            None => {
                at.insert((urn, key_email), (batch.contacts.len(), row.line));
                batch.contacts.push(contact);
            }
        }
    });
    Parsed { batch, report }
}
