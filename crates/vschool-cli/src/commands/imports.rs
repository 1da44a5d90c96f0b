//! `vschool imports [--format table|json]`: the import history, oldest first — who imported
//! which file when, its SHA-256, rows read and changed, and what came of it.

use std::process::ExitCode;

use clap::ValueEnum;
use vschool_store::import_apply::thousands;
use vschool_store::{ImportRecord, Stored};

use crate::context::{open_store, print_out, runtime};
use crate::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// `table` for a person, `json` for a script (every field, full SHA-256).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let history = runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let history = store.imports().await;
        store.close().await;
        anyhow::Ok(history?)
    })?;
    match args.format {
        Format::Json => print_out(&format!("{}\n", serde_json::to_string_pretty(&history)?))?,
        Format::Table => print_out(&table(&history))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn table(history: &[Stored<ImportRecord>]) -> String {
    if history.is_empty() {
        return "No imports yet. Load files with `vschool import KIND FILE...`.\n".into();
    }
    let header = [
        "When (UTC)",
        "Who",
        "Kind",
        "File",
        "SHA-256",
        "Rows read",
        "Rows changed",
        "Outcome",
        "Extract",
    ];
    let rows: Vec<[String; 9]> = history
        .iter()
        .map(|s| {
            let r = &s.item;
            let at = r.at;
            [
                format!(
                    "{} {:02}:{:02}",
                    vschool_domain::calendar::iso(at.date()),
                    at.hour(),
                    at.minute()
                ),
                r.actor.clone(),
                r.kind.clone(),
                r.file_name.clone(),
                // The first 12 hex digits tell files apart; --format json has all 64.
                r.sha256.chars().take(12).collect(),
                thousands(r.rows_read),
                thousands(r.rows_changed),
                r.outcome.code().to_owned(),
                r.extract_date
                    .map(vschool_domain::calendar::iso)
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let numeric = i == 5 || i == 6;
            if i > 0 {
                out.push_str("  ");
            }
            let pad = w.saturating_sub(cell.chars().count());
            if numeric {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    let mut out = line(&header.map(str::to_owned));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}
