//! The router: every route, and the middleware every request passes through.

pub mod api;
pub mod audit;
pub mod caseload;
pub mod children;
pub mod data;
pub mod errors;
pub mod home;
pub mod overview;
pub mod packs;
pub mod pages;
pub mod password;
pub mod portal;
pub mod schools;
pub mod sign_in;
pub mod subscribe;
pub mod users;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config().body_limit;
    let timeout = state.config().request_timeout;
    Router::new()
        .route("/", get(home::get::show))
        .route(
            "/sign-in",
            get(sign_in::get::sign_in).post(sign_in::post::sign_in),
        )
        .route(
            "/sign-in/second-factor",
            get(sign_in::get::second_factor).post(sign_in::post::second_factor),
        )
        .route(
            "/sign-in/second-factor/enrol",
            get(sign_in::get::enrol).post(sign_in::post::enrol),
        )
        .route("/sign-in/oidc", get(sign_in::oidc::start))
        .route(sign_in::oidc::CALLBACK, get(sign_in::oidc::callback))
        .route(
            "/forgot-password",
            get(password::forgot::form).post(password::forgot::send),
        )
        .route("/sign-out", post(sign_in::post::sign_out))
        .route("/signed-out", get(sign_in::get::signed_out))
        .route(
            "/set-password/{token}",
            get(password::get::set_password).post(password::post::set_password),
        )
        .route("/children", get(children::get::list))
        .route("/children/search", post(children::post::search))
        .route("/children/{id}", get(children::profile::show))
        .route("/schools", get(schools::get::list))
        .route("/schools/{urn}", get(schools::page::show))
        .route(
            "/schools/{urn}/year-groups/{year}",
            get(schools::year_group::show),
        )
        .route(
            "/schools/{urn}/figures/{name}",
            get(schools::figures::download),
        )
        .route("/overview", get(overview::get::show))
        .route("/overview/schools", get(overview::get::schools))
        .route("/overview/download/{name}", get(overview::download::table))
        .route("/users", get(users::get::list))
        .route("/users/new", get(users::get::new).post(users::post::create))
        .route("/users/{id}", get(users::account::show))
        .route(
            "/users/{id}/sessions/revoke",
            post(users::account::end_sessions),
        )
        .route(
            "/users/{id}/sessions/{session}/revoke",
            post(users::account::end_session),
        )
        .route("/users/{id}/tokens", post(users::account::create_token))
        .route(
            "/users/{id}/tokens/{token}/revoke",
            post(users::account::revoke_token),
        )
        .route("/users/{id}/link", post(users::post::link))
        .route("/users/{id}/revoke", post(users::post::revoke))
        .route(
            "/users/{id}/reset-second-factor",
            post(users::post::reset_second_factor),
        )
        .route("/audit", get(audit::get::search).post(audit::post::search))
        .route("/audit/export", post(audit::post::export))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/cohort", get(api::cohort::get))
        .route("/api/v1/pupils", get(api::pupils::list))
        .route("/api/v1/pupils/{upn}", get(api::pupils::profile))
        .route("/api/v1/schools/{urn}/tracker", get(api::tracker::get))
        .route("/api/v1/schools/{urn}/packs", get(api::packs::list))
        .route(
            "/api/v1/schools/{urn}/packs/{*half_term}",
            get(api::packs::get),
        )
        .route("/api/v1/stats", get(api::stats::get))
        .route("/data", get(data::index))
        .route("/data/upload", get(data::upload::form))
        .route("/data/jobs/{id}", get(data::jobs::show))
        .route(
            "/data/jobs/{id}/progress.json",
            get(data::jobs::progress_json),
        )
        .route("/data/imports", get(data::history::list))
        .route(
            "/data/imports/{id}/problems.csv",
            get(data::history::problems_csv),
        )
        .route("/data/review", get(data::review::list))
        .route(
            "/data/review/{id}",
            get(data::review::show).post(data::review::decide),
        )
        .route("/accessibility", get(pages::get::accessibility))
        .route("/privacy", get(pages::get::privacy))
        .route("/assets/{hash}/{name}", get(crate::assets::get))
        .merge(packs::routes())
        .fallback(errors::not_found)
        // Each `.layer` wraps everything above it, so the request meets these from the
        // bottom up: trace, security headers, session, error pages, CSRF, panics, timeout,
        // body limit.
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        // Uploads alone may be large and slow: their own body limit and timeout. Merged
        // after the limits above, so only the layers below apply to them.
        .merge(
            Router::new()
                .route("/data/upload", post(data::upload::post))
                .layer(DefaultBodyLimit::max(data::UPLOAD_LIMIT))
                .layer(RequestBodyLimitLayer::new(data::UPLOAD_LIMIT))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    data::UPLOAD_TIMEOUT,
                )),
        )
        .merge(packs::upload_routes())
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }))
        .layer(from_fn_with_state(
            state.clone(),
            crate::auth::csrf::protect,
        ))
        .layer(from_fn_with_state(state.clone(), errors::error_pages))
        .layer(from_fn_with_state(
            state.clone(),
            crate::auth::session::resolve,
        ))
        .layer(from_fn_with_state(state.clone(), crate::security::headers))
        .layer(from_fn_with_state(state.clone(), crate::client::resolve))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // Log the route's template (`/children/{id}`), never the path: paths and
            // query strings can hold identifiers of children.
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map(|m| m.as_str().to_owned())
                .unwrap_or_else(|| "(no route)".to_owned());
            tracing::info_span!("request", method = %req.method(), route = %route)
        }))
        .with_state(state)
}
