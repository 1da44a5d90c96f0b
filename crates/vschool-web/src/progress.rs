//! Progress of background work (an import, a half term's emails) as pages show it: one
//! report, rendered on the page by `templates/components/progress.html` and served as JSON
//! beside it (`…/progress.json`), which the static script `progress.js` polls to move the
//! bar and update a polite live region without reloading. Without JavaScript the page
//! offers a "Refresh progress" link instead (a `<meta http-equiv="refresh">` would fail
//! WCAG 2.2.1, timing adjustable).
//!
//! The JSON:
//!
//! ```json
//! {"percent": 40, "finished": false, "status": "2 of 5 emails dealt with (40%)",
//!  "items": [{"key": "sent", "label": "Sent", "value": 2}]}
//! ```

use axum::response::Response;
use serde::Serialize;

use crate::error::AppError;

/// One count shown under the bar ("Sent: 3").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressItem {
    /// Stable name the script finds the count by.
    pub key: &'static str,
    pub label: &'static str,
    pub value: u64,
}

/// How far some background work has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressReport {
    /// 0 to 100.
    pub percent: u32,
    /// Nothing more will change: the script stops polling.
    pub finished: bool,
    /// The bar's label, in words ("Reading marks.csv: 45% done").
    pub status: String,
    pub items: Vec<ProgressItem>,
}

impl ProgressReport {
    /// `done` of `total` (nothing to do is finished, 100%).
    pub fn of(done: u64, total: u64) -> u32 {
        (done.min(total) * 100)
            .checked_div(total)
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or(100)
    }

    /// The report as the JSON the script reads.
    pub fn json(&self) -> Result<Response, AppError> {
        crate::routes::api::json(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_of_nothing_is_done() {
        assert_eq!(ProgressReport::of(0, 0), 100);
        assert_eq!(ProgressReport::of(1, 3), 33);
        assert_eq!(ProgressReport::of(5, 3), 100);
    }

    #[test]
    fn json_shape() {
        let r = ProgressReport {
            percent: 40,
            finished: false,
            status: "2 of 5".into(),
            items: vec![ProgressItem {
                key: "sent",
                label: "Sent",
                value: 2,
            }],
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap_or_default(),
            r#"{"percent":40,"finished":false,"status":"2 of 5","items":[{"key":"sent","label":"Sent","value":2}]}"#
        );
    }
}
