//! The replace rules of DESIGN §8 "What a re-import replaces", all-or-nothing imports and
//! the identity review queue, on small hand-made files whose outcome is worked out by hand.

use std::sync::Arc;

use time::macros::date;
use vschool_domain::{AcademicYear, AttendanceCode, LaChildId, PlanKind, Session, Upn};
use vschool_store::testing::fixtures::{upn, urn};
use vschool_store::{
    Actor, AuditObject, Backend, ImportFile, ImportKind, ImportOutcome, ImportResult,
    RegisterFilter, ReviewFilter, ReviewStatus, Store, StoreError,
};

use crate::import_round_trip::{request, with_two_databases};

fn file(name: &str, text: &str) -> ImportFile {
    ImportFile::bytes(name, text.as_bytes().to_vec())
}

async fn import(store: &Store, kind: ImportKind, files: Vec<ImportFile>) -> ImportResult {
    store
        .import(request(kind, files), Arc::new(vschool_store::NoProgress))
        .await
        .expect("the import runs")
}

/// Imports and asserts the outcome, showing the problems when it differs.
async fn expect(
    store: &Store,
    kind: ImportKind,
    files: Vec<ImportFile>,
    outcome: ImportOutcome,
) -> ImportResult {
    let r = import(store, kind, files).await;
    let problems: Vec<String> = r
        .files
        .iter()
        .flat_map(|f| f.report.problems().map(|p| p.to_string()))
        .collect();
    assert_eq!(r.outcome, outcome, "{}: {problems:#?}", kind.code());
    r
}

/// The two schools and the three pupils of [`roll`], loaded.
async fn schools_and_roll(store: &Store) {
    expect(
        store,
        ImportKind::Gias,
        vec![file("gias.csv", GIAS)],
        ImportOutcome::Loaded,
    )
    .await;
    expect(
        store,
        ImportKind::Roll,
        vec![file("roll.csv", &roll())],
        ImportOutcome::Loaded,
    )
    .await;
}

fn p(n: u32) -> Upn {
    upn(&format!("80120000100{n}"))
}

fn child(id: &str) -> LaChildId {
    LaChildId::parse(id).expect("id")
}

const GIAS: &str = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),PhaseOfEducation (name),LA (code),LA (name),Postcode
100001,Alpha Primary School,Community school,Open,Primary,201,Testshire,TS1 1AA
100002,Beta Academy,Academy converter,Open,Secondary,201,Testshire,TS1 2BB
";

/// Three pupils born 2015-03-02: P1 and P2 girls at Alpha, P3 a boy at Beta.
fn roll() -> String {
    format!(
        "UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolStatus
{},100001,Smith,Ann,2015-03-02,F,4,2022-09-01,,C
{},100001,Jones,Bea,2015-03-02,F,4,2022-09-01,,C
{},100002,Brown,Cal,2015-03-02,M,4,2022-09-01,,C
",
        p(1),
        p(2),
        p(3)
    )
}

/// A child of a CIN census file.
struct Kid<'a> {
    id: &'a str,
    /// A UPN, or `UN1`…`UN10`.
    upn: &'a str,
    female: bool,
    /// CIN plans (start, end).
    cin: &'a [(&'a str, Option<&'a str>)],
    /// CP plans (start, end).
    cp: &'a [(&'a str, Option<&'a str>)],
}

