//! `/packs/subscriptions`: requests to receive a school's packs (approve or decline), who
//! receives each school's packs (unsubscribe someone), and `/packs/subscriptions/new`: add
//! a school contact as a subscriber by hand. Approving a request and adding someone by hand
//! follow the same rules ([`welcome`]): a subscriber without a `dsl` account for the school
//! gets one and a set-password link valid for 7 days by email.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use vschool_domain::Urn;
use vschool_store::{AuditAction, AuditObject, RequestStatus};

use super::{deliver_and_wait, notifier, require};
use crate::audit;
use crate::auth::CurrentUser;
use crate::client::ClientAddr;
use crate::components::{Banner, Crumb, FormErrors};
use crate::error::AppError;
use crate::format::short_date_time;
use crate::layout::{Layout, Page};
use crate::packs::subscribers::ensure_accounts;
use crate::render::page;
use crate::routes::subscribe::{CheckedContact, ContactForm, Voice, CONTACT_ROLES};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "packs/subscriptions.html")]
struct SubscriptionsPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    banner: Option<Banner>,
    requests: Vec<RequestRow>,
    schools: Vec<SchoolSubscribers>,
}

struct RequestRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    school: String,
    when: String,
}

struct SchoolSubscribers {
    urn: String,
    name: String,
    people: Vec<(String, String, String)>,
}

async fn show(
    state: &AppState,
    layout: Layout,
    banner: Option<Banner>,
) -> Result<Response, AppError> {
    let ix = crate::index::current(state).await?;
    let requests = state
        .store()
        .subscription_requests(Some(RequestStatus::Pending))
        .await?
        .into_iter()
        .map(|r| RequestRow {
            id: r.id,
            name: r.name,
            email: r.email,
            role: r.role.label().to_owned(),
            school: format!("{} ({})", ix.school_name(r.urn), r.urn),
            when: short_date_time(r.requested_at),
        })
        .collect();
    let mut schools: Vec<SchoolSubscribers> = Vec::new();
    for s in state.store().subscribers(None).await? {
        let urn = s.urn.to_string();
        let person = (s.name, s.email, s.role.label().to_owned());
        match schools.iter_mut().find(|x| x.urn == urn) {
            Some(x) => x.people.push(person),
            None => schools.push(SchoolSubscribers {
                name: ix.school_name(s.urn),
                urn,
                people: vec![person],
            }),
        }
    }
    schools.sort_by(|a, b| a.name.cmp(&b.name));
    page(&SubscriptionsPage {
        layout,
        crumbs: vec![Crumb::new("Home", "/"), Crumb::new("Packs", "/packs")],
        banner,
        requests,
        schools,
    })
}

/// `GET /packs/subscriptions`
pub async fn list(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
) -> Result<Response, AppError> {
    require(&who)?;
    show(&state, layout, None).await
}

async fn decide(
    state: AppState,
    layout: Layout,
    from: String,
    who: CurrentUser,
    id: i64,
    approve: bool,
) -> Result<Response, AppError> {
    require(&who)?;
    let now = state.now();
    let decided = state
        .store()
        .subscription_request_decide(id, approve, &who.user().email, now)
        .await?;
    let Some(r) = decided else {
        let banner = Banner {
            success: false,
            heading: "That request had already been decided".into(),
            body: String::new(),
        };
        return show(&state, layout, Some(banner)).await;
    };
    let verb = if approve { "approved" } else { "declined" };
    let event = audit::about_school(
        audit::by(
            &state,
            who.user(),
            &from,
            AuditAction::Change,
            AuditObject::Pack,
            format!("{verb} the request of {} to receive packs", r.email),
        ),
        r.urn,
    );
    audit::record(&state, &event).await?;
    let body = if approve {
        welcome(&state, &who, &from, r.urn).await?
    } else {
        String::new()
    };
    let banner = Banner {
        success: true,
        heading: format!("{} {verb}", r.name),
        body,
    };
    show(&state, layout, Some(banner)).await
}

/// What follows someone becoming a school's subscriber, whether a request was approved or
/// the Virtual School added them by hand (DESIGN §8): every subscriber of the school
/// without a `dsl` account gets one and an email with a set-password link (valid for 7
/// days); an existing `dsl` account of the same email gets the school. Waits a little for
/// the email so the page can say how it went. Returns what to tell the user.
async fn welcome(
    state: &AppState,
    who: &CurrentUser,
    from: &str,
    urn: Urn,
) -> Result<String, AppError> {
    let n = notifier(state, who, from)?;
    if n.mailer.is_none() {
        return Ok("Email is not set up, so their account will be made when it is.".into());
    }
    let made = ensure_accounts(state.store(), &n.config, &n.actor, Some(urn), state.now())
        .await
        .map_err(AppError::internal)?;
    if made.emails.is_empty() {
        return Ok(if made.schools_added > 0 {
            "Their existing account can now read the school's packs.".into()
        } else {
            String::new()
        });
    }
    Ok(match deliver_and_wait(state, n, made.emails).await {
        Some(d) if d.all_sent() => {
            "An account has been made for them and a set-password link emailed.".into()
        }
        Some(d) if d.failed > 0 => "An account has been made for them, but the email with \
            their set-password link could not be sent: check their address, then ask the \
            Virtual School Head to send a new link from the users page."
            .into(),
        _ => "An account has been made for them. The email with their set-password link \
            could not be sent yet: it will be tried again automatically."
            .into(),
    })
}

