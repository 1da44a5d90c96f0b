#![no_main]
//! `parse_cin_census` (quick-xml, the XSD validator, the DfE rules) never panics, whatever
//! the bytes; with or without a rule year.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let mut ctx = common::ctx();
    if data.first().is_some_and(|b| b % 2 == 0) {
        ctx.rules_year = Some(2026);
        ctx.collection_year = Some(2024);
    }
    let parsed = vschool_import::cin_census::parse_cin_census("fuzz.xml", data, &ctx);
    assert!(
        parsed.report.problems().count() <= parsed.report.error_count + parsed.report.warning_count
    );
});
