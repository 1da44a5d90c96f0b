//! `vschool tracker --school URN --at DATE [--format xlsx|csv|json] [--out FILE]` and
//! `vschool tracker --all --at DATE --out DIR`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::ValueEnum;

pub(crate) use vschool_analytics::tracker::summary::Comparisons;
use vschool_analytics::tracker::{self, NoTargets, Tracker};
use vschool_domain::Urn;
use vschool_store::{AuditAction, AuditObject};

use crate::context::{audit_event, date_or_today, load_snapshot, open_store, print_out, runtime};
use crate::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The school's URN (six digits). Use --all for every school instead.
    #[arg(long, conflicts_with = "all", required_unless_present = "all")]
    pub school: Option<String>,
    /// Write a tracker for every school with at least one tracker pupil into --out DIR,
    /// as <URN>.<ext>.
    #[arg(long)]
    pub all: bool,
    /// The report date (YYYY-MM-DD); defaults to today.
    #[arg(long)]
    pub at: Option<String>,
    /// Output format; inferred from --out's extension when not given, else json.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// File to write (a directory with --all). Without it, JSON or CSV goes to standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Xlsx,
    Csv,
    Json,
}

impl Format {
    fn ext(&self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    fn from_path(p: &Path) -> Option<Self> {
        match p.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let at = date_or_today("--at", args.at.as_deref())?;
    runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let snapshot = load_snapshot(&store).await?;
        let la_name = store.meta_get("la_name").await?.unwrap_or_else(|| "Local authority".into());
        let mut events = Vec::new();
        if args.all {
            let Some(dir) = &args.out else { bail!("--all writes one file per school: give --out DIR") };
            let format = args.format.unwrap_or(Format::Xlsx);
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let trackers = tracker::build_all(&snapshot, at, &NoTargets);
            let comparisons = Comparisons::new(&snapshot, at, la_name);
            // Each school's file is independent: share them among the cores.
            let written = tracker::par_map(&trackers, |t| {
                let path = dir.join(format!("{}.{}", t.urn, format.ext()));
                write(t, format, &path, &comparisons).map(|()| path)
            });
            for (t, path) in trackers.iter().zip(written) {
                events.extend(export_events(t, &path?));
            }
            eprintln!("Wrote {} trackers to {}", trackers.len(), dir.display());
        } else {
            let raw = args.school.as_deref().unwrap_or_default();
            let urn = Urn::parse(raw).with_context(|| format!("--school {raw:?} is not a URN (six digits)"))?;
            let Some(t) = tracker::build(&snapshot, urn, at, &NoTargets) else {
                bail!("no school with URN {urn} is in the register of establishments: import GIAS first")
            };
            let format = args
                .format
                .or_else(|| args.out.as_deref().and_then(Format::from_path))
                .unwrap_or(Format::Json);
            match &args.out {
                Some(path) => {
                    let comparisons = Comparisons::new(&snapshot, at, la_name);
                    write(&t, format, path, &comparisons)?;
                    events.extend(export_events(&t, path));
                }
                None => {
                    let text = match format {
                        Format::Json => tracker::json::to_json(&t)?,
                        Format::Csv => tracker::csv::to_csv(&t)?,
                        Format::Xlsx => bail!("an XLSX tracker needs --out FILE.xlsx"),
                    };
                    print_out(&format!("{}\n", text.trim_end()))?;
                    events.extend(export_events(&t, Path::new("standard output")));
                }
            }
        }
        store.record_audit_many(&events).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// One audit event per child shown (DESIGN §8).
fn export_events(t: &Tracker, to: &Path) -> Vec<vschool_store::AuditEvent> {
    t.rows
        .iter()
        .map(|r| {
            let mut e = audit_event(
                AuditAction::Export,
                AuditObject::Child,
                format!(
                    "tracker at {} to {}",
                    vschool_domain::calendar::iso(t.at),
                    to.display()
                ),
            );
            e.upn = Some(r.upn);
            e.urn = Some(t.urn);
            e
        })
        .collect()
}

fn write(t: &Tracker, format: Format, path: &Path, c: &Comparisons) -> anyhow::Result<()> {
    let bytes = match format {
        Format::Json => tracker::json::to_json(t)?.into_bytes(),
        Format::Csv => tracker::csv::to_csv(t)?.into_bytes(),
        Format::Xlsx => xlsx_bytes(t, c)?,
    };
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// A school's workbook, with the LA's and the national figures on its summary sheet. The
/// benchmark (`vschool bench trackers`) calls this too, so it times what this command does.
pub(crate) fn xlsx_bytes(t: &Tracker, c: &Comparisons) -> anyhow::Result<Vec<u8>> {
    Ok(c.workbook(t)?)
}
