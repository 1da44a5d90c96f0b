//! Identifiers that key the Virtual School's records: parse, don't validate.
//!
//! A value of one of these types is known to be well formed; the parsers say in
//! plain English what is wrong with a value that is not.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The 23 letters a UPN check letter (or a temporary UPN's last character) may take,
/// in the order of the DfE UPN guide: the check letter is this table's entry at
/// (weighted sum mod 23), and a letter in position 13 takes its index as its value.
pub const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A unique pupil number: 13 characters, a check letter, eleven digits and a final digit
/// (permanent UPN) or letter (temporary UPN).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Upn([u8; 13]);

/// Why a UPN could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UpnError {
    #[error("a UPN has 13 characters, this has {0}")]
    Length(usize),
    #[error("a UPN starts with a check letter from A–Z other than I, O and S")]
    FirstCharacter,
    #[error("characters 2 to 12 of a UPN are digits")]
    NotDigits,
    #[error("the last character of a UPN is a digit, or for a temporary UPN a letter other than I, O and S")]
    LastCharacter,
    #[error("the check letter should be {expected}, not {found}")]
    CheckLetter { expected: char, found: char },
}

fn letter_index(b: u8) -> Option<usize> {
    UPN_LETTERS.iter().position(|&l| l == b)
}

impl Upn {
    /// Parses a UPN, checking its shape and its check letter. Surrounding spaces are
    /// ignored and lower-case letters are accepted, as school systems export both.
    pub fn parse(raw: &str) -> Result<Self, UpnError> {
        let trimmed = raw.trim();
        let bytes = trimmed.as_bytes();
        if bytes.len() != 13 || !trimmed.is_ascii() {
            return Err(UpnError::Length(trimmed.chars().count()));
        }
        let mut upn = [0u8; 13];
        for (slot, b) in upn.iter_mut().zip(bytes) {
            *slot = b.to_ascii_uppercase();
        }
        if letter_index(upn[0]).is_none() {
            return Err(UpnError::FirstCharacter);
        }
        if !upn[1..12].iter().all(u8::is_ascii_digit) {
            return Err(UpnError::NotDigits);
        }
        let last = upn[12];
        if !last.is_ascii_digit() && letter_index(last).is_none() {
            return Err(UpnError::LastCharacter);
        }
        let expected = Self::check_letter(&upn);
        if expected != upn[0] {
            return Err(UpnError::CheckLetter {
                expected: expected as char,
                found: upn[0] as char,
            });
        }
        Ok(Upn(upn))
    }

    /// The check letter for characters 2–13: weights 2 to 13, sum mod 23.
    fn check_letter(upn: &[u8; 13]) -> u8 {
        let sum: usize = upn[1..]
            .iter()
            .zip(2usize..)
            .map(|(&c, weight)| {
                let value = if c.is_ascii_digit() {
                    usize::from(c - b'0')
                } else {
                    letter_index(c).unwrap_or(0)
                };
                value * weight
            })
            .sum();
        UPN_LETTERS[sum % 23]
    }

    /// Builds a valid UPN from its twelve characters after the check letter
    /// (used by the synthetic LA). Returns `None` when those characters are malformed.
    pub fn from_body(body: &str) -> Option<Self> {
        if body.len() != 12 {
            return None;
        }
        let mut upn = [b'A'; 13];
        upn[1..].copy_from_slice(body.as_bytes());
        upn[0] = Self::check_letter(&upn);
        Self::parse(std::str::from_utf8(&upn).ok()?).ok()
    }

    /// A temporary UPN ends in a letter; it is replaced by a permanent one later.
    pub fn is_temporary(&self) -> bool {
        self.0[12].is_ascii_alphabetic()
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Display for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Upn({})", self.as_str())
    }
}

impl FromStr for Upn {
    type Err = UpnError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Upn {
    type Error = UpnError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Upn> for String {
    fn from(u: Upn) -> String {
        u.as_str().to_owned()
    }
}

/// The DfE's reasons a UPN is unknown (`UN1` … `UN10`), which returns carry instead of a UPN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UpnUnknown(u8);

impl UpnUnknown {
    pub fn parse(raw: &str) -> Option<Self> {
        let t = raw.trim().to_ascii_uppercase();
        let n: u8 = t.strip_prefix("UN")?.parse().ok()?;
        (1..=10).contains(&n).then_some(UpnUnknown(n))
    }
    pub fn code(&self) -> String {
        format!("UN{}", self.0)
    }
}

/// What a social-care return says about a child's UPN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UpnField {
    Known(Upn),
    Unknown(UpnUnknown),
}

impl UpnField {
    pub fn parse(raw: &str) -> Result<Self, UpnError> {
        if let Some(u) = UpnUnknown::parse(raw) {
            return Ok(UpnField::Unknown(u));
        }
        Upn::parse(raw).map(UpnField::Known)
    }
    pub fn upn(&self) -> Option<Upn> {
        match self {
            UpnField::Known(u) => Some(*u),
            UpnField::Unknown(_) => None,
        }
    }
}

/// A school's unique reference number in the DfE register of establishments (six digits,
/// 100000–999999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Urn(u32);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("a URN is a six-digit number from 100000 to 999999")]
pub struct UrnError;

impl Urn {
    pub fn parse(raw: &str) -> Result<Self, UrnError> {
        let t = raw.trim();
        if t.len() != 6 {
            return Err(UrnError);
        }
        let n: u32 = t.parse().map_err(|_| UrnError)?;
        Self::new(n)
    }
    pub fn new(n: u32) -> Result<Self, UrnError> {
        if (100_000..=999_999).contains(&n) {
            Ok(Urn(n))
        } else {
            Err(UrnError)
        }
    }
    pub fn get(&self) -> u32 {
        self.0
    }
}

impl fmt::Display for Urn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The LA's own identifier for a child in social care: CIN census `LAchildID`, SSDA903
/// `CHILD` and the allocations file's `LAchildID` are one identifier space.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LaChildId(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LaChildIdError {
    #[error("the LA child id is empty")]
    Empty,
    #[error("an LA child id has at most 20 characters, this has {0}")]
    TooLong(usize),
    #[error("an LA child id holds letters, digits and hyphens only")]
    Characters,
}