/// A CIN census file of `year` (the year of the 31 March that ends it) as at `reference`.
fn census(year: i32, reference: &str, kids: &[Kid]) -> String {
    let mut children = String::new();
    for k in kids {
        let upn = if k.upn.starts_with("UN") {
            format!("<UPNunknown>{}</UPNunknown>", k.upn)
        } else {
            format!("<UPN>{}</UPN>", k.upn)
        };
        let sex = if year >= 2025 {
            format!("<Sex>{}</Sex>", if k.female { "F" } else { "M" })
        } else {
            format!(
                "<GenderCurrent>{}</GenderCurrent>",
                if k.female { 2 } else { 1 }
            )
        };
        let mut plans = String::new();
        for (start, end) in k.cin {
            plans.push_str(&format!(
                "<CINPlanDates><CINPlanStartDate>{start}</CINPlanStartDate>"
            ));
            if let Some(e) = end {
                plans.push_str(&format!("<CINPlanEndDate>{e}</CINPlanEndDate>"));
            }
            plans.push_str("</CINPlanDates>");
        }
        let mut cps = String::new();
        for (start, end) in k.cp {
            cps.push_str(&format!(
                "<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>"
            ));
            if let Some(e) = end {
                cps.push_str(&format!("<CPPendDate>{e}</CPPendDate>"));
            }
            cps.push_str("<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>");
        }
        children.push_str(&format!(
            "<Child><ChildIdentifiers><LAchildID>{}</LAchildID>{upn}<PersonBirthDate>2015-03-02</PersonBirthDate>{sex}</ChildIdentifiers>\
             <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>\
             <CINdetails><CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>\
             {plans}<ReferralNFA>0</ReferralNFA>{cps}</CINdetails></Child>\n",
            k.id
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>{year}</Year><ReferenceDate>{reference}</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source></Header>\n<Children>\n{children}</Children></Message>\n"
    )
}

async fn plan_end(
    store: &Store,
    id: &str,
    kind: PlanKind,
    start: time::Date,
) -> Option<Option<time::Date>> {
    let children = store.children().await.expect("children");
    let c = children.iter().find(|c| c.la_child_id == child(id))?;
    c.history
        .plans
        .iter()
        .find(|p| p.kind == kind && p.span.start == start)
        .map(|p| p.span.end)
}

// ---- idempotence ----------------------------------------------------------------------------

async fn reimporting_the_same_files_changes_nothing(store: Store) {
    let marks = format!(
        "UPN,URN,Date,Session,Code\n{u},100001,2024-09-02,AM,/\n{u},100001,2024-09-02,PM,N\n",
        u = p(1)
    );
    let exclusions = format!(
        "UPN,URN,Category,StartDate,Sessions,Reason\n{},100001,SUSP,2024-10-01,2,DB\n",
        p(1)
    );
    let attainment = format!(
        "UPN,AcademicYear,Measure,Value\n{},2023/24,KS2_RWM_EXP,Y\n",
        p(1)
    );
    let contacts = "URN,Role,Name,Email\n100001,DSL,Dee Ess,dsl@alpha.sch.example\n";
    let allocations = "LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate\nC100,Sam Worker,sam@la.example,Team A,2024-05-01,\n";
    let cin = census(
        2025,
        "2025-03-31",
        &[Kid {
            id: "C100",
            upn: p(1).as_str(),
            female: true,
            cin: &[("2024-06-01", None)],
            cp: &[],
        }],
    );
    let plan: Vec<(ImportKind, Vec<ImportFile>)> = vec![
        (ImportKind::Gias, vec![file("gias.csv", GIAS)]),
        (ImportKind::CinCensus, vec![file("cin.xml", &cin)]),
        (
            ImportKind::Allocations,
            vec![file("alloc.csv", allocations)],
        ),
        (ImportKind::Roll, vec![file("roll.csv", &roll())]),
        (ImportKind::Attendance, vec![file("marks.csv", &marks)]),
        (ImportKind::Exclusions, vec![file("excl.csv", &exclusions)]),
        (ImportKind::Attainment, vec![file("att.csv", &attainment)]),
        (ImportKind::Contacts, vec![file("contacts.csv", contacts)]),
    ];
    for (kind, files) in &plan {
        let r = expect(&store, *kind, files.clone(), ImportOutcome::Loaded).await;
        assert!(r.rows_changed() > 0);
        assert!(r.files[0].imported_before.is_none());
    }
    assert_eq!(
        store.linked_upn(&child("C100")).await.expect("link"),
        Some(p(1))
    );
    let before = store.load_dataset().await.expect("reads");
    let version = store.data_version().await.expect("version");
    for (kind, files) in plan {
        let r = expect(&store, kind, files, ImportOutcome::Unchanged).await;
        assert_eq!(r.rows_changed(), 0, "{}", kind.code());
        assert!(r.files[0].imported_before.is_some(), "{}", kind.code());
        assert!(
            r.files[0].detail.contains("unchanged"),
            "{}",
            r.files[0].detail
        );
        assert!(r.summary().starts_with("Unchanged"), "{}", r.summary());
    }
    assert_eq!(store.load_dataset().await.expect("reads"), before);
    assert_eq!(store.data_version().await.expect("version"), version);

    // Every file is in the history, and every import in the audit trail.
    let history = store.imports().await.expect("history");
    assert_eq!(history.len(), 16);
    assert!(history[..8]
        .iter()
        .all(|h| h.item.outcome == ImportOutcome::Loaded));
    assert!(history[8..]
        .iter()
        .all(|h| h.item.outcome == ImportOutcome::Unchanged));
    assert_eq!(history[1].item.extract_date, Some(date!(2025 - 03 - 31)));
    let audited = store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.item.object == AuditObject::Import && e.item.actor == "cli:test")
        .count();
    assert_eq!(audited, 16);
}

// ---- social care: the latest extract wins, whatever the order --------------------------------

fn older_and_newer() -> (String, String) {
    // 2024 census: the CIN plan from 2023-06-01 is open. 2025 census: it closed on 2024-09-30.
    let older = census(
        2024,
        "2024-03-31",
        &[Kid {
            id: "C100",
            upn: "UN1",
            female: true,
            cin: &[("2023-06-01", None)],
            cp: &[],
        }],
    );
    let newer = census(
        2025,
        "2025-03-31",
        &[Kid {
            id: "C100",
            upn: "UN1",
            female: true,
            cin: &[("2023-06-01", Some("2024-09-30"))],
            cp: &[],
        }],
    );
    (older, newer)
}

async fn a_newer_census_closes_a_plan_whatever_the_order(a: Store, b: Store) {
    let (older, newer) = older_and_newer();
    let start = date!(2023 - 06 - 01);
    let closed = Some(Some(date!(2024 - 09 - 30)));

    // Older first: the newer file closes the plan.
    expect(
        &a,
        ImportKind::CinCensus,
        vec![file("cin-2024.xml", &older)],
        ImportOutcome::Loaded,
    )
    .await;
    assert_eq!(plan_end(&a, "C100", PlanKind::Cin, start).await, Some(None));
    let r = expect(
        &a,
        ImportKind::CinCensus,
        vec![file("cin-2025.xml", &newer)],
        ImportOutcome::Loaded,
    )
    .await;
    assert_eq!(r.rows_changed(), 1, "one plan changed");
    assert_eq!(plan_end(&a, "C100", PlanKind::Cin, start).await, closed);

    // Newer first: the older file, imported later, changes nothing.
    expect(
        &b,
        ImportKind::CinCensus,
        vec![file("cin-2025.xml", &newer)],
        ImportOutcome::Loaded,
    )
    .await;
    let r = expect(
        &b,
        ImportKind::CinCensus,
        vec![file("cin-2024.xml", &older)],
        ImportOutcome::Unchanged,
    )
    .await;
    assert_eq!(r.rows_changed(), 0);
    assert_eq!(plan_end(&b, "C100", PlanKind::Cin, start).await, closed);

    // Both in one command, in either order, give the same children.
    let mut da = a.load_dataset().await.expect("reads");
    let mut db = b.load_dataset().await.expect("reads");
    da.sort_canonical();
    db.sort_canonical();
    assert_eq!(da.children, db.children);
    assert_eq!(
        a.latest_extract("cin-census").await.expect("reads"),
        Some(date!(2025 - 03 - 31))
    );
}

async fn a_census_replaces_the_file_held_for_its_year(store: Store) {
    // A mid-year extract lists a CP plan the final census no longer lists (it was recorded in
    // error): the final file replaces the extract, so the plan goes.
    let kid = |cp: &'static [(&'static str, Option<&'static str>)]| Kid {
        id: "C200",
        upn: "UN2",
        female: false,
        cin: &[("2024-06-01", None)],
        cp,
    };
    let extract = census(2025, "2024-12-31", &[kid(&[("2024-11-01", None)])]);
    let last = census(2025, "2025-03-31", &[kid(&[])]);
    expect(
        &store,
        ImportKind::CinCensus,
        vec![file("mid-year.xml", &extract)],
        ImportOutcome::Loaded,
    )
    .await;
    assert_eq!(
        plan_end(&store, "C200", PlanKind::Cp, date!(2024 - 11 - 01)).await,
        Some(None)
    );
    let r = expect(
        &store,
        ImportKind::CinCensus,
        vec![file("final.xml", &last)],
        ImportOutcome::Loaded,
    )
    .await;
    assert_eq!(r.rows_changed(), 1, "the CP plan removed");
    assert_eq!(
        plan_end(&store, "C200", PlanKind::Cp, date!(2024 - 11 - 01)).await,
        None
    );
    assert_eq!(
        plan_end(&store, "C200", PlanKind::Cin, date!(2024 - 06 - 01)).await,
        Some(None)
    );
    // The same child in another year is the same child.
    let next = census(2026, "2026-03-31", &[kid(&[])]);
    expect(
        &store,
        ImportKind::CinCensus,
        vec![file("next.xml", &next)],
        ImportOutcome::Unchanged,
    )
    .await;
    assert_eq!(store.children().await.expect("children").len(), 1);
}

