//! Every error and warning example of issue 3, with small hand-written files: the problem is
//! reported with file, line (or element path), field, value and a plain-English reason, at
//! the severity DESIGN §8 gives it, and every problem of a file is reported, not only the
//! first.

use time::macros::date;
use vschool_domain::{AttendanceCode, Session, Upn, Urn};
use vschool_import::cin_census::parse_cin_census;
use vschool_import::ssda903::parse_ssda903;
use vschool_import::{
    parse_allocations, parse_attainment, parse_attendance, parse_contacts, parse_exclusions,
    parse_gias, parse_roll, FileReport, ImportContext, Severity,
};

const UPN1: &str = "H801200001001";

fn upn(body: &str) -> String {
    Upn::from_body(body)
        .map(|u| u.to_string())
        .unwrap_or_default()
}

fn ctx() -> ImportContext {
    ImportContext::with_urns([
        Urn::new(123456).expect("valid"),
        Urn::new(654321).expect("valid"),
    ])
}

fn messages(r: &FileReport, severity: Severity) -> Vec<String> {
    r.problems()
        .filter(|p| p.severity == severity)
        .map(|p| p.to_string())
        .collect()
}

fn has(r: &FileReport, severity: Severity, text: &str) {
    let all = messages(r, severity);
    assert!(
        all.iter().any(|m| m.contains(text)),
        "no {severity:?} containing {text:?} in:\n{}",
        r
    );
}

// ---- Attendance --------------------------------------------------------------------------

#[test]
fn unknown_code_message_is_the_issue_example() {
    let mut data = String::from("UPN,URN,Date,Session,Code\n");
    for _ in 0..1232 {
        data.push_str(&format!("{UPN1},123456,2024-09-30,AM,/\n"));
    }
    data.push_str(&format!("{UPN1},123456,2024-10-01,AM,ZZ\n"));
    let p = parse_attendance("attendance.csv", data.as_bytes(), &ctx());
    assert!(!p.is_loadable());
    has(
        &p.report,
        Severity::Error,
        "attendance.csv line 1234, Code \"ZZ\": not an attendance code in use on 2024-10-01",
    );
}

#[test]
fn withdrawn_and_not_yet_introduced_codes_are_errors_on_their_date() {
    let data = format!(
        "UPN,URN,Date,Session,Code\n\
         {UPN1},123456,2024-08-18,AM,H\n\
         {UPN1},123456,2024-08-19,AM,H\n\
         {UPN1},123456,2024-06-03,AM,K\n\
         {UPN1},123456,2024-09-02,AM,K\n\
         {UPN1},123456,2024-09-02,PM,Y\n"
    );
    let p = parse_attendance("marks.csv", data.as_bytes(), &ctx());
    let r = &p.report;
    assert_eq!(r.error_count, 3, "{r}");
    has(r, Severity::Error, "marks.csv line 3, Code \"H\": not an attendance code in use on 2024-08-19: it was withdrawn on 19 August 2024");
    has(r, Severity::Error, "marks.csv line 4, Code \"K\": not an attendance code in use on 2024-06-03: it was introduced on 19 August 2024");
    has(r, Severity::Error, "marks.csv line 6, Code \"Y\"");
}

#[test]
fn impossible_dates_bad_upn_unknown_urn_bad_session_all_reported_at_once() {
    let data = format!(
        "UPN,URN,Date,Session,Code\n\
         {UPN1},123456,2024-02-30,AM,/\n\
         A801200001001,123456,2024-10-01,AM,/\n\
         {UPN1},999999,2024-10-01,AM,/\n\
         {UPN1},12345,2024-10-01,XX,/\n"
    );
    let p = parse_attendance("marks.csv", data.as_bytes(), &ctx());
    let r = &p.report;
    has(
        r,
        Severity::Error,
        "line 2, Date \"2024-02-30\": not a real date: February 2024 has 29 days",
    );
    has(
        r,
        Severity::Error,
        "line 3, UPN \"A801200001001\": not a valid UPN: the check letter should be H, not A",
    );
    has(
        r,
        Severity::Error,
        "line 4, URN \"999999\": this school is not in the settings register",
    );
    has(
        r,
        Severity::Error,
        "line 5, URN \"12345\": a URN is a six-digit number",
    );
    has(
        r,
        Severity::Error,
        "line 5, Session \"XX\": Session is AM or PM",
    );
    assert_eq!(r.error_count, 5);
}

