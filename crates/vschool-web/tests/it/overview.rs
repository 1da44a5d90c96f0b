//! The LA overview, its downloads, the school figures and `GET /api/v1/stats`: figures
//! checked against the seed's hand-worked values (tests/common/seed.rs), suppression for a
//! DSL, who may see what, and the audit of downloads.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use vschool_store::AuditAction;
use vschool_web::accounts::{create_api_token, Actor};
use vschool_web::auth::Role;

use crate::helpers::{table_rows, Reply, TestApp};

fn row<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r.first().map(String::as_str) == Some(first))
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("no row {first}: {rows:?}"))
}

/// The table rows of one section of the page (between its heading and the next).
fn section_rows(body: &str, id: &str) -> Vec<Vec<String>> {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &body[start..];
    let end = rest[1..]
        .find("<h2 class=\"govuk-heading-l\"")
        .map(|i| i + 1)
        .unwrap_or(rest.len());
    table_rows(&rest[..end])
}

/// Hand-worked from the seed on 14 March 2025 (pupil base): only Amy (CLA) has marks:
/// 7 attended of 12 possible, 4 authorised, 1 unauthorised; persistently absent, not severely;
/// 2 part-time (C2) sessions; one suspension of 2 sessions (1.0 day). Half terms: 3 of 6
/// in 2024/25-1, none in -2, 2 of 4 in -3 (06 Jan present, 07 Jan C2 C2), 2 of 2 in -4.
#[tokio::test]
async fn the_team_sees_hand_worked_figures() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    let r = b.get("/overview").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Home for the team is the same overview.
    let home = b.get("/").await;
    assert!(home.body.contains("Virtual School overview"));

    let cohort = section_rows(&r.body, "cohort");
    // Today, at the end of half term 2024/25-3 (14 February 2025), change.
    assert_eq!(
        row(&cohort, "Looked after (CLA)"),
        ["Looked after (CLA)", "1", "1", "No change"]
    );
    assert_eq!(row(&cohort, "Child protection plan (CP)")[1], "2");
    assert_eq!(row(&cohort, "Child in need plan (CIN plan)")[1], "1");
    assert_eq!(row(&cohort, "All with a social worker now")[1], "4");
    assert_eq!(
        row(
            &cohort,
            "Had a social worker in the last six years (Ever6), including now"
        )[1],
        "6"
    );

    let att = section_rows(&r.body, "attendance");
    assert_eq!(
        row(&att, "Looked after (CLA)"),
        [
            "Looked after (CLA)",
            "1",
            "12",
            "58.3%",
            "58.3%",
            "41.7%",
            "8.3%"
        ]
    );
    assert_eq!(
        row(&att, "Child protection plan (CP)"),
        [
            "Child protection plan (CP)",
            "0",
            "0",
            "No figure",
            "No figure",
            "No figure",
            "No figure"
        ]
    );
    // The DfE's national comparators, under their own names and years.
    assert!(r.body.contains(
        "Children in need excluding CP and CLA at 31 March, England, 2021/22, six half terms"
    ));
    assert_eq!(
        row(
            &att,
            "Children in need excluding CP and CLA at 31 March, England, 2021/22, six half terms"
        )[1..],
        ["83.6%", "16.4%", "48.5%"]
    );

    let pa = section_rows(&r.body, "persistent-absence");
    assert_eq!(
        row(&pa, "Looked after (CLA)"),
        ["Looked after (CLA)", "1", "1", "100.0%", "0", "0.0%"]
    );
    let ex = section_rows(&r.body, "exclusions");
    assert_eq!(
        row(&ex, "Looked after (CLA)"),
        [
            "Looked after (CLA)",
            "1",
            "1",
            "1",
            "100.0%",
            "0",
            "0.0%",
            "1.0"
        ]
    );
    let pt = section_rows(&r.body, "part-time");
    assert_eq!(
        row(&pt, "Looked after (CLA)"),
        ["Looked after (CLA)", "1", "1", "100.0%", "2", "16.7%"]
    );
    let ht = section_rows(&r.body, "half-terms");
    assert_eq!(
        row(&ht, "2024/25-1 (2 September 2024 to 25 October 2024)")[1],
        "50.0%"
    );
    assert_eq!(
        row(&ht, "2024/25-3 (6 January 2025 to 14 February 2025)")[1],
        "50.0%"
    );
    assert_eq!(
        row(&ht, "2024/25-4 (24 February 2025 to 14 March 2025)")[1],
        "100.0%"
    );
    let top = section_rows(&r.body, "top-schools");
    // Oakfield: Amy (CLA) and Ben (CP) now; Riverside: Cara (CIN).
    assert_eq!(row(&top, "Oakfield Primary School")[2], "2");
    assert_eq!(row(&top, "Riverside Academy")[2], "1");
    // Charts are accessible images, with the same figures in the tables.
    assert!(r.body.contains(r#"role="img""#));
    assert!(r.body.contains("<title id=\"chart-attendance-title\">"));

    // Filters: a phase with no pupils with marks; the enrolment base says so.
    let f = b
        .get("/overview?year=2024%2F25&phase=Secondary&base=enrolment")
        .await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(f.body.contains("Figures count enrolments"));
    let att = section_rows(&f.body, "attendance");
    assert_eq!(row(&att, "All who have or had a social worker")[1], "0");
    // Last year: Amy's two days in May 2024.
    let last = b.get("/overview?year=2023%2F24").await;
    let att = section_rows(&last.body, "attendance");
    assert_eq!(row(&att, "Looked after (CLA)")[1..4], ["1", "4", "100.0%"]);

    let schools = b.get("/overview/schools").await;
    let rows = table_rows(&schools.body);
    assert_eq!(
        row(&rows, "Oakfield Primary School")[1..5],
        ["100001", "Primary", "1", "58.3%"]
    );
}

#[tokio::test]
async fn a_dsl_sees_la_figures_suppressed_and_only_their_school_named() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Dsl).await;
    let r = b.get("/overview").await;
    assert_eq!(r.status, StatusCode::OK);
    let cohort = section_rows(&r.body, "cohort");
    assert_eq!(
        row(&cohort, "Looked after (CLA)"),
        ["Looked after (CLA)", "c", "c", "c"]
    );
    assert_eq!(
        row(
            &cohort,
            "Had a social worker in the last six years (Ever6), including now"
        )[1],
        "6"
    );
    let att = section_rows(&r.body, "attendance");
    assert_eq!(
        row(&att, "Looked after (CLA)")[1..],
        ["c", "c", "c", "c", "c", "c"]
    );
    // Zero is shown.
    assert_eq!(row(&att, "Child protection plan (CP)")[1], "0");
    // No list naming other schools.
    assert!(!r.body.contains("id=\"top-schools\""));
    let schools = b.get("/overview/schools").await;
    assert!(schools.body.contains("Oakfield Primary School"));
    assert!(!schools.body.contains("Riverside Academy"));
    // Downloads are suppressed the same way.
    let csv = b.get("/overview/download/attendance.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains("Looked after (CLA),c,c,c,c,c,c"),
        "{}",
        csv.body
    );
}

