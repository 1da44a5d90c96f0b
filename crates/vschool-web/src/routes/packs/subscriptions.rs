//! `/packs/subscriptions`: requests to receive a school's packs (approve or decline), and
//! who receives each school's packs (unsubscribe someone).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use vschool_domain::Urn;
use vschool_store::{AuditAction, AuditObject, RequestStatus};

use super::{deliver_in_background, notifier, require};
use crate::audit;
use crate::auth::CurrentUser;
use crate::client::ClientAddr;
use crate::components::{Banner, Crumb};
use crate::error::AppError;
use crate::format::short_date_time;
use crate::layout::{Layout, Page};
use crate::packs::subscribers::ensure_accounts;
use crate::render::page;
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
    let mut body = String::new();
    if approve {
        let n = notifier(&state, &who, &from)?;
        if n.mailer.is_some() {
            let made = ensure_accounts(state.store(), &n.config, &n.actor, Some(r.urn), now)
                .await
                .map_err(AppError::internal)?;
            if !made.emails.is_empty() {
                body = "An account has been made for them and a set-password link emailed.".into();
            }
            deliver_in_background(&state, n, made.emails);
        } else {
            body = "Email is not set up, so their account will be made when it is.".into();
        }
    }
    let banner = Banner {
        success: true,
        heading: format!("{} {verb}", r.name),
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
