//! The tracker on a small hand-made LA, with every expected figure worked out by hand.

use time::macros::date;
use time::Date;

use vschool_analytics::stats::{stats, Base, Breakdown, StatusGroup};
use vschool_analytics::tracker::{self, NoTargets};
use vschool_analytics::LaSnapshot;
use vschool_domain::attendance::{AttendanceCode, YearRegister};
use vschool_domain::periods::ReportPeriod;
use vschool_domain::pupil::{EnrolStatus, Exclusion, ExclusionCategory};
use vschool_domain::social_care::{CareEpisode, Plan, PlanKind, SocialCareHistory, Span};
use vschool_domain::{
    AcademicYear, Allocation, Child, Dataset, Enrolment, LaChildId, NcYear, Phase, Pupil,
    PupilRegister, Session, Setting, Sex, Upn, Urn,
};

const AT: Date = date!(2025 - 03 - 14);

fn urn(n: u32) -> Urn {
    Urn::new(n).expect("valid URN")
}

fn upn(n: u32) -> Upn {
    Upn::from_body(&format!("8012{n:08}")).expect("valid body")
}

fn setting(n: u32, name: &str) -> Setting {
    Setting {
        urn: urn(n),
        name: name.into(),
        type_name: "Community school".into(),
        phase: Phase::Secondary,
        status: "Open".into(),
        la_code: 999,
        la_name: "Northshire".into(),
        postcode: "NS1 1AA".into(),
    }
}

fn child(id: &str, pupil: u32, plans: Vec<Plan>, episodes: Vec<CareEpisode>) -> Child {
    Child {
        la_child_id: LaChildId::parse(id).expect("valid id"),
        upn: Some(upn(pupil)),
        upn_unknown: None,
        former_upn: None,
        birth_date: Some(date!(2012 - 05 - 01)),
        sex: Some(Sex::Female),
        ethnicity: Some("WBRI".into()),
        history: SocialCareHistory { plans, episodes },
    }
}

fn pupil(n: u32, forename: &str) -> Pupil {
    Pupil {
        upn: upn(n),
        surname: "Smith".into(),
        forename: forename.into(),
        birth_date: date!(2012 - 05 - 01),
        sex: Sex::Female,
    }
}

fn enrol(n: u32, school: u32, entry: Date, status: EnrolStatus) -> Enrolment {
    Enrolment {
        upn: upn(n),
        urn: urn(school),
        entry,
        leaving: None,
        status,
        nc_year: NcYear::Year(7),
    }
}

/// Registers with a code on each of the given dates, both sessions.
fn register(n: u32, school: u32, days: &[(Date, &str, &str)]) -> Vec<PupilRegister> {
    let mut out: Vec<PupilRegister> = Vec::new();
    for &(d, am, pm) in days {
        let year = AcademicYear::containing(d);
        let i = match out.iter().position(|r| r.register.year == year) {
            Some(i) => i,
            None => {
                out.push(PupilRegister {
                    upn: upn(n),
                    urn: urn(school),
                    register: YearRegister::new(year),
                });
                out.len() - 1
            }
        };
        for (s, c) in [(Session::Am, am), (Session::Pm, pm)] {
            let code = AttendanceCode::parse_on(c, d).expect("valid code");
            out[i].register.set(d, s, code).expect("in year");
        }
    }
    out
}

fn plan(kind: PlanKind, start: Date, end: Option<Date>) -> Plan {
    Plan {
        kind,
        span: Span::new(start, end),
    }
}