#[derive(Template)]
#[template(path = "packs/subscriber_new.html")]
struct NewSubscriberPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    errors: FormErrors,
    form: ContactForm,
}

impl NewSubscriberPage {
    fn roles(&self) -> [(&'static str, &'static str); 3] {
        CONTACT_ROLES
    }
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    /// Pre-fills the school (the "schools to chase" links).
    urn: Option<String>,
}

fn new_page(layout: Layout, errors: FormErrors, form: ContactForm) -> Result<Response, AppError> {
    page(&NewSubscriberPage {
        layout,
        crumbs: vec![
            Crumb::new("Home", "/"),
            Crumb::new("Packs", "/packs"),
            Crumb::new("Who receives packs", "/packs/subscriptions"),
        ],
        errors,
        form,
    })
}

/// `GET /packs/subscriptions/new[?urn=URN]`: add a school contact as a subscriber.
pub async fn new(
    Page(layout): Page,
    who: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    require(&who)?;
    let school = q
        .urn
        .filter(|u| Urn::parse(u.trim()).is_ok())
        .unwrap_or_default();
    new_page(
        layout,
        FormErrors::new(),
        ContactForm {
            school,
            ..ContactForm::default()
        },
    )
}

/// `POST /packs/subscriptions/new`: checks the contact as the public request page does,
/// subscribes them (a contact the school did not have is added; one who had unsubscribed
/// is subscribed again), audits it, then [`welcome`]s them as an approval would.
pub async fn create(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Form(form): Form<ContactForm>,
) -> Result<Response, AppError> {
    require(&who)?;
    let ix = crate::index::current(&state).await?;
    let CheckedContact {
        urn,
        name,
        role,
        email,
    } = match form.check(&ix, Voice::Theirs) {
        Ok(c) => c,
        Err(errors) => return new_page(layout, errors, form),
    };
    let store = state.store();
    if store
        .subscribers(Some(urn))
        .await?
        .iter()
        .any(|s| s.email == email)
    {
        let mut errors = FormErrors::new();
        errors.add(
            "email",
            format!("{email} already receives {}'s packs", ix.school_name(urn)),
        );
        return new_page(layout, errors, form);
    }
    let now = state.now();
    store
        .subscribe_contact(urn, &name, role, &email, &who.user().email, now)
        .await?;
    let event = audit::about_school(
        audit::by(
            &state,
            who.user(),
            &from,
            AuditAction::Change,
            AuditObject::Pack,
            format!(
                "subscribed {email} ({}) to the school's packs by hand",
                role.label()
            ),
        ),
        urn,
    );
    audit::record(&state, &event).await?;
    let body = welcome(&state, &who, &from, urn).await?;
    let banner = Banner {
        success: true,
        heading: format!("{name} now receives {}'s packs", ix.school_name(urn)),
        body,
    };
    show(&state, layout, Some(banner)).await
}

/// `POST /packs/subscriptions/{id}/approve`
pub async fn approve(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    decide(state, layout, from, who, id, true).await
}

/// `POST /packs/subscriptions/{id}/decline`
pub async fn decline(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    decide(state, layout, from, who, id, false).await
}

#[derive(Debug, Deserialize)]
pub struct UnsubscribeForm {
    #[serde(default)]
    urn: String,
    #[serde(default)]
    email: String,
}

/// `POST /packs/subscribers/unsubscribe`: the Virtual School unsubscribes a contact.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Form(form): Form<UnsubscribeForm>,
) -> Result<Response, AppError> {
    require(&who)?;
    let urn = Urn::parse(&form.urn).map_err(|_| AppError::BadRequest)?;
    let done = state.store().unsubscribe_contact(urn, &form.email).await?;
    if done {
        let event = audit::about_school(
            audit::by(
                &state,
                who.user(),
                &from,
                AuditAction::Change,
                AuditObject::Pack,
                format!(
                    "unsubscribed {} from packs",
                    form.email.trim().to_lowercase()
                ),
            ),
            urn,
        );
        audit::record(&state, &event).await?;
    }
    let banner = Banner {
        success: true,
        heading: format!("{} will no longer receive packs", form.email.trim()),
        body: "They stay unsubscribed when the contacts file lists them again.".into(),
    };
    show(&state, layout, Some(banner)).await
}
