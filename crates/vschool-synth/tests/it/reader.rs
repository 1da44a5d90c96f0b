//! A minimal reader of the generated files, following DESIGN §8 ("What a re-import
//! replaces"), to prove that everything in the dataset travels in them. It trusts the files
//! (no validation: that is the importers' job).

use std::collections::BTreeMap;
use std::path::Path;

use vschool_domain::calendar::{parse_iso_date, parse_uk_date};
use vschool_domain::dataset::{PupilCharacteristics, PupilRegister};
use vschool_domain::pupil::{AttainmentResult, Contact, ContactRole, Measure, MeasureValue};
use vschool_domain::social_care::{CareEpisode, Plan, PlanKind, SocialCareHistory, Span};
use vschool_domain::{
    AcademicYear, Allocation, AttendanceCode, Child, Dataset, EnrolStatus, Enrolment, Exclusion,
    ExclusionCategory, LaChildId, NcYear, Phase, Pupil, Session, Setting, Sex, Upn, UpnUnknown,
    Urn, YearRegister,
};

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("row").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn read(dir: &Path, name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    csv_rows(&std::fs::read(dir.join(name)).expect(name))
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn date(s: &str) -> time::Date {
    parse_iso_date(s).unwrap_or_else(|| panic!("bad date {s}"))
}

fn opt_date(s: &str) -> Option<time::Date> {
    (!s.is_empty()).then(|| date(s))
}

/// XML events of the simple, attribute-free XML the generator writes.
enum Event<'a> {
    Start(&'a str),
    End(&'a str),
    Text(&'a str),
}

fn events(xml: &str) -> Vec<Event<'_>> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        let text = rest[..lt].trim();
        if !text.is_empty() {
            out.push(Event::Text(text));
        }
        let gt = rest[lt..].find('>').expect("closed tag") + lt;
        let tag = &rest[lt + 1..gt];
        if let Some(name) = tag.strip_prefix('/') {
            out.push(Event::End(name));
        } else if !tag.starts_with('?') {
            out.push(Event::Start(tag));
        }
        rest = &rest[gt + 1..];
    }
    out
}

#[derive(Default)]
struct ChildFacts {
    upn: Option<Upn>,
    upn_unknown: Option<UpnUnknown>,
    former_upn: Option<Upn>,
    birth: Option<time::Date>,
    sex: Option<Sex>,
    ethnicity: Option<String>,
}

pub fn read_dir(dir: &Path) -> Dataset {
    let mut ds = Dataset::default();

    // GIAS: Windows-1252.
    let gias = std::fs::read_dir(dir)
        .expect("folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("edubasealldata"))
        })
        .expect("a GIAS file");
    let bytes = std::fs::read(&gias).expect("GIAS");
    let (text, _, bad) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!bad);
    let (h, rows) = csv_rows(text.as_bytes());
    let (urn, name, typ, phase, status, la, la_name, pc) = (
        col(&h, "URN"),
        col(&h, "EstablishmentName"),
        col(&h, "TypeOfEstablishment (name)"),
        col(&h, "PhaseOfEducation (name)"),
        col(&h, "EstablishmentStatus (name)"),
        col(&h, "LA (code)"),
        col(&h, "LA (name)"),
        col(&h, "Postcode"),
    );
    let mut la_names = BTreeMap::new();
    for r in &rows {
        let code: u16 = r[la].parse().expect("LA code");
        la_names.insert(code, r[la_name].clone());
        ds.settings.push(Setting {
            urn: Urn::parse(&r[urn]).expect("URN"),
            name: r[name].clone(),
            type_name: r[typ].clone(),
            phase: Phase::parse_gias(&r[phase]).expect("phase"),
            status: r[status].clone(),
            la_code: code,
            la_name: r[la_name].clone(),
            postcode: r[pc].clone(),
        });
    }

    // CIN census files, oldest reference date first: later files win.
    let mut cin_files: Vec<_> = std::fs::read_dir(dir)
        .expect("folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("cin-census-"))
        })
        .collect();
    cin_files.sort();
    let mut facts: BTreeMap<String, ChildFacts> = BTreeMap::new();
    let mut plans: BTreeMap<(String, PlanKind, time::Date), Option<time::Date>> = BTreeMap::new();
    for f in &cin_files {
        let xml = std::fs::read_to_string(f).expect("CIN file");
        let mut path: Vec<&str> = Vec::new();
        let mut child = String::new();
        let mut plan_start: Option<time::Date> = None;
        let mut plan_end: Option<time::Date> = None;
        for ev in events(&xml) {
            match ev {
                Event::Start(n) => {
                    path.push(n);
                    if n == "CINPlanDates" || n == "ChildProtectionPlans" {
                        plan_start = None;
                        plan_end = None;
                    }
                }
                Event::End(n) => {
                    path.pop();
                    match n {
                        "CINPlanDates" | "ChildProtectionPlans" => {
                            let kind = if n == "CINPlanDates" {
                                PlanKind::Cin
                            } else {
                                PlanKind::Cp
                            };
                            let start = plan_start.expect("plan start");
                            plans.insert((child.clone(), kind, start), plan_end);
                        }
                        _ => {}
                    }
                }
                Event::Text(t) => {
                    let Some(&tag) = path.last() else { continue };
                    match tag {
                        "LEA" => ds.la_code = t.parse().expect("LEA"),
                        "LAchildID" => {
                            child = t.to_owned();
                            // A newer file's identifiers replace an older one's.
                            facts.insert(child.clone(), ChildFacts::default());
                        }
                        "UPN" => facts.entry(child.clone()).or_default().upn = Upn::parse(t).ok(),
                        "FormerUPN" => {
                            facts.entry(child.clone()).or_default().former_upn = Upn::parse(t).ok()
                        }
                        "UPNunknown" => {
                            facts.entry(child.clone()).or_default().upn_unknown =
                                UpnUnknown::parse(t)
                        }
                        "PersonBirthDate" => {
                            facts.entry(child.clone()).or_default().birth = parse_iso_date(t)
                        }
                        "Sex" | "GenderCurrent" => {
                            facts.entry(child.clone()).or_default().sex = Sex::parse(t)
                        }
                        "Ethnicity" => {
                            facts.entry(child.clone()).or_default().ethnicity = Some(t.to_owned())
                        }
                        "CINPlanStartDate" | "CPPstartDate" => plan_start = parse_iso_date(t),
                        "CINPlanEndDate" | "CPPendDate" => plan_end = parse_iso_date(t),
                        _ => {}
                    }
                }
            }
        }
    }
    ds.la_name = la_names.get(&ds.la_code).cloned().unwrap_or_default();

    // SSDA903.
    let (h, rows) = read(dir, "header.csv");
    for r in &rows {
        let id = r[col(&h, "CHILD")].clone();
        let f = facts.entry(id).or_default();
        let upn = &r[col(&h, "UPN")];
        if f.birth.is_none() {
            f.birth = parse_uk_date(&r[col(&h, "DOB")]);
            f.sex = Sex::parse(&r[col(&h, "SEX")]);
            f.ethnicity = Some(r[col(&h, "ETHNIC")].clone());
            f.upn = Upn::parse(upn).ok();
            f.upn_unknown = UpnUnknown::parse(upn);
        }
    }
    let mut episodes: BTreeMap<String, Vec<CareEpisode>> = BTreeMap::new();
    let (h, rows) = read(dir, "episodes.csv");
    for r in &rows {
        let get = |c: &str| r[col(&h, c)].clone();
        episodes.entry(get("CHILD")).or_default().push(CareEpisode {
            span: Span::new(
                parse_uk_date(&get("DECOM")).expect("DECOM"),
                parse_uk_date(&get("DEC")),
            ),
            legal_status: get("LS"),
            placement: get("PLACE"),
            reason_ceased: Some(get("REC")).filter(|s| !s.is_empty()),
        });
    }
    for (id, f) in facts {
        let mut history = SocialCareHistory {
            plans: plans
                .iter()
                .filter(|((c, ..), _)| *c == id)
                .map(|((_, kind, start), end)| Plan {
                    kind: *kind,
                    span: Span::new(*start, *end),
                })
                .collect(),
            episodes: episodes.remove(&id).unwrap_or_default(),
        };
        history.plans.sort_by_key(|p| (p.span.start, p.kind));
        ds.children.push(Child {
            la_child_id: LaChildId::parse(&id).expect("child id"),
            upn: f.upn,
            upn_unknown: f.upn_unknown,
            former_upn: f.former_upn,
            birth_date: f.birth,
            sex: f.sex,
            ethnicity: f.ethnicity,
            history,
        });
    }

    let (h, rows) = read(dir, "allocations.csv");
    for r in &rows {
        let get = |c: &str| r[col(&h, c)].clone();
        ds.allocations.push(Allocation {
            la_child_id: LaChildId::parse(&get("LAchildID")).expect("id"),
            worker_name: get("WorkerName"),
            worker_email: get("WorkerEmail"),
            team: get("Team"),
            span: Span::new(date(&get("StartDate")), opt_date(&get("EndDate"))),
        });
    }

    let (h, rows) = read(dir, "roll.csv");
    let mut pupils = BTreeMap::new();
    let mut chars = BTreeMap::new();
    for r in &rows {
        let get = |c: &str| r[col(&h, c)].clone();
        let upn = Upn::parse(&get("UPN")).expect("UPN");
        pupils.insert(
            upn,
            Pupil {
                upn,
                surname: get("Surname"),
                forename: get("Forename"),
                birth_date: date(&get("DOB")),
                sex: Sex::parse(&get("Gender")).expect("gender"),
            },
        );
        chars.insert(
            upn,
            PupilCharacteristics {
                upn,
                sen: Some(get("SENProvision")).filter(|s| !s.is_empty()),
                ethnicity: Some(get("Ethnicity")).filter(|s| !s.is_empty()),
            },
        );
        ds.enrolments.push(Enrolment {
            upn,
            urn: Urn::parse(&get("URN")).expect("URN"),
            entry: date(&get("EntryDate")),
            leaving: opt_date(&get("LeavingDate")),
            status: EnrolStatus::parse(&get("EnrolStatus")).expect("status"),
            nc_year: NcYear::parse(&get("NCYearActual")).expect("NC year"),
        });
    }
    ds.pupils = pupils.into_values().collect();
    ds.characteristics = chars.into_values().collect();

    let mut registers: BTreeMap<(AcademicYear, Upn, Urn), YearRegister> = BTreeMap::new();
    for e in std::fs::read_dir(dir)
        .expect("folder")
        .filter_map(|e| e.ok())
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with("attendance-") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).expect("attendance");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("UPN,URN,Date,Session,Code"));
        for line in lines {
            let mut f = line.split(',');
            let (Some(upn), Some(urn), Some(d), Some(s), Some(code)) =
                (f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                panic!("short line {line}");
            };
            let d = date(d);
            let year = AcademicYear::containing(d);
            let code = AttendanceCode::parse_on(code, d)
                .expect("valid code")
                .expect("a mark");
            registers
                .entry((
                    year,
                    Upn::parse(upn).expect("UPN"),
                    Urn::parse(urn).expect("URN"),
                ))
                .or_insert_with(|| YearRegister::new(year))
                .set(d, Session::parse(s).expect("session"), Some(code))
                .expect("date in year");
        }
    }
    ds.registers = registers
        .into_iter()
        .map(|((_, upn, urn), register)| PupilRegister { upn, urn, register })
        .collect();

    let (h, rows) = read(dir, "exclusions.csv");
    for r in &rows {
        let get = |c: &str| r[col(&h, c)].clone();
        ds.exclusions.push(Exclusion {
            upn: Upn::parse(&get("UPN")).expect("UPN"),
            urn: Urn::parse(&get("URN")).expect("URN"),
            category: ExclusionCategory::parse(&get("Category")).expect("category"),
            start: date(&get("StartDate")),
            sessions: Some(get("Sessions"))
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().expect("sessions")),
            reason: get("Reason"),
        });
    }
    let (h, rows) = read(dir, "attainment.csv");
    for r in &rows {
        let get = |c: &str| r[col(&h, c)].clone();
        let measure = Measure::parse(&get("Measure")).expect("measure");
        ds.attainment.push(AttainmentResult {
            upn: Upn::parse(&get("UPN")).expect("UPN"),
            year: AcademicYear::parse(&get("AcademicYear")).expect("year"),
            measure,
            value: MeasureValue::parse(measure, &get("Value")).expect("value"),
        });
    }
    let (h, rows) = read(dir, "contacts.csv");
    for r in &rows {
        let get = |c: &str| r[col(&h, c)].clone();
        ds.contacts.push(Contact {
            urn: Urn::parse(&get("URN")).expect("URN"),
            role: ContactRole::parse(&get("Role")).expect("role"),
            name: get("Name"),
            email: get("Email"),
        });
    }
    ds.sort_canonical();
    ds
}
