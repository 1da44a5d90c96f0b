//! Attendance marks CSV: `UPN,URN,Date,Session,Code`. The hot path: a large LA's year is
//! ~15 million rows (~500 MB) and must parse and validate in seconds on one core.
//!
//! How it stays fast: rows are read as bytes into one reused record (no per-row
//! allocation); UPNs, URNs and dates are parsed once per distinct value and the last one is
//! remembered (files come grouped by pupil or by day); codes are found in a 64 K lookup
//! table; marks go straight into a compact per-(UPN, URN, academic year) register of one
//! byte per session, with a bitmap of the sessions already given to catch duplicates.
//! Problem messages are built only for the problems that will be listed.

use std::io::Read;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use time::Date;
use vschool_domain::attendance::new_codes_from;
use vschool_domain::calendar::iso;
use vschool_domain::{AcademicYear, AttendanceCode, Upn, Urn, YearRegister};

use crate::context::ImportContext;
use crate::csv_input::{read_failure, read_header, req, unterminated_quote, Column, Header};
use crate::csv_reader::{CsvReader, Record};
use crate::fxhash::FxHashMap;
use crate::problem::{FileReport, Location, Parsed, Problem, Severity};
use crate::values::{parse_iso_bytes, IsoError};

/// The most days an academic year has (a leap year's 366).
const MAX_DAYS: usize = 366;
const DAY_WORDS: usize = MAX_DAYS.div_ceil(64);
const SESSION_WORDS: usize = (2 * MAX_DAYS).div_ceil(64);

/// One pupil's marks at one school in one academic year, as a file gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarksRegister {
    pub upn: Upn,
    pub urn: Urn,
    /// The marks the file gives (sessions it does not give hold no mark).
    pub register: YearRegister,
    /// Days of the year the file gives at least one session for (bit = day index).
    covered: [u64; DAY_WORDS],
}

impl MarksRegister {
    /// Whether the file gives this pupil any session at this school on `date`.
    pub fn covers(&self, date: Date) -> bool {
        self.register
            .year
            .day_index(date)
            .is_some_and(|d| self.covered[d / 64] & (1 << (d % 64)) != 0)
    }

    /// The dates the file covers, in order.
    pub fn covered_days(&self) -> impl Iterator<Item = Date> + '_ {
        let year = self.register.year;
        (0..year.days())
            .filter(|d| self.covered[d / 64] & (1 << (d % 64)) != 0)
            .map(move |d| year.date_of_day(d))
    }

    /// Replace semantics (DESIGN §8): on every date the file covers, both sessions take the
    /// file's value (a session it leaves out becomes "no mark"); other dates keep `existing`.
    pub fn apply_to(&self, existing: Option<&YearRegister>) -> YearRegister {
        let Some(existing) = existing.filter(|e| e.year == self.register.year) else {
            return self.register.clone();
        };
        let mut bytes = existing.as_bytes().to_vec();
        let new = self.register.as_bytes();
        for (day, pair) in bytes.chunks_exact_mut(2).enumerate() {
            if self.covered[day / 64] & (1 << (day % 64)) != 0 {
                pair.copy_from_slice(&new[day * 2..day * 2 + 2]);
            }
        }
        // Both inputs hold only valid code bytes, so this cannot fail; fall back to the
        // file's register rather than panic if it ever did.
        YearRegister::from_bytes(self.register.year, bytes)
            .unwrap_or_else(|_| self.register.clone())
    }
}

/// A marks file. The store applies it per register with [`MarksRegister::apply_to`]: for
/// each (UPN, URN) in it, that pupil's marks at that school on the dates the file gives are
/// replaced; other pupils and dates are untouched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarksBatch {
    /// Sorted by UPN, URN and year.
    pub registers: Vec<MarksRegister>,
    /// Marks loaded (rows with a code, duplicates counted once).
    pub marks: u64,
}

const COLUMNS: [Column; 5] = [
    req("UPN"),
    req("URN"),
    req("Date"),
    req("Session"),
    req("Code"),
];

/// Parses a whole marks file held in memory.
pub fn parse_attendance(file: &str, bytes: &[u8], ctx: &ImportContext) -> Parsed<MarksBatch> {
    parse_attendance_reader(file, bytes, ctx)
}

