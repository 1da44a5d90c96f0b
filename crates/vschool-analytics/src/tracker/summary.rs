//! The figures a tracker workbook's summary sheet sets beside the school's own: the LA's and
//! each school's year-to-date figures by status group (enrolment base), and the DfE's
//! national comparators. Computed once for a date and shared by every school's workbook
//! (`vschool tracker --all`, the benchmark, the school portal and the packs).

use std::collections::HashMap;

use rust_xlsxwriter::XlsxError;
use time::Date;
use vschool_domain::periods::ReportPeriod;
use vschool_domain::social_care::TrackerStatus;
use vschool_domain::Urn;

use super::{xlsx, Tracker, GROUPS};
use crate::comparators::{self, AbsenceRow};
use crate::snapshot::LaSnapshot;
use crate::stats::{aggregate, unit_figures, Base, Breakdown, GroupFigures, StatusGroup, Window};

/// Everything a workbook's summary sheet needs besides the school's tracker.
#[derive(Debug, Clone)]
pub struct Comparisons {
    la_name: String,
    la: Vec<(TrackerStatus, GroupFigures)>,
    /// By school (its URN as the breakdown writes it) and status group.
    schools: HashMap<(String, StatusGroup), GroupFigures>,
    national: Vec<AbsenceRow>,
}

impl Comparisons {
    /// The figures as at `at`: one pass over the LA's units, aggregated for the LA and for
    /// each school (a school's rows and the LA's rows come from the same units, so they
    /// always agree).
    pub fn new(snapshot: &LaSnapshot, at: Date, la_name: impl Into<String>) -> Comparisons {
        let units = unit_figures(
            snapshot,
            at,
            Window::Period(ReportPeriod::YearToDate),
            Base::Enrolment,
        );
        let la = aggregate(&units, Breakdown::Status, |_| true);
        let la = GROUPS
            .iter()
            .map(|g| {
                let status = StatusGroup::of(*g);
                let f = la
                    .iter()
                    .find(|r| r.status == status)
                    .map(|r| r.figures)
                    .unwrap_or_default();
                (*g, f)
            })
            .collect();
        let schools = aggregate(&units, Breakdown::School, |_| true)
            .into_iter()
            .map(|r| ((r.group, r.status), r.figures))
            .collect();
        Comparisons {
            la_name: la_name.into(),
            la,
            schools,
            national: comparators::shipped_national(),
        }
    }

    /// The LA's figures by status group, in the tracker's group order.
    pub fn la(&self) -> &[(TrackerStatus, GroupFigures)] {
        &self.la
    }

    /// A school's figures by status group, in the tracker's group order (zeros where the
    /// school has no unit of a group).
    pub fn school(&self, urn: Urn) -> Vec<(TrackerStatus, GroupFigures)> {
        let key = urn.to_string();
        GROUPS
            .iter()
            .map(|g| {
                let f = self
                    .schools
                    .get(&(key.clone(), StatusGroup::of(*g)))
                    .copied()
                    .unwrap_or_default();
                (*g, f)
            })
            .collect()
    }

    /// A school's workbook: its tracker's sheets with these figures on the summary sheet.
    pub fn workbook(&self, tracker: &Tracker) -> Result<Vec<u8>, XlsxError> {
        let school = self.school(tracker.urn);
        let summary = xlsx::SummaryInput {
            school: &school,
            la: &self.la,
            la_name: &self.la_name,
            national: &self.national,
        };
        xlsx::to_xlsx(tracker, &summary)
    }
}