#[tokio::test]
async fn social_workers_and_trainers_see_no_aggregates() {
    let app = TestApp::start().await;
    for role in [Role::SocialWorker, Role::Trainer] {
        let mut b = app.browser();
        b.sign_in(role).await;
        for path in [
            "/overview",
            "/overview/schools",
            "/overview/download/attendance.csv",
        ] {
            assert_eq!(
                b.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{role} {path}"
            );
        }
    }
    // Signed out: sent to sign in.
    assert_eq!(app.get("/overview").await.location(), "/sign-in");
}

#[tokio::test]
async fn downloads_hold_the_page_figures_and_are_audited() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::AdvisoryTeacher).await;
    let csv = b
        .get("/overview/download/attendance.csv?year=2024%2F25&base=pupil")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv
        .header("content-disposition")
        .contains("attendance-2025-03-14.csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "Group,Pupils with sessions,Possible sessions,Attendance,Attendance on plan,Overall absence,Unauthorised absence"
    );
    assert_eq!(lines[1], "Looked after (CLA),1,12,58.3,58.3,41.7,8.3");
    assert_eq!(lines[2], "Child protection plan (CP),0,0,,,,");
    let xlsx = b.get("/overview/download/cohort-over-time.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.header("content-type").contains("spreadsheetml"));
    assert_eq!(
        b.get("/overview/download/nothing.csv").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get("/overview/download/attendance.pdf").await.status,
        StatusCode::NOT_FOUND
    );

    let events = app.store.audit_events(None).await.expect("audit");
    let downloads: Vec<_> = events
        .iter()
        .filter(|e| e.item.action == AuditAction::Download)
        .collect();
    assert_eq!(downloads.len(), 2, "{downloads:?}");
    assert!(downloads[0].item.detail.contains("attendance.csv"));
    assert_eq!(
        downloads[0].item.actor,
        "advisory-teacher@northshire.example"
    );
    assert!(downloads.iter().all(|e| e.item.upn.is_none()));
}

