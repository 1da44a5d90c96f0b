//! "Today" comes from one injectable clock, so figures and tests do not depend on the day
//! they run.

use time::{Date, OffsetDateTime};

pub trait Clock: Send + Sync {
    fn today(&self) -> Date;
    fn now(&self) -> OffsetDateTime;
}

/// The system clock (UTC).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn today(&self) -> Date {
        OffsetDateTime::now_utc().date()
    }
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock stopped at one date (tests, `vschool demo --today`).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Date);

impl Clock for FixedClock {
    fn today(&self) -> Date {
        self.0
    }
    fn now(&self) -> OffsetDateTime {
        self.0.midnight().assume_utc()
    }
}
