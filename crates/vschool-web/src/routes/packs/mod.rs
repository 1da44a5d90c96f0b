//! The half-termly packs for the Virtual School (the VSH and data officers, DESIGN §8):
//! choose a half term, see the dry run, send with progress, the send log with failures
//! first and "Resend", schools to chase, the LA's half-term dates and who receives packs.
//!
//! | path | page |
//! |---|---|
//! | `/packs` | choose a half term |
//! | `/packs/{year}/{half}` | the dry run (`/packs/2024/25-3`) and the send button |
//! | `/packs/{year}/{half}/progress` | sending: a status page (works without JavaScript; `progress.js` polls `…/progress.json`) |
//! | `/packs/{year}/{half}/log` | the send log |
//! | `/packs/calendar` | half-term dates |
//! | `/packs/subscriptions` | requests to approve, and every school's subscribers |
//! | `/packs/subscriptions/new` | add a school contact as a subscriber by hand |

pub mod calendar;
pub mod get;
pub mod post;
pub mod subscriptions;

use vschool_store::Store;

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::packs::calendar::{from_path, resolve, ResolvedHalfTerm};
use crate::packs::run::Notifier;
use crate::state::AppState;

/// Only the VSH and data officers run packs; the area's existence is no secret (403).
pub(crate) fn require(who: &CurrentUser) -> Result<(), AppError> {
    who.require(Role::runs_packs)
}

/// The half term named by two path segments (`2024`, `25-3`); anything else is a 404.
pub(crate) async fn half_term(
    store: &Store,
    year: &str,
    half: &str,
) -> Result<ResolvedHalfTerm, AppError> {
    let name = from_path(year, half).map_err(|_| AppError::NotFound)?;
    resolve(store, &name).await.map_err(|_| AppError::NotFound)
}

/// `/packs/2024/25-3`.
pub(crate) fn base(half: &ResolvedHalfTerm) -> String {
    format!("/packs/{}", half.name())
}

/// A notifier acting as the signed-in person.
pub(crate) fn notifier(
    state: &AppState,
    who: &CurrentUser,
    from: &str,
) -> Result<Notifier, AppError> {
    let actor = who.actor(from);
    Notifier::new(
        state.store().clone(),
        state.config().clone(),
        state.la_name().to_owned(),
        actor,
    )
    .map_err(AppError::internal)
}

/// Delivers emails in the background, so the page answers at once; the progress page
/// reads how far it got from the outbox. (Tests wait with `AppState::background_done`.)
pub(crate) fn deliver_in_background(state: &AppState, n: Notifier, ids: Vec<i64>) {
    let task_state = state.clone();
    state.spawn(async move {
        let now = || task_state.now();
        if let Err(e) = crate::packs::run::deliver(&n, &ids, now, &|_, _| {}).await {
            tracing::warn!(error = %e, "sending packs stopped");
        }
    });
}

/// How long a page about one person waits for their email before answering (well inside
/// the request timeout); sending carries on in the background if it takes longer.
const DELIVERY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Delivers emails in the background but waits up to [`DELIVERY_WAIT`] for them, so a page
/// about one person can say whether their email went (`None`: not known yet, or sending
/// stopped on an error, which is logged; the outbox keeps the email for a retry).
pub(crate) async fn deliver_and_wait(
    state: &AppState,
    n: Notifier,
    ids: Vec<i64>,
) -> Option<crate::packs::run::Delivered> {
    let state = state.clone();
    let task = tokio::spawn(async move {
        let now = || state.now();
        crate::packs::run::deliver(&n, &ids, now, &|_, _| {}).await
    });
    match tokio::time::timeout(DELIVERY_WAIT, task).await {
        Ok(Ok(Ok(d))) => Some(d),
        Ok(Ok(Err(e))) => {
            tracing::warn!(error = %e, "sending an email stopped");
            None
        }
        // Still sending (the task carries on), or it panicked.
        Ok(Err(_)) | Err(_) => None,
    }
}

/// The school's filled-in tracker workbook (`POST /schools/{urn}/tracker/upload`): a real
/// school's workbook can be a few megabytes, so this route alone reads up to
/// [`portal::targets::WORKBOOK_LIMIT`] (every other page keeps the 64 KiB limit), and says
/// so clearly when a file is larger. `routes::router` merges it after the general limits.
pub fn upload_routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::http::StatusCode;
    use axum::routing::post;
    use tower_http::timeout::TimeoutLayer;

    use super::portal;
    axum::Router::new()
        .route(
            "/schools/{urn}/tracker/upload",
            post(portal::targets::upload),
        )
        // The multipart reader stops at this many bytes; the handler stops at the
        // workbook's own limit first and answers with the tracker page and its error.
        .layer(DefaultBodyLimit::max(portal::targets::UPLOAD_BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            portal::targets::UPLOAD_TIMEOUT,
        ))
}

/// The routes of issue 6: the packs pages, the school portal, the public request and
/// unsubscribe pages, and a social worker's caseload schools. Merged into the router.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};

    use super::{caseload, portal, subscribe};
    axum::Router::new()
        .route("/packs", get(get::choose))
        .route("/packs/calendar", get(calendar::get).post(calendar::set))
        .route("/packs/calendar/reset", post(calendar::reset))
        .route("/packs/subscriptions", get(subscriptions::list))
        .route(
            "/packs/subscriptions/new",
            get(subscriptions::new).post(subscriptions::create),
        )
        .route(
            "/packs/subscriptions/{id}/approve",
            post(subscriptions::approve),
        )
        .route(
            "/packs/subscriptions/{id}/decline",
            post(subscriptions::decline),
        )
        .route(
            "/packs/subscribers/unsubscribe",
            post(subscriptions::unsubscribe),
        )
        .route("/packs/deliveries/{id}/resend", post(post::resend))
        .route("/packs/{year}/{half}", get(get::dry_run))
        .route("/packs/{year}/{half}/send", post(post::send))
        .route("/packs/{year}/{half}/progress", get(get::progress))
        .route(
            "/packs/{year}/{half}/progress.json",
            get(get::progress_json),
        )
        .route("/packs/{year}/{half}/log", get(get::log))
        .route(
            "/packs/{year}/{half}/resend-failed",
            post(post::resend_all_failed),
        )
        .route("/schools/{urn}/tracker", get(portal::tracker::page_get))
        .route(
            "/schools/{urn}/tracker/download",
            get(portal::tracker::xlsx),
        )
        .route(
            "/schools/{urn}/tracker/targets",
            post(portal::targets::form),
        )
        .route("/schools/{urn}/packs", get(portal::packs::list))
        .route(
            "/schools/{urn}/packs/{year}/{half}",
            get(portal::packs::show),
        )
        .route(
            "/schools/{urn}/packs/{year}/{half}/download",
            get(portal::packs::download),
        )
        .route(
            "/subscribe",
            get(subscribe::get::request).post(subscribe::post::request),
        )
        .route(
            "/unsubscribe/{token}",
            get(subscribe::get::unsubscribe).post(subscribe::post::unsubscribe),
        )
        .route("/caseload/schools", get(caseload::get::schools))
        .route("/caseload/schools.csv", get(caseload::get::csv))
        .route("/caseload/schools.xlsx", get(caseload::get::xlsx))
}
