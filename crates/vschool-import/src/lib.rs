//! Pure parsers and validators for every input a Virtual School receives: bytes in, typed
//! records (the domain's types, in an import batch per kind) and plain-English problems out.
//! No database, no network, no clock: everything outside the file comes in an
//! [`ImportContext`], so every parser can be fuzzed and property-tested.
//!
//! Severity follows DESIGN §8: an [`Severity::Error`] stops the whole import; a
//! [`Severity::Warning`] loads and is listed (with the DfE rule code where there is one).
//! Each batch type documents how the store applies it (replace or upsert semantics).

pub mod allocations;
pub mod attainment;
pub mod attendance;
pub mod cin_census;
pub mod contacts;
pub mod context;
mod csv_input;
mod csv_reader;
pub mod exclusions;
mod fields;
mod fxhash;
pub mod gias;
pub mod problem;
pub mod roll;
pub mod rules;
pub mod ssda903;
pub mod values;

pub use allocations::{parse_allocations, AllocationsBatch};
pub use attainment::{parse_attainment, AttainmentBatch};
pub use attendance::{parse_attendance, parse_attendance_reader, MarksBatch, MarksRegister};
pub use cin_census::{parse_cin_census, CinCensusBatch, CinChild, CinEpisode};
pub use contacts::{parse_contacts, ContactsBatch};
pub use context::ImportContext;
pub use exclusions::{parse_exclusions, ExclusionsBatch};
pub use gias::{parse_gias, SettingsBatch};
pub use problem::{FileReport, Location, Parsed, Problem, Severity, DEFAULT_PROBLEM_CAP};
pub use roll::{parse_roll, RollBatch};
pub use rules::{Return, RuleHit, RuleInfo, RuleSet};
pub use ssda903::{parse_ssda903, Ssda903Batch, Ssda903Parsed, TableKind};
