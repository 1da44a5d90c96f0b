//! `vschool cohort --at DATE [--format table|json]`

use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;

use crate::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The date to count on (YYYY-MM-DD); defaults to today.
    #[arg(long)]
    pub at: Option<String>,
    /// `table` for a person, `json` for a script.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn run(_cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let _at = args
        .at
        .as_deref()
        .map(|s| vschool_domain::calendar::parse_iso_date(s).context("--at must be a date like 2025-03-14"))
        .transpose()?;
    anyhow::bail!("the cohort command needs the storage layer, which is being built")
}