/// Parses a marks file as it streams in (the CLI wraps the file in a progress counter).
pub fn parse_attendance_reader<R: Read>(
    file: &str,
    input: R,
    ctx: &ImportContext,
) -> Parsed<MarksBatch> {
    let mut report = FileReport::new(file, ctx.problem_cap);
    let mut reader = CsvReader::new(input);
    let Some(header) = read_header(&mut reader, &COLUMNS, &mut report) else {
        return Parsed {
            batch: MarksBatch::default(),
            report,
        };
    };
    let mut state = State::new(file, ctx, &header);
    let mut record = Record::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) if record.unterminated_quote => {
                report.push(unterminated_quote(file, record.line));
                break;
            }
            Ok(true) => state.row(&record, &mut report),
            Ok(false) => break,
            Err(e) => {
                report.push(read_failure(file, e));
                break;
            }
        }
    }
    let batch = state.finish(&mut report);
    Parsed { batch, report }
}

/// Code bytes (upper or lower case, one or two characters) → code byte (0 = not a code).
fn code_table() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = vec![0u8; 1 << 16];
        for code in AttendanceCode::ALL {
            let s = code.as_str().as_bytes();
            for variant in [s.to_ascii_uppercase(), s.to_ascii_lowercase()] {
                t[code_key(&variant)] = code.byte();
            }
        }
        t
    })
}

fn code_key(b: &[u8]) -> usize {
    match b {
        [a] => usize::from(*a) << 8,
        [a, c] => (usize::from(*a) << 8) | usize::from(*c),
        _ => 0,
    }
}

#[derive(Clone, Copy)]
enum UpnSlot {
    Valid(u32),
    Invalid,
}

#[derive(Clone, Copy)]
struct DateInfo {
    date: Date,
    year: AcademicYear,
    day: usize,
    new_codes: bool,
}

struct Entry {
    upn: u32,
    urn: Urn,
    year: AcademicYear,
    sessions: Vec<u8>,
    seen: [u64; SESSION_WORDS],
}

struct State<'a> {
    file: &'a str,
    ctx: &'a ImportContext,
    pos: [usize; 5],
    codes: &'static [u8],
    upns: Vec<Upn>,
    upn_cache: FxHashMap<[u8; 13], UpnSlot>,
    last_upn: Option<([u8; 13], UpnSlot)>,
    last_urn: Option<([u8; 6], Option<Urn>)>,
    last_date: Option<([u8; 10], Result<DateInfo, IsoError>)>,
    year_starts: FxHashMap<i32, Date>,
    index: FxHashMap<(u32, u32, i32), u32>,
    last_key: Option<((u32, u32, i32), u32)>,
    entries: Vec<Entry>,
    marks: u64,
    new_codes_from: Date,
}

impl<'a> State<'a> {
    fn new(file: &'a str, ctx: &'a ImportContext, header: &Header) -> Self {
        let mut pos = [0usize; 5];
        for (slot, p) in pos.iter_mut().zip(&header.positions) {
            *slot = p.unwrap_or(usize::MAX);
        }
        State {
            file,
            ctx,
            pos,
            codes: code_table(),
            upns: Vec::new(),
            upn_cache: FxHashMap::default(),
            last_upn: None,
            last_urn: None,
            last_date: None,
            year_starts: FxHashMap::default(),
            index: FxHashMap::default(),
            last_key: None,
            entries: Vec::new(),
            marks: 0,
            new_codes_from: new_codes_from(),
        }
    }

    fn problem(
        &self,
        severity: Severity,
        line: u64,
        field: &str,
        value: &[u8],
        reason: String,
    ) -> Problem {
        Problem::new(self.file, Location::Line(line), severity, reason)
            .field(field)
            .value(&String::from_utf8_lossy(value))
    }

