use time::macros::date;
use vschool_synth::{generate, Size};

use crate::common::{small, TODAY};

#[test]
fn the_same_seed_gives_the_same_dataset() {
    let again = generate(Size::Small, 1, TODAY);
    assert!(again == *small(), "two runs with seed 1 differ");
}

#[test]
fn another_seed_gives_another_dataset() {
    let a = generate(Size::Tiny, 1, TODAY);
    let b = generate(Size::Tiny, 2, TODAY);
    assert_ne!(a.children, b.children);
    assert_ne!(a.pupils, b.pupils);
    assert_ne!(a.registers, b.registers);
}

#[test]
fn another_day_moves_the_data_on() {
    // A later `today` sees more history; nothing is dated after it.
    let later = generate(Size::Tiny, 1, date!(2026 - 11 - 22));
    assert!(later.registers.iter().all(|r| r
        .register
        .marked_span()
        .is_some_and(|(_, last)| last <= date!(2026 - 11 - 22))));
    assert_eq!(
        later.registers.iter().map(|r| r.register.year.0).min(),
        Some(2025)
    );
}
