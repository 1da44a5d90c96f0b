//! One module per subcommand.

pub mod audit;
pub mod bench;
pub mod cohort;
pub mod demo;
pub mod serve;
pub mod stats;
pub mod token;
pub mod tracker;
pub mod user;
