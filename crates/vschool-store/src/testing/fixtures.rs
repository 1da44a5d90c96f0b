//! Small hand-made datasets whose expected figures are worked out by hand, shared by the
//! store's tests and the command-line tests.

use time::macros::date;
use time::Date;
use vschool_domain::dataset::PupilCharacteristics;
use vschool_domain::pupil::{AttainmentResult, Contact, ContactRole, Measure, MeasureValue};
use vschool_domain::{
    AcademicYear, Allocation, AttendanceCode, CareEpisode, Child, CohortCounts, Dataset,
    EnrolStatus, Enrolment, Exclusion, ExclusionCategory, LaChildId, NcYear, Phase, Plan, PlanKind,
    Pupil, PupilRegister, Session, Setting, Sex, SocialCareHistory, Span, Upn, UpnUnknown, Urn,
    YearRegister,
};

/// A valid UPN built from its last twelve characters (the check letter is computed).
pub fn upn(body: &str) -> Upn {
    Upn::from_body(body).expect("a well-formed UPN body")
}

pub fn urn(n: u32) -> Urn {
    Urn::new(n).expect("a six-digit URN")
}

pub fn child_id(s: &str) -> LaChildId {
    LaChildId::parse(s).expect("a valid LA child id")
}

pub fn plan(kind: PlanKind, start: Date, end: Option<Date>) -> Plan {
    Plan {
        kind,
        span: Span::new(start, end),
    }
}

pub fn episode(
    start: Date,
    end: Option<Date>,
    legal_status: &str,
    rec: Option<&str>,
) -> CareEpisode {
    CareEpisode {
        span: Span::new(start, end),
        legal_status: legal_status.into(),
        placement: "U1".into(),
        reason_ceased: rec.map(Into::into),
    }
}

/// A child known only by id, birth date and history.
pub fn child(id: &str, birth: Option<Date>, plans: Vec<Plan>, episodes: Vec<CareEpisode>) -> Child {
    Child {
        la_child_id: child_id(id),
        upn: None,
        upn_unknown: None,
        former_upn: None,
        birth_date: birth,
        sex: Some(Sex::Female),
        ethnicity: None,
        history: SocialCareHistory { plans, episodes },
    }
}

/// The date the cohort fixture is counted on.
pub const COHORT_DATE: Date = date!(2025 - 03 - 14);

