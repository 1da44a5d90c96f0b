//! The home page: the local authority's cohort today.

pub mod get;
