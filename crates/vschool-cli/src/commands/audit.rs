//! `vschool audit [--since DATE] [--format json|table]`: the audit trail, oldest first.

use std::process::ExitCode;

use clap::ValueEnum;

use crate::context::{open_store, parse_date, print_out, runtime};
use crate::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only events on or after this date (YYYY-MM-DD, UTC).
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let since = args
        .since
        .as_deref()
        .map(|s| parse_date("--since", s))
        .transpose()?
        .map(|d| d.midnight().assume_utc());
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let events = store.audit_events(since).await?;
        match args.format {
            Format::Json => {
                // The contract is an array of the events themselves (no ids), oldest first.
                let items: Vec<_> = events.iter().map(|e| &e.item).collect();
                print_out(&format!("{}\n", serde_json::to_string(&items)?))?;
            }
            Format::Table => {
                let mut out = String::new();
                for e in &events {
                    let e = &e.item;
                    let subject = e
                        .upn
                        .map(|u| u.to_string())
                        .or_else(|| e.la_child_id.as_ref().map(|c| c.to_string()))
                        .or_else(|| e.urn.map(|u| format!("school {u}")))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "{}  {:<28} {:<14} {:<7} {:<15} {}  {}\n",
                        e.at.format(&time::format_description::well_known::Rfc3339)
                            .unwrap_or_default(),
                        e.actor,
                        e.action.code(),
                        e.object.code(),
                        subject,
                        e.from,
                        e.detail
                    ));
                }
                print_out(&out)?;
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
