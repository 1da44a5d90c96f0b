//! Public pages, no sign-in: "Ask to receive your school's packs" (the Virtual School
//! approves or declines on `/packs/subscriptions`), and the unsubscribe link every pack
//! email carries (`/unsubscribe/{token}`, an opaque random token; RFC 8058 one-click POST).

pub mod get;
pub mod post;

use askama::Template;
use serde::Deserialize;
use vschool_domain::pupil::ContactRole;
use vschool_domain::Urn;

use crate::accounts::normalise_email;
use crate::components::FormErrors;
use crate::index::Index;
use crate::layout::Layout;

/// Requests from one address in an hour, and for one email in a day, before the form is
/// refused: enough for a school office, too few to flood the Virtual School's queue.
pub const MAX_PER_ADDRESS_PER_HOUR: i64 = 5;
pub const MAX_PER_EMAIL_PER_DAY: i64 = 3;

#[derive(Template)]
#[template(path = "subscribe/request.html")]
pub struct RequestPage {
    pub layout: Layout,
    pub csrf: String,
    pub errors: FormErrors,
    pub name: String,
    pub role: String,
    pub school: String,
    pub email: String,
}

/// The roles a school contact may have, as the forms' radios offer them.
pub const CONTACT_ROLES: [(&str, &str); 3] = [
    ("DSL", "Designated safeguarding lead (or deputy)"),
    ("DT", "Designated teacher for looked-after children"),
    ("HEAD", "Headteacher"),
];

impl RequestPage {
    pub fn roles(&self) -> [(&'static str, &'static str); 3] {
        CONTACT_ROLES
    }
}

/// A school contact as a form gives it: the public request (`/subscribe`) and the Virtual
/// School's "add a subscriber" page (`/packs/subscriptions/new`) check it the same way.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    /// A school's name (or part of it) or its URN.
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub email: String,
}

/// Whose details a form asks for: the person filling it in, or someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    Yours,
    Theirs,
}

/// A contact that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedContact {
    pub urn: Urn,
    pub name: String,
    pub role: ContactRole,
    /// Normalised (trimmed, lower-cased).
    pub email: String,
}

impl ContactForm {
    /// Checks every field (GOV.UK style: one message per field, in field order). The school
    /// is a URN in the register, or a name that matches exactly one school.
    pub fn check(&self, ix: &Index, voice: Voice) -> Result<CheckedContact, FormErrors> {
        let (your, you) = match voice {
            Voice::Yours => ("your", "Your"),
            Voice::Theirs => ("their", "Their"),
        };
        let mut errors = FormErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.add("name", format!("Enter {your} full name"));
        } else if name.chars().count() > 100 {
            errors.add(
                "name",
                format!("{you} name must be 100 characters or fewer"),
            );
        }
        let role = ContactRole::parse(&self.role);
        if role.is_none() {
            errors.add("role", format!("Select {your} role at the school"));
        }
        let school = self.school(ix, voice, &mut errors);
        let email = normalise_email(&self.email);
        if self.email.trim().is_empty() {
            errors.add("email", format!("Enter {your} work email address"));
        } else if email.is_none() {
            errors.add(
                "email",
                "Enter an email address in the correct format, like name@school.sch.uk",
            );
        }
        match (role, school, email) {
            (Some(role), Some(urn), Some(email)) if errors.is_empty() => Ok(CheckedContact {
                urn,
                name: name.to_owned(),
                role,
                email,
            }),
            _ => Err(errors),
        }
    }

    fn school(&self, ix: &Index, voice: Voice, errors: &mut FormErrors) -> Option<Urn> {
        let wanted = self.school.trim();
        if wanted.is_empty() {
            errors.add(
                "school",
                match voice {
                    Voice::Yours => "Enter your school's name or its 6-digit URN",
                    Voice::Theirs => "Enter the school's name or its 6-digit URN",
                },
            );
            return None;
        }
        if let Ok(urn) = Urn::parse(wanted) {
            if ix.setting(urn).is_none() {
                errors.add(
                    "school",
                    "No school has that URN: check it on Get Information about Schools",
                );
                return None;
            }
            return Some(urn);
        }
        let needle = wanted.to_lowercase();
        let exact: Vec<Urn> = ix
            .settings()
            .filter(|s| s.name.to_lowercase() == needle)
            .map(|s| s.urn)
            .collect();
        let partial: Vec<Urn> = ix
            .settings()
            .filter(|s| s.name.to_lowercase().contains(&needle))
            .map(|s| s.urn)
            .collect();
        match (exact.as_slice(), partial.as_slice()) {
            ([one], _) | ([], [one]) => Some(*one),
            ([], []) => {
                errors.add(
                    "school",
                    "No school of that name was found: enter its 6-digit URN instead",
                );
                None
            }
            _ => {
                errors.add(
                    "school",
                    "More than one school matches that name: enter its 6-digit URN instead",
                );
                None
            }
        }
    }
}

#[derive(Template)]
#[template(path = "subscribe/requested.html")]
pub struct RequestedPage {
    pub layout: Layout,
    pub school: String,
}

#[derive(Template)]
#[template(path = "subscribe/unsubscribe.html")]
pub struct UnsubscribePage {
    pub layout: Layout,
    pub school: String,
    pub action: String,
}

#[derive(Template)]
#[template(path = "subscribe/unsubscribed.html")]
pub struct UnsubscribedPage {
    pub layout: Layout,
    pub school: String,
}

#[derive(Template)]
#[template(path = "subscribe/link_invalid.html")]
pub struct LinkInvalidPage {
    pub layout: Layout,
}

/// An unsubscribe token is 64 hex characters; anything else is not looked up.
pub fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}