async fn sources_giving_different_upns_are_listed(store: Store) {
    // The 2024 census says P1; the 2024/25 903 (extract 31 March 2025, newer) says P2.
    let cin = census(
        2024,
        "2024-03-31",
        &[Kid {
            id: "C300",
            upn: p(1).as_str(),
            female: true,
            cin: &[("2023-06-01", None)],
            cp: &[],
        }],
    );
    let header = format!(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC300,F,02/03/2015,WBRI,{},,\n",
        p(2)
    );
    let episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\nC300,01/10/2024,S,C2,N1,U1,PR1,,,,,,\n";
    expect(
        &store,
        ImportKind::CinCensus,
        vec![file("cin.xml", &cin)],
        ImportOutcome::Loaded,
    )
    .await;
    let r = expect(
        &store,
        ImportKind::Ssda903,
        vec![file("header.csv", &header), file("episodes.csv", episodes)],
        ImportOutcome::Loaded,
    )
    .await;
    let warned = r.files[0]
        .report
        .warnings()
        .any(|p| p.reason.contains("different UPNs") && p.la_child_id.as_deref() == Some("C300"));
    assert!(warned, "{}", r.files[0].report);
    let conflicts = store.upn_conflicts().await.expect("conflicts");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].la_child_id, child("C300"));
    assert_eq!(conflicts[0].used, Some(p(2)), "the newest source wins");
    let claimed: Vec<Upn> = conflicts[0].claims.iter().map(|c| c.upn).collect();
    assert_eq!(claimed, vec![p(1), p(2)]);
    assert_eq!(conflicts[0].claims[1].source, "ssda903");
    // One child, with both histories.
    let children = store.children().await.expect("children");
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].history.plans.len(), 1);
    assert_eq!(children[0].history.episodes.len(), 1);
}

