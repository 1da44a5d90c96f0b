//! The identity review queue (DESIGN §8 "Identity and linking"): a social-care child with no
//! usable UPN beside a roll pupil with the same date of birth and sex. A person decides
//! "Same child" or "Different children"; the store links (or never proposes the pair again)
//! and audits the decision. Viewing a pair shows a pupil's name, so it is audited too.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use vschool_store::{AuditAction, AuditObject, ReviewFilter, ReviewPair, StoreError};

use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::client::ClientAddr;
use crate::components::{Banner, Cell, Crumb, Table};
use crate::error::AppError;
use crate::format::{long_date, short_date_time};
use crate::layout::{Layout, Page};
use crate::render::page;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "data/review_list.html")]
struct ReviewList {
    layout: Layout,
    banner: Option<Banner>,
    pending: Table,
    decided: Table,
}

/// One field of the two records side by side.
pub struct Compared {
    pub field: &'static str,
    pub child: String,
    pub pupil: String,
    pub agree: Option<bool>,
}

#[derive(Template)]
#[template(path = "data/review_pair.html")]
struct ReviewPage {
    layout: Layout,
    crumbs: Vec<Crumb>,
    id: i64,
    la_child_id: String,
    fields: Vec<Compared>,
    decided: String,
    refused: String,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    decided: Option<String>,
}

fn sex_text(s: Option<vschool_domain::Sex>) -> String {
    s.map(|s| format!("{s:?}"))
        .unwrap_or_else(|| "Not recorded".into())
}

/// `GET /data/review`
pub async fn list(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    let pending = state.store().review_pairs(ReviewFilter::Pending).await?;
    let decided = state.store().review_pairs(ReviewFilter::Decided).await?;
    let row = |p: &ReviewPair| {
        vec![
            Cell::link(
                format!("Child {}", p.la_child_id.as_str()),
                format!("/data/review/{}", p.id),
            ),
            Cell::text(
                p.child
                    .as_ref()
                    .and_then(|c| c.birth_date)
                    .map(long_date)
                    .unwrap_or_default(),
            ),
            Cell::text(sex_text(p.child.as_ref().and_then(|c| c.sex))),
            Cell::text(short_date_time(p.proposed_at)),
            Cell::text(match p.status {
                vschool_store::ReviewStatus::Pending => "Waiting for a decision".to_owned(),
                vschool_store::ReviewStatus::Accepted => "Same child".to_owned(),
                vschool_store::ReviewStatus::Rejected => "Different children".to_owned(),
            }),
        ]
    };
    let head = vec![
        Cell::text("Social-care record"),
        Cell::text("Date of birth"),
        Cell::text("Sex"),
        Cell::text("Proposed"),
        Cell::text("Decision"),
    ];
    page(&ReviewList {
        layout,
        banner: q.decided.as_deref().map(|d| Banner {
            success: true,
            heading: match d {
                "same" => "Saved: the records are linked as the same child.".into(),
                _ => "Saved: the records will not be proposed again.".into(),
            },
            body: String::new(),
        }),
        pending: Table {
            caption: String::new(),
            head: head.clone(),
            rows: pending.iter().map(row).collect(),
        },
        decided: Table {
            caption: String::new(),
            head,
            rows: decided.iter().map(row).collect(),
        },
    })
}

