//! Aspirational targets a school sets (per pupil, or for a status group) as the tracker's
//! [`Targets`]: so they show in the tracker online, in its XLSX and in the next pack.

use std::collections::HashMap;

use vschool_analytics::tracker::Targets;
use vschool_domain::calendar::AcademicYear;
use vschool_domain::{Percent, TrackerStatus, Upn, Urn};
use vschool_store::{Store, StoreError, TargetFor};

/// Every school's targets for one academic year.
#[derive(Debug, Clone, Default)]
pub struct StoredTargets {
    pupils: HashMap<(Urn, Upn), Percent>,
    groups: HashMap<(Urn, String), Percent>,
}

impl StoredTargets {
    /// Targets for the academic year containing `at` (a target is for the current year).
    pub async fn load(store: &Store, urn: Option<Urn>, at: time::Date) -> Result<Self, StoreError> {
        let mut t = StoredTargets::default();
        for target in store.targets(urn, AcademicYear::containing(at)).await? {
            match target.target_for {
                TargetFor::Pupil(upn) => {
                    t.pupils.insert((target.urn, upn), target.target);
                }
                TargetFor::Group(g) => {
                    t.groups.insert((target.urn, g), target.target);
                }
            }
        }
        Ok(t)
    }

    /// The group target of a school's status group, if set.
    pub fn group(&self, urn: Urn, status: TrackerStatus) -> Option<Percent> {
        self.groups.get(&(urn, status.code().to_owned())).copied()
    }

    /// The pupil's own target, if set (not the group's).
    pub fn pupil(&self, urn: Urn, upn: Upn) -> Option<Percent> {
        self.pupils.get(&(urn, upn)).copied()
    }
}

impl Targets for StoredTargets {
    fn target_for(&self, urn: Urn, upn: Upn) -> Option<Percent> {
        self.pupil(urn, upn)
    }

    /// The pupil's own target, else their status group's.
    fn target_in(&self, urn: Urn, upn: Upn, status: TrackerStatus) -> Option<Percent> {
        self.pupil(urn, upn).or_else(|| self.group(urn, status))
    }
}

/// Reads a target as a person types it ("95", "95.5", "95%"): 0 to 100, at most one decimal.
pub fn parse_percent(raw: &str) -> Option<Percent> {
    let t = raw.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return None;
    }
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let tenths: u32 = match frac.len() {
        0 => 0,
        1 => frac.parse().ok()?,
        _ => return None,
    };
    let value = whole.checked_mul(10)?.checked_add(tenths)?;
    (value <= 1000).then_some(Percent(value))
}

/// A target read from a workbook cell (a number such as 95 or 95.5): rounded to a tenth.
pub fn percent_of_number(v: f64) -> Option<Percent> {
    if !v.is_finite() || !(0.0..=100.0).contains(&v) {
        return None;
    }
    Some(Percent((v * 10.0).round() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_read_as_people_write_them() {
        assert_eq!(parse_percent("95"), Some(Percent(950)));
        assert_eq!(parse_percent(" 95.5% "), Some(Percent(955)));
        assert_eq!(parse_percent("100"), Some(Percent(1000)));
        assert_eq!(parse_percent(".5"), Some(Percent(5)));
        for bad in ["", "101", "95.55", "abc", "-1", "9 5", "."] {
            assert_eq!(parse_percent(bad), None, "{bad}");
        }
        assert_eq!(percent_of_number(92.25), Some(Percent(923)));
        assert_eq!(percent_of_number(120.0), None);
    }
}