#[test]
fn duplicate_marks_same_code_warn_different_codes_error() {
    let data = format!(
        "UPN,URN,Date,Session,Code\n\
         {UPN1},123456,2024-10-01,AM,/\n\
         {UPN1},123456,2024-10-01,AM,/\n\
         {UPN1},123456,2024-10-01,PM,\\\n\
         {UPN1},123456,2024-10-01,PM,N\n"
    );
    let p = parse_attendance("marks.csv", data.as_bytes(), &ctx());
    let r = &p.report;
    has(r, Severity::Warning, "line 3, Code \"/\": the same mark is given twice for this pupil, school and session; counted once");
    has(r, Severity::Error, "line 5, Code \"N\": this pupil already has a different mark (\"\\\") for the PM session of 2024-10-01");
    assert_eq!(p.batch.marks, 2);
}

#[test]
fn marks_build_registers_with_replace_semantics() {
    let second = upn("801200001002");
    let data = format!(
        "\u{feff}\"UPN\" , URN ,Date,Session,Code,Comment\r\n\
         {UPN1},123456,2024-10-01,AM,/,x\r\n\
         {UPN1},123456,2024-10-01,PM,-,x\r\n\
         {UPN1},123456,2025-07-31,PM,I,\r\n\
         {UPN1},654321,2024-10-01,AM,D,\r\n\
         {second},123456,2023-11-20,AM,H,\r\n"
    );
    let p = parse_attendance("a.csv", data.as_bytes(), &ctx());
    assert!(p.is_loadable(), "{}", p.report);
    // "-" is no mark: a warning, not an error.
    assert_eq!(p.report.warning_count, 1);
    let b = &p.batch;
    assert_eq!(b.registers.len(), 3);
    assert_eq!(b.marks, 4);
    let r = b
        .registers
        .iter()
        .find(|r| r.upn.as_str() == UPN1 && r.urn.get() == 123456)
        .expect("register");
    assert_eq!(
        r.register.get(date!(2024 - 10 - 01), Session::Am),
        Some(AttendanceCode::PresentAm)
    );
    assert_eq!(r.register.get(date!(2024 - 10 - 01), Session::Pm), None);
    assert!(r.covers(date!(2024 - 10 - 01)));
    assert!(!r.covers(date!(2024 - 10 - 02)));
    assert_eq!(r.covered_days().count(), 2);
    // Replace: covered dates take the file's marks (both sessions); others are kept.
    let mut existing = vschool_domain::YearRegister::new(r.register.year);
    for (d, s, c) in [
        (date!(2024 - 10 - 01), Session::Pm, AttendanceCode::N),
        (date!(2024 - 10 - 02), Session::Am, AttendanceCode::I),
    ] {
        existing.set(d, s, Some(c)).expect("in year");
    }
    let merged = r.apply_to(Some(&existing));
    assert_eq!(
        merged.get(date!(2024 - 10 - 01), Session::Am),
        Some(AttendanceCode::PresentAm)
    );
    assert_eq!(merged.get(date!(2024 - 10 - 01), Session::Pm), None);
    assert_eq!(
        merged.get(date!(2024 - 10 - 02), Session::Am),
        Some(AttendanceCode::I)
    );
    assert_eq!(
        merged.get(date!(2025 - 07 - 31), Session::Pm),
        Some(AttendanceCode::I)
    );
}