// ---- marks ----------------------------------------------------------------------------------

async fn a_marks_file_replaces_only_what_it_covers(store: Store) {
    schools_and_roll(&store).await;
    let (p1, p2) = (p(1), p(2));
    let first = format!(
        "UPN,URN,Date,Session,Code
{p1},100001,2024-09-02,AM,/
{p1},100001,2024-09-02,PM,\\
{p1},100001,2024-09-03,AM,/
{p1},100001,2024-09-03,PM,\\
{p2},100001,2024-09-02,AM,/
{p2},100001,2024-09-03,AM,N
"
    );
    let r = expect(
        &store,
        ImportKind::Attendance,
        vec![file("week1.csv", &first)],
        ImportOutcome::Loaded,
    )
    .await;
    assert_eq!(r.rows_changed(), 6);
    // P1 on 2024-09-03 only, AM now an illness; PM not given, so it becomes "no mark".
    // P2 and P1's 2 September are not in the file: untouched.
    let second = format!("UPN,URN,Date,Session,Code\n{p1},100001,2024-09-03,AM,I\n");
    let r = expect(
        &store,
        ImportKind::Attendance,
        vec![file("fix.csv", &second)],
        ImportOutcome::Loaded,
    )
    .await;
    assert_eq!(r.rows_changed(), 2, "AM changed, PM removed");
    let regs = store
        .registers(RegisterFilter::Year(AcademicYear(2024)))
        .await
        .expect("registers");
    let reg = |u: Upn| {
        regs.iter()
            .find(|r| r.upn == u)
            .map(|r| r.register.clone())
            .expect("a register")
    };
    let (r1, r2) = (reg(p1), reg(p2));
    use AttendanceCode as C;
    assert_eq!(
        r1.get(date!(2024 - 09 - 02), Session::Am),
        Some(C::PresentAm)
    );
    assert_eq!(
        r1.get(date!(2024 - 09 - 02), Session::Pm),
        Some(C::PresentPm)
    );
    assert_eq!(r1.get(date!(2024 - 09 - 03), Session::Am), Some(C::I));
    assert_eq!(r1.get(date!(2024 - 09 - 03), Session::Pm), None);
    assert_eq!(
        r2.get(date!(2024 - 09 - 02), Session::Am),
        Some(C::PresentAm)
    );
    assert_eq!(r2.get(date!(2024 - 09 - 03), Session::Am), Some(C::N));
    assert_eq!(store.mark_count().await.expect("marks"), 5);

    // A mark at a school with no enrolment covering it is kept, with a warning.
    let third = format!("UPN,URN,Date,Session,Code\n{p1},100002,2024-09-04,AM,/\n");
    let r = expect(
        &store,
        ImportKind::Attendance,
        vec![file("other.csv", &third)],
        ImportOutcome::Loaded,
    )
    .await;
    let w: Vec<String> = r.files[0]
        .report
        .warnings()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with(&format!("other.csv, UPN \"{p1}\": 1 mark from 2024-09-04 to 2024-09-04 for a pupil with no enrolment at school 100002")),
        "{w:?}"
    );
    assert_eq!(store.mark_count().await.expect("marks"), 6);
}

