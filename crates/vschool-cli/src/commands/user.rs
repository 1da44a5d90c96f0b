//! `vschool user add --email E --name N --role ROLE [--school URN ...] [--worker-email E]`
//! and `vschool user revoke --email E`.

use std::process::ExitCode;

use anyhow::Context;

use vschool_domain::Urn;
use vschool_web::accounts::{self, Actor, NewUser};
use vschool_web::auth::Role;
use vschool_web::Config;

use crate::context::{open_store, print_out, runtime};
use crate::Cli;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create an account and print a one-time link (valid 7 days) where the person sets a
    /// password; they enrol a second factor at first sign-in.
    Add(AddArgs),
    /// Print a new one-time set-password link for an existing account.
    Link(EmailArgs),
    /// End every session and revoke every API token of an account.
    Revoke(EmailArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    #[arg(long)]
    pub email: String,
    /// Full name, as it will show on pages and in the audit trail.
    #[arg(long)]
    pub name: String,
    /// vsh, advisory-teacher, data-officer, dsl, social-worker or trainer.
    #[arg(long)]
    pub role: String,
    /// A DSL's school (URN); repeat for several schools.
    #[arg(long = "school")]
    pub schools: Vec<String>,
    /// A social worker's caseload: the WorkerEmail of their allocations (defaults to --email).
    #[arg(long)]
    pub worker_email: Option<String>,
    /// The address people reach the service at; the link starts with it.
    #[arg(long, env = "VSCHOOL_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct EmailArgs {
    #[arg(long)]
    pub email: String,
    #[arg(long, env = "VSCHOOL_PUBLIC_URL")]
    pub public_url: Option<String>,
}

fn config(public_url: Option<&str>) -> Config {
    public_url.map(Config::for_public_url).unwrap_or_default()
}

pub fn run(cli: &Cli, command: &Command) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let actor = Actor::at_terminal();
        match command {
            Command::Add(a) => {
                let role = Role::parse(&a.role).ok_or_else(|| accounts::AccountError::BadRole(a.role.clone()))?;
                let schools = a
                    .schools
                    .iter()
                    .map(|s| Urn::parse(s).with_context(|| format!("--school {s:?} is not a URN (six digits)")))
                    .collect::<anyhow::Result<Vec<Urn>>>()?;
                let new = NewUser {
                    email: a.email.clone(),
                    name: a.name.clone(),
                    role,
                    schools,
                    worker_email: a.worker_email.clone(),
                };
                let link = accounts::add_user(&store, &config(a.public_url.as_deref()), &actor, new).await?;
                eprintln!(
                    "Created the account. Send this one-time link to the person; it works once and until {}:",
                    vschool_domain::calendar::long(link.expires_at.date())
                );
                print_out(&format!("{}\n", link.url))?;
            }
            Command::Link(a) => {
                let link = accounts::password_link(&store, &config(a.public_url.as_deref()), &actor, &a.email).await?;
                print_out(&format!("{}\n", link.url))?;
            }
            Command::Revoke(a) => {
                let (sessions, tokens) = accounts::revoke_access(&store, &actor, &a.email).await?;
                print_out(&format!("Ended {sessions} sessions and revoked {tokens} API tokens of {}.\n", a.email))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
