//! A small local authority for the web tests and the seeded browser-test server: two
//! schools, seven children whose statuses on 14 March 2025 are worked out by hand below,
//! and one signed-up account per role (password set, authenticator enrolled).
//!
//! | child | history | status on 2025-03-14 | pupil, school | worker |
//! |---|---|---|---|---|
//! | C001 | looked after from 2023-05-01 | CLA | Amy Adams, Oakfield, Y4 | Ann |
//! | C002 | CP plan from 2024-12-01 | CP | Ben Brown, Oakfield, Y6 | Bob |
//! | C003 | CIN plan from 2025-01-10 | CIN | Cara Clarke, Riverside, Y8 | Ann |
//! | C004 | CIN plan 2021-01-01 to 2022-06-30 | Ever6 only | Dan Davies, Riverside, Y10 | – |
//! | C005 | looked after 2019-01-01 to 2020-06-01, adopted (E11) | Ever6, previously looked after | Eve Evans, Oakfield, Y5 | – |
//! | C006 | CP plan from 2024-09-01, no UPN | CP | (not linked) | Bob |
//! | C007 | looked after from 2022-01-01, born 2005 (19) | too old to count | – | – |
//!
//! Headline counts on 2025-03-14: CLA 1, CP 2, CIN 1, Ever6 6 (C001–C006).
//!
//! Amy's marks at Oakfield (she is looked after all year, so every date is "on plan"):
//!
//! | date | AM | PM |
//! |---|---|---|
//! | 2024-05-13, 2024-05-14 (2023/24) | / | \ |
//! | 2024-09-02 | / | \ |
//! | 2024-09-03 | / | N |
//! | 2024-09-04 | I | I |
//! | 2025-01-06 | / | \ |
//! | 2025-01-07 | C2 | C2 |
//! | 2025-03-14 | L | \ |
//! | 2025-03-17 (after today: never counts) | N | N |
//!
//! On 2025-03-14: year to date attended 7 (`/ \ / / \ L \`), authorised 4 (`I I C2 C2`),
//! unauthorised 1 (`N`), possible 12: 58.3%, persistent absence (5 × 10 ≥ 12), not severe
//! (5 × 2 < 12); on plan the same; previous term (autumn 2024) 3 of 6: 50.0%; previous
//! year 4 of 4: 100.0%; 2 part-time (C2) sessions. One suspension of 2 sessions on
//! 2025-01-20 (reason DB). Cara met the KS2 expected standard in 2022/23.
//! Oakfield's DSL sees Amy (CLA) and Ben (CP), never Eve (adopted); Riverside's would see
//! Cara and Dan. Ann (social worker) sees Amy and Cara; Bob sees Ben and the unlinked C006.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use time::macros::date;
use time::Date;
use vschool_domain::calendar::{AcademicYear, Session};
use vschool_domain::pupil::{AttainmentResult, ExclusionCategory, Measure, MeasureValue};
use vschool_domain::{
    Allocation, AttendanceCode, CareEpisode, Child, Dataset, EnrolStatus, Enrolment, Exclusion,
    LaChildId, NcYear, Phase, Plan, PlanKind, Pupil, PupilRegister, Setting, Sex,
    SocialCareHistory, Span, Upn, Urn, YearRegister,
};
use vschool_store::Store;
use vschool_web::accounts::{add_user, Actor, NewUser};
use vschool_web::auth::Role;
use vschool_web::Config;

pub const TODAY: Date = date!(2025 - 03 - 14);
pub const LA_NAME: &str = "Northshire Council";
pub const PASSWORD: &str = "correct horse battery staple";
pub const OAKFIELD: u32 = 100001;
pub const RIVERSIDE: u32 = 100002;

/// One seeded account.
#[derive(Debug, Clone)]
pub struct SeedAccount {
    pub role: Role,
    pub email: String,
    pub password: String,
    /// Base32 TOTP secret, already enrolled.
    pub totp_secret: String,
}

pub fn upn(body: &str) -> Upn {
    Upn::from_body(body).expect("a valid UPN body")
}

pub fn urn(n: u32) -> Urn {
    Urn::new(n).expect("a valid URN")
}

fn setting(n: u32, name: &str, phase: Phase, type_name: &str) -> Setting {
    Setting {
        urn: urn(n),
        name: name.into(),
        type_name: type_name.into(),
        phase,
        status: "Open".into(),
        la_code: 999,
        la_name: LA_NAME.into(),
        postcode: "NS1 1AA".into(),
    }
}

