//! The Virtual School's web service: server-rendered GOV.UK-style pages that work without
//! JavaScript, sign-in with a second factor, roles and per-school / per-caseload scoping,
//! an audit of every view and change, and a JSON API.
//!
//! The CLI calls [`serve`]; tests call [`router`] directly.

pub mod accounts;
pub mod analysis;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod charts;
pub mod client;
pub mod components;
pub mod config;
pub mod error;
pub mod format;
pub mod index;
pub mod jobs;
pub mod keys;
pub mod layout;
pub mod packs;
pub mod progress;
pub mod render;
pub mod routes;
pub mod security;
pub mod state;
mod util;

use std::net::SocketAddr;

pub use config::Config;
pub use error::AppError;
pub use routes::router;
pub use state::AppState;

/// Serves the app on `bind` until the process is stopped (Ctrl-C or SIGTERM).
pub async fn serve(state: AppState, bind: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    // The LA overview takes seconds to compute for a large LA: start on it now.
    tokio::spawn(analysis::warm(state.clone()));
    // Emails that failed for a reason that may pass are retried in the background.
    packs::worker::spawn(state.clone());
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
