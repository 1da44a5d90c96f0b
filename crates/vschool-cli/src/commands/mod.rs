//! One module per subcommand.

pub mod cohort;
pub mod demo;
pub mod serve;
pub mod stats;
pub mod tracker;
