//! The GIAS "all establishment data" export: Windows-1252, every column the real export has.
//! The Virtual School reads URN, names, type, phase, status, LA and postcode; the other
//! columns are filled the way GIAS fills them (codes and names, dd-mm-yyyy dates, "Not
//! applicable"), derived from the setting so they are the same every time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use time::{Date, Month};
use vschool_domain::pupil::ContactRole;
use vschool_domain::{Dataset, NcYear, Phase, Setting, Urn};

use super::{FileSummary, Out, WriteError};
use crate::context::ymd;
use crate::names::ascii_slug;
use crate::rng::hash_str;
use crate::settings::{age_range, establishment_number, open_date, street_of, town_of};

/// The columns of the GIAS all-establishments CSV, in the export's order.
pub const GIAS_COLUMNS: &[&str] = &[
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (code)",
    "ReasonEstablishmentOpened (name)",
    "OpenDate",
    "ReasonEstablishmentClosed (code)",
    "ReasonEstablishmentClosed (name)",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Boarders (code)",
    "Boarders (name)",
    "NurseryProvision (name)",
    "OfficialSixthForm (code)",
    "OfficialSixthForm (name)",
    "Gender (code)",
    "Gender (name)",
    "ReligiousCharacter (code)",
    "ReligiousCharacter (name)",
    "ReligiousEthos (name)",
    "Diocese (code)",
    "Diocese (name)",
    "AdmissionsPolicy (code)",
    "AdmissionsPolicy (name)",
    "SchoolCapacity",
    "SpecialClasses (code)",
    "SpecialClasses (name)",
    "CensusDate",
    "NumberOfPupils",
    "NumberOfBoys",
    "NumberOfGirls",
    "PercentageFSM",
    "TrustSchoolFlag (code)",
    "TrustSchoolFlag (name)",
    "Trusts (code)",
    "Trusts (name)",
    "SchoolSponsorFlag (name)",
    "SchoolSponsors (name)",
    "FederationFlag (name)",
    "Federations (code)",
    "Federations (name)",
    "UKPRN",
    "FEHEIdentifier",
    "FurtherEducationType (name)",
    "OfstedLastInsp",
    "OfstedSpecialMeasures (code)",
    "OfstedSpecialMeasures (name)",
    "LastChangedDate",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    "HeadPreferredJobTitle",
    "BSOInspectorateName (name)",
    "InspectorateReport",
    "DateOfLastInspectionVisit",
    "NextInspectionVisit",
    "TeenMoth (name)",
    "TeenMothPlaces",
    "CCF (name)",
    "SENPRU (name)",
    "EBD (name)",
    "PlacesPRU",
    "FTProv (name)",
    "EdByOther (name)",
    "Section41Approved (name)",
    "SEN1 (name)",
    "SEN2 (name)",
    "SEN3 (name)",
    "SEN4 (name)",
    "SEN5 (name)",
    "SEN6 (name)",
    "SEN7 (name)",
    "SEN8 (name)",
    "SEN9 (name)",
    "SEN10 (name)",
    "SEN11 (name)",
    "SEN12 (name)",
    "SEN13 (name)",
    "TypeOfResourcedProvision (name)",
    "ResourcedProvisionOnRoll",
    "ResourcedProvisionCapacity",
    "SenUnitOnRoll",
    "SenUnitCapacity",
    "GOR (code)",
    "GOR (name)",
    "DistrictAdministrative (code)",
    "DistrictAdministrative (name)",
    "AdministrativeWard (code)",
    "AdministrativeWard (name)",
    "ParliamentaryConstituency (code)",
    "ParliamentaryConstituency (name)",
    "UrbanRural (code)",
    "UrbanRural (name)",
    "GSSLACode (name)",
    "Easting",
    "Northing",
    "MSOA (name)",
    "LSOA (name)",
    "InspectorateName (name)",
    "SENStat",
    "SENNoStat",
    "BoardingEstablishment (name)",
    "PropsName",
    "PreviousLA (code)",
    "PreviousLA (name)",
    "PreviousEstablishmentNumber",
    "OfstedRating (name)",
    "Country (name)",
    "UPRN",
    "SiteName",
    "QABName (code)",
    "QABName (name)",
    "EstablishmentAccredited (code)",
    "EstablishmentAccredited (name)",
    "QABReport",
    "CHNumber",
    "MSOA (code)",
    "LSOA (code)",
    "FSM",
    "AccreditationExpiryDate",
];