#[test]
fn problems_are_capped_with_a_count_of_the_rest() {
    let mut data = String::from("UPN,URN,Date,Session,Code\n");
    for i in 0..3000 {
        data.push_str(&format!("{UPN1},123456,2024-10-{:02},AM,ZZ\n", 1 + i % 28));
    }
    let p = parse_attendance("a.csv", data.as_bytes(), &ctx());
    assert_eq!(p.report.error_count, 3000);
    assert_eq!(p.report.problems().count(), 1000);
    assert_eq!(p.report.omitted(), 2000);
    assert!(p.report.to_string().contains("2000 more problems"));
}

// ---- CSV headers --------------------------------------------------------------------------

#[test]
fn missing_or_misspelt_columns_are_named() {
    let p = parse_attendance("a.csv", b"UPN,URN,Dates,Sesion\n", &ctx());
    has(&p.report, Severity::Error, "a.csv line 1, Date: the required column \"Date\" is missing; the column \"Dates\" looks like a misspelling of it: rename it \"Date\"");
    has(&p.report, Severity::Error, "the required column \"Session\" is missing; the column \"Sesion\" looks like a misspelling");
    has(
        &p.report,
        Severity::Error,
        "the required column \"Code\" is missing (the header line has: UPN, URN, Dates, Sesion)",
    );
    let p = parse_roll(
        "roll.csv",
        b"UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolmentStatus\n",
        &ctx(),
    );
    has(&p.report, Severity::Error, "the required column \"EnrolStatus\" is missing; the column \"EnrolmentStatus\" looks like a misspelling of it");
    let p = parse_attendance("empty.csv", b"", &ctx());
    has(&p.report, Severity::Error, "empty.csv: the file is empty");
}

// ---- Roll and the other CSVs ---------------------------------------------------------------

#[test]
fn roll_errors_and_a_clean_row() {
    let data = format!(
        "UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolStatus\n\
         {UPN1},123456,Smith,Ann,2015-03-02,F,4,2019-09-04,,C\n\
         {UPN1},123456,Smith,Ann,2023-02-29,Q,15,2019-09-04,2019-09-01,Z\n\
         {},777777,Jones,Bo,2014-01-01,M,R,2024-09-01,2024-08-01,M\n",
        upn("801200001002")
    );
    let p = parse_roll("roll.csv", data.as_bytes(), &ctx());
    let r = &p.report;
    has(
        r,
        Severity::Error,
        "roll.csv line 3, DOB \"2023-02-29\": not a real date: February 2023 has 28 days",
    );
    has(r, Severity::Error, "line 3, Gender \"Q\"");
    has(r, Severity::Error, "line 3, NCYearActual \"15\"");
    has(r, Severity::Error, "line 3, EnrolStatus \"Z\"");
    has(
        r,
        Severity::Error,
        "line 4, URN \"777777\": this school is not in the settings register",
    );
    assert_eq!(p.batch.pupils.len(), 1);
    assert_eq!(p.batch.enrolments.len(), 1);
    // A leaving date before entry, in an otherwise good row.
    let data = format!(
        "UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolStatus\n{UPN1},123456,Smith,Ann,2015-03-02,F,4,2019-09-04,2019-09-01,C\n"
    );
    let p = parse_roll("roll.csv", data.as_bytes(), &ctx());
    has(
        &p.report,
        Severity::Error,
        "line 2, LeavingDate \"2019-09-01\": the pupil leaves before they enter",
    );
}