#[tokio::test]
async fn a_school_page_has_its_figures_and_year_groups_drill_down() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Dsl).await;
    let r = b.get("/schools/100001").await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = table_rows(&r.body);
    // Own pupils: unsuppressed. Amy (CLA) 7 of 12; Ben (CP) on roll, no marks.
    assert_eq!(
        row(&rows, "Looked after (CLA)"),
        [
            "Looked after (CLA)",
            "1",
            "1",
            "58.3%",
            "58.3%",
            "1",
            "100.0%",
            "0",
            "2",
            "1"
        ]
    );
    assert_eq!(
        row(&rows, "Child protection plan (CP)")[1..4],
        ["1", "0", "No figure"]
    );
    assert_eq!(row(&rows, "Year 4")[1], "1");
    let y4 = b.get("/schools/100001/year-groups/4").await;
    assert_eq!(y4.status, StatusCode::OK);
    assert!(y4.body.contains("Amy Adams"));
    assert!(!y4.body.contains("Ben Brown"));
    // Out of scope or nonsense: 404.
    assert_eq!(
        b.get("/schools/100002/year-groups/8").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get("/schools/100001/year-groups/99").await.status,
        StatusCode::NOT_FOUND
    );
    let csv = b.get("/schools/100001/figures/by-year-group.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.contains("Year 4,1,1,58.3,58.3,1,100.0,0,2,1"),
        "{}",
        csv.body
    );
    assert_eq!(
        b.get("/schools/100002/figures/by-group.csv").await.status,
        StatusCode::NOT_FOUND
    );
    let events = app.store.audit_events(None).await.expect("audit");
    assert!(events
        .iter()
        .any(|e| e.item.action == AuditAction::Download
            && e.item.urn.map(|u| u.get()) == Some(100001)));
    let mut sw = app.browser();
    sw.sign_in(Role::SocialWorker).await;
    assert_eq!(
        sw.get("/schools/100001/year-groups/4").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn api(app: &TestApp, role: Role, path: &str) -> Reply {
    let token = create_api_token(
        &app.store,
        &Actor::at_terminal(),
        &crate::seed::email_for(role),
        "test",
    )
    .await
    .expect("token");
    app.send(
        Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn stats_api_is_the_cli_document() {
    let app = TestApp::start().await;
    let r = api(
        &app,
        Role::Vsh,
        "/api/v1/stats?at=2025-03-14&by=school&base=enrolment",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("content-type"), "application/json");
    // The same document the CLI prints, from the one shared definition.
    let snapshot = vschool_analytics::LaSnapshot::new(crate::seed::dataset());
    let expected = vschool_analytics::published::report(
        &snapshot,
        crate::seed::TODAY,
        vschool_domain::ReportPeriod::YearToDate,
        vschool_analytics::stats::Breakdown::School,
        vschool_analytics::stats::Base::Enrolment,
        false,
    );
    assert_eq!(r.body, serde_json::to_string(&expected).expect("json"));
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    assert_eq!(v["by"], "school");
    assert_eq!(v["period"], "year_to_date");
    // A DSL always gets suppressed figures.
    let d = api(&app, Role::Dsl, "/api/v1/stats?at=2025-03-14").await;
    let v: serde_json::Value = serde_json::from_str(&d.body).expect("json");
    assert_eq!(v["suppressed"], true);
    assert!(d.body.contains(r#""units":"c""#), "{}", d.body);
    assert_eq!(
        api(&app, Role::SocialWorker, "/api/v1/stats").await.status,
        StatusCode::FORBIDDEN
    );
    for bad in [
        "by=nothing",
        "base=x",
        "period=week",
        "suppressed=maybe",
        "at=2025-13-01",
    ] {
        assert_eq!(
            api(&app, Role::Vsh, &format!("/api/v1/stats?{bad}"))
                .await
                .status,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let doc: serde_json::Value =
        serde_json::from_str(vschool_web::routes::api::OPENAPI).expect("openapi");
    assert!(doc["paths"]["/api/v1/stats"]["get"].is_object());
}