/// Replaces letters Windows-1252 cannot hold with their base letter (ř → r, Ł → L), as an
/// export to that encoding must.
fn cp1252_fold(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut buf = [0u8; 4];
            let text = c.encode_utf8(&mut buf);
            if !encoding_rs::WINDOWS_1252.encode(text).2 {
                return c;
            }
            match c {
                'ą' | 'ă' | 'ā' => 'a',
                'ć' | 'č' => 'c',
                'ď' => 'd',
                'ę' | 'ě' | 'ē' => 'e',
                'ł' => 'l',
                'Ł' => 'L',
                'ń' | 'ň' => 'n',
                'ř' => 'r',
                'ś' | 'ș' | 'ş' => 's',
                'Ś' | 'Ș' | 'Ş' => 'S',
                'ț' | 'ţ' | 'ť' => 't',
                'ů' | 'ū' => 'u',
                'ź' | 'ż' => 'z',
                'Ź' | 'Ż' => 'Z',
                _ => '?',
            }
        })
        .collect()
}

/// GIAS's code and type group for a type name.
fn type_codes(type_name: &str) -> (&'static str, &'static str, &'static str) {
    match type_name {
        "Community school" => ("01", "4", "Local authority maintained schools"),
        "Voluntary aided school" => ("02", "4", "Local authority maintained schools"),
        "Voluntary controlled school" => ("03", "4", "Local authority maintained schools"),
        "Foundation school" => ("05", "4", "Local authority maintained schools"),
        "Community special school" => ("07", "5", "Special schools"),
        "Non-maintained special school" => ("08", "5", "Special schools"),
        "Other independent special school" => ("10", "3", "Independent schools"),
        "Foundation special school" => ("12", "5", "Special schools"),
        "Pupil referral unit" => ("14", "4", "Local authority maintained schools"),
        "Local authority nursery school" => ("15", "4", "Local authority maintained schools"),
        "Further education" => ("18", "1", "Colleges"),
        "Academy sponsor led" => ("28", "10", "Academies"),
        "Academy special sponsor led" => ("33", "10", "Academies"),
        "Academy converter" => ("34", "10", "Academies"),
        "Free schools" => ("35", "11", "Free Schools"),
        "Academy alternative provision sponsor led" => ("43", "10", "Academies"),
        "Academy special converter" => ("44", "10", "Academies"),
        "Academy 16-19 converter" => ("45", "10", "Academies"),
        _ => ("27", "9", "Other types"),
    }
}

fn phase_code(phase: Phase) -> &'static str {
    match phase {
        Phase::NotApplicable => "0",
        Phase::Nursery => "1",
        Phase::Primary => "2",
        Phase::MiddleDeemedPrimary => "3",
        Phase::Secondary => "4",
        Phase::MiddleDeemedSecondary => "5",
        Phase::SixteenPlus => "6",
        Phase::AllThrough => "7",
    }
}

fn status_code(status: &str) -> &'static str {
    match status {
        "Open" => "1",
        "Closed" => "2",
        "Open, but proposed to close" => "3",
        "Proposed to open" => "4",
        _ => "1",
    }
}

/// GIAS dates are `dd-mm-yyyy`.
fn gias_date(d: Date) -> String {
    format!("{:02}-{:02}-{:04}", d.day(), d.month() as u8, d.year())
}

/// A number from `lo` to `hi` derived from a setting and a purpose.
fn derived(setting: &Setting, what: &str, lo: u64, hi: u64) -> u64 {
    lo + hash_str(&format!("{}{what}", setting.urn)) % (hi - lo + 1)
}

