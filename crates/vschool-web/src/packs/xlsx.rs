//! The tracker workbook as a school downloads it (from the tracker page or a pack): the
//! tracker's sheets, with the school's, the LA's and the national figures on the summary
//! sheet, as `vschool tracker --out FILE.xlsx` writes it.

use vschool_analytics::tracker::Tracker;

use crate::error::AppError;
use crate::state::AppState;

/// The workbook's bytes. The summary figures are for the tracker's date, computed once per
/// date and data snapshot (`analysis::comparisons`), not once per download.
pub async fn workbook(state: &AppState, tracker: &Tracker) -> Result<Vec<u8>, AppError> {
    let comparisons = crate::analysis::comparisons(state, tracker.at).await?;
    comparisons.workbook(tracker).map_err(AppError::internal)
}