fn compare(p: &ReviewPair) -> Vec<Compared> {
    let child = p.child.as_ref();
    let pupil = p.pupil.as_ref();
    let agree = |a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    };
    let c_dob = child.and_then(|c| c.birth_date).map(long_date);
    let p_dob = pupil.map(|p| long_date(p.birth_date));
    let c_sex = child.and_then(|c| c.sex).map(|s| format!("{s:?}"));
    let p_sex = pupil.map(|p| format!("{:?}", p.sex));
    vec![
        Compared {
            field: "Date of birth",
            agree: agree(c_dob.clone(), p_dob.clone()),
            child: c_dob.unwrap_or_else(|| "Not recorded".into()),
            pupil: p_dob.unwrap_or_else(|| "Not on any roll".into()),
        },
        Compared {
            field: "Sex",
            agree: agree(c_sex.clone(), p_sex.clone()),
            child: c_sex.unwrap_or_else(|| "Not recorded".into()),
            pupil: p_sex.unwrap_or_else(|| "Not on any roll".into()),
        },
        Compared {
            field: "UPN",
            agree: Some(false),
            child: match child.and_then(|c| c.upn_unknown.clone()) {
                Some(reason) => format!("None (reason given: {reason})"),
                None => "None usable".into(),
            },
            pupil: p.upn.as_str().to_owned(),
        },
        Compared {
            field: "Name",
            agree: None,
            child: "Not held (the DfE returns carry no names)".into(),
            pupil: pupil
                .map(|p| format!("{} {}", p.forename, p.surname))
                .unwrap_or_default(),
        },
        Compared {
            field: "Schools",
            agree: None,
            child: "Not held".into(),
            pupil: pupil
                .map(|p| {
                    p.schools
                        .iter()
                        .map(|u| format!("URN {u}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
        },
    ]
}

async fn pair_page(
    state: &AppState,
    layout: Layout,
    who: &CurrentUser,
    from: &str,
    id: i64,
    refused: String,
) -> Result<Response, AppError> {
    let pair = state
        .store()
        .review_pair(id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        state,
        &audit::about_child(
            audit::by(
                state,
                who.user(),
                from,
                AuditAction::View,
                AuditObject::Child,
                "identity review pair viewed",
            ),
            &pair.la_child_id,
            Some(pair.upn),
        ),
    )
    .await?;
    let decided = match pair.status {
        vschool_store::ReviewStatus::Pending => String::new(),
        s => format!(
            "Decided {}{}: {}. You can change the decision.",
            pair.decided_at.map(short_date_time).unwrap_or_default(),
            pair.decided_by
                .as_deref()
                .map(|b| format!(" by {b}"))
                .unwrap_or_default(),
            if s == vschool_store::ReviewStatus::Accepted {
                "same child"
            } else {
                "different children"
            }
        ),
    };
    let view = ReviewPage {
        layout,
        crumbs: vec![
            Crumb::new("Data", "/data"),
            Crumb::new("Identity review", "/data/review"),
        ],
        id,
        la_child_id: pair.la_child_id.as_str().to_owned(),
        fields: compare(&pair),
        decided,
        refused: refused.clone(),
    };
    if refused.is_empty() {
        page(&view)
    } else {
        crate::render::page_with_status(StatusCode::CONFLICT, &view)
    }
}

/// `GET /data/review/{id}`
pub async fn show(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    pair_page(&state, layout, &who, &from, id, String::new()).await
}

#[derive(Debug, Deserialize)]
pub struct Decision {
    decision: String,
}

/// `POST /data/review/{id}`: "same" or "different".
pub async fn decide(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<Decision>,
) -> Result<Response, AppError> {
    who.require(Role::runs_imports)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let actor = who.actor(&from);
    let outcome = match form.decision.as_str() {
        "same" => state.store().accept_review_pair(id, &actor).await,
        "different" => state.store().reject_review_pair(id, &actor).await,
        _ => return Err(AppError::BadRequest),
    };
    match outcome {
        Ok(_) => Ok((
            StatusCode::SEE_OTHER,
            [(
                header::LOCATION,
                format!("/data/review?decided={}", form.decision),
            )],
        )
            .into_response()),
        Err(StoreError::NotFound { .. }) => Err(AppError::NotFound),
        // The store refuses a link that would give a child two pupils (or a pupil two
        // children) and says why: show it on the pair's page.
        Err(StoreError::Refused { reason }) => {
            pair_page(&state, layout, &who, &from, id, reason).await
        }
        Err(e) => Err(e.into()),
    }
}