#[test]
fn exclusions_attainment_contacts_allocations() {
    let ex = format!(
        "UPN,URN,Category,StartDate,Sessions,Reason\n\
         {UPN1},123456,SUSP,2024-10-01,4,PP\n\
         {UPN1},123456,FIXED,2024-10-02,4,PP\n\
         {UPN1},123456,PERM,2024-11-01,,ZZ\n"
    );
    let p = parse_exclusions("ex.csv", ex.as_bytes(), &ctx());
    has(&p.report, Severity::Error, "line 3, Category \"FIXED\"");
    has(
        &p.report,
        Severity::Warning,
        "line 4, Reason \"ZZ\": not a DfE exclusion reason code",
    );
    assert_eq!(p.batch.exclusions.len(), 2);

    let at = format!(
        "UPN,AcademicYear,Measure,Value\n{UPN1},2024/25,KS4_ATT8,45.5\n{UPN1},2024/25,KS2_RWM_EXP,maybe\n{UPN1},2024,EYFS_GLD,Y\n{UPN1},2024/25,PHONICS,Y\n"
    );
    let p = parse_attainment("att.csv", at.as_bytes(), &ctx());
    has(
        &p.report,
        Severity::Error,
        "line 3, Value \"maybe\": this measure is valued Y or N",
    );
    has(&p.report, Severity::Error, "line 4, AcademicYear \"2024\"");
    has(&p.report, Severity::Warning, "line 5, Measure \"PHONICS\"");
    assert_eq!(p.batch.results.len(), 1);

    let co = b"URN,Role,Name,Email\n123456,DSL,Ann,ann@school.org\n123456,DT,Ann,ann@school.org\n654321,SENCO,Bo,bo@x.org\n111111,DSL,C,c@x.org\n";
    let p = parse_contacts("c.csv", co, &ctx());
    has(
        &p.report,
        Severity::Warning,
        "line 3, Email \"ann@school.org\"",
    );
    has(&p.report, Severity::Warning, "line 4, Role \"SENCO\"");
    has(&p.report, Severity::Error, "line 5, URN \"111111\"");

    let al = b"LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate\nC1,Ann,ann@la.gov.uk,N,2024-01-01,\nC2,Bo,not-an-email,N,2024-13-01,\n";
    let p = parse_allocations("al.csv", al, &ctx());
    has(
        &p.report,
        Severity::Error,
        "line 3, StartDate \"2024-13-01\": 13 is not a month",
    );
    has(
        &p.report,
        Severity::Warning,
        "line 3, WorkerEmail \"not-an-email\"",
    );
    assert_eq!(p.batch.allocations.len(), 1);
}

#[test]
fn gias_windows_1252_with_many_columns() {
    let mut header: Vec<String> = (0..120).map(|i| format!("Col{i}")).collect();
    for c in [
        "URN",
        "EstablishmentName",
        "TypeOfEstablishment (name)",
        "EstablishmentStatus (name)",
        "PhaseOfEducation (name)",
        "LA (code)",
        "LA (name)",
        "Postcode",
    ] {
        header.insert(header.len() / 2, c.to_owned());
    }
    let mut data = header.join(",").into_bytes();
    data.extend_from_slice(b"\r\n");
    let mut row: Vec<Vec<u8>> = (0..128).map(|_| b"x".to_vec()).collect();
    let pos = |n: &str| header.iter().position(|h| h == n).expect("column");
    row[pos("URN")] = b"123456".to_vec();
    row[pos("EstablishmentName")] = b"St Mary\x92s C of E Primary".to_vec();
    row[pos("PhaseOfEducation (name)")] = b"Primary".to_vec();
    row[pos("LA (code)")] = b"873".to_vec();
    data.extend_from_slice(&row.join(&b","[..]));
    data.extend_from_slice(b"\r\n");
    let p = parse_gias("edubasealldata.csv", &data, &ImportContext::default());
    assert!(p.is_loadable(), "{}", p.report);
    assert_eq!(p.batch.settings[0].name, "St Mary\u{2019}s C of E Primary");
    assert_eq!(p.batch.settings[0].la_code, 873);
}

// ---- SSDA903 -----------------------------------------------------------------------------

