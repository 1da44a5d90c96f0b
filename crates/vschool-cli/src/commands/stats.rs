//! `vschool stats --at DATE --by status|school|year-group|phase|sen|ethnicity
//! [--base enrolment|pupil] [--period ...] [--format json|csv] [--suppress]`: the cohort
//! figures of the LA overview, for an analyst.

use std::process::ExitCode;

use clap::ValueEnum;
use serde::Serialize;

use vschool_analytics::published::{self, PublishedRow};
use vschool_analytics::stats::{stats, Base, Breakdown};
use vschool_analytics::suppression::Suppressor;
use vschool_domain::calendar::iso;
use vschool_domain::periods::ReportPeriod;

use crate::context::{date_or_today, load_snapshot, open_store, print_out, runtime};
use crate::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The report date (YYYY-MM-DD); defaults to today.
    #[arg(long)]
    pub at: Option<String>,
    /// What the rows are broken down by (each with a row per status group).
    #[arg(long, value_enum, default_value_t = By::Status)]
    pub by: By,
    /// `enrolment`: each pupil at each school with that school's marks (national all-pupil
    /// statistics); `pupil`: each pupil once, all schools' marks (the DfE's CIN outcomes).
    #[arg(long, value_enum, default_value_t = BaseArg::Pupil)]
    pub base: BaseArg,
    /// The period the attendance figures cover.
    #[arg(long, value_enum, default_value_t = PeriodArg::YearToDate)]
    pub period: PeriodArg,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Apply the DfE's suppression (counts of 1 to 5 children shown as c), for anything
    /// shared outside the Virtual School.
    #[arg(long)]
    pub suppress: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum By {
    Status,
    School,
    YearGroup,
    Phase,
    Sen,
    Ethnicity,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BaseArg {
    Enrolment,
    Pupil,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PeriodArg {
    OnPlan,
    YearToDate,
    PreviousTerm,
    PreviousYear,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Serialize)]
struct Output<'a> {
    at: String,
    period: &'static str,
    base: Base,
    by: Breakdown,
    suppressed: bool,
    rows: &'a [PublishedRow],
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let at = date_or_today("--at", args.at.as_deref())?;
    let by = match args.by {
        By::Status => Breakdown::Status,
        By::School => Breakdown::School,
        By::YearGroup => Breakdown::YearGroup,
        By::Phase => Breakdown::Phase,
        By::Sen => Breakdown::Sen,
        By::Ethnicity => Breakdown::Ethnicity,
    };
    let base = match args.base {
        BaseArg::Enrolment => Base::Enrolment,
        BaseArg::Pupil => Base::Pupil,
    };
    let period = match args.period {
        PeriodArg::OnPlan => ReportPeriod::OnPlan,
        PeriodArg::YearToDate => ReportPeriod::YearToDate,
        PeriodArg::PreviousTerm => ReportPeriod::PreviousTerm,
        PeriodArg::PreviousYear => ReportPeriod::PreviousYear,
    };
    let suppressor = if args.suppress {
        Suppressor::ON
    } else {
        Suppressor::OFF
    };
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let snapshot = load_snapshot(&store).await?;
        let rows: Vec<PublishedRow> = stats(&snapshot, at, period, by, base)
            .iter()
            .map(|r| published::publish(r, suppressor))
            .collect();
        match args.format {
            Format::Json => {
                let out = Output {
                    at: iso(at),
                    period: period.key(),
                    base,
                    by,
                    suppressed: args.suppress,
                    rows: &rows,
                };
                print_out(&format!("{}\n", serde_json::to_string(&out)?))?;
            }
            Format::Csv => print_out(&published::to_csv(&rows)?)?,
        }
        Ok(ExitCode::SUCCESS)
    })
}
