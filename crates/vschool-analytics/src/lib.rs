//! Figures over a local authority's data: the per-school attendance tracker (JSON, CSV and
//! XLSX), cohort statistics by status, school, year group, phase, SEN and ethnicity, the
//! DfE's published comparators, and suppression for anything that leaves the Virtual School.
//!
//! Everything here works on an in-memory [`snapshot::LaSnapshot`] and calls the domain
//! crate's rules; nothing re-implements a rule.

pub mod comparators;
pub mod national;
pub mod overview;
pub mod pack;
pub mod published;
pub mod snapshot;
pub mod stats;
pub mod suppression;
pub mod tracker;

pub use snapshot::LaSnapshot;
