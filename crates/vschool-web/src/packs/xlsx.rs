//! The tracker workbook as a school downloads it (from the tracker page or a pack): the
//! tracker's sheets, with the school's, the LA's and the national figures on the summary
//! sheet, as `vschool tracker --out FILE.xlsx` writes it.

use vschool_analytics::stats::{stats, Base, Breakdown, GroupFigures, StatsRow, StatusGroup};
use vschool_analytics::tracker::{xlsx, Tracker, GROUPS};
use vschool_analytics::{comparators, LaSnapshot};
use vschool_domain::periods::ReportPeriod;
use vschool_domain::TrackerStatus;

fn by_status(rows: &[StatsRow], group: &str) -> Vec<(TrackerStatus, GroupFigures)> {
    GROUPS
        .iter()
        .map(|g| {
            let status = StatusGroup::of(*g);
            let f = rows
                .iter()
                .find(|r| r.group == group && r.status == status)
                .map(|r| r.figures)
                .unwrap_or_default();
            (*g, f)
        })
        .collect()
}

/// The workbook's bytes. The summary figures are for the tracker's date.
pub fn workbook(
    snapshot: &LaSnapshot,
    tracker: &Tracker,
    la_name: &str,
) -> Result<Vec<u8>, String> {
    let la = stats(
        snapshot,
        tracker.at,
        ReportPeriod::YearToDate,
        Breakdown::Status,
        Base::Enrolment,
    );
    let schools = stats(
        snapshot,
        tracker.at,
        ReportPeriod::YearToDate,
        Breakdown::School,
        Base::Enrolment,
    );
    let school = by_status(&schools, &tracker.urn.to_string());
    let la = by_status(&la, "");
    let national = comparators::shipped_national();
    let summary = xlsx::SummaryInput {
        school: &school,
        la: &la,
        la_name,
        national: &national,
    };
    xlsx::to_xlsx(tracker, &summary).map_err(|e| e.to_string())
}