impl LaChildId {
    /// The DfE allows up to 20 characters (CIN census rule 1570; the 903 `CHILD` is shorter).
    pub fn parse(raw: &str) -> Result<Self, LaChildIdError> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(LaChildIdError::Empty);
        }
        let n = t.chars().count();
        if n > 20 {
            return Err(LaChildIdError::TooLong(n));
        }
        if !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(LaChildIdError::Characters);
        }
        Ok(LaChildId(t.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LaChildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for LaChildId {
    type Error = LaChildIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<LaChildId> for String {
    fn from(id: LaChildId) -> String {
        id.0
    }
}

/// National curriculum year: nursery N1 and N2, reception R, years 1–14, or X (outside the
/// national curriculum, as in special schools).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NcYear {
    N1,
    N2,
    Reception,
    Year(u8),
    X,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("a national curriculum year is N1, N2, R, 1 to 14 or X")]
pub struct NcYearError;

impl NcYear {
    pub fn parse(raw: &str) -> Result<Self, NcYearError> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "N1" => Ok(NcYear::N1),
            "N2" => Ok(NcYear::N2),
            "R" => Ok(NcYear::Reception),
            "X" => Ok(NcYear::X),
            other => match other.parse::<u8>() {
                Ok(n) if (1..=14).contains(&n) => Ok(NcYear::Year(n)),
                _ => Err(NcYearError),
            },
        }
    }
    pub fn code(&self) -> String {
        match self {
            NcYear::N1 => "N1".into(),
            NcYear::N2 => "N2".into(),
            NcYear::Reception => "R".into(),
            NcYear::Year(n) => n.to_string(),
            NcYear::X => "X".into(),
        }
    }
    /// "Reception", "Year 7", for pages.
    pub fn label(&self) -> String {
        match self {
            NcYear::N1 => "Nursery 1".into(),
            NcYear::N2 => "Nursery 2".into(),
            NcYear::Reception => "Reception".into(),
            NcYear::Year(n) => format!("Year {n}"),
            NcYear::X => "Not following the national curriculum".into(),
        }
    }
}

/// A child's sex as the returns record it. The 903 `SEX` and CIN `GenderCurrent` used 1 and 2
/// before 2024/25 and 2025; `M`, `F` and `U` since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
    Unknown,
}

impl Sex {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_uppercase().as_str() {
            "1" | "M" => Some(Sex::Male),
            "2" | "F" => Some(Sex::Female),
            "0" | "9" | "U" => Some(Sex::Unknown),
            _ => None,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::Unknown => "U",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Worked by hand: body "801200001001" has weighted sum
    // 8*2 + 0*3 + 1*4 + 2*5 + 0*6 + 0*7 + 0*8 + 0*9 + 1*10 + 0*11 + 0*12 + 1*13 = 53;
    // 53 mod 23 = 7 → the eighth letter of ABCDEFGH… is H.
    #[test]
    fn check_letter_worked_by_hand() {
        assert!(Upn::parse("H801200001001").is_ok());
        assert_eq!(
            Upn::parse("A801200001001"),
            Err(UpnError::CheckLetter {
                expected: 'H',
                found: 'A'
            })
        );
    }

    // Temporary UPN: last character a letter takes its index in the table.
    // Body "80120000100A": 8*2+1*4+2*5+1*10 = 40, A=0 at weight 13 → 40 mod 23 = 17 → 'U'.
    #[test]
    fn temporary_upn_letter_in_position_13() {
        let u = Upn::parse("U80120000100A").expect("valid temporary UPN");
        assert!(u.is_temporary());
        // B=1 adds 13: 53 mod 23 = 7 → 'H'.
        assert!(Upn::parse("H80120000100B").is_ok());
        assert_eq!(Upn::parse("H80120000100I"), Err(UpnError::LastCharacter));
    }

