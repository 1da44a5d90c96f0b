//! Statistics rows as they leave the system (JSON, CSV, pages): every figure named, rates
//! rounded half up, and the DfE's suppression applied when asked for.

use serde::Serialize;

use vschool_domain::Percent;

use time::Date;
use vschool_domain::periods::ReportPeriod;

use crate::snapshot::LaSnapshot;
use crate::stats::{stats, Base, Breakdown, StatsRow, StatusGroup};
use crate::suppression::{Published, Suppressor};

/// The statistics document: `vschool stats --format json` and `GET /api/v1/stats` print
/// exactly this, so both share one definition.
#[derive(Debug, Clone, Serialize)]
pub struct StatsReport {
    /// The report date, `YYYY-MM-DD`.
    pub at: String,
    /// `on_plan`, `year_to_date`, `previous_term` or `previous_year`.
    pub period: &'static str,
    pub base: Base,
    pub by: Breakdown,
    pub suppressed: bool,
    pub rows: Vec<PublishedRow>,
}

/// Computes the statistics document for a date, period, breakdown and base.
pub fn report(
    snapshot: &LaSnapshot,
    at: Date,
    period: ReportPeriod,
    by: Breakdown,
    base: Base,
    suppress: bool,
) -> StatsReport {
    let suppressor = if suppress {
        Suppressor::ON
    } else {
        Suppressor::OFF
    };
    StatsReport {
        at: vschool_domain::calendar::iso(at),
        period: period.key(),
        base,
        by,
        suppressed: suppress,
        rows: stats(snapshot, at, period, by, base)
            .iter()
            .map(|r| publish(r, suppressor))
            .collect(),
    }
}

/// A period from its key in the stats document (`year_to_date`, …).
pub fn period_from_key(key: &str) -> Option<ReportPeriod> {
    ReportPeriod::ALL
        .into_iter()
        .find(|p| p.key() == key.trim())
}

/// One row, as published. Field names are the stats contract (`vschool stats --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct PublishedRow {
    pub group: String,
    pub status: StatusGroup,
    /// Pupils or enrolments with at least one possible session.
    pub units: Published<u32>,
    pub possible: Published<u32>,
    pub attended: Published<u32>,
    pub authorised: Published<u32>,
    pub unauthorised: Published<u32>,
    pub attendance_pct: Published<Option<f64>>,
    pub absence_pct: Published<Option<f64>>,
    pub persistent_absence: Published<u32>,
    pub persistent_absence_pct: Published<Option<f64>>,
    pub severe_absence: Published<u32>,
    pub severe_absence_pct: Published<Option<f64>>,
    pub part_time_sessions: Published<u32>,
    pub on_part_time_timetable: Published<u32>,
    pub excluded_sessions: Published<u32>,
    pub suspensions: Published<u32>,
    pub suspended: Published<u32>,
    pub permanent_exclusions: Published<u32>,
    pub days_lost: Published<f64>,
}

fn pct(p: Published<Option<Percent>>) -> Published<Option<f64>> {
    match p {
        Published::Shown(v) => Published::Shown(v.map(|p| p.as_f64())),
        Published::Suppressed(m) => Published::Suppressed(m),
    }
}

pub fn publish(row: &StatsRow, s: Suppressor) -> PublishedRow {
    let f = &row.figures;
    let n = f.units;
    PublishedRow {
        group: row.group.clone(),
        status: row.status,
        units: s.count(n, n),
        possible: s.figure(f.sessions.possible(), n),
        attended: s.figure(f.sessions.attended, n),
        authorised: s.figure(f.sessions.authorised, n),
        unauthorised: s.figure(f.sessions.unauthorised, n),
        attendance_pct: pct(s.rate(f.sessions.attendance_pct(), None, n)),
        absence_pct: pct(s.rate(f.sessions.absence_pct(), None, n)),
        persistent_absence: s.count(f.persistent_absentees, n),
        persistent_absence_pct: pct(s.rate(
            f.persistent_absence_pct(),
            Some(f.persistent_absentees),
            n,
        )),
        severe_absence: s.count(f.severe_absentees, n),
        severe_absence_pct: pct(s.rate(f.severe_absence_pct(), Some(f.severe_absentees), n)),
        part_time_sessions: s.figure(f.sessions.part_time, n),
        on_part_time_timetable: s.count(f.on_part_time_timetable, n),
        excluded_sessions: s.figure(f.sessions.excluded, n),
        suspensions: s.figure(f.suspensions, n),
        suspended: s.count(f.suspended, n),
        permanent_exclusions: s.count(f.permanent_exclusions, n),
        days_lost: s.figure(f64::from(f.days_lost_tenths) / 10.0, n),
    }
}

