//! Attendance codes, their meaning on a date, and the DfE's attendance figures.
//!
//! Two code sets apply: the one in force up to and including 18 August 2024, and the one
//! from 19 August 2024 (School Attendance (Pupil Registration) (England) Regulations 2024).
//! Every code keeps one statistical meaning; what changes with the date is which codes may
//! be used at all. So a mark stores the code, and the date decides only whether it is valid.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, Month};

use crate::calendar::{AcademicYear, Session};

/// The first day of the 2024 code set.
pub fn new_codes_from() -> Date {
    Date::from_calendar_date(2024, Month::August, 19).unwrap_or(Date::MIN)
}

/// How a code counts in the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    /// Present: `/`, `\`, `L`.
    Present,
    /// Attending approved education off site, counted as attending.
    ApprovedOffSite,
    AuthorisedAbsence,
    UnauthorisedAbsence,
    /// Not a possible session (`D X Q Y1–Y7 Z #`, and `Y` before 2024).
    NotPossible,
}

macro_rules! codes {
    ($( $variant:ident = $n:expr, $text:expr, $cat:ident, $old:expr, $new:expr, $meaning:expr; )*) => {
        /// An attendance code. The discriminant is how a mark is stored (0 = no mark).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[repr(u8)]
        pub enum AttendanceCode { $( $variant = $n, )* }

        impl AttendanceCode {
            pub const ALL: &'static [AttendanceCode] = &[ $( AttendanceCode::$variant, )* ];

            /// The code as registers write it.
            pub fn as_str(&self) -> &'static str {
                match self { $( AttendanceCode::$variant => $text, )* }
            }

            pub fn category(&self) -> Category {
                match self { $( AttendanceCode::$variant => Category::$cat, )* }
            }

            /// Whether the code was in the set in force before 19 August 2024.
            pub fn in_pre_2024_set(&self) -> bool {
                match self { $( AttendanceCode::$variant => $old, )* }
            }

            /// Whether the code is in the set in force from 19 August 2024.
            pub fn in_2024_set(&self) -> bool {
                match self { $( AttendanceCode::$variant => $new, )* }
            }

            /// What the code means, in the words of the DfE guidance.
            pub fn meaning(&self) -> &'static str {
                match self { $( AttendanceCode::$variant => $meaning, )* }
            }

            pub fn from_byte(b: u8) -> Option<Self> {
                match b { $( $n => Some(AttendanceCode::$variant), )* _ => None }
            }

            fn from_text(t: &str) -> Option<Self> {
                match t { $( $text => Some(AttendanceCode::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    PresentAm = 1, "/", Present, true, true, "Present (AM)";
    PresentPm = 2, "\\", Present, true, true, "Present (PM)";
    Late = 3, "L", Present, true, true, "Late arrival before the register closed";
    K = 4, "K", ApprovedOffSite, false, true, "Attending education provision arranged by the local authority";
    V = 5, "V", ApprovedOffSite, true, true, "Attending an educational visit or trip";
    P = 6, "P", ApprovedOffSite, true, true, "Participating in a supervised sporting activity";
    W = 7, "W", ApprovedOffSite, true, true, "Attending work experience";
    B = 8, "B", ApprovedOffSite, true, true, "Attending any other approved educational activity";
    J = 9, "J", ApprovedOffSite, true, false, "Interview (withdrawn August 2024)";
    C1 = 10, "C1", AuthorisedAbsence, false, true, "Leave of absence: regulated performance or employment abroad";
    M = 11, "M", AuthorisedAbsence, true, true, "Leave of absence: medical or dental appointment";
    J1 = 12, "J1", AuthorisedAbsence, false, true, "Leave of absence: interview for employment or admission";
    S = 13, "S", AuthorisedAbsence, true, true, "Leave of absence: studying for a public examination";
    C2 = 14, "C2", AuthorisedAbsence, false, true, "Leave of absence: part-time timetable";
    C = 15, "C", AuthorisedAbsence, true, true, "Leave of absence for exceptional circumstances";
    T = 16, "T", AuthorisedAbsence, true, true, "Parent travelling for occupational purposes";
    R = 17, "R", AuthorisedAbsence, true, true, "Religious observance";
    I = 18, "I", AuthorisedAbsence, true, true, "Illness (not medical or dental appointment)";
    E = 19, "E", AuthorisedAbsence, true, true, "Suspended or permanently excluded, no alternative provision";
    H = 20, "H", AuthorisedAbsence, true, false, "Authorised family holiday (withdrawn August 2024)";
    G = 21, "G", UnauthorisedAbsence, true, true, "Holiday not granted by the school";
    N = 22, "N", UnauthorisedAbsence, true, true, "Reason for absence not yet established";
    O = 23, "O", UnauthorisedAbsence, true, true, "Absent in other or unknown circumstances";
    U = 24, "U", UnauthorisedAbsence, true, true, "Arrived after the register closed";
    D = 25, "D", NotPossible, true, true, "Dual registered: attending another school";
    X = 26, "X", NotPossible, true, true, "Non-compulsory school age, not required to attend";
    Q = 27, "Q", NotPossible, false, true, "Unable to attend: lack of access arrangements";
    Y1 = 28, "Y1", NotPossible, false, true, "Unable to attend: transport not available";
    Y2 = 29, "Y2", NotPossible, false, true, "Unable to attend: widespread disruption to travel";
    Y3 = 30, "Y3", NotPossible, false, true, "Unable to attend: part of the premises closed";
    Y4 = 31, "Y4", NotPossible, false, true, "Unable to attend: whole site unexpectedly closed";
    Y5 = 32, "Y5", NotPossible, false, true, "Unable to attend: in criminal justice detention";
    Y6 = 33, "Y6", NotPossible, false, true, "Unable to attend: public health guidance or law";
    Y7 = 34, "Y7", NotPossible, false, true, "Unable to attend: any other unavoidable cause";
    Y = 35, "Y", NotPossible, true, false, "Unable to attend due to exceptional circumstances (withdrawn August 2024)";
    Z = 36, "Z", NotPossible, true, true, "Prospective pupil not on admission register";
    Closed = 37, "#", NotPossible, true, true, "Planned whole school closure";
}

/// Why a code cannot be read for a session.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeError {
    #[error("not an attendance code")]
    Unknown,
    #[error("not an attendance code in use on {0}: it was withdrawn on 19 August 2024")]
    Withdrawn(String),
    #[error("not an attendance code in use on {0}: it was introduced on 19 August 2024")]
    NotYetIntroduced(String),
}

impl AttendanceCode {
    /// Reads a code in the set in force on the session's date. An empty or `-` mark is
    /// "no mark", returned as `Ok(None)`.
    pub fn parse_on(raw: &str, date: Date) -> Result<Option<Self>, CodeError> {
        let t = raw.trim();
        if t.is_empty() || t == "-" {
            return Ok(None);
        }
        let upper = t.to_ascii_uppercase();
        let code = AttendanceCode::from_text(&upper).ok_or(CodeError::Unknown)?;
        code.check_in_force(date)?;
        Ok(Some(code))
    }

    /// Reads a code without a date (for code lists); `None` if it is no code at all.
    pub fn parse_any(raw: &str) -> Option<Self> {
        AttendanceCode::from_text(&raw.trim().to_ascii_uppercase())
    }

    /// Whether the code may be used on a date.
    pub fn check_in_force(&self, date: Date) -> Result<(), CodeError> {
        let new_set = date >= new_codes_from();
        if new_set && !self.in_2024_set() {
            return Err(CodeError::Withdrawn(crate::calendar::iso(date)));
        }
        if !new_set && !self.in_pre_2024_set() {
            return Err(CodeError::NotYetIntroduced(crate::calendar::iso(date)));
        }
        Ok(())
    }

    pub fn byte(&self) -> u8 {
        *self as u8
    }
}

impl fmt::Display for AttendanceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Counts of sessions by how they count. `possible` is derived: attended + authorised +
/// unauthorised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SessionTally {
    /// Present plus approved education off site.
    pub attended: u32,
    pub authorised: u32,
    pub unauthorised: u32,
    /// Sessions coded C2 (part-time timetable).
    pub part_time: u32,
    /// Sessions coded E (excluded, no alternative provision).
    pub excluded: u32,
}

impl SessionTally {
    pub fn possible(&self) -> u32 {
        self.attended + self.authorised + self.unauthorised
    }

    pub fn absent(&self) -> u32 {
        self.authorised + self.unauthorised
    }

    pub fn add_code(&mut self, code: AttendanceCode) {
        match code.category() {
            Category::Present | Category::ApprovedOffSite => self.attended += 1,
            Category::AuthorisedAbsence => self.authorised += 1,
            Category::UnauthorisedAbsence => self.unauthorised += 1,
            Category::NotPossible => {}
        }
        match code {
            AttendanceCode::C2 => self.part_time += 1,
            AttendanceCode::E => self.excluded += 1,
            _ => {}
        }
    }

    pub fn add(&mut self, other: &SessionTally) {
        self.attended += other.attended;
        self.authorised += other.authorised;
        self.unauthorised += other.unauthorised;
        self.part_time += other.part_time;
        self.excluded += other.excluded;
    }

    /// Attendance rate: attended ÷ possible; `None` when there are no possible sessions.
    pub fn attendance_pct(&self) -> Option<Percent> {
        Percent::of(u64::from(self.attended), u64::from(self.possible()))
    }

    /// Overall absence rate: (authorised + unauthorised) ÷ possible.
    pub fn absence_pct(&self) -> Option<Percent> {
        Percent::of(u64::from(self.absent()), u64::from(self.possible()))
    }

    pub fn authorised_pct(&self) -> Option<Percent> {
        Percent::of(u64::from(self.authorised), u64::from(self.possible()))
    }

    pub fn unauthorised_pct(&self) -> Option<Percent> {
        Percent::of(u64::from(self.unauthorised), u64::from(self.possible()))
    }

    /// Persistent absence: absence of at least 10% of the pupil's own possible sessions.
    /// Exact integer comparison, as the DfE's `pa_10_exact` measure: absent × 10 ≥ possible.
    pub fn persistent_absence(&self) -> bool {
        self.possible() > 0 && u64::from(self.absent()) * 10 >= u64::from(self.possible())
    }

    /// Severe absence: absence of at least 50% of possible sessions.
    pub fn severe_absence(&self) -> bool {
        self.possible() > 0 && u64::from(self.absent()) * 2 >= u64::from(self.possible())
    }
}

/// A percentage held in tenths of a point, rounded half up from counts (never averaged).
/// `Percent(913)` is 91.3%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Percent(pub u32);

impl Percent {
    /// `numerator ÷ denominator × 100`, rounded half up to one decimal place; `None` when
    /// the denominator is 0.
    ///
    /// The ratio is taken in IEEE double precision, as the DfE's own pipeline takes it, and
    /// the double's exact value is rounded half up. That reproduces every local-authority
    /// percentage the DfE publishes (see the analytics crate's comparator test); exact
    /// rational rounding misses two (23 ÷ 80 is 28.75 exactly, but 23 ÷ 80 × 100 in doubles
    /// is 28.749999999999996, published as 28.7), and rounding half to even misses dozens.
    pub fn of(numerator: u64, denominator: u64) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        let value = numerator as f64 / denominator as f64 * 100.0;
        Some(Percent(round_half_up_tenths(value)))
    }

    pub fn tenths(&self) -> u32 {
        self.0
    }

    /// As a number for JSON (91.3).
    pub fn as_f64(&self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// Difference in percentage points, in tenths (may be negative).
    pub fn points_since(&self, earlier: Percent) -> i64 {
        i64::from(self.0) - i64::from(earlier.0)
    }
}

/// floor(10·x + ½) for a non-negative double, computed on the double's exact binary value
/// (no second rounding from multiplying by 10 in floating point).
fn round_half_up_tenths(x: f64) -> u32 {
    if !x.is_finite() || x <= 0.0 {
        return 0;
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = mantissa × 2^power exactly.
    let (mantissa, power) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), exponent - 1075)
    };
    let ten_m = u128::from(mantissa) * 10;
    let tenths = if power >= 0 {
        ten_m.checked_shl(power as u32).unwrap_or(u128::MAX)
    } else if power < -120 {
        // x < 2^53 · 2^-121: far below 0.05.
        0
    } else {
        let shift = (-power) as u32;
        (ten_m + (1u128 << (shift - 1))) >> shift
    };
    u32::try_from(tenths).unwrap_or(u32::MAX)
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// One pupil's register at one school for one academic year: a code per session, stored
/// as bytes (0 = no mark). This is the compact layout the database keeps (one row per pupil,
/// school and year instead of one per mark; see docs/decisions).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRegister {
    pub year: AcademicYear,
    sessions: Vec<u8>,
}