fn dataset() -> Dataset {
    let mut d = Dataset {
        la_code: 999,
        la_name: "Northshire".into(),
        ..Default::default()
    };
    d.settings = vec![
        setting(100001, "Harbour View Academy"),
        setting(100002, "Northshire Pupil Referral Unit"),
    ];
    // 1: CP since 2024-11-18, single-registered at school 1 since 2023.
    // 2: CIN, dual registered: main at 1 (D when at the PRU), subsidiary at 2.
    // 3: previously had a social worker (CIN plan ended 2023-01-31).
    // 4: adopted in 2022 (episode ended E11): previously looked after, hidden from schools.
    // 5: no social-care record: not in the tracker.
    // 6: looked after, joined school 1 in January 2025: previous term and year empty there.
    // 7: guest pupil at school 1 (status G): not on roll for the tracker.
    // 8: CP, marks at school 1 but no roll there: on roll between first and last marks.
    d.children = vec![
        child(
            "C1",
            1,
            vec![plan(PlanKind::Cp, date!(2024 - 11 - 18), None)],
            vec![],
        ),
        child(
            "C2",
            2,
            vec![plan(PlanKind::Cin, date!(2024 - 09 - 01), None)],
            vec![],
        ),
        child(
            "C3",
            3,
            vec![plan(
                PlanKind::Cin,
                date!(2022 - 06 - 01),
                Some(date!(2023 - 01 - 31)),
            )],
            vec![],
        ),
        child(
            "C4",
            4,
            vec![],
            vec![CareEpisode {
                span: Span::new(date!(2021 - 01 - 01), Some(date!(2022 - 07 - 20))),
                legal_status: "E1".into(),
                placement: "A3".into(),
                reason_ceased: Some("E11".into()),
            }],
        ),
        child(
            "C6",
            6,
            vec![],
            vec![CareEpisode {
                span: Span::new(date!(2024 - 06 - 01), None),
                legal_status: "C2".into(),
                placement: "U1".into(),
                reason_ceased: None,
            }],
        ),
        child(
            "C7",
            7,
            vec![plan(PlanKind::Cin, date!(2024 - 09 - 01), None)],
            vec![],
        ),
        child(
            "C8",
            8,
            vec![plan(PlanKind::Cp, date!(2024 - 09 - 01), None)],
            vec![],
        ),
    ];
    d.pupils = (1..=8).map(|n| pupil(n, &format!("Pupil{n}"))).collect();
    d.enrolments = vec![
        enrol(1, 100001, date!(2023 - 09 - 04), EnrolStatus::Single),
        enrol(2, 100001, date!(2023 - 09 - 04), EnrolStatus::Main),
        enrol(2, 100002, date!(2024 - 09 - 02), EnrolStatus::Subsidiary),
        enrol(3, 100001, date!(2023 - 09 - 04), EnrolStatus::Single),
        enrol(4, 100001, date!(2023 - 09 - 04), EnrolStatus::Single),
        enrol(5, 100001, date!(2023 - 09 - 04), EnrolStatus::Single),
        enrol(6, 100001, date!(2025 - 01 - 06), EnrolStatus::Single),
        enrol(7, 100001, date!(2024 - 09 - 02), EnrolStatus::Guest),
    ];
    d.allocations = vec![
        Allocation {
            la_child_id: LaChildId::parse("C1").expect("id"),
            worker_name: "Ann Worker".into(),
            worker_email: "ann@example.org".into(),
            team: "Child Protection East".into(),
            span: Span::new(date!(2024 - 11 - 18), Some(date!(2025 - 01 - 31))),
        },
        Allocation {
            la_child_id: LaChildId::parse("C1").expect("id"),
            worker_name: "Bob Worker".into(),
            worker_email: "bob@example.org".into(),
            team: "Child Protection East".into(),
            span: Span::new(date!(2025 - 02 - 01), None),
        },
        // C3's old worker: never shown for an Ever6 pupil.
        Allocation {
            la_child_id: LaChildId::parse("C3").expect("id"),
            worker_name: "Old Worker".into(),
            worker_email: "old@example.org".into(),
            team: "CIN".into(),
            span: Span::new(date!(2022 - 06 - 01), None),
        },
    ];
    // Pupil 1 at school 1: autumn 2024 (previous term): 2024-11-18 / \, 2024-11-19 I N
    // (with 2024-11-15 N N: previous term attended 2, authorised 1, unauthorised 3: 33.3%).
    // Spring 2025: 2025-01-06 / \, 2025-03-14 / L → YTD attended 6 of 8 possible (75.0%).
    // Before the plan (2024-11-15): N N counts in YTD but not on plan.
    // → YTD: attended 6, authorised 1, unauthorised 3, possible 10: 60.0%, PA yes, SA no.
    // → on plan (from 2024-11-18): attended 6, authorised 1, unauthorised 1, possible 8: 75.0%.
    // A mark after the report date never counts.
    d.registers.extend(register(
        1,
        100001,
        &[
            (date!(2023 - 10 - 02), "/", "\\"),
            (date!(2024 - 11 - 15), "N", "N"),
            (date!(2024 - 11 - 18), "/", "\\"),
            (date!(2024 - 11 - 19), "I", "N"),
            (date!(2025 - 01 - 06), "/", "\\"),
            (date!(2025 - 03 - 14), "/", "L"),
            (date!(2025 - 03 - 17), "N", "N"),
        ],
    ));
    // Pupil 2: at school 1 on Mondays, D on Tuesdays (at the PRU); the PRU records Tuesdays.
    d.registers.extend(register(
        2,
        100001,
        &[
            (date!(2025 - 03 - 10), "/", "\\"),
            (date!(2025 - 03 - 11), "D", "D"),
        ],
    ));
    d.registers
        .extend(register(2, 100002, &[(date!(2025 - 03 - 11), "/", "O")]));
    // Pupil 3: all present, one day.
    d.registers
        .extend(register(3, 100001, &[(date!(2025 - 03 - 03), "/", "\\")]));
    d.registers
        .extend(register(4, 100001, &[(date!(2025 - 03 - 03), "/", "\\")]));
    // Pupil 6: only spring marks at school 1.
    d.registers
        .extend(register(6, 100001, &[(date!(2025 - 01 - 06), "/", "E")]));
    // Pupil 8: marks at school 1 from 2025-02-03 to 2025-03-20 with no roll.
    d.registers.extend(register(
        8,
        100001,
        &[
            (date!(2025 - 02 - 03), "/", "\\"),
            (date!(2025 - 03 - 20), "/", "\\"),
        ],
    ));
    d.exclusions = vec![Exclusion {
        upn: upn(6),
        urn: urn(100001),
        category: ExclusionCategory::Suspension,
        start: date!(2025 - 01 - 06),
        sessions: Some(1),
        reason: "PP".into(),
    }];
    d
}

