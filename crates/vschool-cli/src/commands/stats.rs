//! `vschool stats --at DATE --by status|school|year-group|phase|sen|ethnicity
//! [--base enrolment|pupil] [--period ...] [--format json|csv] [--suppress]`: the cohort
//! figures of the LA overview, for an analyst.

use std::process::ExitCode;

use clap::ValueEnum;

use vschool_analytics::published;
use vschool_analytics::stats::{Base, Breakdown};
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
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let snapshot = load_snapshot(&store).await?;
        // One definition of the document, shared with `GET /api/v1/stats`.
        let report = published::report(&snapshot, at, period, by, base, args.suppress);
        match args.format {
            Format::Json => print_out(&format!("{}\n", serde_json::to_string(&report)?))?,
            Format::Csv => print_out(&published::to_csv(&report.rows)?)?,
        }
        Ok(ExitCode::SUCCESS)
    })
}
