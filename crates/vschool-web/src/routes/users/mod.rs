//! User administration for the Virtual School Head: accounts, their last sign-in and
//! sessions, adding an account (which shows its one-time set-password link), a new link,
//! and ending every session and API token of an account.

pub mod account;
pub mod get;
pub mod post;

use askama::Template;

use crate::auth::Role;
use crate::components::{Banner, FormErrors, SummaryRow};
use crate::layout::Layout;

#[derive(Template)]
#[template(path = "users/list.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub banner: Option<Banner>,
    pub users: Vec<UserRow>,
}

/// One account in the list, with the forms that act on it.
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub details: Vec<SummaryRow>,
}

#[derive(Template)]
#[template(path = "users/new.html")]
pub struct NewUserPage {
    pub layout: Layout,
    pub errors: FormErrors,
    pub email: String,
    pub name: String,
    pub role: String,
    pub schools: String,
    pub worker_email: String,
    pub roles: Vec<(&'static str, &'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "users/link.html")]
pub struct LinkPage {
    pub layout: Layout,
    pub heading: String,
    pub name: String,
    pub url: String,
    pub expires: String,
}

/// One account's sessions and API tokens (`GET /users/{id}`).
#[derive(Template)]
#[template(path = "users/account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub banner: Option<Banner>,
    pub id: i64,
    pub name: String,
    pub details: Vec<SummaryRow>,
    pub sessions: Vec<SessionRow>,
    pub tokens: Vec<TokenRow>,
    /// The "create an API token" form's errors and label as typed.
    pub errors: FormErrors,
    pub token_label: String,
}

/// A live session as the page shows it: no secret, not even the stored hash.
pub struct SessionRow {
    pub reference: String,
    pub started: String,
    pub last_seen: String,
    pub from: String,
    pub how: String,
}

pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub created: String,
    pub last_used: String,
    pub live: bool,
    pub revoked: String,
}

/// A new API token, shown this once.
#[derive(Template)]
#[template(path = "users/token_created.html")]
pub struct TokenCreatedPage {
    pub layout: Layout,
    pub id: i64,
    pub name: String,
    pub label: String,
    pub token: String,
}

/// The role radios: code, label, what the role may see.
pub fn role_options() -> Vec<(&'static str, &'static str, &'static str)> {
    Role::ALL
        .into_iter()
        .map(|r| {
            let hint = match r {
                Role::Vsh => "Everything, including users and the audit trail",
                Role::AdvisoryTeacher => "Every child’s record and the cohort figures",
                Role::DataOfficer => "Every child’s record, figures, imports and packs",
                Role::Dsl => "Pupils with a social worker at their schools",
                Role::SocialWorker => "The children allocated to them",
                Role::Trainer => "Training and events; no information about children",
            };
            (r.code(), capitalise(r.label()), hint)
        })
        .collect()
}

fn capitalise(s: &'static str) -> &'static str {
    match s {
        "advisory teacher" => "Advisory teacher",
        "data officer" => "Data officer",
        "designated safeguarding lead" => "Designated safeguarding lead or designated teacher",
        "social worker" => "Social worker",
        "training coordinator" => "Training coordinator",
        other => other,
    }
}
