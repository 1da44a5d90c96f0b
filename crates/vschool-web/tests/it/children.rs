//! Children: list, search and profile, within each role's scope (DESIGN §8), audited.

use std::collections::HashMap;

use axum::http::StatusCode;
use vschool_web::auth::Role;

use crate::helpers::{table_rows, Browser, TestApp};

/// Name → opaque id, from the links of a children table.
fn child_links(html: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for seg in html.split("href=\"/children/").skip(1) {
        let id: String = seg.chars().take_while(|c| *c != '"').collect();
        let name: String = seg
            .split_once('>')
            .map(|(_, rest)| rest.chars().take_while(|c| *c != '<').collect())
            .unwrap_or_default();
        if id != "search" {
            out.insert(name, id);
        }
    }
    out
}

/// Every child's opaque id, as the VSH sees them.
async fn all_ids(app: &TestApp) -> HashMap<String, String> {
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    child_links(&b.get("/children").await.body)
}

async fn names_listed(b: &mut Browser<'_>) -> Vec<String> {
    let mut names: Vec<String> = child_links(&b.get("/children").await.body)
        .into_keys()
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn each_role_lists_only_its_scope() {
    let app = TestApp::start().await;
    let expect: [(Role, &[&str]); 5] = [
        (
            Role::Vsh,
            &[
                "Amy Adams",
                "Ben Brown",
                "Cara Clarke",
                "Child C006",
                "Child C007",
                "Dan Davies",
                "Eve Evans",
            ],
        ),
        (
            Role::AdvisoryTeacher,
            &[
                "Amy Adams",
                "Ben Brown",
                "Cara Clarke",
                "Child C006",
                "Child C007",
                "Dan Davies",
                "Eve Evans",
            ],
        ),
        (
            Role::DataOfficer,
            &[
                "Amy Adams",
                "Ben Brown",
                "Cara Clarke",
                "Child C006",
                "Child C007",
                "Dan Davies",
                "Eve Evans",
            ],
        ),
        // Oakfield's DSL: Amy (CLA) and Ben (CP); never Eve, who was adopted.
        (Role::Dsl, &["Amy Adams", "Ben Brown"]),
        // Ann's caseload.
        (Role::SocialWorker, &["Amy Adams", "Cara Clarke"]),
    ];
    for (role, names) in expect {
        let mut b = app.browser();
        b.sign_in(role).await;
        assert_eq!(names_listed(&mut b).await, names, "{role}");
    }
    let mut b = app.browser();
    b.sign_in(Role::Trainer).await;
    assert_eq!(b.get("/children").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn out_of_scope_profiles_are_plain_404s() {
    let app = TestApp::start().await;
    let ids = all_ids(&app).await;
    // (role, child, may see?)
    let cases = [
        (Role::Dsl, "Amy Adams", true),
        (Role::Dsl, "Ben Brown", true),
        (Role::Dsl, "Eve Evans", false),
        (Role::Dsl, "Cara Clarke", false),
        (Role::Dsl, "Child C006", false),
        (Role::SocialWorker, "Amy Adams", true),
        (Role::SocialWorker, "Cara Clarke", true),
        (Role::SocialWorker, "Ben Brown", false),
        (Role::SocialWorker, "Child C006", false),
        (Role::Trainer, "Amy Adams", false),
        (Role::AdvisoryTeacher, "Eve Evans", true),
        (Role::DataOfficer, "Child C007", true),
    ];
    let missing = app.browser().get("/children/0000000000").await;
    for (role, name, allowed) in cases {
        let mut b = app.browser();
        b.sign_in(role).await;
        let id = ids.get(name).expect("seeded child");
        let r = b.get(&format!("/children/{id}")).await;
        if allowed {
            assert_eq!(r.status, StatusCode::OK, "{role} sees {name}");
            assert!(r.body.contains(name));
        } else {
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{role} must not see {name}"
            );
            assert!(r.body.contains("Page not found"));
            assert!(!r.body.contains(name), "nothing about the child leaks");
        }
        // An unknown id looks exactly the same as an out-of-scope one.
        let unknown = b.get("/children/0000000000").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let _ = &missing;
    }
}

/// The figures of the seed's hand-worked example for Amy.
#[tokio::test]
async fn profile_shows_the_four_periods_and_is_audited() {
    let app = TestApp::start().await;
    let ids = all_ids(&app).await;
    let mut b = app.browser();
    b.sign_in(Role::AdvisoryTeacher).await;
    let r = b.get(&format!("/children/{}", ids["Amy Adams"])).await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = table_rows(&r.body);
    assert!(
        rows.contains(&vec![
            "Oakfield Primary School".to_owned(),
            "58.3% (7 of 12 sessions)".into(),
            "58.3% (7 of 12 sessions)".into(),
            "50.0% (3 of 6 sessions)".into(),
            "100.0% (4 of 4 sessions)".into(),
            "Persistent absence (10% or more)".into(),
        ]),
        "{rows:?}"
    );
    assert!(rows.contains(&vec![
        "Oakfield Primary School".to_owned(),
        "2".into(),
        "0".into()
    ]));
    assert!(rows.contains(&vec![
        "20 January 2025".to_owned(),
        "Oakfield Primary School".into(),
        "Suspension".into(),
        "2".into(),
        "DB".into()
    ]));
    assert!(r.body.contains("Looked after, since 1 May 2023"));
    assert!(r
        .body
        .contains("Ann Worker (ann.worker@northshire.example)"));
    assert!(r.body.contains("Your view of this record is logged."));
    let views: Vec<_> = app
        .store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.item)
        .filter(|e| e.actor == "advisory-teacher@northshire.example" && e.action.code() == "view")
        .collect();
    assert_eq!(views.len(), 1);
    assert_eq!(
        views[0].la_child_id.as_ref().map(|c| c.as_str()),
        Some("C001")
    );
    assert!(views[0].upn.is_some());
    assert_eq!(views[0].object.code(), "child");
}

#[tokio::test]
async fn search_by_name_or_upn_within_scope() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Dsl).await;
    let page = b.get("/children").await;
    let csrf = page.csrf();
    let r = b
        .post("/children/search", &[("csrf_token", &csrf), ("q", "amy")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("1 child matches"));
    assert!(r.body.contains("Amy Adams"));
    // Eve is at the school but was adopted: a search never finds her.
    let r = b
        .post(
            "/children/search",
            &[("csrf_token", &csrf), ("q", "Eve Evans")],
        )
        .await;
    assert!(r.body.contains("0 children match"));
    assert!(!r.body.contains("Eve Evans</a>"));
    // By UPN.
    let upn = crate::seed::upn("999000000002").to_string();
    let r = b
        .post("/children/search", &[("csrf_token", &csrf), ("q", &upn)])
        .await;
    assert!(r.body.contains("Ben Brown"));
    // Empty.
    let r = b
        .post("/children/search", &[("csrf_token", &csrf), ("q", "  ")])
        .await;
    assert!(r.body.contains("Enter a name or UPN"));
    assert!(r.body.contains("<title>Error: "));
}