#[test]
fn tracker_pupils_are_those_a_school_may_see() {
    let snap = LaSnapshot::new(dataset());
    let t = tracker::build(&snap, urn(100001), AT, &NoTargets).expect("school exists");
    let upns: Vec<Upn> = t.rows.iter().map(|r| r.upn).collect();
    // 1 (CP), 2 (CIN, main school), 3 (ever6), 6 (CLA), 8 (CP by marks). Not 4 (previously
    // looked after: never shown to schools), 5 (no social worker), 7 (guest).
    let mut expected = vec![upn(1), upn(2), upn(3), upn(6), upn(8)];
    expected.sort();
    assert_eq!(upns, expected);
    let pru = tracker::build(&snap, urn(100002), AT, &NoTargets).expect("school exists");
    assert_eq!(
        pru.rows.iter().map(|r| r.upn).collect::<Vec<_>>(),
        vec![upn(2)]
    );
    assert!(tracker::build(&snap, urn(999999), AT, &NoTargets).is_none());
}

#[test]
fn tracker_figures_worked_by_hand() {
    let snap = LaSnapshot::new(dataset());
    let t = tracker::build(&snap, urn(100001), AT, &NoTargets).expect("school exists");
    let row = |n| {
        t.rows
            .iter()
            .find(|r| r.upn == upn(n))
            .expect("row present")
    };

    let p1 = row(1);
    let ytd = p1.figures.year_to_date;
    assert_eq!(
        (
            ytd.attended,
            ytd.authorised,
            ytd.unauthorised,
            ytd.possible()
        ),
        (6, 1, 3, 10)
    );
    assert!(p1.persistent_absence());
    assert!(!p1.severe_absence());
    let on = p1.figures.on_plan;
    assert_eq!((on.attended, on.authorised, on.unauthorised), (6, 1, 1));
    let pt = p1.figures.previous_term;
    assert_eq!((pt.attended, pt.authorised, pt.unauthorised), (2, 1, 3));
    assert_eq!(p1.figures.previous_year.possible(), 2);
    // Worker on the date: the allocation covering it with the latest start.
    assert_eq!(
        p1.worker.as_ref().map(|w| w.name.as_str()),
        Some("Bob Worker")
    );
    assert_eq!(p1.plan_date, Some(date!(2024 - 11 - 18)));
    // Change since last term: 60.0 − 33.3 = +26.7 points.
    assert_eq!(p1.change_since_last_term(), Some(267));

    // Pupil 2 at the main school: D is not a possible session.
    assert_eq!(row(2).figures.year_to_date.possible(), 2);
    // Pupil 3: ever6, no worker shown, last plan ended 2023-01-31.
    assert_eq!(row(3).worker, None);
    assert_eq!(row(3).plan_date, Some(date!(2023 - 01 - 31)));
    // Pupil 6 joined in January: empty previous term and year at this school.
    assert_eq!(row(6).figures.previous_term.possible(), 0);
    assert_eq!(row(6).figures.previous_term.attendance_pct(), None);
    assert_eq!(row(6).figures.year_to_date.excluded, 1);
}

