//! The tracker workbook as a school downloads it (from the tracker page or a pack): the
//! tracker's sheets, with the school's, the LA's and the national figures on the summary
//! sheet, as `vschool tracker --out FILE.xlsx` writes it.

use vschool_analytics::tracker::summary::Comparisons;
use vschool_analytics::tracker::Tracker;
use vschool_analytics::LaSnapshot;

/// The workbook's bytes. The summary figures are for the tracker's date.
pub fn workbook(
    snapshot: &LaSnapshot,
    tracker: &Tracker,
    la_name: &str,
) -> Result<Vec<u8>, String> {
    Comparisons::new(snapshot, tracker.at, la_name)
        .workbook(tracker)
        .map_err(|e| e.to_string())
}