#[test]
fn ssda903_episode_ending_before_it_starts_and_bad_codes() {
    let header = format!("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1001,1,01/02/2010,WBRI,{UPN1},,\n1002,F,31/06/2011,WBRI,A801200001001,,\n");
    let episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
        1001,14/08/2017,S,C2,N1,U1,PR1,10/08/2017,E13,,,,\n\
        1001,01/09/2017,S,Q9,N1,U1,PR1,,ZZ,,,,\n\
        1002,01/09/2017,S,C2,N1,U1,PR1,,,,,,\n";
    let files: [(&str, &[u8]); 2] = [
        ("header.csv", header.as_bytes()),
        ("episodes.csv", episodes.as_bytes()),
    ];
    let p = parse_ssda903(&files, &ImportContext::default());
    let eps = p
        .reports
        .iter()
        .find(|r| r.file == "episodes.csv")
        .expect("report");
    has(eps, Severity::Error, "episodes.csv line 2, child 1001, DEC \"10/08/2017\": the episode ends before it begins (2017-08-14) (DfE rule 356)");
    has(
        eps,
        Severity::Error,
        "line 3, child 1001, LS \"Q9\": not a 903 legal status code",
    );
    has(
        eps,
        Severity::Error,
        "line 3, child 1001, REC \"ZZ\": not a 903 reason-episode-ceased code",
    );
    let hdr = p
        .reports
        .iter()
        .find(|r| r.file == "header.csv")
        .expect("report");
    has(
        hdr,
        Severity::Error,
        "header.csv line 3, child 1002, DOB \"31/06/2011\": not a real date: June 2011 has 30 days",
    );
    assert!(!p.is_loadable());
}

#[test]
fn ssda903_malformed_upn_is_a_warning_and_the_child_loads() {
    let header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n1002,2,01/02/2011,WBRI,A801200001001,,\n";
    let episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n1002,01/09/2017,S,C2,N1,U1,PR1,,,,,,\n";
    let files: [(&str, &[u8]); 2] = [("h.csv", header.as_bytes()), ("e.csv", episodes.as_bytes())];
    let p = parse_ssda903(&files, &ImportContext::default());
    assert!(p.is_loadable());
    let hdr = p
        .reports
        .iter()
        .find(|r| r.file == "h.csv")
        .expect("report");
    has(hdr, Severity::Warning, "h.csv line 2, child 1002, UPN \"A801200001001\": not a valid UPN (the check letter should be H, not A): the child loads but cannot be linked");
    assert_eq!(p.batch.children.len(), 1);
    assert_eq!(p.batch.children[0].upn, None);
    assert_eq!(p.batch.children[0].history.episodes.len(), 1);
}

#[test]
fn ssda903_unknown_table_is_an_error() {
    let files: [(&str, &[u8]); 1] = [("x.csv", b"CHILD,DECOMM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n")];
    let p = parse_ssda903(&files, &ImportContext::default());
    has(&p.reports[0], Severity::Error, "this looks like the 903 Episodes table but lacks the column(s) DECOM (is \"DECOMM\" a misspelling?)");
}

// ---- CIN census XML ----------------------------------------------------------------------

fn cin(reference: &str, sex: &str, extra_child: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2025</Year>
      <ReferenceDate>{reference}</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>201</LEA>
    </Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>C100</LAchildID>
        <UPN>{UPN1}</UPN>
        <PersonBirthDate>2015-03-02</PersonBirthDate>
        {sex}
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-05-01</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINPlanDates>
          <CINPlanStartDate>2024-06-01</CINPlanStartDate>
          <CINPlanEndDate>2024-09-30</CINPlanEndDate>
        </CINPlanDates>
        <ReferralNFA>0</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2024-10-01</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>{extra_child}
  </Children>
</Message>
"#
    )
}

#[test]
fn a_valid_2025_file_loads_plans_and_episodes() {
    let xml = cin("2025-03-31", "<Sex>F</Sex>", "");
    let p = parse_cin_census("cin.xml", xml.as_bytes(), &ImportContext::default());
    assert!(p.is_loadable(), "{}", p.report);
    assert_eq!(p.report.problems().count(), 0, "{}", p.report);
    let b = &p.batch;
    assert_eq!(b.collection_year, 2025);
    assert_eq!(b.extract_date, date!(2025 - 03 - 31));
    assert_eq!(b.la_code.as_deref(), Some("201"));
    let c = &b.children[0];
    assert_eq!(c.child.upn.map(|u| u.to_string()).as_deref(), Some(UPN1));
    assert_eq!(c.child.history.plans.len(), 2);
    assert_eq!(c.episodes.len(), 1);
    assert_eq!(
        c.child.history.status_on(date!(2024 - 07 - 01)),
        Some(vschool_domain::CohortStatus::Cin)
    );
    assert_eq!(
        c.child.history.status_on(date!(2025 - 01 - 01)),
        Some(vschool_domain::CohortStatus::Cp)
    );
}

