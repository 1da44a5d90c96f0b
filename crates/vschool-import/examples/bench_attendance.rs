//! Micro-benchmark of the attendance parser (docs/performance.md has the figures).
//!
//! ```text
//! # a large LA's year: 40,000 pupils at 600 schools, 190 school days, two sessions
//! cargo run --release -p vschool-import --example bench_attendance -- generate /tmp/attendance-large.csv
//! /usr/bin/time -v cargo run --release -p vschool-import --example bench_attendance -- parse /tmp/attendance-large.csv
//! ```
//!
//! `generate PATH [PUPILS] [pupil|day]` writes the file grouped by pupil (as school systems
//! export a register) or by day (every pupil for one date, then the next: the order least
//! kind to the parser's caches). `parse PATH` reads it as the importer does and prints
//! rows/s; run it under `/usr/bin/time -v` for the peak memory ("Maximum resident set
//! size").

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use time::{Date, Duration, Month, Weekday};
use vschool_domain::{Upn, Urn};
use vschool_import::{parse_attendance_reader, ImportContext};

const SCHOOLS: u32 = 600;

fn school_days() -> Vec<Date> {
    let mut days = Vec::new();
    let Ok(mut d) = Date::from_calendar_date(2024, Month::September, 2) else {
        return days;
    };
    let Ok(end) = Date::from_calendar_date(2025, Month::July, 22) else {
        return days;
    };
    // Holidays roughly as an English LA sets them: a week each half term, two at
    // Christmas and Easter.
    let holiday = |d: Date| {
        let md = (d.month() as u8, d.day());
        ((10, 28)..=(11, 1)).contains(&md)
            || (md >= (12, 23) || md <= (1, 3))
            || ((2, 17)..=(2, 21)).contains(&md)
            || ((4, 7)..=(4, 21)).contains(&md)
            || ((5, 26)..=(5, 30)).contains(&md)
    };
    while d <= end {
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !holiday(d) {
            days.push(d);
        }
        d += Duration::days(1);
    }
    days
}

fn code(pupil: u32, day: usize, pm: bool) -> &'static str {
    // Mostly present; a pupil-dependent share of illness, lateness and unauthorised absence.
    let x = (pupil.wrapping_mul(2_654_435_761) ^ (day as u32).wrapping_mul(40_503)) % 100;
    match x {
        0..=3 => "I",
        4 => "N",
        5 => "L",
        6 => "M",
        7 if pupil.is_multiple_of(10) => "O",
        8 if pupil.is_multiple_of(25) => "C2",
        _ if pm => "\\",
        _ => "/",
    }
}

fn upn(i: u32) -> String {
    Upn::from_body(&format!("{:012}", 801_000_000_000u64 + u64::from(i)))
        .map(|u| u.to_string())
        .unwrap_or_default()
}

fn generate(path: &str, pupils: u32, by_day: bool) -> std::io::Result<()> {
    let days = school_days();
    let upns: Vec<String> = (0..pupils).map(upn).collect();
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "UPN,URN,Date,Session,Code")?;
    let dates: Vec<String> = days
        .iter()
        .map(|d| vschool_domain::calendar::iso(*d))
        .collect();
    let mut rows = 0u64;
    let mut row = |out: &mut BufWriter<File>, p: u32, d: usize| -> std::io::Result<()> {
        let urn = 100_000 + p % SCHOOLS;
        writeln!(
            out,
            "{},{urn},{},AM,{}",
            upns[p as usize],
            dates[d],
            code(p, d, false)
        )?;
        writeln!(
            out,
            "{},{urn},{},PM,{}",
            upns[p as usize],
            dates[d],
            code(p, d, true)
        )?;
        rows += 2;
        Ok(())
    };
    if by_day {
        for d in 0..days.len() {
            for p in 0..pupils {
                row(&mut out, p, d)?;
            }
        }
    } else {
        for p in 0..pupils {
            for d in 0..days.len() {
                row(&mut out, p, d)?;
            }
        }
    }
    out.flush()?;
    eprintln!(
        "wrote {rows} rows ({} school days, {pupils} pupils) to {path}",
        days.len()
    );
    Ok(())
}

fn parse(path: &str) -> std::io::Result<()> {
    let size = std::fs::metadata(path)?.len();
    let ctx = ImportContext::with_urns((0..SCHOOLS).filter_map(|s| Urn::new(100_000 + s).ok()));
    let start = Instant::now();
    let parsed = parse_attendance_reader(path, File::open(path)?, &ctx);
    let secs = start.elapsed().as_secs_f64();
    let rows = parsed.report.rows_read;
    println!(
        "{rows} rows, {:.0} MB in {secs:.2} s: {:.2} M rows/s, {:.0} MB/s; {} registers, {} marks, {} errors, {} warnings",
        size as f64 / 1e6,
        rows as f64 / secs / 1e6,
        size as f64 / secs / 1e6,
        parsed.batch.registers.len(),
        parsed.batch.marks,
        parsed.report.error_count,
        parsed.report.warning_count,
    );
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => {
            let path = args
                .get(2)
                .map_or("/tmp/attendance-large.csv", String::as_str);
            let pupils = args.get(3).and_then(|p| p.parse().ok()).unwrap_or(40_000);
            let by_day = args.get(4).is_some_and(|o| o == "day");
            generate(path, pupils, by_day)
        }
        Some("parse") => parse(
            args.get(2)
                .map_or("/tmp/attendance-large.csv", String::as_str),
        ),
        _ => {
            eprintln!("usage: bench_attendance generate PATH [PUPILS] [pupil|day] | parse PATH");
            Ok(())
        }
    }
}
