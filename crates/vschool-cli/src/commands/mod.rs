//! One module per subcommand.

pub mod cohort;