#[test]
fn an_xml_file_breaking_its_years_xsd_is_an_error() {
    // GenderCurrent in a 2025 file.
    let xml = cin("2025-03-31", "<GenderCurrent>2</GenderCurrent>", "");
    let p = parse_cin_census("cin.xml", xml.as_bytes(), &ImportContext::default());
    assert!(!p.is_loadable());
    has(&p.report, Severity::Error, "cin.xml line 20, Message/Children/Child/ChildIdentifiers/GenderCurrent (LAchildID C100): <GenderCurrent> is not an element of the 2025 CIN census schema (from the 2025 census GenderCurrent is replaced by Sex");
    // Sex in a 2024 file.
    let xml = cin("2024-03-31", "<Sex>F</Sex>", "");
    let p = parse_cin_census("cin.xml", xml.as_bytes(), &ImportContext::default());
    has(
        &p.report,
        Severity::Error,
        "<Sex> is not an element of the 2024 CIN census schema",
    );
    has(
        &p.report,
        Severity::Error,
        "<ChildIdentifiers> must hold <GenderCurrent>, and it is missing",
    );
    // CINPlanDates did not exist in 2021.
    let xml = cin("2021-03-31", "<GenderCurrent>2</GenderCurrent>", "");
    let p = parse_cin_census("cin.xml", xml.as_bytes(), &ImportContext::default());
    has(&p.report, Severity::Error, "<CINPlanDates> is not an element of the 2021 CIN census schema (CINPlanDates was added in the 2022 census)");
    // Wrong order, and a required element missing.
    let xml = cin("2025-03-31", "<Sex>F</Sex>", "").replace(
        "<ReferralSource>1A</ReferralSource>\n        <PrimaryNeedCode>N1</PrimaryNeedCode>",
        "<PrimaryNeedCode>N1</PrimaryNeedCode>",
    );
    let p = parse_cin_census("cin.xml", xml.as_bytes(), &ImportContext::default());
    has(
        &p.report,
        Severity::Error,
        "<CINdetails> must hold <ReferralSource> before <PrimaryNeedCode>, and it is missing",
    );
    let xml = cin("2025-03-31", "<Sex>F</Sex>", "").replace(
        "<UPN>H801200001001</UPN>\n        <PersonBirthDate>2015-03-02</PersonBirthDate>",
        "<PersonBirthDate>2015-03-02</PersonBirthDate>\n        <UPN>H801200001001</UPN>",
    );
    let p = parse_cin_census("cin.xml", xml.as_bytes(), &ImportContext::default());
    has(
        &p.report,
        Severity::Error,
        "<UPN> is out of order: in <ChildIdentifiers> it comes before <PersonBirthDate>",
    );
}

#[test]
fn truncated_and_malformed_xml_are_errors() {
    let xml = cin("2025-03-31", "<Sex>F</Sex>", "");
    let cut = &xml[..xml.find("<ChildProtectionPlans>").expect("present")];
    let p = parse_cin_census("cin.xml", cut.as_bytes(), &ImportContext::default());
    assert!(!p.is_loadable());
    has(&p.report, Severity::Error, "the file ends before <CINdetails> is closed: it looks truncated (still open: Message/Children/Child/CINdetails)");
    let bad = xml.replace("</Ethnicity>", "</Ethnic>");
    let p = parse_cin_census("cin.xml", bad.as_bytes(), &ImportContext::default());
    has(&p.report, Severity::Error, "cin.xml line 23, Message/Children/Child/ChildCharacteristics/Ethnicity: the file is not well-formed XML here (ill-formed document: expected `</Ethnicity>`, but `</Ethnic>` was found)");
    has(&p.report, Severity::Error, "not well-formed XML");
    let p = parse_cin_census("cin.xml", b"\xff\xfe\x00garbage", &ImportContext::default());
    assert!(!p.is_loadable());
    let p = parse_cin_census(
        "cin.xml",
        b"<Message><Children></Children></Message>",
        &ImportContext::default(),
    );
    has(
        &p.report,
        Severity::Error,
        "cannot tell the collection year",
    );
}

