#![no_main]
//! `parse_roll` never panics, whatever the bytes.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let parsed = vschool_import::parse_roll("fuzz.csv", data, &common::ctx());
    // The report's counts always cover what it lists.
    assert!(
        parsed.report.problems().count() <= parsed.report.error_count + parsed.report.warning_count
    );
});