struct Row<'a> {
    setting: &'a Setting,
    head: Option<&'a str>,
    sixth_form: bool,
    extract: Date,
}

impl Row<'_> {
    fn value(&self, column: &str) -> String {
        let s = self.setting;
        let (type_code, group_code, group_name) = type_codes(&s.type_name);
        let academy = group_code == "10" || group_code == "11";
        let closed = s.status == "Closed";
        let na = || "Not applicable".to_owned();
        let religious = if s.name.contains("Catholic") {
            Some((
                "03",
                "Roman Catholic",
                "RC13",
                "Roman Catholic Diocese of Northshire",
            ))
        } else if s.name.contains("CofE") || s.name.contains("Church of England") {
            Some((
                "02",
                "Church of England",
                "CE29",
                "Diocese of Northshire and Wyvern",
            ))
        } else {
            None
        };
        let (low, high) = age_range(s);
        let capacity = match s.phase {
            Phase::Primary => derived(s, "cap", 6, 21) * 30,
            Phase::Secondary | Phase::AllThrough => derived(s, "cap", 30, 70) * 30,
            Phase::Nursery => derived(s, "cap", 4, 10) * 13,
            Phase::SixteenPlus => derived(s, "cap", 40, 120) * 25,
            _ => derived(s, "cap", 6, 24) * 10,
        };
        let pupils = capacity * derived(s, "fill", 78, 104) / 100;
        let boys = pupils * derived(s, "boys", 46, 54) / 100;
        let fsm_pct = derived(s, "fsm", 60, 420);
        let town = town_of(s);
        let trust = format!(
            "{} {}",
            [
                "Wyvern",
                "Northshire",
                "Moorland",
                "Castlemere",
                "Three Rivers"
            ][derived(s, "trust", 0, 4) as usize],
            [
                "Learning Trust",
                "Academies Trust",
                "Education Partnership",
                "Multi-Academy Trust"
            ][derived(s, "trustkind", 0, 3) as usize]
        );
        // GIAS holds Windows-1252 only: a head's name with other letters is folded to them.
        let head = cp1252_fold(self.head.unwrap_or(""));
        let head = head.as_str();
        let (head_first, head_last) = head.split_once(' ').unwrap_or(("", ""));
        let slug: String = ascii_slug(&s.name).chars().take(28).collect();
        let census = {
            // The January census before the extract date (third Thursday, near enough).
            let y = if self.extract.month() >= Month::February {
                self.extract.year()
            } else {
                self.extract.year() - 1
            };
            ymd(y, Month::January, 16)
        };
        match column {
            "URN" => s.urn.to_string(),
            "LA (code)" => format!("{:03}", s.la_code),
            "LA (name)" => s.la_name.clone(),
            "EstablishmentNumber" => establishment_number(s)
                .map(|n| format!("{n:04}"))
                .unwrap_or_default(),
            "EstablishmentName" => s.name.clone(),
            "TypeOfEstablishment (code)" => type_code.to_owned(),
            "TypeOfEstablishment (name)" => s.type_name.clone(),
            "EstablishmentTypeGroup (code)" => group_code.to_owned(),
            "EstablishmentTypeGroup (name)" => group_name.to_owned(),
            "EstablishmentStatus (code)" => status_code(&s.status).to_owned(),
            "EstablishmentStatus (name)" => s.status.clone(),
            "ReasonEstablishmentOpened (code)" => {
                if academy {
                    "10".into()
                } else {
                    "00".into()
                }
            }
            "ReasonEstablishmentOpened (name)" => {
                if academy {
                    "Academy Converter".into()
                } else {
                    na()
                }
            }
            "OpenDate" => open_date(s).map(gias_date).unwrap_or_default(),
            "ReasonEstablishmentClosed (code)" => {
                if closed {
                    "04".into()
                } else {
                    "00".into()
                }
            }
            "ReasonEstablishmentClosed (name)" => {
                if closed {
                    "Result of Amalgamation/Merger".into()
                } else {
                    na()
                }
            }
            "CloseDate" => {
                if closed {
                    let y = if self.extract.month() >= Month::September {
                        self.extract.year()
                    } else {
                        self.extract.year() - 1
                    };
                    gias_date(ymd(y, Month::August, 31))
                } else {
                    String::new()
                }
            }
            "PhaseOfEducation (code)" => phase_code(s.phase).to_owned(),
            "PhaseOfEducation (name)" => s.phase.gias_name().to_owned(),
            "StatutoryLowAge" => low.to_string(),
            "StatutoryHighAge" => high.to_string(),
            "Boarders (code)" => "1".into(),
            "Boarders (name)" => "No boarders".into(),
            "NurseryProvision (name)" => match s.phase {
                Phase::Nursery => "Has Nursery Classes".into(),
                Phase::Primary if derived(s, "nursery", 0, 2) == 0 => "Has Nursery Classes".into(),
                _ => "No Nursery Classes".into(),
            },
            "OfficialSixthForm (code)" => match s.phase {
                Phase::Secondary | Phase::AllThrough | Phase::SixteenPlus if self.sixth_form => {
                    "1".into()
                }
                Phase::Secondary | Phase::AllThrough => "2".into(),
                _ => "0".into(),
            },
            "OfficialSixthForm (name)" => match s.phase {
                Phase::Secondary | Phase::AllThrough | Phase::SixteenPlus if self.sixth_form => {
                    "Has a sixth form".into()
                }
                Phase::Secondary | Phase::AllThrough => "Does not have a sixth form".into(),
                _ => na(),
            },
            "Gender (code)" => "3".into(),
            "Gender (name)" => "Mixed".into(),
            "ReligiousCharacter (code)" => religious.map_or("00", |r| r.0).to_owned(),
            "ReligiousCharacter (name)" => religious.map_or("Does not apply", |r| r.1).to_owned(),
            "ReligiousEthos (name)" => religious.map_or("Does not apply", |r| r.1).to_owned(),
            "Diocese (code)" => religious.map_or("0000", |r| r.2).to_owned(),
            "Diocese (name)" => religious.map_or("Not applicable", |r| r.3).to_owned(),
            "AdmissionsPolicy (code)" => match s.phase {
                Phase::Secondary if s.name.contains("Grammar") => "2".into(),
                Phase::Secondary | Phase::AllThrough => "1".into(),
                _ => "0".into(),
            },
            "AdmissionsPolicy (name)" => match s.phase {
                Phase::Secondary if s.name.contains("Grammar") => "Selective".into(),
                Phase::Secondary | Phase::AllThrough => "Non-selective".into(),
                _ => na(),
            },
            "SchoolCapacity" => capacity.to_string(),
            "SpecialClasses (code)" => "2".into(),
            "SpecialClasses (name)" => "No Special Classes".into(),
            "CensusDate" => gias_date(census),
            "NumberOfPupils" => pupils.to_string(),
            "NumberOfBoys" => boys.to_string(),
            "NumberOfGirls" => (pupils - boys).to_string(),
            "PercentageFSM" => format!("{}.{}", fsm_pct / 10, fsm_pct % 10),
            "TrustSchoolFlag (code)" => {
                if academy {
                    "5".into()
                } else {
                    "0".into()
                }
            }
            "TrustSchoolFlag (name)" => {
                if academy {
                    "Supported by a multi-academy trust".into()
                } else {
                    "Not applicable".into()
                }
            }
            "Trusts (code)" => {
                if academy {
                    derived(s, "trust", 4000, 4004).to_string()
                } else {
                    String::new()
                }
            }
            "Trusts (name)" => {
                if academy {
                    trust
                } else {
                    String::new()
                }
            }
            "SchoolSponsorFlag (name)" => {
                if s.type_name.contains("sponsor led") {
                    "Linked to a sponsor".into()
                } else {
                    na()
                }
            }
            "SchoolSponsors (name)" => {
                if s.type_name.contains("sponsor led") {
                    trust
                } else {
                    String::new()
                }
            }
            "FederationFlag (name)" => "Not under a federation".into(),
            "UKPRN" => format!("10{:06}", derived(s, "ukprn", 0, 999_999)),
            "FEHEIdentifier" => {
                if s.type_name == "Further education" {
                    derived(s, "fehe", 8000, 8999).to_string()
                } else {
                    String::new()
                }
            }
            "FurtherEducationType (name)" => {
                if s.type_name == "Further education" {
                    "General Further Education College".into()
                } else {
                    na()
                }
            }
            "OfstedLastInsp" => gias_date(ymd(
                2019 + derived(s, "ofsted", 0, 5) as i32,
                Month::try_from(derived(s, "ofm", 1, 12) as u8).unwrap_or(Month::May),
                derived(s, "ofd", 1, 28) as u8,
            )),
            "OfstedSpecialMeasures (code)" => "0".into(),
            "OfstedSpecialMeasures (name)" => na(),
            "LastChangedDate" => gias_date(ymd(
                self.extract.year(),
                Month::January,
                1 + derived(s, "changed", 0, 27) as u8,
            )),
            "Street" => street_of(s),
            "Locality" => String::new(),
            "Address3" => String::new(),
            "Town" => town,
            "County (name)" => {
                if s.la_code == crate::LA_CODE {
                    crate::LA_NAME.into()
                } else {
                    s.la_name.clone()
                }
            }
            "Postcode" => s.postcode.clone(),
            "SchoolWebsite" => format!("https://www.{slug}.sch.example"),
            // Ofcom's range for drama: never a real number.
            "TelephoneNum" => format!("01632 {:06}", 960_000 + derived(s, "tel", 0, 999)),
            "HeadTitle (name)" => {
                if head.is_empty() {
                    String::new()
                } else {
                    ["Mrs", "Mr", "Ms", "Dr", "Miss"][derived(s, "title", 0, 4) as usize].into()
                }
            }
            "HeadFirstName" => head_first.to_owned(),
            "HeadLastName" => head_last.to_owned(),
            "HeadPreferredJobTitle" => {
                if head.is_empty() {
                    String::new()
                } else if academy {
                    "Principal".into()
                } else {
                    "Headteacher".into()
                }
            }
            "BSOInspectorateName (name)" => na(),
            "TeenMoth (name)" => na(),
            "CCF (name)" => na(),
            "SENPRU (name)" => na(),
            "EBD (name)" => na(),
            "PlacesPRU" => {
                if s.type_name == "Pupil referral unit" {
                    "40".into()
                } else {
                    String::new()
                }
            }
            "FTProv (name)" => na(),
            "EdByOther (name)" => na(),
            "Section41Approved (name)" => {
                if s.type_name == "Other independent special school" {
                    "Approved".into()
                } else {
                    na()
                }
            }
            "SEN1 (name)" if s.type_name.contains("special") => {
                "ASD - Autistic Spectrum Disorder".into()
            }
            "SEN2 (name)" if s.type_name.contains("special") => {
                "SEMH - Social, Emotional and Mental Health".into()
            }
            "SEN3 (name)" if s.type_name.contains("special") => {
                "MLD - Moderate Learning Difficulty".into()
            }
            "TypeOfResourcedProvision (name)" => na(),
            "GOR (code)" => "A".into(),
            "GOR (name)" => "North East".into(),
            "DistrictAdministrative (code)" => format!("E06000{:03}", s.la_code),
            "DistrictAdministrative (name)" => s.la_name.clone(),
            "AdministrativeWard (code)" => {
                format!("E05{:06}", derived(s, "ward", 900_000, 999_999))
            }
            "AdministrativeWard (name)" => format!("{town} Ward"),
            "ParliamentaryConstituency (code)" => {
                format!("E14{:06}", derived(s, "pc", 900_000, 900_009))
            }
            "ParliamentaryConstituency (name)" => format!(
                "{} {}",
                s.la_name,
                ["North", "South", "East", "West", "Central"][derived(s, "pcn", 0, 4) as usize]
            ),
            "UrbanRural (code)" => "C1".into(),
            "UrbanRural (name)" => "(England/Wales) Urban city and town".into(),
            "GSSLACode (name)" => format!("E06000{:03}", s.la_code),
            "Easting" => derived(s, "e", 400_000, 460_000).to_string(),
            "Northing" => derived(s, "n", 520_000, 580_000).to_string(),
            "MSOA (name)" => format!("{} {:03}", s.la_name, derived(s, "msoa", 1, 40)),
            "LSOA (name)" => format!(
                "{} {:03}{}",
                s.la_name,
                derived(s, "msoa", 1, 40),
                ["A", "B", "C", "D"][derived(s, "lsoa", 0, 3) as usize]
            ),
            "InspectorateName (name)" => na(),
            "BoardingEstablishment (name)" => na(),
            "PreviousLA (code)" => "999".into(),
            "PreviousLA (name)" => "Does not apply".into(),
            "OfstedRating (name)" => [
                "Good",
                "Good",
                "Good",
                "Outstanding",
                "Requires improvement",
            ][derived(s, "rating", 0, 4) as usize]
                .into(),
            "UPRN" => format!(
                "{:012}",
                derived(s, "uprn", 100_000_000_000, 999_999_999_999)
            ),
            "QABName (code)" => "0".into(),
            "QABName (name)" => na(),
            "EstablishmentAccredited (code)" => "0".into(),
            "EstablishmentAccredited (name)" => na(),
            "MSOA (code)" => format!("E02{:06}", derived(s, "msoa", 1, 40) + 990_000),
            "LSOA (code)" => format!("E01{:06}", derived(s, "lsoa2", 990_000, 999_999)),
            "FSM" => (pupils * fsm_pct / 1000).to_string(),
            _ => String::new(),
        }
    }
}