#[test]
fn tracker_json_is_the_contract() {
    let snap = LaSnapshot::new(dataset());
    let t = tracker::build(&snap, urn(100002), AT, &NoTargets).expect("school exists");
    let json = tracker::json::to_json(&t).expect("serialises");
    let expected = format!(
        concat!(
            r#"{{"school":{{"urn":100002,"name":"Northshire Pupil Referral Unit"}},"at":"2025-03-14","pupils":["#,
            r#"{{"upn":"{}","status":"CIN","worker":null,"#,
            r#""on_plan":{{"possible":2,"attended":1,"authorised":0,"unauthorised":1,"attendance_pct":50.0}},"#,
            r#""year_to_date":{{"possible":2,"attended":1,"authorised":0,"unauthorised":1,"attendance_pct":50.0}},"#,
            r#""previous_term":{{"possible":0,"attended":0,"authorised":0,"unauthorised":0,"attendance_pct":null}},"#,
            r#""previous_year":{{"possible":0,"attended":0,"authorised":0,"unauthorised":0,"attendance_pct":null}},"#,
            r#""persistent_absence":true,"severe_absence":true}}]}}"#
        ),
        upn(2)
    );
    assert_eq!(json, expected);
}

#[test]
fn tracker_csv_and_xlsx_have_every_row() {
    let snap = LaSnapshot::new(dataset());
    let t = tracker::build(&snap, urn(100001), AT, &NoTargets).expect("school exists");
    let csv = tracker::csv::to_csv(&t).expect("csv");
    assert_eq!(csv.lines().count(), 1 + t.rows.len());
    assert!(csv.starts_with("UPN,Forename,Surname,Year group,Status"));
    let summary = tracker::xlsx::SummaryInput {
        school: &[],
        la: &[],
        la_name: "Northshire",
        national: &[],
    };
    let bytes = tracker::xlsx::to_xlsx(&t, &summary).expect("xlsx");
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip file");
}