    fn row(&mut self, record: &Record, report: &mut FileReport) {
        let get = |i: usize| record.get(i).unwrap_or(b"").trim_ascii();
        let (upn_b, urn_b, date_b, session_b, code_b) = (
            get(self.pos[0]),
            get(self.pos[1]),
            get(self.pos[2]),
            get(self.pos[3]),
            get(self.pos[4]),
        );
        if upn_b.is_empty()
            && urn_b.is_empty()
            && date_b.is_empty()
            && session_b.is_empty()
            && code_b.is_empty()
        {
            // A line of nothing but separators (spreadsheet exports end with some).
            return;
        }
        report.rows_read += 1;
        let line = record.line;
        // Every field is checked before the row is given up, so one pass reports all.
        let upn = self.upn(upn_b, line, report);
        let urn = self.urn(urn_b, line, report);
        let date = self.date(date_b, line, report);
        let session = match session_b {
            b"AM" | b"am" | b"Am" => Some(0usize),
            b"PM" | b"pm" | b"Pm" => Some(1usize),
            _ => {
                report.push_lazy(Severity::Error, || {
                    self.problem(
                        Severity::Error,
                        line,
                        "Session",
                        session_b,
                        "Session is AM or PM".into(),
                    )
                });
                None
            }
        };
        let code = self.code(code_b, date, line, report);
        let (Some(upn), Some(urn), Some(date), Some(session), Some(code)) =
            (upn, urn, date, session, code)
        else {
            return;
        };
        let entry = self.entry(upn, urn, date.year);
        let e = &mut self.entries[entry];
        let s = date.day * 2 + session;
        let bit = 1u64 << (s % 64);
        if e.seen[s / 64] & bit != 0 {
            let before = e.sessions[s];
            if before == code {
                report.push_lazy(Severity::Warning, || {
                    self.problem(
                        Severity::Warning,
                        line,
                        "Code",
                        code_b,
                        "the same mark is given twice for this pupil, school and session; counted once".into(),
                    )
                });
            } else {
                let earlier = AttendanceCode::from_byte(before).map_or("no mark", |c| c.as_str());
                report.push_lazy(Severity::Error, || {
                    self.problem(
                        Severity::Error,
                        line,
                        "Code",
                        code_b,
                        format!(
                            "this pupil already has a different mark (\"{earlier}\") for the {} session of {} at this school earlier in the file",
                            if session == 0 { "AM" } else { "PM" },
                            iso(date.date)
                        ),
                    )
                });
            }
            return;
        }
        e.seen[s / 64] |= bit;
        e.sessions[s] = code;
        if code != 0 {
            self.marks += 1;
        }
    }

    fn upn(&mut self, b: &[u8], line: u64, report: &mut FileReport) -> Option<u32> {
        let key: Option<[u8; 13]> = if b.len() == 13 {
            let mut k = [0u8; 13];
            for (slot, c) in k.iter_mut().zip(b) {
                *slot = c.to_ascii_uppercase();
            }
            Some(k)
        } else {
            None
        };
        let slot = match (key, self.last_upn) {
            (Some(k), Some((last, slot))) if k == last => slot,
            (Some(k), _) => {
                let slot = match self.upn_cache.get(&k) {
                    Some(s) => *s,
                    None => {
                        let s = match std::str::from_utf8(&k)
                            .ok()
                            .and_then(|t| Upn::parse(t).ok())
                        {
                            Some(u) => {
                                self.upns.push(u);
                                UpnSlot::Valid((self.upns.len() - 1) as u32)
                            }
                            None => UpnSlot::Invalid,
                        };
                        self.upn_cache.insert(k, s);
                        s
                    }
                };
                self.last_upn = Some((k, slot));
                slot
            }
            (None, _) => UpnSlot::Invalid,
        };
        match slot {
            UpnSlot::Valid(i) => Some(i),
            UpnSlot::Invalid => {
                report.push_lazy(Severity::Error, || {
                    let text = String::from_utf8_lossy(b);
                    let why = match Upn::parse(&text) {
                        Err(e) => e.to_string(),
                        Ok(_) => "not a valid UPN".to_owned(),
                    };
                    self.problem(
                        Severity::Error,
                        line,
                        "UPN",
                        b,
                        format!("not a valid UPN: {why}"),
                    )
                });
                None
            }
        }
    }

    fn urn(&mut self, b: &[u8], line: u64, report: &mut FileReport) -> Option<Urn> {
        let key: Option<[u8; 6]> = b.try_into().ok();
        let known = match (key, self.last_urn) {
            (Some(k), Some((last, v))) if k == last => v,
            (Some(k), _) => {
                let v = std::str::from_utf8(&k)
                    .ok()
                    .and_then(|t| Urn::parse(t).ok())
                    .filter(|u| self.ctx.known_urns.contains(u));
                self.last_urn = Some((k, v));
                v
            }
            (None, _) => None,
        };
        if known.is_none() {
            report.push_lazy(Severity::Error, || {
                let reason = match std::str::from_utf8(b).ok().and_then(|t| Urn::parse(t).ok()) {
                    Some(_) => "this school is not in the settings register: import the GIAS file that lists it first, or correct the URN",
                    None => "a URN is a six-digit number from 100000 to 999999",
                };
                self.problem(Severity::Error, line, "URN", b, reason.to_owned())
            });
        }
        known
    }