/// Writes `edubasealldata{YYYYMMDD}.csv`, named as the real download is.
pub(crate) fn write(ds: &Dataset, dir: &Path, extract: Date) -> Result<FileSummary, WriteError> {
    let name = format!(
        "edubasealldata{:04}{:02}{:02}.csv",
        extract.year(),
        extract.month() as u8,
        extract.day()
    );
    let heads: BTreeMap<Urn, &str> = ds
        .contacts
        .iter()
        .filter(|c| c.role == ContactRole::Head)
        .map(|c| (c.urn, c.name.as_str()))
        .collect();
    // A school has a sixth form in GIAS when pupils in years 12 and 13 are on its roll.
    let sixth_forms: BTreeSet<Urn> = ds
        .enrolments
        .iter()
        .filter(|e| matches!(e.nc_year, NcYear::Year(12..=14)))
        .map(|e| e.urn)
        .collect();
    let mut out = Out::create(dir, &name)?;
    let path = out.path.clone();
    let mut text = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut text);
        let csv_err = |source| WriteError::Csv {
            path: path.clone(),
            source,
        };
        w.write_record(GIAS_COLUMNS).map_err(csv_err)?;
        for s in &ds.settings {
            let row = Row {
                setting: s,
                head: heads.get(&s.urn).copied(),
                sixth_form: sixth_forms.contains(&s.urn) || s.phase == Phase::SixteenPlus,
                extract,
            };
            let values: Vec<String> = GIAS_COLUMNS.iter().map(|c| row.value(c)).collect();
            w.write_record(&values).map_err(csv_err)?;
        }
        w.flush().map_err(|e| csv_err(e.into()))?;
    }
    let utf8 = String::from_utf8_lossy(&text);
    let (bytes, _, had_errors) = encoding_rs::WINDOWS_1252.encode(&utf8);
    if had_errors {
        let bad = utf8
            .lines()
            .find(|l| encoding_rs::WINDOWS_1252.encode(l).2)
            .unwrap_or_default()
            .to_owned();
        return Err(WriteError::Encoding { path, text: bad });
    }
    out.write_all(&bytes)?;
    out.finish(ds.settings.len())
}
