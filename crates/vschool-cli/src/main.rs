//! `vschool`: the Virtual School's one command.
//!
//! Each subcommand lives in `commands/<name>.rs`; this file only parses the command line
//! and dispatches. The database is chosen by the global `--db` flag, then `VSCHOOL_DB`, then
//! `sqlite://vschool.db`.

use clap::{Parser, Subcommand};

mod commands;
mod context;

/// The Virtual School system: cohorts, attendance, school packs and reports for children with
/// a social worker, children in care and previously looked-after children.
#[derive(Debug, Parser)]
#[command(name = "vschool", version, propagate_version = true)]
pub struct Cli {
    /// Database to use: `sqlite://vschool.db` (a file, created if missing),
    /// `sqlite:///absolute/path.db` or `postgres://user@host:5432/name`.
    #[arg(
        long,
        global = true,
        env = "VSCHOOL_DB",
        default_value = "sqlite://vschool.db"
    )]
    pub db: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a realistic fictional local authority into the database and serve it at
    /// http://127.0.0.1:8080 — the first thing to run.
    Demo(commands::demo::Args),
    /// Serve the web app over the database.
    Serve(commands::serve::Args),
    /// Count the cohort on a date: children looked after (CLA), on a child protection plan
    /// (CP), on a child in need plan (CIN), and Ever6 (any of those in the last six years).
    Cohort(commands::cohort::Args),
    /// A school's attendance tracker: every pupil on roll who is looked after, on a CP or CIN
    /// plan, or previously had a social worker, with attendance on plan, this year, last term
    /// and last year (JSON, CSV or XLSX).
    Tracker(commands::tracker::Args),
    /// Cohort statistics for an analyst: attendance, persistent and severe absence, part-time
    /// timetables and exclusions by status, school, year group, phase, SEN or ethnicity.
    Stats(commands::stats::Args),
    /// Import the LA's files: gias, cin-census, ssda903, allocations, roll, attendance,
    /// exclusions, attainment or contacts. Every row is checked; one error anywhere and
    /// nothing is loaded. Importing the same file again changes nothing.
    Import(commands::import::Args),
    /// The import history: who imported which file when, its SHA-256, rows read and
    /// changed, and the outcome.
    Imports(commands::imports::Args),
    /// The LA's half-term dates: show them, set them, or go back to the default dates.
    #[command(subcommand)]
    Calendar(commands::calendar::Command),
    /// Build the half-termly school packs and email their subscribers that they are ready
    /// (`notify packs --half-term 2024/25-3 [--dry-run] [--school URN] [--resend]`).
    #[command(subcommand)]
    Notify(commands::notify::Command),
    /// Benchmarks anyone can re-run (docs/performance.md): `bench trackers` times every
    /// school's tracker for the LA in the database, stage by stage.
    #[command(subcommand)]
    Bench(commands::bench::Command),
    /// Manage accounts: add a user with a role (and schools or caseload), print a new
    /// set-password link, or revoke a user's sessions and tokens.
    #[command(subcommand)]
    User(commands::user::Command),
    /// API tokens for scripts.
    #[command(subcommand)]
    Token(commands::token::Command),
    /// The audit trail of every view, export and change of child-level data and every sign-in.
    Audit(commands::audit::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Demo(args) => commands::demo::run(&cli, args),
        Command::Serve(args) => commands::serve::run(&cli, args),
        Command::Cohort(args) => commands::cohort::run(&cli, args),
        Command::Tracker(args) => commands::tracker::run(&cli, args),
        Command::Stats(args) => commands::stats::run(&cli, args),
        Command::Import(args) => commands::import::run(&cli, args),
        Command::Imports(args) => commands::imports::run(&cli, args),
        Command::Calendar(c) => commands::calendar::run(&cli, c),
        Command::Notify(c) => commands::notify::run(&cli, c),
        Command::Bench(c) => commands::bench::run(&cli, c),
        Command::User(c) => commands::user::run(&cli, c),
        Command::Token(c) => commands::token::run(&cli, c),
        Command::Audit(args) => commands::audit::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("vschool: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
