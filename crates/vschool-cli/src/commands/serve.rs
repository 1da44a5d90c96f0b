//! `vschool serve [--bind 127.0.0.1:8080]`: the web service over the configured database.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use vschool_domain::{Clock, SystemClock};
use vschool_store::Store;
use vschool_web::{AppState, Config};

use crate::context::{open_store, runtime};
use crate::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The address people reach the service at (e.g. https://virtualschool.example.gov.uk);
    /// emailed links start with it and forms are accepted only from it.
    #[arg(long, env = "VSCHOOL_PUBLIC_URL")]
    pub public_url: Option<String>,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        serve(
            store,
            Arc::new(SystemClock),
            args.bind,
            args.public_url.as_deref(),
        )
        .await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Serves a store until the process is stopped; shared with `vschool demo`.
pub async fn serve(
    store: Store,
    clock: Arc<dyn Clock>,
    bind: SocketAddr,
    public_url: Option<&str>,
) -> anyhow::Result<()> {
    let mut config = match public_url {
        Some(url) => Config::for_public_url(url),
        None => Config::default(),
    };
    // Email for the half-term packs (VSCHOOL_SMTP_URL, VSCHOOL_SMTP_FROM): without it packs
    // can be checked but not sent, and the pages say so.
    config.smtp = vschool_mail::SmtpConfig::from_env()?;
    // VSCHOOL_SECRET_KEY (else a key file beside the database), single sign-on
    // (VSCHOOL_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET) and VSCHOOL_TRUSTED_PROXIES.
    config.read_env()?;
    let state = AppState::new(store, clock, config).await?;
    eprintln!("Serving the Virtual School at http://{bind}/ (press Ctrl-C to stop)");
    vschool_web::serve(state, bind)
        .await
        .with_context(|| format!("cannot serve on {bind}"))
}
