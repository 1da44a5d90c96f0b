//! One module per subcommand.

pub mod cohort;
pub mod stats;
pub mod tracker;