#[test]
fn stats_by_status_on_both_bases() {
    let snap = LaSnapshot::new(dataset());
    let rows = stats(
        &snap,
        AT,
        ReportPeriod::YearToDate,
        Breakdown::Status,
        Base::Enrolment,
    );
    let get = |s: StatusGroup| {
        rows.iter()
            .find(|r| r.status == s)
            .map(|r| r.figures)
            .unwrap_or_default()
    };
    // Enrolment base: pupil 2 counts at both schools (CIN: 2 units).
    assert_eq!(get(StatusGroup::Cin).units, 2);
    // Ever6 in aggregates includes the adopted child (4) and pupil 3.
    assert_eq!(get(StatusGroup::PreviouslyHadSocialWorker).units, 2);
    assert_eq!(get(StatusGroup::Cla).suspensions, 1);
    assert_eq!(get(StatusGroup::Cla).days_lost_tenths, 5);
    let pupils = stats(
        &snap,
        AT,
        ReportPeriod::YearToDate,
        Breakdown::Status,
        Base::Pupil,
    );
    let cin = pupils
        .iter()
        .find(|r| r.status == StatusGroup::Cin)
        .map(|r| r.figures)
        .unwrap_or_default();
    // Pupil base: pupil 2 once, both schools' sessions: 2 + 2 possible.
    assert_eq!(cin.units, 1);
    assert_eq!(cin.sessions.possible(), 4);
    let all = pupils
        .iter()
        .find(|r| r.status == StatusGroup::All)
        .map(|r| r.figures)
        .unwrap_or_default();
    // 1, 2, 3, 4, 6, 8 = 6 pupils.
    assert_eq!(all.units, 6);
}

/// The summary sheet's figures, from one pass over the units, are exactly the statistics by
/// status (the LA) and by school — including the dual-registered pupil at both schools.
#[test]
fn summary_comparisons_equal_the_statistics_by_status_and_by_school() {
    use vschool_analytics::stats::{GroupFigures, StatsRow};
    use vschool_analytics::tracker::summary::Comparisons;
    use vschool_analytics::tracker::GROUPS;
    use vschool_domain::TrackerStatus;
    fn by_status(rows: &[StatsRow], group: &str) -> Vec<(TrackerStatus, GroupFigures)> {
        GROUPS
            .iter()
            .map(|g| {
                let f = rows
                    .iter()
                    .find(|r| r.group == group && r.status == StatusGroup::of(*g))
                    .map(|r| r.figures)
                    .unwrap_or_default();
                (*g, f)
            })
            .collect()
    }
    let data = dataset();
    let urns: Vec<Urn> = data.settings.iter().map(|s| s.urn).collect();
    let snap = LaSnapshot::new(data);
    let c = Comparisons::new(&snap, AT, "Northshire");
    let period = ReportPeriod::YearToDate;
    let la = stats(&snap, AT, period, Breakdown::Status, Base::Enrolment);
    assert_eq!(c.la(), by_status(&la, "").as_slice());
    let schools = stats(&snap, AT, period, Breakdown::School, Base::Enrolment);
    let mut with_pupils = 0;
    for urn in urns {
        let expected = by_status(&schools, &urn.to_string());
        with_pupils += usize::from(expected.iter().any(|(_, f)| f.units > 0));
        assert_eq!(c.school(urn), expected, "school {urn}");
    }
    assert!(with_pupils >= 2, "the dual-registered pupil's two schools");
    // A school's CIN row counts pupil 2 there; the LA's counts both enrolments.
    let cin = |rows: &[(TrackerStatus, GroupFigures)]| {
        rows.iter()
            .find(|(g, _)| StatusGroup::of(*g) == StatusGroup::Cin)
            .map(|(_, f)| f.units)
    };
    assert_eq!(cin(c.la()), Some(2));
    let t = tracker::build(&snap, urn(100001), AT, &NoTargets).expect("a tracker");
    assert!(c.workbook(&t).expect("xlsx").starts_with(b"PK"));
}