fn child(
    id: &str,
    upn_body: Option<&str>,
    birth: Date,
    sex: Sex,
    plans: Vec<Plan>,
    episodes: Vec<CareEpisode>,
) -> Child {
    Child {
        la_child_id: LaChildId::parse(id).expect("id"),
        upn: upn_body.map(upn),
        upn_unknown: None,
        former_upn: None,
        birth_date: Some(birth),
        sex: Some(sex),
        ethnicity: Some("WBRI".into()),
        history: SocialCareHistory { plans, episodes },
    }
}

fn plan(kind: PlanKind, start: Date, end: Option<Date>) -> Plan {
    Plan {
        kind,
        span: Span::new(start, end),
    }
}

fn episode(start: Date, end: Option<Date>, rec: Option<&str>) -> CareEpisode {
    CareEpisode {
        span: Span::new(start, end),
        legal_status: "C2".into(),
        placement: "U1".into(),
        reason_ceased: rec.map(str::to_owned),
    }
}

fn pupil(body: &str, forename: &str, surname: &str, birth: Date, sex: Sex) -> Pupil {
    Pupil {
        upn: upn(body),
        surname: surname.into(),
        forename: forename.into(),
        birth_date: birth,
        sex,
    }
}

fn enrol(body: &str, school: u32, year: u8) -> Enrolment {
    Enrolment {
        upn: upn(body),
        urn: urn(school),
        entry: date!(2020 - 09 - 01),
        leaving: None,
        status: EnrolStatus::Single,
        nc_year: NcYear::Year(year),
    }
}

fn alloc(id: &str, name: &str, email: &str, start: Date) -> Allocation {
    Allocation {
        la_child_id: LaChildId::parse(id).expect("id"),
        worker_name: name.into(),
        worker_email: email.into(),
        team: "Assessment and Intervention".into(),
        span: Span::new(start, None),
    }
}

/// A register from (date, AM code, PM code) rows, codes read in the set in force on the date.
fn register(body: &str, school: u32, year: i32, rows: &[(Date, &str, &str)]) -> PupilRegister {
    let mut r = YearRegister::new(AcademicYear(year));
    for (date, am, pm) in rows {
        for (session, code) in [(Session::Am, am), (Session::Pm, pm)] {
            let code = AttendanceCode::parse_on(code, *date).expect("a code in force");
            r.set(*date, session, code).expect("a date in the year");
        }
    }
    PupilRegister {
        upn: upn(body),
        urn: urn(school),
        register: r,
    }
}

pub const ANN: &str = "ann.worker@northshire.example";
pub const BOB: &str = "bob.worker@northshire.example";

pub fn dataset() -> Dataset {
    let (amy, ben, cara, dan, eve) = (
        "999000000001",
        "999000000002",
        "999000000003",
        "999000000004",
        "999000000005",
    );
    Dataset {
        la_code: 999,
        la_name: LA_NAME.into(),
        settings: vec![
            setting(
                OAKFIELD,
                "Oakfield Primary School",
                Phase::Primary,
                "Community school",
            ),
            setting(
                RIVERSIDE,
                "Riverside Academy",
                Phase::Secondary,
                "Academy converter",
            ),
        ],
        children: vec![
            child(
                "C001",
                Some(amy),
                date!(2015 - 06 - 01),
                Sex::Female,
                vec![],
                vec![episode(date!(2023 - 05 - 01), None, None)],
            ),
            child(
                "C002",
                Some(ben),
                date!(2013 - 10 - 10),
                Sex::Male,
                vec![plan(PlanKind::Cp, date!(2024 - 12 - 01), None)],
                vec![],
            ),
            child(
                "C003",
                Some(cara),
                date!(2012 - 02 - 02),
                Sex::Female,
                vec![plan(PlanKind::Cin, date!(2025 - 01 - 10), None)],
                vec![],
            ),
            child(
                "C004",
                Some(dan),
                date!(2009 - 11 - 11),
                Sex::Male,
                vec![plan(
                    PlanKind::Cin,
                    date!(2021 - 01 - 01),
                    Some(date!(2022 - 06 - 30)),
                )],
                vec![],
            ),
            child(
                "C005",
                Some(eve),
                date!(2014 - 04 - 04),
                Sex::Female,
                vec![],
                vec![episode(
                    date!(2019 - 01 - 01),
                    Some(date!(2020 - 06 - 01)),
                    Some("E11"),
                )],
            ),
            child(
                "C006",
                None,
                date!(2016 - 07 - 07),
                Sex::Male,
                vec![plan(PlanKind::Cp, date!(2024 - 09 - 01), None)],
                vec![],
            ),
            child(
                "C007",
                None,
                date!(2005 - 01 - 01),
                Sex::Female,
                vec![],
                vec![episode(date!(2022 - 01 - 01), None, None)],
            ),
        ],
        allocations: vec![
            alloc("C001", "Ann Worker", ANN, date!(2023 - 05 - 01)),
            alloc("C002", "Bob Worker", BOB, date!(2024 - 12 - 01)),
            alloc("C003", "Ann Worker", ANN, date!(2025 - 01 - 10)),
            alloc("C006", "Bob Worker", BOB, date!(2024 - 09 - 01)),
        ],
        pupils: vec![
            pupil(amy, "Amy", "Adams", date!(2015 - 06 - 01), Sex::Female),
            pupil(ben, "Ben", "Brown", date!(2013 - 10 - 10), Sex::Male),
            pupil(cara, "Cara", "Clarke", date!(2012 - 02 - 02), Sex::Female),
            pupil(dan, "Dan", "Davies", date!(2009 - 11 - 11), Sex::Male),
            pupil(eve, "Eve", "Evans", date!(2014 - 04 - 04), Sex::Female),
        ],
        characteristics: vec![],
        enrolments: vec![
            enrol(amy, OAKFIELD, 4),
            enrol(ben, OAKFIELD, 6),
            enrol(cara, RIVERSIDE, 8),
            enrol(dan, RIVERSIDE, 10),
            enrol(eve, OAKFIELD, 5),
        ],
        registers: vec![
            register(
                amy,
                OAKFIELD,
                2023,
                &[
                    (date!(2024 - 05 - 13), "/", "\\"),
                    (date!(2024 - 05 - 14), "/", "\\"),
                ],
            ),
            register(
                amy,
                OAKFIELD,
                2024,
                &[
                    (date!(2024 - 09 - 02), "/", "\\"),
                    (date!(2024 - 09 - 03), "/", "N"),
                    (date!(2024 - 09 - 04), "I", "I"),
                    (date!(2025 - 01 - 06), "/", "\\"),
                    (date!(2025 - 01 - 07), "C2", "C2"),
                    (date!(2025 - 03 - 14), "L", "\\"),
                    (date!(2025 - 03 - 17), "N", "N"),
                ],
            ),
        ],
        exclusions: vec![Exclusion {
            upn: upn(amy),
            urn: urn(OAKFIELD),
            category: ExclusionCategory::Suspension,
            start: date!(2025 - 01 - 20),
            sessions: Some(2),
            reason: "DB".into(),
        }],
        attainment: vec![AttainmentResult {
            upn: upn(cara),
            year: AcademicYear(2022),
            measure: Measure::Ks2RwmExpected,
            value: MeasureValue::Met(true),
        }],
        contacts: vec![],
    }
}

