//! `vschool import KIND PATH... [--check] [--collection-year YYYY] [--extract-date DATE]
//! [--problems-csv FILE]`: validates the files and loads them in one transaction, all or
//! nothing (the rules are in `vschool_store::import_apply`).

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use vschool_domain::{Clock, SystemClock};
use vschool_store::import_apply::thousands;
use vschool_store::{
    Actor, FileResult, ImportFile, ImportKind, ImportOutcome, ImportProgress, ImportRequest,
    ImportResult, Problem,
};

use crate::context::{cli_actor, open_store, parse_date, print_out, runtime};
use crate::Cli;

/// Problems shown per file on the terminal; `--problems-csv` writes every one.
const SHOWN: usize = 1_000;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the files are.
    #[arg(value_enum)]
    pub kind: KindArg,
    /// The files. For ssda903, the header and episodes CSVs and any other 903 tables, in any
    /// order (tables are recognised by their columns).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Validate (and say what would change) without loading anything.
    #[arg(long)]
    pub check: bool,
    /// The collection year (the year of the 31 March that ends it) of a CIN census file
    /// without ReferenceDate or Year, or of a set of 903 files; with --check, also the year
    /// whose DfE validation rules are applied.
    #[arg(long, value_name = "YYYY")]
    pub collection_year: Option<i32>,
    /// The date the data is current to (YYYY-MM-DD), for files that do not carry one
    /// (everything but cin-census and ssda903); defaults to today.
    #[arg(long, value_name = "DATE")]
    pub extract_date: Option<String>,
    /// Write every problem of every file to this CSV (the terminal lists up to 1,000 a file).
    #[arg(long, value_name = "FILE")]
    pub problems_csv: Option<PathBuf>,
}

/// The kinds of file, as the command line names them.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// The DfE register of establishments (GIAS) CSV export.
    Gias,
    /// The DfE CIN census XML, one file per collection year.
    CinCensus,
    /// The SSDA903 CSVs (children looked after).
    Ssda903,
    /// LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate
    Allocations,
    /// UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolStatus
    Roll,
    /// UPN,URN,Date,Session,Code
    Attendance,
    /// UPN,URN,Category,StartDate,Sessions,Reason
    Exclusions,
    /// UPN,AcademicYear,Measure,Value
    Attainment,
    /// URN,Role,Name,Email
    Contacts,
}

impl KindArg {
    pub fn kind(self) -> ImportKind {
        match self {
            KindArg::Gias => ImportKind::Gias,
            KindArg::CinCensus => ImportKind::CinCensus,
            KindArg::Ssda903 => ImportKind::Ssda903,
            KindArg::Allocations => ImportKind::Allocations,
            KindArg::Roll => ImportKind::Roll,
            KindArg::Attendance => ImportKind::Attendance,
            KindArg::Exclusions => ImportKind::Exclusions,
            KindArg::Attainment => ImportKind::Attainment,
            KindArg::Contacts => ImportKind::Contacts,
        }
    }
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let kind = args.kind.kind();
    let today = SystemClock.today();
    let extract_date = args
        .extract_date
        .as_deref()
        .map(|d| parse_date("--extract-date", d))
        .transpose()?;
    if extract_date.is_some() && kind.has_own_extract_date() {
        eprintln!(
            "note: --extract-date is not used for {}: the files carry their own extract date",
            kind.code()
        );
    }
    let mut request = ImportRequest::new(
        kind,
        args.paths.iter().map(ImportFile::path).collect(),
        Actor {
            actor: cli_actor(),
            role: "cli".into(),
            from: "cli".into(),
        },
        today,
    );
    request.check_only = args.check;
    request.collection_year = args.collection_year;
    request.extract_date = extract_date;
    if args.problems_csv.is_some() {
        request.problem_cap = usize::MAX;
    }
    let progress = Arc::new(Bar::new());
    let result = runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let result = store.import(request, progress.clone()).await;
        store.close().await;
        anyhow::Ok(result?)
    })?;
    if let Some(path) = &args.problems_csv {
        write_problems_csv(path, &result)?;
    }
    print_out(&render(&result, args.problems_csv.as_deref()))?;
    Ok(if result.outcome == ImportOutcome::Rejected {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Per file: what was read and changed, then its problems; then the summary line.
fn render(result: &ImportResult, csv: Option<&Path>) -> String {
    let mut out = String::new();
    for f in &result.files {
        out.push_str(&file_line(f));
        for p in f.report.problems().take(SHOWN) {
            out.push_str(&format!("  {}: {p}\n", p.severity.label()));
        }
        let listed = f.report.problems().count().min(SHOWN);
        let more = f.report.error_count + f.report.warning_count - listed;
        if more > 0 {
            let hint = match csv {
                Some(path) => format!("every problem is in {}", path.display()),
                None => "add --problems-csv FILE to get every one".to_owned(),
            };
            out.push_str(&format!(
                "  … and {} more problems in {} ({hint})\n",
                thousands(more as u64),
                f.name
            ));
        }
    }
    out.push_str(&result.summary());
    out.push('\n');
    out
}

fn file_line(f: &FileResult) -> String {
    let changed = match f.outcome {
        ImportOutcome::Rejected => "nothing loaded".to_owned(),
        ImportOutcome::Checked => format!("{} would change", thousands(f.rows_changed)),
        ImportOutcome::Unchanged => "unchanged".to_owned(),
        ImportOutcome::Loaded => format!("{} changed", thousands(f.rows_changed)),
    };
    let before = f
        .imported_before
        .map(|t| {
            format!(
                " (the same file was imported on {})",
                vschool_domain::calendar::iso(t.date())
            )
        })
        .unwrap_or_default();
    format!(
        "{}: {} read, {changed}, {}, {}{before}\n",
        f.name,
        count(f.rows_read, "row"),
        count(f.report.error_count as u64, "error"),
        count(f.report.warning_count as u64, "warning"),
    )
}

/// `1 row`, `1,234 rows`.
fn count(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{} {what}s", thousands(n))
    }
}

fn write_problems_csv(path: &Path, result: &ImportResult) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path)
        .with_context(|| format!("cannot create the problems file {}", path.display()))?;
    w.write_record(Problem::CSV_HEADER)?;
    for f in &result.files {
        for p in f.report.problems() {
            w.write_record(p.csv_row())?;
        }
    }
    w.flush()
        .with_context(|| format!("cannot write the problems file {}", path.display()))?;
    Ok(())
}

/// The progress bar on standard error: bytes of each file as it is read, then a spinner for
/// each later step. Hidden when standard error is not a terminal (scripts, CI, tests).
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new() -> Self {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Bar {
            bar: ProgressBar::with_draw_target(None, target),
        }
    }
}

impl ImportProgress for Bar {
    fn start_file(&self, name: &str, bytes: u64) {
        // Under 80 columns, so the bar never wraps and redraws on two lines.
        if let Ok(style) = ProgressStyle::with_template(
            "reading {msg:26!} [{bar:16}] {bytes:>10}/{total_bytes} {eta:>3}",
        ) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.disable_steady_tick();
        self.bar.set_message(name.to_owned());
        self.bar.set_length(bytes);
        self.bar.set_position(0);
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn stage(&self, what: &str) {
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            self.bar.set_style(style);
        }
        self.bar.set_message(what.to_owned());
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
