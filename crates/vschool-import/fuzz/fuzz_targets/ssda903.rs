#![no_main]
//! `parse_ssda903` never panics: the input is split at 0x00 bytes into up to four files, so
//! table recognition, the header/episodes join and the rules all see fuzzed data.

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.splitn(4, |b| *b == 0).collect();
    let names = ["a.csv", "b.csv", "c.csv", "d.csv"];
    let files: Vec<(&str, &[u8])> = names.iter().copied().zip(parts).collect();
    let parsed = vschool_import::ssda903::parse_ssda903(&files, &common::ctx());
    assert_eq!(parsed.reports.len(), files.len());
});
