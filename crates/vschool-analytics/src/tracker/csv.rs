//! The tracker as CSV: the same rows as the workbook's status sheets, one file.

use vschool_domain::calendar::iso;
use vschool_domain::periods::ReportPeriod;

use super::Tracker;

/// Column headings, in order.
pub const HEADINGS: &[&str] = &[
    "UPN",
    "Forename",
    "Surname",
    "Year group",
    "Status",
    "Plan start or last plan ended",
    "Allocated worker",
    "Team",
    "Worker email",
    "On plan possible",
    "On plan attended",
    "On plan attendance %",
    "Year to date possible",
    "Year to date attended",
    "Year to date authorised",
    "Year to date unauthorised",
    "Year to date attendance %",
    "Previous term possible",
    "Previous term attendance %",
    "Previous year possible",
    "Previous year attendance %",
    "Change since last term (points)",
    "Persistent absence",
    "Severe absence",
    "Aspirational target %",
];

/// Writes the tracker as CSV text.
pub fn to_csv(tracker: &Tracker) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADINGS)?;
    let pct = |p: Option<vschool_domain::Percent>| p.map(|p| p.to_string()).unwrap_or_default();
    for r in &tracker.rows {
        let f = &r.figures;
        let mut rec: Vec<String> = vec![
            r.upn.to_string(),
            r.forename.clone(),
            r.surname.clone(),
            r.nc_year.map(|y| y.code()).unwrap_or_default(),
            r.status.code().to_owned(),
            r.plan_date.map(iso).unwrap_or_default(),
            r.worker
                .as_ref()
                .map(|w| w.name.clone())
                .unwrap_or_default(),
            r.worker
                .as_ref()
                .map(|w| w.team.clone())
                .unwrap_or_default(),
            r.worker
                .as_ref()
                .map(|w| w.email.clone())
                .unwrap_or_default(),
        ];
        let on = f.get(ReportPeriod::OnPlan);
        rec.extend([
            on.possible().to_string(),
            on.attended.to_string(),
            pct(on.attendance_pct()),
        ]);
        let y = &f.year_to_date;
        rec.extend([
            y.possible().to_string(),
            y.attended.to_string(),
            y.authorised.to_string(),
            y.unauthorised.to_string(),
            pct(y.attendance_pct()),
        ]);
        for p in [&f.previous_term, &f.previous_year] {
            rec.extend([p.possible().to_string(), pct(p.attendance_pct())]);
        }
        rec.push(
            r.change_since_last_term()
                .map(format_points)
                .unwrap_or_default(),
        );
        rec.push(yes_no(r.persistent_absence()).into());
        rec.push(yes_no(r.severe_absence()).into());
        rec.push(pct(r.target));
        w.write_record(&rec)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub(crate) fn yes_no(b: bool) -> &'static str {
    if b {
        "Yes"
    } else {
        "No"
    }
}

/// Tenths of a point as "+1.5" / "-0.3" / "0.0".
pub fn format_points(tenths: i64) -> String {
    let sign = if tenths > 0 {
        "+"
    } else if tenths < 0 {
        "-"
    } else {
        ""
    };
    let a = tenths.abs();
    format!("{sign}{}.{}", a / 10, a % 10)
}