impl fmt::Debug for YearRegister {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "YearRegister({}, {} marks)", self.year, self.marks())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RegisterError {
    #[error("the date {0} is not in academic year {1}")]
    OutsideYear(String, AcademicYear),
    #[error("a stored register for {0} has {1} sessions, not {2}")]
    Length(AcademicYear, usize, usize),
    #[error("a stored register holds an unknown code byte {0}")]
    Byte(u8),
}

impl YearRegister {
    pub fn new(year: AcademicYear) -> Self {
        YearRegister {
            year,
            sessions: vec![0; year.sessions()],
        }
    }

    /// Rebuilds a register from its stored bytes, checking them.
    pub fn from_bytes(year: AcademicYear, bytes: Vec<u8>) -> Result<Self, RegisterError> {
        if bytes.len() != year.sessions() {
            return Err(RegisterError::Length(year, bytes.len(), year.sessions()));
        }
        if let Some(&b) = bytes
            .iter()
            .find(|&&b| b != 0 && AttendanceCode::from_byte(b).is_none())
        {
            return Err(RegisterError::Byte(b));
        }
        Ok(YearRegister {
            year,
            sessions: bytes,
        })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.sessions
    }

    fn index(&self, date: Date, session: Session) -> Result<usize, RegisterError> {
        let day = self
            .year
            .day_index(date)
            .ok_or_else(|| RegisterError::OutsideYear(crate::calendar::iso(date), self.year))?;
        Ok(day * 2 + session.offset())
    }

