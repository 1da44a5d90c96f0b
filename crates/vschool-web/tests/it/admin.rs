//! The Virtual School Head's pages: users and the audit trail.

use axum::http::StatusCode;
use vschool_web::auth::Role;

use crate::helpers::TestApp;

#[tokio::test]
async fn only_the_vsh_manages_users_and_reads_the_audit() {
    let app = TestApp::start().await;
    for role in Role::ALL {
        let mut b = app.browser();
        b.sign_in(role).await;
        let want = if role == Role::Vsh {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        for path in ["/users", "/users/new", "/audit"] {
            assert_eq!(b.get(path).await.status, want, "{role} {path}");
        }
        if role != Role::Vsh {
            let csrf = b.session_csrf().await;
            let r = b.post("/users/1/revoke", &[("csrf_token", &csrf)]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
            let r = b.post("/audit/export", &[("csrf_token", &csrf)]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
        }
    }
}

#[tokio::test]
async fn the_vsh_adds_a_user_who_then_sets_a_password() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    let form = b.get("/users/new").await;
    let csrf = form.csrf();
    let r = b.post("/users/new", &[("csrf_token", &csrf)]).await;
    assert!(r
        .body
        .contains("<a href=\"#name\">Enter the person’s full name</a>"));
    assert!(r
        .body
        .contains("<a href=\"#email\">Enter the person’s work email address</a>"));
    assert!(r
        .body
        .contains("<a href=\"#role\">Select what the person does</a>"));
    let r = b
        .post(
            "/users/new",
            &[
                ("csrf_token", &csrf),
                ("name", "Dee Lead"),
                ("email", "dee@riverside.example"),
                ("role", "dsl"),
            ],
        )
        .await;
    assert!(
        r.body
            .contains("<a href=\"#schools\">A dsl account needs at least one school"),
        "{}",
        r.body
    );
    let r = b
        .post(
            "/users/new",
            &[
                ("csrf_token", &csrf),
                ("name", "Dee Lead"),
                ("email", "dee@riverside.example"),
                ("role", "dsl"),
                ("schools", "100002"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Account created"));
    let url = r
        .body
        .split("app-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the link");
    let path = url.replace("http://127.0.0.1:8080", "");
    let mut new = app.browser();
    assert!(new.get(&path).await.body.contains("Create your password"));
    let list = b.get("/users").await;
    assert!(list
        .body
        .contains("<h2 class=\"govuk-summary-card__title\">Dee Lead</h2>"));
    for (key, value) in [
        ("Email", "dee@riverside.example"),
        ("Role", "designated safeguarding lead"),
        ("Schools", "Riverside Academy"),
        ("Account", "Password not set"),
        ("Last signed in", "Never"),
    ] {
        let row = format!(
            "<dt class=\"govuk-summary-list__key\">{key}</dt>\n    <dd class=\"govuk-summary-list__value\">{value}</dd>"
        );
        assert!(list.body.contains(&row), "{row}");
    }
}

#[tokio::test]
async fn signing_someone_out_everywhere_ends_their_session() {
    let app = TestApp::start().await;
    let mut dsl = app.browser();
    dsl.sign_in(Role::Dsl).await;
    assert_eq!(dsl.get("/").await.status, StatusCode::OK);
    let mut vsh = app.browser();
    vsh.sign_in(Role::Vsh).await;
    let id = app
        .store
        .account_by_email("dsl@northshire.example")
        .await
        .expect("read")
        .expect("exists")
        .id;
    let csrf = vsh.session_csrf().await;
    let r = vsh
        .post(&format!("/users/{id}/revoke"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Sam Leigh has been signed out everywhere"));
    assert_eq!(dsl.get("/").await.location(), "/sign-in");
    // Unknown accounts are a 404, not a 500.
    let r = vsh
        .post("/users/99999/revoke", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_audit_trail_is_searchable_and_exportable() {
    let app = TestApp::start().await;
    let mut sw = app.browser();
    sw.sign_in(Role::SocialWorker).await;
    sw.get("/").await; // lists Amy and Cara: two view events
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    let page = b.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("social-worker@northshire.example (social-worker)"));
    let csrf = page.csrf();
    let r = b
        .post(
            "/audit",
            &[("csrf_token", &csrf), ("child", "C003"), ("action", "view")],
        )
        .await;
    assert!(r.body.contains("1 event."), "{}", r.body);
    let r = b
        .post("/audit", &[("csrf_token", &csrf), ("from", "14/03/2025")])
        .await;
    assert!(r.body.contains("Enter a date like 2025-03-14"));
    let r = b
        .post(
            "/audit/export",
            &[("csrf_token", &csrf), ("person", "social-worker")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("text/csv"));
    assert!(r.header("content-disposition").contains("audit.csv"));
    let lines: Vec<&str> = r.body.lines().collect();
    assert_eq!(
        lines[0],
        "at,actor,role,action,object,upn,la_child_id,urn,detail,from"
    );
    // sign-in plus two views.
    assert_eq!(lines.len(), 1 + 3, "{lines:?}");
    assert!(app
        .store
        .audit_events(None)
        .await
        .expect("audit")
        .iter()
        .any(|e| e.item.action.code() == "export" && e.item.actor == "vsh@northshire.example"));
}
