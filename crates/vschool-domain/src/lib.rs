//! The Virtual School's domain: identifiers, the academic calendar, attendance codes and
//! figures, social-care spells and the cohort rules. Pure: no I/O, no clock reads, no
//! database. Everything above this crate computes figures by calling these rules.
//!
//! The rules follow the DfE's methodology as DESIGN.md §4 and §8 set it out; each has unit
//! tests whose expected values were worked out by hand.

pub mod attendance;
pub mod calendar;
pub mod child;
pub mod clock;
pub mod dataset;
pub mod ids;
pub mod periods;
pub mod pupil;
pub mod school;
pub mod social_care;
pub mod term_dates;

pub use attendance::{AttendanceCode, Category, Percent, SessionTally, YearRegister};
pub use calendar::{AcademicYear, CensusTerm, Session, TermOfYear};
pub use child::{count_cohort, Allocation, Child};
pub use clock::{Clock, FixedClock, SystemClock};
pub use dataset::{Dataset, PupilRegister};
pub use ids::{LaChildId, NcYear, Sex, Upn, UpnField, UpnUnknown, Urn};
pub use periods::{period_figures, PeriodFigures, ReportPeriod};
pub use pupil::{EnrolStatus, Enrolment, Exclusion, ExclusionCategory, Pupil};
pub use school::{Phase, Setting, SettingKind};
pub use social_care::{
    CareEpisode, CohortCounts, CohortStatus, Plan, PlanKind, SocialCareHistory, Span, TrackerStatus,
};