    fn date(&mut self, b: &[u8], line: u64, report: &mut FileReport) -> Option<DateInfo> {
        let key: Option<[u8; 10]> = b.try_into().ok();
        let parsed = match (key, self.last_date) {
            (Some(k), Some((last, v))) if k == last => v,
            (Some(k), _) => {
                let v = parse_iso_bytes(&k).map(|date| self.date_info(date));
                self.last_date = Some((k, v));
                v
            }
            (None, _) => Err(IsoError::Shape),
        };
        match parsed {
            Ok(d) => Some(d),
            Err(_) => {
                report.push_lazy(Severity::Error, || {
                    let reason = crate::values::parse_iso_date(&String::from_utf8_lossy(b))
                        .err()
                        .unwrap_or_else(|| "not a date".to_owned());
                    self.problem(Severity::Error, line, "Date", b, reason)
                });
                None
            }
        }
    }

    fn date_info(&mut self, date: Date) -> DateInfo {
        let year = AcademicYear::containing(date);
        let start = *self
            .year_starts
            .entry(year.0)
            .or_insert_with(|| year.start());
        let day = usize::try_from((date - start).whole_days())
            .unwrap_or(0)
            .min(MAX_DAYS - 1);
        DateInfo {
            date,
            year,
            day,
            new_codes: date >= self.new_codes_from,
        }
    }

    /// The code byte (0 for "no mark"), or `None` when the code cannot be used on the date.
    fn code(
        &self,
        b: &[u8],
        date: Option<DateInfo>,
        line: u64,
        report: &mut FileReport,
    ) -> Option<u8> {
        if b.is_empty() || b == b"-" {
            report.push_lazy(Severity::Warning, || {
                self.problem(
                    Severity::Warning,
                    line,
                    "Code",
                    b,
                    "no mark is given for this session".into(),
                )
            });
            return Some(0);
        }
        let byte = if b.len() <= 2 {
            self.codes[code_key(b)]
        } else {
            0
        };
        let Some(code) = AttendanceCode::from_byte(byte) else {
            report.push_lazy(Severity::Error, || {
                let reason = match date {
                    Some(d) => format!("not an attendance code in use on {}", iso(d.date)),
                    None => "not an attendance code".to_owned(),
                };
                self.problem(Severity::Error, line, "Code", b, reason)
            });
            return None;
        };
        // Without a date the code's validity cannot be judged; the date's own problem is
        // reported and the row is dropped anyway.
        let d = date?;
        let in_force = if d.new_codes {
            code.in_2024_set()
        } else {
            code.in_pre_2024_set()
        };
        if !in_force {
            report.push_lazy(Severity::Error, || {
                let reason = match code.check_in_force(d.date) {
                    Err(e) => e.to_string(),
                    Ok(()) => format!("not an attendance code in use on {}", iso(d.date)),
                };
                self.problem(Severity::Error, line, "Code", b, reason)
            });
            return None;
        }
        Some(byte)
    }

    fn entry(&mut self, upn: u32, urn: Urn, year: AcademicYear) -> usize {
        let key = (upn, urn.get(), year.0);
        if let Some((last, i)) = self.last_key {
            if last == key {
                return i as usize;
            }
        }
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.entries.len() as u32;
                self.entries.push(Entry {
                    upn,
                    urn,
                    year,
                    sessions: vec![0; year.sessions()],
                    seen: [0; SESSION_WORDS],
                });
                self.index.insert(key, i);
                i
            }
        };
        self.last_key = Some((key, i));
        i as usize
    }

    fn finish(self, report: &mut FileReport) -> MarksBatch {
        let mut registers = Vec::with_capacity(self.entries.len());
        for e in self.entries {
            let upn = self.upns[e.upn as usize];
            let mut covered = [0u64; DAY_WORDS];
            for day in 0..e.year.days() {
                let s = day * 2;
                let both = (e.seen[s / 64] >> (s % 64)) & 0b11;
                if both != 0 {
                    covered[day / 64] |= 1 << (day % 64);
                }
            }
            match YearRegister::from_bytes(e.year, e.sessions) {
                Ok(register) => registers.push(MarksRegister {
                    upn,
                    urn: e.urn,
                    register,
                    covered,
                }),
                Err(err) => report.push(Problem::error(
                    self.file,
                    Location::File,
                    format!("internal error building a register: {err}"),
                )),
            }
        }
        registers.sort_by_key(|r| (r.upn, r.urn, r.register.year));
        MarksBatch {
            registers,
            marks: self.marks,
        }
    }
}