// ---- all or nothing -------------------------------------------------------------------------

async fn a_failed_import_leaves_the_database_as_it_was(store: Store) {
    schools_and_roll(&store).await;
    let before = store.load_dataset().await.expect("reads");
    let version = store.data_version().await.expect("version");
    let u = p(1);
    // Two files in one command: the first is fine, the second has a bad code on line 3.
    let good = format!("UPN,URN,Date,Session,Code\n{u},100001,2024-09-02,AM,/\n");
    let bad = format!(
        "UPN,URN,Date,Session,Code\n{u},100001,2024-10-01,AM,/\n{u},100001,2024-10-01,PM,ZZ\n"
    );
    let r = import(
        &store,
        ImportKind::Attendance,
        vec![file("good.csv", &good), file("marks.csv", &bad)],
    )
    .await;
    assert_eq!(r.outcome, ImportOutcome::Rejected);
    assert_eq!(r.files[0].outcome, ImportOutcome::Rejected);
    assert_eq!(r.rows_changed(), 0);
    let errors: Vec<String> = r.files[1].report.errors().map(|p| p.to_string()).collect();
    assert_eq!(
        errors,
        vec!["marks.csv line 3, Code \"ZZ\": not an attendance code in use on 2024-10-01"]
    );
    assert!(
        r.summary().starts_with("Nothing was loaded"),
        "{}",
        r.summary()
    );
    assert_eq!(store.load_dataset().await.expect("reads"), before);
    assert_eq!(store.data_version().await.expect("version"), version);
    // The rejected files are in the history with their problems.
    let history = store.imports().await.expect("history");
    let last = history.last().expect("recorded");
    assert_eq!(last.item.outcome, ImportOutcome::Rejected);
    let problems = store.import_problems(last.id).await.expect("problems");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].to_string(), errors[0]);

    // A set of 903 files: an episode ending before it starts stops the header loading too.
    let header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC400,F,02/03/2015,WBRI,UN1,,\n";
    let episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\nC400,01/10/2024,S,C2,N1,U1,PR1,01/09/2024,E11,,,,\n";
    let r = import(
        &store,
        ImportKind::Ssda903,
        vec![file("header.csv", header), file("episodes.csv", episodes)],
    )
    .await;
    assert_eq!(
        r.outcome,
        ImportOutcome::Rejected,
        "{:?}",
        r.files[1].report
    );
    assert!(r.files[1].report.has_errors());
    assert_eq!(store.load_dataset().await.expect("reads"), before);

    // --check loads nothing but says what would change.
    let mut req = request(ImportKind::Attendance, vec![file("good.csv", &good)]);
    req.check_only = true;
    let r = store
        .import(req, Arc::new(vschool_store::NoProgress))
        .await
        .expect("runs");
    assert_eq!(r.outcome, ImportOutcome::Checked);
    assert_eq!(r.rows_changed(), 1);
    assert_eq!(store.load_dataset().await.expect("reads"), before);
}

// ---- school files ---------------------------------------------------------------------------