/// Every role × every child-data page: the status each must get.
#[tokio::test]
async fn authorisation_matrix_for_child_pages() {
    let app = TestApp::start().await;
    let ids = all_ids(&app).await;
    let amy = format!("/children/{}", ids["Amy Adams"]);
    let eve = format!("/children/{}", ids["Eve Evans"]);
    let matrix: [(Role, [StatusCode; 3]); 6] = [
        // /children, Amy, Eve
        (Role::Vsh, [StatusCode::OK, StatusCode::OK, StatusCode::OK]),
        (
            Role::AdvisoryTeacher,
            [StatusCode::OK, StatusCode::OK, StatusCode::OK],
        ),
        (
            Role::DataOfficer,
            [StatusCode::OK, StatusCode::OK, StatusCode::OK],
        ),
        (
            Role::Dsl,
            [StatusCode::OK, StatusCode::OK, StatusCode::NOT_FOUND],
        ),
        (
            Role::SocialWorker,
            [StatusCode::OK, StatusCode::OK, StatusCode::NOT_FOUND],
        ),
        (
            Role::Trainer,
            [
                StatusCode::FORBIDDEN,
                StatusCode::NOT_FOUND,
                StatusCode::NOT_FOUND,
            ],
        ),
    ];
    for (role, expected) in matrix {
        let mut b = app.browser();
        b.sign_in(role).await;
        for (path, want) in ["/children", amy.as_str(), eve.as_str()]
            .iter()
            .zip(expected)
        {
            assert_eq!(b.get(path).await.status, want, "{role} {path}");
        }
    }
    // Not signed in: sent to sign in, whatever the child.
    for path in ["/children", amy.as_str(), "/children/0000"] {
        assert_eq!(app.get(path).await.location(), "/sign-in", "{path}");
    }
}
