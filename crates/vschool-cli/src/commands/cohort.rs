//! `vschool cohort --at DATE [--format table|json]`

use std::process::ExitCode;

use clap::ValueEnum;
use serde::Serialize;
use time::Date;
use vschool_domain::{CohortCounts, CohortStatus};

use crate::context::{date_or_today, open_store, print_out, runtime};
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

/// The JSON contract (issue 2, and `GET /api/v1/cohort`): exactly these keys in this order.
#[derive(Debug, Serialize)]
struct CohortJson {
    at: String,
    #[serde(rename = "CLA")]
    cla: u32,
    #[serde(rename = "CP")]
    cp: u32,
    #[serde(rename = "CIN")]
    cin: u32,
    ever6: u32,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<ExitCode> {
    let at = date_or_today("--at", args.at.as_deref())?;
    let counts = runtime()?.block_on(async {
        let store = open_store(cli).await?;
        let counts = store.cohort_counts(at).await;
        store.close().await;
        anyhow::Ok(counts?)
    })?;
    match args.format {
        Format::Json => print_out(&format!("{}\n", json(at, &counts)?))?,
        Format::Table => print_out(&table(at, &counts))?,
    }
    Ok(ExitCode::SUCCESS)
}

fn json(at: Date, c: &CohortCounts) -> anyhow::Result<String> {
    Ok(serde_json::to_string(&CohortJson {
        at: vschool_domain::calendar::iso(at),
        cla: c.cla,
        cp: c.cp,
        cin: c.cin,
        ever6: c.ever6,
    })?)
}

/// A small aligned table for a person, with what the figures mean.
fn table(at: Date, c: &CohortCounts) -> String {
    let rows = [
        (format!("{} (CLA)", CohortStatus::Cla.label()), c.cla),
        (format!("{} (CP)", CohortStatus::Cp.label()), c.cp),
        (format!("{} (CIN)", CohortStatus::Cin.label()), c.cin),
        (
            "Had a social worker in the last 6 years (Ever6)".to_owned(),
            c.ever6,
        ),
    ];
    let label_width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let number_width = rows
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1)
        .max("Children".len());
    let mut out = format!(
        "Cohort on {} ({})\n\n",
        vschool_domain::calendar::long(at),
        vschool_domain::calendar::iso(at)
    );
    out.push_str(&format!(
        "{:<label_width$}  {:>number_width$}\n",
        "Status", "Children"
    ));
    for (label, n) in &rows {
        out.push_str(&format!("{label:<label_width$}  {n:>number_width$}\n"));
    }
    out.push_str(
        "\nEach child is counted once, in the first status that applies (CLA, then CP, then CIN).\n\
         Ever6 includes the children counted above. Only children born and under 18 on the date count.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const COUNTS: CohortCounts = CohortCounts {
        cla: 2,
        cp: 12,
        cin: 3,
        ever6: 1234,
    };

    #[test]
    fn json_has_the_contract_keys_in_order() {
        assert_eq!(
            json(date!(2025 - 03 - 14), &COUNTS).expect("serialises"),
            r#"{"at":"2025-03-14","CLA":2,"CP":12,"CIN":3,"ever6":1234}"#
        );
    }

    #[test]
    fn table_aligns_the_numbers() {
        let t = table(date!(2025 - 03 - 14), &COUNTS);
        assert!(
            t.starts_with("Cohort on 14 March 2025 (2025-03-14)\n"),
            "{t}"
        );
        let lines: Vec<&str> = t.lines().skip(2).take(5).collect();
        assert!(
            lines[0].starts_with("Status") && lines[0].ends_with("Children"),
            "{t}"
        );
        let width = lines[0].len();
        assert!(lines.iter().all(|l| l.len() == width), "{t}");
        assert!(lines[1].starts_with("Looked after (CLA)") && lines[1].ends_with(" 2"));
        assert!(lines[4].ends_with(" 1234"));
    }
}
