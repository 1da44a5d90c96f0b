//! Generates the synthetic LA, prints its figures beside the published ones, and optionally
//! writes its files, timing each step.
//!
//! ```text
//! cargo run --release -p vschool-synth --example synth -- [small|large|tiny] [SEED] [TODAY] [DIR]
//! ```
//! Defaults: small, seed 1, today 2025-03-14, no files.

use std::path::PathBuf;
use std::time::Instant;

use vschool_domain::calendar::parse_iso_date;
use vschool_synth::{calibration, generate, write_files, Size};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let size = args
        .first()
        .and_then(|s| Size::parse(s))
        .unwrap_or(Size::Small);
    let seed: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let today = args
        .get(2)
        .and_then(|s| parse_iso_date(s))
        .unwrap_or(time::macros::date!(2025 - 03 - 14));
    let t = Instant::now();
    let ds = generate(size, seed, today);
    let generated = t.elapsed();
    println!(
        "Generated the {} LA (seed {seed}, today {today}) in {:.2?}: {} settings, {} children, {} pupils, {} enrolments, {} registers, {} marks, {} exclusions, {} results, {} contacts, {} allocations.\n",
        size.name(),
        generated,
        ds.settings.len(),
        ds.children.len(),
        ds.pupils.len(),
        ds.enrolments.len(),
        ds.registers.len(),
        ds.mark_count(),
        ds.exclusions.len(),
        ds.attainment.len(),
        ds.contacts.len(),
        ds.allocations.len(),
    );
    println!("{}", calibration::report(&ds, today).markdown());
    if let Some(dir) = args.get(3) {
        let t = Instant::now();
        match write_files(&ds, &PathBuf::from(dir), today) {
            Ok(summary) => {
                println!(
                    "\nWrote {} files ({} MB) in {:.2?}:",
                    summary.files.len(),
                    summary.total_bytes() / 1_000_000,
                    t.elapsed()
                );
                for f in &summary.files {
                    println!("  {:<32} {:>10} rows {:>12} bytes", f.name, f.rows, f.bytes);
                }
            }
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
}