    pub fn set(
        &mut self,
        date: Date,
        session: Session,
        code: Option<AttendanceCode>,
    ) -> Result<(), RegisterError> {
        let i = self.index(date, session)?;
        self.sessions[i] = code.map_or(0, |c| c.byte());
        Ok(())
    }

    pub fn get(&self, date: Date, session: Session) -> Option<AttendanceCode> {
        let i = self.index(date, session).ok()?;
        AttendanceCode::from_byte(self.sessions[i])
    }

    /// Number of sessions with a mark.
    pub fn marks(&self) -> usize {
        self.sessions.iter().filter(|&&b| b != 0).count()
    }

    /// Every mark, in date order.
    pub fn iter_marks(&self) -> impl Iterator<Item = (Date, Session, AttendanceCode)> + '_ {
        self.sessions.iter().enumerate().filter_map(move |(i, &b)| {
            let code = AttendanceCode::from_byte(b)?;
            let session = if i % 2 == 0 { Session::Am } else { Session::Pm };
            Some((self.year.date_of_day(i / 2), session, code))
        })
    }

    /// First and last dates with a mark.
    pub fn marked_span(&self) -> Option<(Date, Date)> {
        let first = self.sessions.iter().position(|&b| b != 0)?;
        let last = self.sessions.iter().rposition(|&b| b != 0)?;
        Some((
            self.year.date_of_day(first / 2),
            self.year.date_of_day(last / 2),
        ))
    }

    /// Tally of the sessions from `from` to `to` inclusive (clipped to the year).
    pub fn tally(&self, from: Date, to: Date) -> SessionTally {
        self.tally_where(from, to, |_| true)
    }

    /// Tally of the sessions from `from` to `to` on the days `include(day_index)` accepts.
    pub fn tally_where(
        &self,
        from: Date,
        to: Date,
        include: impl Fn(usize) -> bool,
    ) -> SessionTally {
        let mut tally = SessionTally::default();
        let (from, to) = (from.max(self.year.start()), to.min(self.year.end()));
        if from > to {
            return tally;
        }
        let (Some(a), Some(b)) = (self.year.day_index(from), self.year.day_index(to)) else {
            return tally;
        };
        for day in a..=b {
            if !include(day) {
                continue;
            }
            for &byte in &self.sessions[day * 2..day * 2 + 2] {
                if let Some(code) = AttendanceCode::from_byte(byte) {
                    tally.add_code(code);
                }
            }
        }
        tally
    }

    /// Copies every mark of `other` (same year) over this register: marks `other` gives
    /// replace these; sessions it leaves empty are kept.
    pub fn overlay(&mut self, other: &YearRegister) {
        for (mine, &theirs) in self.sessions.iter_mut().zip(&other.sessions) {
            if theirs != 0 {
                *mine = theirs;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn every_code_has_a_unique_byte_and_text() {
        for (i, a) in AttendanceCode::ALL.iter().enumerate() {
            assert_eq!(AttendanceCode::from_byte(a.byte()), Some(*a));
            assert_eq!(AttendanceCode::parse_any(a.as_str()), Some(*a));
            for b in &AttendanceCode::ALL[i + 1..] {
                assert_ne!(a.as_str(), b.as_str());
            }
        }
        assert_eq!(AttendanceCode::from_byte(0), None);
        assert_eq!(AttendanceCode::from_byte(38), None);
    }

    #[test]
    fn the_2024_code_table_from_design() {
        // DESIGN §4: present / \ L; attending K V P W B; authorised C1 M J1 S C2 C T R I E;
        // unauthorised G N O U; not possible D X Q Y1–Y7 Z #.
        let d = date!(2024 - 09 - 02);
        let cat = |s: &str| {
            AttendanceCode::parse_on(s, d)
                .ok()
                .flatten()
                .map(|c| c.category())
        };
        for s in ["/", "\\", "L"] {
            assert_eq!(cat(s), Some(Category::Present), "{s}");
        }
        for s in ["K", "V", "P", "W", "B"] {
            assert_eq!(cat(s), Some(Category::ApprovedOffSite), "{s}");
        }
        for s in ["C1", "M", "J1", "S", "C2", "C", "T", "R", "I", "E"] {
            assert_eq!(cat(s), Some(Category::AuthorisedAbsence), "{s}");
        }
        for s in ["G", "N", "O", "U"] {
            assert_eq!(cat(s), Some(Category::UnauthorisedAbsence), "{s}");
        }
        for s in [
            "D", "X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#",
        ] {
            assert_eq!(cat(s), Some(Category::NotPossible), "{s}");
        }
        let in_new: usize = AttendanceCode::ALL
            .iter()
            .filter(|c| c.in_2024_set())
            .count();
        assert_eq!(in_new, 34);
    }

    #[test]
    fn the_pre_2024_code_table() {
        // Annex B: / \ L present; B J P V W approved activity; I M R S T H E C authorised;
        // G U O N unauthorised; D X Y Z # not possible.
        let d = date!(2023 - 11 - 20);
        let cat = |s: &str| {
            AttendanceCode::parse_on(s, d)
                .ok()
                .flatten()
                .map(|c| c.category())
        };
        assert_eq!(cat("H"), Some(Category::AuthorisedAbsence));
        assert_eq!(cat("J"), Some(Category::ApprovedOffSite));
        assert_eq!(cat("Y"), Some(Category::NotPossible));
        let in_old: usize = AttendanceCode::ALL
            .iter()
            .filter(|c| c.in_pre_2024_set())
            .count();
        assert_eq!(in_old, 25);
    }

    #[test]
    fn codes_are_read_in_the_set_in_force_on_the_date() {
        let last_old = date!(2024 - 08 - 18);
        let first_new = date!(2024 - 08 - 19);
        assert!(AttendanceCode::parse_on("H", last_old).is_ok());
        assert_eq!(
            AttendanceCode::parse_on("H", first_new),
            Err(CodeError::Withdrawn("2024-08-19".into()))
        );
        for s in ["J", "Y"] {
            assert!(AttendanceCode::parse_on(s, last_old).is_ok());
            assert!(AttendanceCode::parse_on(s, first_new).is_err());
        }
        for s in ["K", "C1", "C2", "J1", "Q", "Y1", "Y7"] {
            assert_eq!(
                AttendanceCode::parse_on(s, last_old),
                Err(CodeError::NotYetIntroduced("2024-08-18".into())),
                "{s}"
            );
            assert!(AttendanceCode::parse_on(s, first_new).is_ok());
        }
        assert_eq!(
            AttendanceCode::parse_on("ZZ", first_new),
            Err(CodeError::Unknown)
        );
        assert_eq!(AttendanceCode::parse_on("", first_new), Ok(None));
        assert_eq!(AttendanceCode::parse_on("-", first_new), Ok(None));
        assert_eq!(
            AttendanceCode::parse_on(" c2 ", first_new),
            Ok(Some(AttendanceCode::C2))
        );
    }

    #[test]
    fn rounding_is_half_up_from_counts() {
        // 5/9 = 55.555…% → 55.6; 3/7 = 42.857…% → 42.9 (the DESIGN worked example).
        assert_eq!(
            Percent::of(5, 9).map(|p| p.to_string()),
            Some("55.6".into())
        );
        assert_eq!(
            Percent::of(3, 7).map(|p| p.to_string()),
            Some("42.9".into())
        );
        // Exactly half: 1/16 = 6.25% → 6.3 (half-to-even would give 6.2).
        assert_eq!(Percent::of(1, 16), Some(Percent(63)));
        // 23/80 is 28.75 in exact arithmetic but 28.749999999999996 as the DfE computes it
        // (doubles): published as 28.7 (Stockton-on-Tees, 2018/19, CPPO, primary).
        assert_eq!(Percent::of(23, 80), Some(Percent(287)));
        assert_eq!(Percent::of(7, 40), Some(Percent(175)));
        assert_eq!(Percent::of(1, 3), Some(Percent(333)));
        assert_eq!(Percent::of(2, 3), Some(Percent(667)));
        assert_eq!(Percent::of(1, 1_000_000), Some(Percent(0)));
        assert_eq!(Percent::of(1, 2000), Some(Percent(1)));
        assert_eq!(Percent::of(1, 2001), Some(Percent(0)));
        // 1/80 = 1.25% → 1.3; 3/80 = 3.75% → 3.8.
        assert_eq!(Percent::of(1, 80), Some(Percent(13)));
        assert_eq!(Percent::of(3, 80), Some(Percent(38)));
        assert_eq!(Percent::of(0, 5), Some(Percent(0)));
        assert_eq!(Percent::of(5, 5), Some(Percent(1000)));
        assert_eq!(Percent::of(1, 0), None);
        assert_eq!(Percent(913).as_f64(), 91.3);
        assert_eq!(Percent(913).points_since(Percent(950)), -37);
    }

    #[test]
    fn rates_of_each_kind() {
        // The worked example's year to date: 5 attended, 3 authorised, 1 unauthorised of 9.
        let t = SessionTally {
            attended: 5,
            authorised: 3,
            unauthorised: 1,
            ..Default::default()
        };
        assert_eq!(t.authorised_pct(), Some(Percent(333)));
        assert_eq!(t.unauthorised_pct(), Some(Percent(111)));
        assert_eq!(t.absence_pct(), Some(Percent(444)));
        assert_eq!(Percent::of(5, 9).map(|p| p.tenths()), Some(556));
        assert_eq!(AttendanceCode::C2.to_string(), "C2");
        assert_eq!(format!("{}", AttendanceCode::Closed), "#");
    }

    #[test]
    fn rounding_edge_values_never_overflow() {
        assert_eq!(round_half_up_tenths(f64::NAN), 0);
        assert_eq!(round_half_up_tenths(f64::INFINITY), 0);
        assert_eq!(round_half_up_tenths(-5.0), 0);
        assert_eq!(round_half_up_tenths(0.0), 0);
        // Subnormal and tiny values are far below 0.05.
        assert_eq!(round_half_up_tenths(f64::MIN_POSITIVE / 2.0), 0);
        assert_eq!(round_half_up_tenths(1e-30), 0);
        assert_eq!(round_half_up_tenths(0.05), 1);
        assert_eq!(round_half_up_tenths(0.04999), 0);
        assert_eq!(round_half_up_tenths(100.0), 1000);
        assert_eq!(
            round_half_up_tenths(1e12),
            10_000_000_000_000u64.min(u64::from(u32::MAX)) as u32
        );
    }

    #[test]
    fn absence_thresholds_are_exact() {
        // 1 absence in 11 sessions is 9.1%: not persistent (absent × 10 < possible).
        let t = SessionTally {
            attended: 10,
            authorised: 1,
            ..Default::default()
        };
        assert!(!t.persistent_absence());
        // 10% exactly is persistent absence; just under is not.
        let t = SessionTally {
            attended: 9,
            authorised: 1,
            ..Default::default()
        };
        assert!(t.persistent_absence());
        assert!(!t.severe_absence());
        let t = SessionTally {
            attended: 181,
            authorised: 10,
            unauthorised: 9,
            ..Default::default()
        };
        // absent 19 of 200 = 9.5%
        assert!(!t.persistent_absence());
        let t = SessionTally {
            attended: 5,
            unauthorised: 5,
            ..Default::default()
        };
        assert!(t.severe_absence());
        let t = SessionTally {
            attended: 6,
            unauthorised: 5,
            ..Default::default()
        };
        assert!(!t.severe_absence());
        assert!(!SessionTally::default().persistent_absence());
        assert!(!SessionTally::default().severe_absence());
        assert_eq!(SessionTally::default().attendance_pct(), None);
    }

    #[test]
    fn register_round_trip_and_tally() {
        let year = AcademicYear(2024);
        let mut r = YearRegister::new(year);
        r.set(
            date!(2024 - 09 - 30),
            Session::Am,
            Some(AttendanceCode::PresentAm),
        )
        .expect("in year");
        r.set(date!(2024 - 09 - 30), Session::Pm, Some(AttendanceCode::C2))
            .expect("in year");
        r.set(date!(2024 - 10 - 01), Session::Am, Some(AttendanceCode::E))
            .expect("in year");
        r.set(date!(2024 - 10 - 01), Session::Pm, Some(AttendanceCode::D))
            .expect("in year");
        assert!(r.set(date!(2025 - 08 - 01), Session::Am, None).is_err());
        assert_eq!(r.marks(), 4);
        let t = r.tally(year.start(), year.end());
        assert_eq!(
            t,
            SessionTally {
                attended: 1,
                authorised: 2,
                unauthorised: 0,
                part_time: 1,
                excluded: 1
            }
        );
        assert_eq!(t.possible(), 3);
        let back = YearRegister::from_bytes(year, r.as_bytes().to_vec()).expect("valid bytes");
        assert_eq!(back, r);
        assert_eq!(
            r.marked_span(),
            Some((date!(2024 - 09 - 30), date!(2024 - 10 - 01)))
        );
        assert_eq!(r.iter_marks().count(), 4);
        assert!(YearRegister::from_bytes(year, vec![0; 10]).is_err());
        let mut bad = vec![0; year.sessions()];
        bad[3] = 200;
        assert_eq!(
            YearRegister::from_bytes(year, bad),
            Err(RegisterError::Byte(200))
        );
        // Only the first day.
        let first = r.tally(date!(2024 - 09 - 30), date!(2024 - 09 - 30));
        assert_eq!(first.possible(), 2);
    }

    #[test]
    fn marks_come_back_with_their_date_and_session() {
        let year = AcademicYear(2024);
        let mut r = YearRegister::new(year);
        r.set(date!(2024 - 09 - 02), Session::Pm, Some(AttendanceCode::N))
            .expect("in year");
        r.set(date!(2024 - 09 - 03), Session::Am, Some(AttendanceCode::I))
            .expect("in year");
        let marks: Vec<_> = r.iter_marks().collect();
        assert_eq!(
            marks,
            vec![
                (date!(2024 - 09 - 02), Session::Pm, AttendanceCode::N),
                (date!(2024 - 09 - 03), Session::Am, AttendanceCode::I),
            ]
        );
        assert_eq!(format!("{r:?}"), "YearRegister(2024/25, 2 marks)");
    }

    #[test]
    fn overlay_replaces_only_given_sessions() {
        let year = AcademicYear(2024);
        let d = date!(2024 - 09 - 30);
        let mut old = YearRegister::new(year);
        old.set(d, Session::Am, Some(AttendanceCode::N))
            .expect("in year");
        old.set(d, Session::Pm, Some(AttendanceCode::N))
            .expect("in year");
        let mut new = YearRegister::new(year);
        new.set(d, Session::Am, Some(AttendanceCode::I))
            .expect("in year");
        old.overlay(&new);
        assert_eq!(old.get(d, Session::Am), Some(AttendanceCode::I));
        assert_eq!(old.get(d, Session::Pm), Some(AttendanceCode::N));
    }
}
