use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use vschool_store::{DeliveryStatus, NewDelivery};

use super::get::log_page;
use super::{base, deliver_in_background, half_term, notifier, require};
use crate::auth::CurrentUser;
use crate::client::ClientAddr;
use crate::components::Banner;
use crate::error::AppError;
use crate::layout::Page;
use crate::packs::calendar::resolve;
use crate::packs::run::{queue, resend_failed};
use crate::packs::subscribers::ensure_accounts;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct SendForm {
    /// "yes" to email everyone again, including those already sent the pack.
    #[serde(default)]
    resend: String,
}

/// `POST /packs/{year}/{half}/send`: builds the packs, queues the emails and sends them in
/// the background; answers with the progress page's address.
pub async fn send(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path((year, half)): Path<(String, String)>,
    Form(form): Form<SendForm>,
) -> Result<Response, AppError> {
    require(&who)?;
    let half = half_term(state.store(), &year, &half).await?;
    let n = notifier(&state, &who, &from)?;
    if n.mailer.is_none() {
        // The page says email is not set up and offers no button; a hand-made post ends here.
        return Err(AppError::BadRequest);
    }
    let snapshot = state.snapshot().await?;
    let now = state.now();
    let accounts = ensure_accounts(state.store(), &n.config, &n.actor, None, now)
        .await
        .map_err(AppError::internal)?;
    let queued = queue(&n, &snapshot, &half, None, form.resend == "yes", now)
        .await
        .map_err(AppError::internal)?;
    let mut ids = accounts.emails;
    ids.extend(queued.ids);
    deliver_in_background(&state, n, ids);
    Ok(Redirect::to(&format!("{}/progress", base(&half))).into_response())
}

/// `POST /packs/deliveries/{id}/resend`: sends one email again (a failed one once its
/// address is put right, or a sent one someone lost).
pub async fn resend(
    State(state): State<AppState>,
    Page(layout): Page,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    require(&who)?;
    let store = state.store();
    let d = store.outbox_get(id).await?.ok_or(AppError::NotFound)?;
    let half_name = d.half_term.clone().ok_or(AppError::NotFound)?;
    let half = resolve(store, &half_name)
        .await
        .map_err(|_| AppError::NotFound)?;
    let now = state.now();
    let id = if d.status == DeliveryStatus::Sent {
        store
            .outbox_add(
                &NewDelivery {
                    kind: d.kind,
                    urn: d.urn,
                    half_term: d.half_term.clone(),
                    pack_id: d.pack_id,
                    user_id: d.user_id,
                    email: d.email.clone(),
                    name: d.name.clone(),
                },
                now,
            )
            .await?
    } else {
        store.outbox_requeue(d.id, None, now).await?;
        d.id
    };
    let n = notifier(&state, &who, &from)?;
    let delivered = crate::packs::run::deliver(&n, &[id], || state.now(), &|_, _| {})
        .await
        .map_err(AppError::internal)?;
    let banner = if delivered.sent == 1 {
        Banner {
            success: true,
            heading: format!("Sent again to {}", d.email),
            body: String::new(),
        }
    } else {
        Banner {
            success: false,
            heading: format!("The email to {} could not be sent", d.email),
            body: "The send log says why. Emails that may go later are tried again automatically."
                .into(),
        }
    };
    log_page(&state, layout, half, Some(banner)).await
}

/// `POST /packs/{year}/{half}/resend-failed`: queues every failed email of the half term
/// again and sends them in the background.
pub async fn resend_all_failed(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Path((year, half)): Path<(String, String)>,
) -> Result<Response, AppError> {
    require(&who)?;
    let half = half_term(state.store(), &year, &half).await?;
    let n = notifier(&state, &who, &from)?;
    if n.mailer.is_none() {
        return Err(AppError::BadRequest);
    }
    let ids = resend_failed(state.store(), &half.name(), state.now())
        .await
        .map_err(AppError::internal)?;
    deliver_in_background(&state, n, ids);
    Ok(Redirect::to(&format!("{}/progress", base(&half))).into_response())
}
