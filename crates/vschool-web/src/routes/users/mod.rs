//! User administration for the Virtual School Head: accounts, their last sign-in and
//! sessions, adding an account (which shows its one-time set-password link), a new link,
//! and ending every session and API token of an account.

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
