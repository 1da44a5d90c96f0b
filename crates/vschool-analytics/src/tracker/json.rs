//! The tracker's JSON: a public contract that LA staff script against (the tracker issue and
//! DESIGN §8 "The tracker"). Keep every field, its name and its type exactly.
//!
//! ```json
//! {"school":{"urn":123456,"name":"…"},"at":"2025-03-14","pupils":[{"upn":"…","status":"CP",
//!  "worker":"…","on_plan":F,"year_to_date":F,"previous_term":F,"previous_year":F,
//!  "persistent_absence":true,"severe_absence":false}]}
//! ```
//! where F is `{"possible":n,"attended":n,"authorised":n,"unauthorised":n,"attendance_pct":x}`
//! and `attendance_pct` is a number rounded half up to one decimal, or null when `possible` is 0.

use serde::Serialize;

use vschool_domain::calendar::iso;
use vschool_domain::SessionTally;

use super::Tracker;

#[derive(Debug, Serialize)]
pub struct TrackerJson {
    pub school: SchoolJson,
    pub at: String,
    pub pupils: Vec<PupilJson>,
}

#[derive(Debug, Serialize)]
pub struct SchoolJson {
    pub urn: u32,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct PupilJson {
    pub upn: String,
    pub status: &'static str,
    pub worker: Option<String>,
    pub on_plan: FiguresJson,
    pub year_to_date: FiguresJson,
    pub previous_term: FiguresJson,
    pub previous_year: FiguresJson,
    pub persistent_absence: bool,
    pub severe_absence: bool,
}

#[derive(Debug, Serialize)]
pub struct FiguresJson {
    pub possible: u32,
    pub attended: u32,
    pub authorised: u32,
    pub unauthorised: u32,
    pub attendance_pct: Option<f64>,
}

impl From<&SessionTally> for FiguresJson {
    fn from(t: &SessionTally) -> Self {
        FiguresJson {
            possible: t.possible(),
            attended: t.attended,
            authorised: t.authorised,
            unauthorised: t.unauthorised,
            attendance_pct: t.attendance_pct().map(|p| p.as_f64()),
        }
    }
}

impl From<&Tracker> for TrackerJson {
    fn from(t: &Tracker) -> Self {
        TrackerJson {
            school: SchoolJson {
                urn: t.urn.get(),
                name: t.school_name.clone(),
            },
            at: iso(t.at),
            pupils: t
                .rows
                .iter()
                .map(|r| PupilJson {
                    upn: r.upn.to_string(),
                    status: r.status.code(),
                    worker: r.worker.as_ref().map(|w| w.name.clone()),
                    on_plan: (&r.figures.on_plan).into(),
                    year_to_date: (&r.figures.year_to_date).into(),
                    previous_term: (&r.figures.previous_term).into(),
                    previous_year: (&r.figures.previous_year).into(),
                    persistent_absence: r.persistent_absence(),
                    severe_absence: r.severe_absence(),
                })
                .collect(),
        }
    }
}

/// The tracker as the JSON contract writes it (one line).
pub fn to_json(tracker: &Tracker) -> Result<String, serde_json::Error> {
    serde_json::to_string(&TrackerJson::from(tracker))
}
