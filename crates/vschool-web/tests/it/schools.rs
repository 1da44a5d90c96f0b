//! Schools list and school page, by role.

use axum::http::StatusCode;
use vschool_web::auth::Role;

use crate::helpers::{table_rows, TestApp};

#[tokio::test]
async fn the_team_sees_every_school_with_pupils_a_dsl_only_theirs() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    let r = b.get("/schools").await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = table_rows(&r.body);
    // Oakfield: Amy (CLA) and Ben (CP) now; Eve was adopted and is not counted for schools.
    assert!(
        rows.contains(&vec![
            "Oakfield Primary School".to_owned(),
            "100001".into(),
            "Primary".into(),
            "2".into(),
            "0".into(),
            "Nobody".into(),
            "Never".into()
        ]),
        "{rows:?}"
    );
    assert!(rows.contains(&vec![
        "Riverside Academy".to_owned(),
        "100002".into(),
        "Secondary".into(),
        "1".into(),
        "1".into(),
        "Nobody".into(),
        "Never".into()
    ]));
    let found = b.get("/schools?q=river").await;
    assert!(found.body.contains("Riverside Academy"));
    assert!(!found.body.contains("Oakfield Primary School</a>"));

    let mut d = app.browser();
    d.sign_in(Role::Dsl).await;
    let r = d.get("/schools").await;
    assert!(r.body.contains("Oakfield Primary School"));
    assert!(!r.body.contains("Riverside Academy"));
    assert_eq!(d.get("/schools/100002").await.status, StatusCode::NOT_FOUND);
    assert_eq!(d.get("/schools/100001").await.status, StatusCode::OK);
    assert_eq!(
        d.get("/schools/not-a-urn").await.status,
        StatusCode::NOT_FOUND
    );

    for role in [Role::SocialWorker, Role::Trainer] {
        let mut x = app.browser();
        x.sign_in(role).await;
        assert_eq!(
            x.get("/schools").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            x.get("/schools/100001").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
}

#[tokio::test]
async fn a_school_page_lists_its_pupils_with_this_schools_attendance() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Dsl).await;
    let r = b.get("/schools/100001").await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = table_rows(&r.body);
    assert!(
        rows.contains(&vec![
            "Amy Adams".to_owned(),
            "Year 4".into(),
            "Looked after".into(),
            "1 May 2023".into(),
            "Ann Worker (ann.worker@northshire.example)".into(),
            "58.3%".into(),
            "58.3%".into(),
            "Yes".into()
        ]),
        "{rows:?}"
    );
    assert!(rows
        .iter()
        .any(|r| r.first().map(String::as_str) == Some("Ben Brown")));
    assert!(!r.body.contains("Eve Evans"));
    let views = app
        .store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.item.action.code() == "view" && e.item.urn.is_some())
        .count();
    assert_eq!(views, 2, "one event per pupil shown");
    assert_eq!(app.get("/schools/100001").await.location(), "/sign-in");
}
