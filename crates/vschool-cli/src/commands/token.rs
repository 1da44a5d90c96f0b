//! `vschool token create --email E [--label L]`: prints a revocable API token, alone on
//! standard output so scripts can capture it.

use std::process::ExitCode;

use vschool_web::accounts::{self, Actor};

use crate::context::{open_store, print_out, runtime};
use crate::Cli;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create an API token for an account (use it as `Authorization: Bearer TOKEN`).
    Create(CreateArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    #[arg(long)]
    pub email: String,
    /// What the token is for, shown on the admin page.
    #[arg(long, default_value = "created with vschool token create")]
    pub label: String,
}

pub fn run(cli: &Cli, command: &Command) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        match command {
            Command::Create(a) => {
                let token =
                    accounts::create_api_token(&store, &Actor::at_terminal(), &a.email, &a.label)
                        .await?;
                print_out(&format!("{token}\n"))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