async fn rolls_allocations_and_contacts_follow_their_keys(store: Store) {
    schools_and_roll(&store).await;
    // A newer roll of Alpha lists P1 with a leaving date and leaves P2 out: P2's enrolment is
    // kept and listed; Beta (not in the file) is not mentioned.
    let newer = format!(
        "UPN,URN,Surname,Forename,DOB,Gender,NCYearActual,EntryDate,LeavingDate,EnrolStatus\n{},100001,Smith,Ann,2015-03-02,F,4,2022-09-01,2025-02-14,C\n",
        p(1)
    );
    let r = expect(
        &store,
        ImportKind::Roll,
        vec![file("roll-2.csv", &newer)],
        ImportOutcome::Loaded,
    )
    .await;
    assert_eq!(r.rows_changed(), 1);
    let w: Vec<String> = r.files[0]
        .report
        .warnings()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        w,
        vec![format!("roll-2.csv, UPN \"{}\": the enrolment at school 100001 from 2022-09-01 is not in the latest roll: add a leaving date?", p(2))]
    );
    assert_eq!(store.enrolments().await.expect("enrolments").len(), 3);

    // Allocations: the file replaces the history of the children it lists only.
    let first = "LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate\nC1,Ann Worker,ann@la.example,A,2024-01-01,2024-06-30\nC1,Bob Worker,bob@la.example,A,2024-07-01,\nC2,Cat Worker,cat@la.example,B,2024-01-01,\n";
    let second = "LAchildID,WorkerName,WorkerEmail,Team,StartDate,EndDate\nC1,Bob Worker,bob@la.example,A,2024-07-01,2025-01-31\nC1,Dan Worker,dan@la.example,A,2025-02-01,\n";
    expect(
        &store,
        ImportKind::Allocations,
        vec![file("a1.csv", first)],
        ImportOutcome::Loaded,
    )
    .await;
    let r = expect(
        &store,
        ImportKind::Allocations,
        vec![file("a2.csv", second)],
        ImportOutcome::Loaded,
    )
    .await;
    // Ann's and Bob's open rows go, Bob's closed one and Dan's come: 4 rows.
    assert_eq!(r.rows_changed(), 4);
    let mut workers: Vec<(String, String)> = store
        .allocations()
        .await
        .expect("allocations")
        .into_iter()
        .map(|a| (a.la_child_id.to_string(), a.worker_name))
        .collect();
    workers.sort();
    assert_eq!(
        workers,
        vec![
            ("C1".to_owned(), "Bob Worker".to_owned()),
            ("C1".to_owned(), "Dan Worker".to_owned()),
            ("C2".to_owned(), "Cat Worker".to_owned()),
        ]
    );

    // Contacts: a contact who unsubscribed stays unsubscribed when listed again.
    let contacts = "URN,Role,Name,Email\n100001,DSL,Dee Ess,dsl@alpha.sch.example\n";
    expect(
        &store,
        ImportKind::Contacts,
        vec![file("c1.csv", contacts)],
        ImportOutcome::Loaded,
    )
    .await;
    assert!(store
        .unsubscribe_contact(urn(100001), "dsl@alpha.sch.example")
        .await
        .expect("unsubscribes"));
    let renamed = "URN,Role,Name,Email\n100001,DSL,Dee Esse,DSL@alpha.sch.example\n";
    let r = expect(
        &store,
        ImportKind::Contacts,
        vec![file("c2.csv", renamed)],
        ImportOutcome::Loaded,
    )
    .await;
    assert_eq!(r.rows_changed(), 1);
    let held = store.contacts().await.expect("contacts");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].contact.name, "Dee Esse");
    assert!(held[0].unsubscribed);
}

// ---- the identity review queue --------------------------------------------------------------