#[test]
fn xsd_value_violations_in_elements_we_do_not_read_are_warnings() {
    let xml = cin("2025-03-31", "<Sex>F</Sex>", "")
        .replace(
            "<ReferralNFA>0</ReferralNFA>",
            "<ReferralNFA>false</ReferralNFA>",
        )
        .replace("<Sex>F</Sex>", "<Sex>X</Sex>");
    let p = parse_cin_census("cin.xml", xml.as_bytes(), &ImportContext::default());
    assert!(p.is_loadable(), "{}", p.report);
    has(&p.report, Severity::Warning, "ReferralNFA \"false\": not a value the 2025 CIN census schema allows here: must be one of 0, 1");
    has(&p.report, Severity::Warning, "Sex \"X\": not a sex code");
    assert_eq!(p.batch.children[0].child.sex, None);
}

#[test]
fn cin_plan_ending_before_it_starts_and_overlapping_plans() {
    let extra = r#"
    <Child>
      <ChildIdentifiers>
        <LAchildID>C200</LAchildID>
        <UPNunknown>UN1</UPNunknown>
        <PersonBirthDate>2016-03-02</PersonBirthDate>
        <Sex>M</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2024-05-01</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <CINPlanDates>
          <CINPlanStartDate>2024-06-01</CINPlanStartDate>
          <CINPlanEndDate>2024-05-30</CINPlanEndDate>
        </CINPlanDates>
        <ReferralNFA>0</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2024-07-01</CPPstartDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
        </ChildProtectionPlans>
        <ChildProtectionPlans>
          <CPPstartDate>2024-08-01</CPPstartDate>
          <CPPendDate>2024-09-01</CPPendDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>1</NumberOfPreviousCPP>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>"#;
    let xml = cin("2025-03-31", "<Sex>F</Sex>", extra);
    let p = parse_cin_census("cin.xml", xml.as_bytes(), &ImportContext::default());
    has(&p.report, Severity::Error, "(LAchildID C200), CINPlanEndDate \"2024-05-30\": the plan ends before it starts (DfE rule 4011)");
    has(
        &p.report,
        Severity::Warning,
        "CPPstartDate: Child Protection Plan data contains overlapping dates (DfE rule 8940)",
    );
    let hits: Vec<_> = p
        .batch
        .rule_hits
        .iter()
        .map(|h| (h.code, h.table, h.row))
        .collect();
    assert!(
        hits.contains(&("8940", "ChildProtectionPlans", 1)),
        "{hits:?}"
    );
    assert!(
        hits.contains(&("8940", "ChildProtectionPlans", 2)),
        "{hits:?}"
    );
}

#[test]
fn rules_follow_the_requested_collection_year() {
    // A 2024 file checked with 2024 rules wants GenderCurrent; with 2026 rules, Sex.
    let xml = cin("2024-03-31", "<GenderCurrent>1</GenderCurrent>", "");
    let own = parse_cin_census("cin.xml", xml.as_bytes(), &ImportContext::default());
    assert!(!own.batch.rule_hits.iter().any(|h| h.code == "4180"));
    let ctx = ImportContext {
        rules_year: Some(2026),
        ..Default::default()
    };
    let later = parse_cin_census("cin.xml", xml.as_bytes(), &ctx);
    assert_eq!(later.batch.rules_year, 2026);
    assert!(later.batch.rule_hits.iter().any(|h| h.code == "4180"));
    // The schema is still the file's own year's.
    assert!(later.is_loadable(), "{}", later.report);
}
