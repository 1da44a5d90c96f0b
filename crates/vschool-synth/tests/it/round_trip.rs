//! Reading the files back gives the dataset that was written: everything in it travels in
//! some file.

use crate::common::{small, small_files};
use crate::reader::read_dir;

#[test]
fn the_files_reproduce_the_dataset() {
    let (dir, _) = small_files();
    let back = read_dir(dir);
    let ds = small();
    assert_eq!(back.la_code, ds.la_code);
    assert_eq!(back.la_name, ds.la_name);
    assert_eq!(back.settings, ds.settings);
    assert_eq!(back.children.len(), ds.children.len());
    for (a, b) in back.children.iter().zip(&ds.children) {
        assert_eq!(a, b, "child {} differs", b.la_child_id);
    }
    assert_eq!(back.allocations, ds.allocations);
    assert_eq!(back.pupils, ds.pupils);
    assert_eq!(back.characteristics, ds.characteristics);
    assert_eq!(back.enrolments, ds.enrolments);
    assert_eq!(back.registers.len(), ds.registers.len());
    assert!(back.registers == ds.registers, "registers differ");
    assert_eq!(back.exclusions, ds.exclusions);
    assert_eq!(back.attainment, ds.attainment);
    assert_eq!(back.contacts, ds.contacts);
    assert!(back == *ds);
}

#[test]
fn a_tiny_la_in_another_year_round_trips_and_validates() {
    // November 2026: the 2027 CIN census (checked against the newest schema, 2026) and the
    // 2025/26 and 2026/27 registers.
    let today = time::macros::date!(2026 - 11 - 22);
    let ds = vschool_synth::generate(vschool_synth::Size::Tiny, 4, today);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("vschool-synth-tiny-2026");
    let _ = std::fs::remove_dir_all(&dir);
    vschool_synth::write_files(&ds, &dir, today).expect("files written");
    crate::files::validate_cin_census(&dir, &vschool_synth::files::collection_years(today));
    let back = read_dir(&dir);
    assert!(
        back == ds,
        "the tiny LA of 22 November 2026 does not round-trip"
    );
}
