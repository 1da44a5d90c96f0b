//! Shared helpers for the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

/// The reference files (`../shared/reference` beside the repository, or
/// `VSCHOOL_REFERENCE_DIR`). `None` when they are not on this machine: the tests that need
/// them then say so and pass, so the suite still runs on a bare checkout.
pub fn reference_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("VSCHOOL_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("reference files not found at {}: skipped", dir.display());
        None
    }
}

pub fn read(path: &PathBuf) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A tiny CSV reader for the reference outputs (fields may be quoted with embedded commas).
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            }
        }
        fields.push(cur);
        rows.push(fields);
    }
    rows
}
