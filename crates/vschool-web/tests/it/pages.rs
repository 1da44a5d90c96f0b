//! The frame every page shares, the public pages, error pages, headers and the home page.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use vschool_web::auth::Role;
use vschool_web::Config;

use crate::helpers::{table_rows, TestApp};

#[tokio::test]
async fn home_needs_sign_in() {
    let app = TestApp::start().await;
    let r = app.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/sign-in");
}

/// Figures from the seed's hand-worked table: CLA 1, CP 2, CIN 1, Ever6 6.
#[tokio::test]
async fn vsh_home_shows_the_cohort_today() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    let r = b.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("14 March 2025"), "{}", r.body);
    let rows = table_rows(&r.body);
    // The team's home is the LA overview: today, then the end of the last half term.
    let figures = [
        ("Looked after (CLA)", "1"),
        ("Child protection plan (CP)", "2"),
        ("Child in need plan (CIN plan)", "1"),
        ("All with a social worker now", "4"),
        (
            "Had a social worker in the last six years (Ever6), including now",
            "6",
        ),
    ];
    for (label, n) in figures {
        assert!(
            rows.contains(&vec![
                label.to_owned(),
                n.to_owned(),
                n.to_owned(),
                "No change".to_owned()
            ]),
            "{label} should be {n}: {rows:?}"
        );
    }
    // The figures are right-aligned numbers.
    assert!(r.body.contains("govuk-table__cell--numeric"));
    // The header says who is signed in, with their role, and offers sign-out.
    assert!(r
        .body
        .contains("Signed in as <strong>Victoria Hale</strong>, Virtual School Head"));
    assert!(r.body.contains("Sign out"));
    assert!(r.body.contains("Northshire Council"));
}

#[tokio::test]
async fn dsl_home_shows_own_school_and_suppressed_la_figures() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Dsl).await;
    let r = b.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("(Oakfield Primary School)"),
        "header names the school"
    );
    // Own pupils: Amy (CLA) and Ben (CP); Eve (adopted) is never shown to a school.
    let rows = table_rows(&r.body);
    assert!(
        rows.contains(&vec![
            "Oakfield Primary School".to_owned(),
            "1".into(),
            "1".into(),
            "0".into(),
            "0".into()
        ]),
        "{rows:?}"
    );
    // LA figures of 1 to 5 are suppressed; 6 is shown.
    assert!(rows.contains(&vec!["Looked after (CLA)".to_owned(), "c".into()]));
    assert!(rows.contains(&vec![
        "Had a social worker in the last 6 years (Ever6), including now".to_owned(),
        "6".into()
    ]));
}

#[tokio::test]
async fn trainer_home_has_no_child_data() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Trainer).await;
    let r = b.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Training and events"));
    assert!(!r.body.contains("Looked after"));
}

#[tokio::test]
async fn social_worker_home_lists_the_caseload_and_audits_it() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::SocialWorker).await;
    let r = b.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Amy Adams"));
    assert!(r.body.contains("Cara Clarke"));
    assert!(!r.body.contains("Ben Brown"), "Bob's child");
    assert!(r.body.contains("Your view of these records is logged."));
    let views: Vec<_> = app
        .store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.item.action.code() == "view")
        .collect();
    assert_eq!(views.len(), 2, "one event per child shown");
    assert!(views
        .iter()
        .all(|e| e.item.actor == "social-worker@northshire.example"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::start().await;
    for path in [
        "/",
        "/sign-in",
        "/accessibility",
        "/privacy",
        "/no-such-page",
    ] {
        let r = app.get(path).await;
        let csp = r.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(r.header("referrer-policy"), "same-origin", "{path}");
        assert_eq!(r.header("x-frame-options"), "DENY", "{path}");
        assert_eq!(r.header("cache-control"), "no-store", "{path}");
        // No HSTS over plain HTTP.
        assert_eq!(r.header("strict-transport-security"), "", "{path}");
        assert!(!r.body.contains("<script>"), "{path}: no inline script");
    }
}

#[tokio::test]
async fn hsts_and_secure_cookies_behind_tls() {
    let app = TestApp::start_with(Config::for_public_url("https://vs.example.gov.uk")).await;
    let r = app.get("/sign-in").await;
    assert!(r
        .header("strict-transport-security")
        .starts_with("max-age="));
    let cookie = r.header("set-cookie");
    assert!(cookie.starts_with("__Host-vschool_csrf="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"));
}

#[tokio::test]
async fn unknown_pages_get_a_gov_uk_404() {
    let app = TestApp::start().await;
    let r = app.get("/no-such-page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.header("content-type").starts_with("text/html"));
    assert!(r.body.contains("Page not found"));
    assert!(r.body.contains("check it is correct"));
    assert!(r.body.contains("govuk-footer"));
}

#[tokio::test]
async fn wrong_method_is_an_error_page_not_a_panic() {
    let app = TestApp::start().await;
    let r = app
        .send(
            Request::delete("/accessibility")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.body.contains("Page not found"));
}

#[tokio::test]
async fn malformed_requests_are_4xx_pages() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    let page = b.get("/sign-in").await;
    // A form body that is not URL-encoded.
    let r = app
        .send(
            Request::post("/sign-in")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", format!("vschool_csrf={}", page.csrf()))
                // The same field twice cannot fill one field of the form.
                .body(Body::from(format!(
                    "csrf_token={}&email=a@b.example&email=c@d.example&password=x",
                    page.csrf()
                )))
                .expect("request"),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.body.contains("govuk-heading-l"));
    // A path parameter that is not valid UTF-8.
    let r = app.get("/set-password/%FF%FE").await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(r.body.contains("govuk-heading-l"));
    // Too large a body.
    let big = "x".repeat(200 * 1024);
    let r = app
        .send(
            Request::post("/sign-in")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(big))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("too large"));
}

#[tokio::test]
async fn assets_are_immutable_under_their_hash() {
    let app = TestApp::start().await;
    let page = app.get("/sign-in").await;
    let start = page.body.find("/assets/").expect("an asset link");
    let href: String = page.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let r = app.get(&href).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    let stale = app.get("/assets/000000000000/app.css").await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn statement_and_notice_are_public() {
    let app = TestApp::start().await;
    let a = app.get("/accessibility").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("Accessibility statement"));
    assert!(a.body.contains("WCAG"));
    let p = app.get("/privacy").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("Privacy notice"));
    assert!(p.body.contains("How long we keep it"));
}