    #[test]
    fn shape_errors() {
        assert_eq!(Upn::parse("H80120000100"), Err(UpnError::Length(12)));
        assert_eq!(Upn::parse("180120000100A"), Err(UpnError::FirstCharacter));
        assert_eq!(Upn::parse("I801200001001"), Err(UpnError::FirstCharacter));
        assert_eq!(Upn::parse("H8012000X1001"), Err(UpnError::NotDigits));
        assert_eq!(
            Upn::parse(" h801200001001 ").map(|u| u.to_string()),
            Ok("H801200001001".into())
        );
    }

    #[test]
    fn from_body_builds_valid_upns() {
        let u = Upn::from_body("801200001001").expect("body is well formed");
        assert_eq!(u.as_str(), "H801200001001");
        assert!(Upn::from_body("80120000100").is_none());
    }

    #[test]
    fn conversions_and_labels() {
        let u = Upn::parse("H801200001001").expect("valid");
        assert!(!u.is_temporary());
        assert_eq!(String::from(u), "H801200001001");
        assert_eq!(format!("{u:?}"), "Upn(H801200001001)");
        assert_eq!(
            UpnField::parse("H801200001001").ok().and_then(|f| f.upn()),
            Some(u)
        );
        let urn = Urn::new(123456).expect("valid");
        assert_eq!(urn.to_string(), "123456");
        let id = LaChildId::parse(" C-123 ").expect("valid");
        assert_eq!(id.as_str(), "C-123");
        assert_eq!(id.to_string(), "C-123");
        assert_eq!(String::from(id), "C-123");
        assert_eq!(NcYear::Year(7).label(), "Year 7");
        assert_eq!(NcYear::Reception.label(), "Reception");
        assert_eq!(NcYear::N1.label(), "Nursery 1");
        assert_eq!(Sex::parse("U"), Some(Sex::Unknown));
        assert_eq!(Sex::parse("9"), Some(Sex::Unknown));
        let codes: Vec<&str> = [Sex::Male, Sex::Female, Sex::Unknown]
            .iter()
            .map(|s| s.code())
            .collect();
        assert_eq!(codes, ["M", "F", "U"]);
    }

    #[test]
    fn unknown_codes() {
        assert_eq!(UpnField::parse("UN1").ok().and_then(|f| f.upn()), None);
        assert!(matches!(UpnField::parse("un10"), Ok(UpnField::Unknown(_))));
        assert!(UpnUnknown::parse("UN11").is_none());
        assert!(UpnUnknown::parse("UN0").is_none());
        assert_eq!(
            UpnUnknown::parse("UN7").map(|u| u.code()),
            Some("UN7".into())
        );
    }

    #[test]
    fn urn_range() {
        assert_eq!(Urn::parse("100000").map(|u| u.get()), Ok(100000));
        assert_eq!(Urn::parse("999999").map(|u| u.get()), Ok(999999));
        assert!(Urn::parse("099999").is_err());
        assert!(Urn::parse("1000000").is_err());
        assert!(Urn::parse("12a456").is_err());
        assert!(Urn::new(99_999).is_err());
    }

    #[test]
    fn la_child_id() {
        assert!(LaChildId::parse("DfEX000001").is_ok());
        assert_eq!(LaChildId::parse(" "), Err(LaChildIdError::Empty));
        // The DfE's own sample id has 11 characters; up to 20 are allowed (CIN rule 1570).
        assert!(LaChildId::parse("DfEX0000001").is_ok());
        assert!(LaChildId::parse("12345678901234567890").is_ok());
        assert_eq!(
            LaChildId::parse("123456789012345678901"),
            Err(LaChildIdError::TooLong(21))
        );
        assert_eq!(LaChildId::parse("12 4"), Err(LaChildIdError::Characters));
    }

    #[test]
    fn nc_year() {
        assert_eq!(NcYear::parse("R"), Ok(NcYear::Reception));
        assert_eq!(NcYear::parse("14"), Ok(NcYear::Year(14)));
        assert!(NcYear::parse("15").is_err());
        assert!(NcYear::parse("0").is_err());
        assert_eq!(NcYear::parse("n2").map(|y| y.code()), Ok("N2".into()));
    }

    #[test]
    fn sex_codes_old_and_new() {
        assert_eq!(Sex::parse("1"), Some(Sex::Male));
        assert_eq!(Sex::parse("F"), Some(Sex::Female));
        assert_eq!(Sex::parse("2"), Some(Sex::Female));
        assert_eq!(Sex::parse("Q"), None);
    }

    proptest::proptest! {
        #[test]
        fn every_body_gets_exactly_one_valid_letter(body in "[0-9]{12}") {
            let u = Upn::from_body(&body).expect("digits are a valid body");
            let s = u.to_string();
            let valid = UPN_LETTERS.iter().filter(|&&l| {
                let mut c = s.clone().into_bytes();
                c[0] = l;
                Upn::parse(std::str::from_utf8(&c).unwrap_or("")).is_ok()
            }).count();
            proptest::prop_assert_eq!(valid, 1);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = Upn::parse(&s);
            let _ = UpnField::parse(&s);
            let _ = Urn::parse(&s);
            let _ = NcYear::parse(&s);
        }
    }
}