async fn review_pairs_stay_decided_across_reimports(store: Store) {
    schools_and_roll(&store).await;
    // C500 has no UPN, is a girl born 2015-03-02: P1 and P2 are proposed, not P3 (a boy).
    let kid = Kid {
        id: "C500",
        upn: "UN5",
        female: true,
        cin: &[("2024-06-01", None)],
        cp: &[],
    };
    let cin = census(2025, "2025-03-31", &[kid]);
    expect(
        &store,
        ImportKind::CinCensus,
        vec![file("cin.xml", &cin)],
        ImportOutcome::Loaded,
    )
    .await;
    let pending = store
        .review_pairs(ReviewFilter::Pending)
        .await
        .expect("queue");
    let pairs: Vec<(String, Upn)> = pending
        .iter()
        .map(|r| (r.la_child_id.to_string(), r.upn))
        .collect();
    assert_eq!(pairs, vec![("C500".into(), p(1)), ("C500".into(), p(2))]);
    assert_eq!(
        pending[0].pupil.as_ref().map(|x| x.surname.as_str()),
        Some("Smith")
    );
    assert_eq!(
        pending[0].pupil.as_ref().map(|x| x.schools.clone()),
        Some(vec![urn(100001)])
    );
    assert_eq!(store.pending_review_count().await.expect("count"), 2);
    // Nothing is linked until a person decides.
    assert_eq!(store.linked_upn(&child("C500")).await.expect("link"), None);

    let officer = Actor {
        actor: "officer@la.example".into(),
        role: "data-officer".into(),
        from: "192.0.2.1".into(),
    };
    let version = store.data_version().await.expect("version");
    let rejected = store
        .reject_review_pair(pending[0].id, &officer)
        .await
        .expect("rejects");
    assert_eq!(rejected.status, ReviewStatus::Rejected);
    assert_eq!(rejected.decided_by.as_deref(), Some("officer@la.example"));
    let accepted = store
        .accept_review_pair(pending[1].id, &officer)
        .await
        .expect("accepts");
    assert_eq!(accepted.status, ReviewStatus::Accepted);
    assert!(store.data_version().await.expect("version") > version);
    assert_eq!(
        store.linked_upn(&child("C500")).await.expect("link"),
        Some(p(2))
    );
    assert_eq!(store.pending_review_count().await.expect("count"), 0);
    // A child is one pupil: accepting the rejected pair now is refused, saying why.
    let err = store
        .accept_review_pair(pending[0].id, &officer)
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, StoreError::Refused { reason } if reason.contains("already linked to pupil")),
        "{err}"
    );
    let missing = store
        .accept_review_pair(9_999, &officer)
        .await
        .expect_err("no pair");
    assert!(matches!(missing, StoreError::NotFound { .. }), "{missing}");
    // Both decisions are audited, with the child and the pupil.
    let events: Vec<_> = store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.item.object == AuditObject::Child && e.item.actor == "officer@la.example")
        .collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].item.upn, Some(p(2)));
    assert_eq!(events[1].item.la_child_id, Some(child("C500")));
    assert_eq!(events[1].item.from, "192.0.2.1");

    // Re-imports (a resubmitted census, a new roll) keep both decisions and propose nothing.
    let resubmitted = cin.replace(
        "<ReferralNFA>0</ReferralNFA>",
        "<ReferralNFA>0</ReferralNFA> ",
    );
    expect(
        &store,
        ImportKind::CinCensus,
        vec![file("cin-again.xml", &resubmitted)],
        ImportOutcome::Unchanged,
    )
    .await;
    let again = roll().replace("Jones", "Jones-Smith");
    expect(
        &store,
        ImportKind::Roll,
        vec![file("roll-again.csv", &again)],
        ImportOutcome::Loaded,
    )
    .await;
    assert_eq!(store.pending_review_count().await.expect("count"), 0);
    let decided = store
        .review_pairs(ReviewFilter::Decided)
        .await
        .expect("decided");
    let statuses: Vec<(Upn, ReviewStatus)> = {
        let mut v: Vec<_> = decided.iter().map(|r| (r.upn, r.status)).collect();
        v.sort_by_key(|(u, _)| *u);
        v
    };
    assert_eq!(
        statuses,
        vec![
            (p(1), ReviewStatus::Rejected),
            (p(2), ReviewStatus::Accepted)
        ]
    );
    assert_eq!(
        store.linked_upn(&child("C500")).await.expect("link"),
        Some(p(2))
    );

    // Undoing an acceptance unlinks the child.
    store
        .reject_review_pair(pending[1].id, &officer)
        .await
        .expect("rejects");
    assert_eq!(store.linked_upn(&child("C500")).await.expect("link"), None);
}

on_both!(
    reimporting_the_same_files_changes_nothing,
    a_census_replaces_the_file_held_for_its_year,
    sources_giving_different_upns_are_listed,
    a_marks_file_replaces_only_what_it_covers,
    a_failed_import_leaves_the_database_as_it_was,
    rolls_allocations_and_contacts_follow_their_keys,
    review_pairs_stay_decided_across_reimports,
);

#[tokio::test]
async fn newer_census_closes_a_plan_on_sqlite() {
    with_two_databases(
        Backend::Sqlite,
        a_newer_census_closes_a_plan_whatever_the_order,
    )
    .await;
}

#[tokio::test]
async fn newer_census_closes_a_plan_on_postgres() {
    with_two_databases(
        Backend::Postgres,
        a_newer_census_closes_a_plan_whatever_the_order,
    )
    .await;
}