/// CSV column headings, in the order of [`PublishedRow`]'s fields.
pub const CSV_HEADINGS: &[&str] = &[
    "group",
    "status",
    "units",
    "possible",
    "attended",
    "authorised",
    "unauthorised",
    "attendance_pct",
    "absence_pct",
    "persistent_absence",
    "persistent_absence_pct",
    "severe_absence",
    "severe_absence_pct",
    "part_time_sessions",
    "on_part_time_timetable",
    "excluded_sessions",
    "suspensions",
    "suspended",
    "permanent_exclusions",
    "days_lost",
];

fn cell<T: std::fmt::Display>(p: &Published<T>) -> String {
    p.to_string()
}

fn cell_pct(p: &Published<Option<f64>>) -> String {
    match p {
        Published::Shown(Some(v)) => format!("{v:.1}"),
        Published::Shown(None) => String::new(),
        Published::Suppressed(_) => "c".into(),
    }
}

/// Writes published rows as CSV.
pub fn to_csv(rows: &[PublishedRow]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADINGS)?;
    for r in rows {
        w.write_record([
            r.group.clone(),
            r.status.code().to_owned(),
            cell(&r.units),
            cell(&r.possible),
            cell(&r.attended),
            cell(&r.authorised),
            cell(&r.unauthorised),
            cell_pct(&r.attendance_pct),
            cell_pct(&r.absence_pct),
            cell(&r.persistent_absence),
            cell_pct(&r.persistent_absence_pct),
            cell(&r.severe_absence),
            cell_pct(&r.severe_absence_pct),
            cell(&r.part_time_sessions),
            cell(&r.on_part_time_timetable),
            cell(&r.excluded_sessions),
            cell(&r.suspensions),
            cell(&r.suspended),
            cell(&r.permanent_exclusions),
            match &r.days_lost {
                Published::Shown(v) => format!("{v:.1}"),
                Published::Suppressed(_) => "c".into(),
            },
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::GroupFigures;
    use vschool_domain::SessionTally;

    fn row(units: u32, pa: u32) -> StatsRow {
        StatsRow {
            group: "100001".into(),
            status: StatusGroup::Cp,
            figures: GroupFigures {
                units,
                sessions: SessionTally {
                    attended: 900,
                    authorised: 60,
                    unauthorised: 40,
                    ..Default::default()
                },
                persistent_absentees: pa,
                ..Default::default()
            },
        }
    }

    #[test]
    fn suppressed_rows_say_c_everywhere_a_small_number_shows() {
        let big = publish(&row(40, 4), Suppressor::ON);
        assert_eq!(big.units.to_string(), "40");
        assert_eq!(big.persistent_absence.to_string(), "c");
        assert_eq!(cell_pct(&big.persistent_absence_pct), "c");
        assert_eq!(cell_pct(&big.attendance_pct), "90.0");
        let small = publish(&row(4, 0), Suppressor::ON);
        assert_eq!(small.units.to_string(), "c");
        assert_eq!(small.possible.to_string(), "c");
        assert_eq!(cell_pct(&small.attendance_pct), "c");
        let open = publish(&row(4, 1), Suppressor::OFF);
        assert_eq!(open.units.to_string(), "4");
        assert_eq!(cell_pct(&open.persistent_absence_pct), "25.0");
        let csv = to_csv(&[big, small]).expect("csv");
        assert_eq!(csv.lines().count(), 3);
        let json = serde_json::to_string(&publish(&row(3, 0), Suppressor::ON)).expect("json");
        assert!(json.contains(r#""units":"c""#), "{json}");
    }
}