/// Fixed TOTP secrets (base32, 160 bits), so the browser test can compute codes.
fn secret_for(role: Role) -> String {
    match role {
        Role::Vsh => "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        Role::AdvisoryTeacher => "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
        Role::DataOfficer => "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK",
        Role::Dsl => "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        Role::SocialWorker => "ONSWG4TFOQYTEMZUONSWG4TFOQYTEMZU",
        Role::Trainer => "NBSWY3DPO5XXE3DENBSWY3DPO5XXE3DE",
    }
    .to_owned()
}

pub fn name_for(role: Role) -> &'static str {
    match role {
        Role::Vsh => "Victoria Hale",
        Role::AdvisoryTeacher => "Alex Adebayo",
        Role::DataOfficer => "Dana Okafor",
        Role::Dsl => "Sam Leigh",
        Role::SocialWorker => "Ann Worker",
        Role::Trainer => "Tom Trent",
    }
}

pub fn email_for(role: Role) -> String {
    format!("{}@northshire.example", role.code())
}

/// Loads the dataset and creates one ready account per role through the library
/// functions the CLI uses.
pub async fn seed(store: &Store) -> Vec<SeedAccount> {
    store
        .replace_with_dataset(&dataset())
        .await
        .expect("the seed dataset loads");
    let config = Config::default();
    let actor = Actor::at_terminal();
    let hash = vschool_web::auth::password::hash(PASSWORD.into())
        .await
        .expect("hash");
    let mut out = Vec::new();
    for role in Role::ALL {
        let email = email_for(role);
        add_user(
            store,
            &config,
            &actor,
            NewUser {
                email: email.clone(),
                name: name_for(role).to_owned(),
                role,
                schools: if role == Role::Dsl {
                    vec![urn(OAKFIELD)]
                } else {
                    vec![]
                },
                worker_email: (role == Role::SocialWorker).then(|| ANN.to_owned()),
            },
        )
        .await
        .expect("account");
        let id = store
            .account_by_email(&email)
            .await
            .expect("read")
            .expect("exists")
            .id;
        store
            .account_set_password(id, &hash)
            .await
            .expect("password");
        let secret = secret_for(role);
        store.account_set_totp(id, &secret, 0).await.expect("totp");
        out.push(SeedAccount {
            role,
            email,
            password: PASSWORD.into(),
            totp_secret: secret,
        });
    }
    out
}