/// Children chosen for the edges of the cohort rules (DESIGN §4, §8), counted on
/// [`COHORT_DATE`], 2025-03-14. Six years before is 2019-03-14. Born 2012 unless said.
///
/// | child | history | on 2025-03-14 | Ever6 |
/// |---|---|---|---|
/// | C01 | CIN plan starting on the date, open | CIN | yes |
/// | C02 | CP plan 2024-06-01 … ending on the date | CP | yes |
/// | C03 | CP plan starting the day after | – | no |
/// | C04 | CIN from 2024-01-01 (open) overlapping CP 2025-01-01 … 2025-12-31 | CP (CP > CIN) | yes |
/// | C05 | episode 2023-05-01 … 2024-02-10 ended in adoption (E11) | – | yes |
/// | C06 | no UPN (UN3); episode C2 from 2024-09-01, open | CLA | yes |
/// | C07 | V4 short-break episode from 2024-01-01, open | – (short breaks are not CLA) | no |
/// | C08 | born 2007-03-14: 18 on the date; CP open | not counted | not counted |
/// | C09 | born 2007-03-15: 17 on the date; CIN open | CIN | yes |
/// | C10 | episode from 2024-12-01 (open) and CP from 2024-11-01 (open) | CLA (CLA > CP) | yes |
/// | C11 | CIN plan 2018-01-01 … 2019-03-14 (the first day of the window) | – | yes |
/// | C12 | CIN plan 2018-01-01 … 2019-03-13 (the day before the window) | – | no |
/// | C13 | no birth date; episode open | not counted | not counted |
/// | C14 | born 2025-04-01 (unborn on the date); pre-birth CP from 2025-02-01 | not counted | not counted |
/// | C15 | V4 episode open and CIN plan open | CIN | yes |
/// | C16 | episode 2024-01-01 … 2025-03-13 (ended the day before), E13 | – | yes |
///
/// So CLA = 2 (C06, C10); CP = 2 (C02, C04); CIN = 3 (C01, C09, C15);
/// Ever6 = 10 (C01, C02, C04, C05, C06, C09, C10, C11, C15, C16).
pub fn cohort_dataset() -> Dataset {
    use PlanKind::{Cin, Cp};
    let born = Some(date!(2012 - 06 - 01));
    let mut c06 = child(
        "C06",
        born,
        vec![],
        vec![episode(date!(2024 - 09 - 01), None, "C2", None)],
    );
    c06.upn_unknown = UpnUnknown::parse("UN3");
    let children = vec![
        child("C01", born, vec![plan(Cin, COHORT_DATE, None)], vec![]),
        child(
            "C02",
            born,
            vec![plan(Cp, date!(2024 - 06 - 01), Some(COHORT_DATE))],
            vec![],
        ),
        child(
            "C03",
            born,
            vec![plan(Cp, date!(2025 - 03 - 15), None)],
            vec![],
        ),
        child(
            "C04",
            born,
            vec![
                plan(Cin, date!(2024 - 01 - 01), None),
                plan(Cp, date!(2025 - 01 - 01), Some(date!(2025 - 12 - 31))),
            ],
            vec![],
        ),
        child(
            "C05",
            born,
            vec![],
            vec![episode(
                date!(2023 - 05 - 01),
                Some(date!(2024 - 02 - 10)),
                "E1",
                Some("E11"),
            )],
        ),
        c06,
        child(
            "C07",
            born,
            vec![],
            vec![episode(date!(2024 - 01 - 01), None, "V4", None)],
        ),
        child(
            "C08",
            Some(date!(2007 - 03 - 14)),
            vec![plan(Cp, date!(2024 - 01 - 01), None)],
            vec![],
        ),
        child(
            "C09",
            Some(date!(2007 - 03 - 15)),
            vec![plan(Cin, date!(2024 - 01 - 01), None)],
            vec![],
        ),
        child(
            "C10",
            born,
            vec![plan(Cp, date!(2024 - 11 - 01), None)],
            vec![episode(date!(2024 - 12 - 01), None, "C1", None)],
        ),
        child(
            "C11",
            born,
            vec![plan(
                Cin,
                date!(2018 - 01 - 01),
                Some(date!(2019 - 03 - 14)),
            )],
            vec![],
        ),
        child(
            "C12",
            born,
            vec![plan(
                Cin,
                date!(2018 - 01 - 01),
                Some(date!(2019 - 03 - 13)),
            )],
            vec![],
        ),
        child(
            "C13",
            None,
            vec![],
            vec![episode(date!(2024 - 01 - 01), None, "C2", None)],
        ),
        child(
            "C14",
            Some(date!(2025 - 04 - 01)),
            vec![plan(Cp, date!(2025 - 02 - 01), None)],
            vec![],
        ),
        child(
            "C15",
            born,
            vec![plan(Cin, date!(2025 - 01 - 01), None)],
            vec![episode(date!(2024 - 06 - 01), None, "V4", None)],
        ),
        child(
            "C16",
            born,
            vec![],
            vec![episode(
                date!(2024 - 01 - 01),
                Some(date!(2025 - 03 - 13)),
                "C2",
                Some("E13"),
            )],
        ),
    ];
    Dataset {
        la_code: 999,
        la_name: "Testshire".into(),
        children,
        ..Dataset::default()
    }
}

/// The counts [`cohort_dataset`] gives on [`COHORT_DATE`], worked out by hand above.
pub const COHORT_EXPECTED: CohortCounts = CohortCounts {
    cla: 2,
    cp: 2,
    cin: 3,
    ever6: 10,
};

/// A register with marks on the first and last sessions of the year and a few between.
fn register(year: AcademicYear, marks: &[(Date, Session, AttendanceCode)]) -> YearRegister {
    let mut r = YearRegister::new(year);
    for &(d, s, c) in marks {
        r.set(d, s, Some(c)).expect("a date in the year");
    }
    r
}

