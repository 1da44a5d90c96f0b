//! The DfE's suppression of small numbers, for anything that leaves the Virtual School
//! (DESIGN §8 "Suppression"): counts of children from 1 to 5 are shown as `c`, 0 is shown;
//! when a group has 1–5 children every figure for it is `c`; a rate whose numerator is a
//! count of children of 1–5 is `c`; no secondary suppression.

use serde::Serialize;

use vschool_domain::Percent;

/// A figure as published: a value, or `c`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Published<T> {
    Shown(T),
    Suppressed(SuppressedMarker),
}

/// Serialises as the string "c".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuppressedMarker;

impl Serialize for SuppressedMarker {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("c")
    }
}

impl<T: std::fmt::Display> std::fmt::Display for Published<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Published::Shown(v) => v.fmt(f),
            Published::Suppressed(_) => f.write_str("c"),
        }
    }
}

/// Whether a count of children must be suppressed.
pub fn is_small(children: u32) -> bool {
    (1..=5).contains(&children)
}

/// Rules for one group: `group_children` is the number of children in the group.
#[derive(Debug, Clone, Copy)]
pub struct Suppressor {
    pub enabled: bool,
}

impl Suppressor {
    pub const OFF: Suppressor = Suppressor { enabled: false };
    pub const ON: Suppressor = Suppressor { enabled: true };

    /// A count of children in a group of `group_children`.
    pub fn count(&self, value: u32, group_children: u32) -> Published<u32> {
        if self.enabled && (is_small(value) || is_small(group_children)) {
            Published::Suppressed(SuppressedMarker)
        } else {
            Published::Shown(value)
        }
    }

    /// A figure that is not a count of children (sessions, days) for a group.
    pub fn figure<T>(&self, value: T, group_children: u32) -> Published<T> {
        if self.enabled && is_small(group_children) {
            Published::Suppressed(SuppressedMarker)
        } else {
            Published::Shown(value)
        }
    }

    /// A rate; `numerator_children` is `Some` when the numerator is a count of children.
    pub fn rate(
        &self,
        value: Option<Percent>,
        numerator_children: Option<u32>,
        group_children: u32,
    ) -> Published<Option<Percent>> {
        let small_numerator = numerator_children.is_some_and(is_small);
        if self.enabled && (is_small(group_children) || small_numerator) {
            Published::Suppressed(SuppressedMarker)
        } else {
            Published::Shown(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_one_to_five_are_c_zero_is_shown() {
        let s = Suppressor::ON;
        assert_eq!(s.count(0, 40).to_string(), "0");
        assert_eq!(s.count(1, 40).to_string(), "c");
        assert_eq!(s.count(5, 40).to_string(), "c");
        assert_eq!(s.count(6, 40).to_string(), "6");
        // A group of 1–5 children: every figure is c, even a large session count.
        assert_eq!(s.count(0, 3).to_string(), "c");
        assert_eq!(s.figure(1200u32, 3).to_string(), "c");
        assert_eq!(s.figure(1200u32, 0).to_string(), "1200");
        assert_eq!(s.figure(1200u32, 6).to_string(), "1200");
    }

    #[test]
    fn rates_from_small_numerators_are_c() {
        let s = Suppressor::ON;
        let r = Percent::of(4, 40);
        assert_eq!(
            s.rate(r, Some(4), 40),
            Published::Suppressed(SuppressedMarker)
        );
        assert_eq!(
            s.rate(Percent::of(6, 40), Some(6), 40),
            Published::Shown(Percent::of(6, 40))
        );
        // A session rate (numerator not a count of children) is shown for a big group.
        assert_eq!(
            s.rate(Percent::of(4, 4000), None, 40),
            Published::Shown(Percent::of(4, 4000))
        );
        assert_eq!(
            s.rate(Percent::of(4, 4000), None, 5),
            Published::Suppressed(SuppressedMarker)
        );
        assert_eq!(Suppressor::OFF.rate(r, Some(4), 2), Published::Shown(r));
        assert_eq!(
            serde_json::to_string(&s.count(3, 40)).ok().as_deref(),
            Some("\"c\"")
        );
        assert_eq!(
            serde_json::to_string(&s.count(30, 40)).ok().as_deref(),
            Some("30")
        );
    }
}
