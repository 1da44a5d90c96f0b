//! `vschool calendar show [--year 2024/25]`, `vschool calendar set --year 2024/25
//! --half-term 3 --from DATE --to DATE` (or `--file FILE`) and `vschool calendar reset
//! --year 2024/25`: the LA's half-term dates. A half term the LA has not set uses the
//! shipped default, and pages and packs say "default dates" (DESIGN §8 "Packs").

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use time::OffsetDateTime;

use vschool_domain::calendar::AcademicYear;
use vschool_domain::{Clock, SystemClock};
use vschool_web::format::long_date;
use vschool_web::packs::calendar::{self, season, ResolvedHalfTerm};

use crate::context::{cli_actor, open_store, parse_date, print_out, runtime};
use crate::Cli;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print a year's six half terms and whether each is the LA's or the default.
    Show(ShowArgs),
    /// Set one half term's dates (--half-term, --from, --to) or several from a CSV file
    /// with the header `HalfTerm,From,To`.
    Set(SetArgs),
    /// Forget the LA's dates for a year: the default applies again.
    Reset(YearArgs),
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The academic year, e.g. 2024/25; defaults to the current one.
    #[arg(long)]
    pub year: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct YearArgs {
    #[arg(long)]
    pub year: String,
}

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The academic year, e.g. 2024/25.
    #[arg(long)]
    pub year: String,
    /// The half term, 1 to 6 (autumn 1 … summer 2).
    #[arg(long, requires_all = ["from", "to"], conflicts_with = "file")]
    pub half_term: Option<u8>,
    /// Its first day of term (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Its last day of term (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<String>,
    /// A CSV file: `HalfTerm,From,To` then one line per half term.
    #[arg(long, required_unless_present = "half_term")]
    pub file: Option<PathBuf>,
}

fn year_arg(raw: &str) -> anyhow::Result<AcademicYear> {
    AcademicYear::parse(raw)
        .with_context(|| format!("--year {raw:?} is not an academic year like 2024/25"))
}

fn table(year: AcademicYear, halves: &[ResolvedHalfTerm]) -> String {
    let mut out = format!("Half terms {year}\n");
    for h in halves {
        out.push_str(&format!(
            "{:<10} {:<9} {:>17} to {:<17} {}\n",
            h.name(),
            season(h.half.number),
            long_date(h.half.start),
            long_date(h.half.end),
            h.source_label()
        ));
    }
    out
}

pub fn run(cli: &Cli, command: &Command) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        match command {
            Command::Show(a) => {
                let year = match &a.year {
                    Some(y) => year_arg(y)?,
                    None => AcademicYear::containing(SystemClock.today()),
                };
                print_out(&table(year, &calendar::year(&store, year).await?))?;
            }
            Command::Set(a) => {
                let year = year_arg(&a.year)?;
                let changes = match (&a.file, a.half_term, &a.from, &a.to) {
                    (Some(path), _, _, _) => {
                        let text = std::fs::read_to_string(path)
                            .with_context(|| format!("cannot read {}", path.display()))?;
                        calendar::parse_file(&text).with_context(|| path.display().to_string())?
                    }
                    (None, Some(n), Some(from), Some(to)) => {
                        vec![(n, parse_date("--from", from)?, parse_date("--to", to)?)]
                    }
                    _ => bail!("give --half-term, --from and --to, or --file"),
                };
                let halves = calendar::set(
                    &store,
                    year,
                    &changes,
                    &cli_actor(),
                    OffsetDateTime::now_utc(),
                )
                .await?;
                eprintln!("Set {} half-term dates for {year}.", changes.len());
                print_out(&table(year, &halves))?;
            }
            Command::Reset(a) => {
                let year = year_arg(&a.year)?;
                let n = store.clear_half_term_dates(year).await?;
                eprintln!("Forgot {n} half-term dates for {year}: the default dates apply.");
                print_out(&table(year, &calendar::year(&store, year).await?))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
