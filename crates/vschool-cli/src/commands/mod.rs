//! One module per subcommand.

pub mod audit;
pub mod bench;
pub mod calendar;
pub mod cohort;
pub mod demo;
pub mod import;
pub mod imports;
pub mod notify;
pub mod serve;
pub mod stats;
pub mod token;
pub mod tracker;
pub mod user;