/// A dataset that fills every field of every table at least once with a value and, where
/// the field is optional, once without: for round-trip tests.
pub fn full_dataset() -> Dataset {
    use AttendanceCode as A;
    let p1 = upn("801200001001");
    let p2 = upn("801200001002");
    let p3 = upn("80120000100A");
    let school = urn(100001);
    let special = urn(100002);
    let settings = vec![
        Setting {
            urn: school,
            name: "Hilltop Primary School".into(),
            type_name: "Community school".into(),
            phase: Phase::Primary,
            status: "Open".into(),
            la_code: 999,
            la_name: "Testshire".into(),
            postcode: "TS1 1AA".into(),
        },
        Setting {
            urn: special,
            name: "Riverside Special School — Ōtautahi campus".into(),
            type_name: "Community special school".into(),
            phase: Phase::NotApplicable,
            status: "Open, but proposed to close".into(),
            la_code: 998,
            la_name: "Elsewhere".into(),
            postcode: "EL9 9ZZ".into(),
        },
    ];
    let children = vec![
        Child {
            la_child_id: child_id("A-0001"),
            upn: Some(p1),
            upn_unknown: None,
            former_upn: Some(p3),
            birth_date: Some(date!(2014 - 02 - 28)),
            sex: Some(Sex::Male),
            ethnicity: Some("WBRI".into()),
            history: SocialCareHistory {
                plans: vec![
                    plan(
                        PlanKind::Cin,
                        date!(2022 - 01 - 05),
                        Some(date!(2022 - 07 - 31)),
                    ),
                    plan(PlanKind::Cp, date!(2024 - 11 - 18), None),
                ],
                episodes: vec![
                    episode(
                        date!(2020 - 01 - 10),
                        Some(date!(2021 - 05 - 01)),
                        "C2",
                        Some("X1"),
                    ),
                    episode(
                        date!(2021 - 05 - 01),
                        Some(date!(2021 - 07 - 20)),
                        "E1",
                        Some("E11"),
                    ),
                    CareEpisode {
                        span: Span::new(date!(2025 - 01 - 02), None),
                        legal_status: "C1".into(),
                        placement: "K2".into(),
                        reason_ceased: None,
                    },
                ],
            },
        },
        Child {
            la_child_id: child_id("A-0002"),
            upn: None,
            upn_unknown: UpnUnknown::parse("UN10"),
            former_upn: None,
            birth_date: None,
            sex: None,
            ethnicity: None,
            history: SocialCareHistory::default(),
        },
        Child {
            la_child_id: child_id("B3"),
            upn: Some(p2),
            upn_unknown: None,
            former_upn: None,
            birth_date: Some(date!(2010 - 12 - 31)),
            sex: Some(Sex::Unknown),
            ethnicity: Some("MWBC".into()),
            history: SocialCareHistory {
                plans: vec![plan(PlanKind::Cin, date!(2024 - 09 - 01), None)],
                episodes: vec![],
            },
        },
    ];
    let allocations = vec![
        Allocation {
            la_child_id: child_id("A-0001"),
            worker_name: "Ann Example".into(),
            worker_email: "ann@example.org".into(),
            team: "North".into(),
            span: Span::new(date!(2024 - 01 - 01), Some(date!(2024 - 06 - 30))),
        },
        Allocation {
            la_child_id: child_id("A-0001"),
            worker_name: "Bob O'Example".into(),
            worker_email: "bob@example.org".into(),
            team: "North".into(),
            span: Span::new(date!(2024 - 07 - 01), None),
        },
    ];
    let pupils = vec![
        Pupil {
            upn: p1,
            surname: "Smith".into(),
            forename: "Alex".into(),
            birth_date: date!(2014 - 02 - 28),
            sex: Sex::Male,
        },
        Pupil {
            upn: p2,
            surname: "Ó Briain".into(),
            forename: "Saoirse".into(),
            birth_date: date!(2010 - 12 - 31),
            sex: Sex::Female,
        },
    ];
    let characteristics = vec![
        PupilCharacteristics {
            upn: p1,
            sen: Some("K".into()),
            ethnicity: Some("WBRI".into()),
        },
        PupilCharacteristics {
            upn: p2,
            sen: None,
            ethnicity: None,
        },
    ];
    let enrolments = vec![
        Enrolment {
            upn: p1,
            urn: school,
            entry: date!(2019 - 09 - 04),
            leaving: None,
            status: EnrolStatus::Main,
            nc_year: NcYear::Year(6),
        },
        Enrolment {
            upn: p1,
            urn: special,
            entry: date!(2024 - 09 - 02),
            leaving: Some(date!(2025 - 02 - 14)),
            status: EnrolStatus::Subsidiary,
            nc_year: NcYear::X,
        },
        Enrolment {
            upn: p2,
            urn: school,
            entry: date!(2015 - 09 - 01),
            leaving: Some(date!(2021 - 07 - 21)),
            status: EnrolStatus::Single,
            nc_year: NcYear::Reception,
        },
    ];
    // 2023/24 holds 29 February (732 sessions); 2024/25 does not (730).
    let y23 = AcademicYear(2023);
    let y24 = AcademicYear(2024);
    let registers = vec![
        PupilRegister {
            upn: p1,
            urn: school,
            register: register(
                y24,
                &[
                    (date!(2024 - 08 - 01), Session::Am, A::X),
                    (date!(2024 - 09 - 30), Session::Am, A::PresentAm),
                    (date!(2024 - 09 - 30), Session::Pm, A::PresentPm),
                    (date!(2024 - 10 - 01), Session::Am, A::I),
                    (date!(2024 - 11 - 18), Session::Am, A::C2),
                    (date!(2024 - 11 - 19), Session::Pm, A::Y1),
                    (date!(2025 - 07 - 31), Session::Pm, A::Closed),
                ],
            ),
        },
        PupilRegister {
            upn: p1,
            urn: special,
            register: register(y24, &[(date!(2024 - 09 - 30), Session::Am, A::D)]),
        },
        PupilRegister {
            upn: p1,
            urn: school,
            register: register(
                y23,
                &[
                    (date!(2023 - 11 - 20), Session::Am, A::H),
                    (date!(2023 - 11 - 20), Session::Pm, A::J),
                    (date!(2024 - 02 - 29), Session::Pm, A::N),
                ],
            ),
        },
        PupilRegister {
            upn: p2,
            urn: school,
            register: YearRegister::new(y24),
        },
    ];
    let exclusions = vec![
        Exclusion {
            upn: p1,
            urn: school,
            category: ExclusionCategory::Suspension,
            start: date!(2024 - 10 - 07),
            sessions: Some(4),
            reason: "PP".into(),
        },
        Exclusion {
            upn: p1,
            urn: school,
            category: ExclusionCategory::Permanent,
            start: date!(2025 - 01 - 20),
            sessions: None,
            reason: "PA".into(),
        },
    ];
    let attainment = vec![
        AttainmentResult {
            upn: p1,
            year: AcademicYear(2019),
            measure: Measure::EyfsGld,
            value: MeasureValue::Met(true),
        },
        AttainmentResult {
            upn: p2,
            year: AcademicYear(2017),
            measure: Measure::Ks2RwmExpected,
            value: MeasureValue::Met(false),
        },
        AttainmentResult {
            upn: p2,
            year: AcademicYear(2024),
            measure: Measure::Ks4Attainment8,
            value: MeasureValue::ScoreTenths(455),
        },
    ];
    let contacts = vec![
        Contact {
            urn: school,
            role: ContactRole::Dsl,
            name: "Dee Esel".into(),
            email: "dsl@hilltop.example".into(),
        },
        Contact {
            urn: school,
            role: ContactRole::Dt,
            name: "Dee Tee".into(),
            email: "dt@hilltop.example".into(),
        },
        Contact {
            urn: special,
            role: ContactRole::Head,
            name: "Ida Head".into(),
            email: "head@riverside.example".into(),
        },
    ];
    Dataset {
        la_code: 999,
        la_name: "Testshire".into(),
        settings,
        children,
        allocations,
        pupils,
        characteristics,
        enrolments,
        registers,
        exclusions,
        attainment,
        contacts,
    }
}
