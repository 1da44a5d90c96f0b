//! "Forgotten your password?": the same neutral page whatever was typed, an emailed
//! one-hour, one-time link through a real SMTP server on loopback, rate limits, the audit
//! trail, and sessions ended by the new password.

use axum::http::StatusCode;
use vschool_mail::testing::TestSmtpServer;
use vschool_web::auth::Role;
use vschool_web::Config;

use crate::helpers::{text_of, Browser, TestApp};
use crate::packs::{assert_no_personal_data, config, PUBLIC};

async fn events(app: &TestApp) -> Vec<vschool_store::AuditEvent> {
    app.store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .map(|s| s.item)
        .collect()
}

/// Asks for a reset email for `email` and returns the reply.
async fn ask(b: &mut Browser<'_>, email: &str) -> crate::helpers::Reply {
    let form = b.get("/forgot-password").await;
    assert_eq!(form.status, StatusCode::OK);
    b.post(
        "/forgot-password",
        &[("csrf_token", &form.csrf()), ("email", email)],
    )
    .await
}

/// The main text of a page, without the address the person typed.
fn neutral(body: &str, typed: &str) -> String {
    let main = body.split("<main").nth(1).unwrap_or(body);
    text_of(main).replace(typed, "ADDRESS")
}

/// The set-password path in an email body.
fn link_path(body: &str) -> String {
    let start = body
        .find(&format!("{PUBLIC}/set-password/"))
        .expect("a link in the email");
    body[start..]
        .split_whitespace()
        .next()
        .expect("link")
        .trim_start_matches(PUBLIC)
        .to_owned()
}

#[tokio::test]
async fn a_forgotten_password_is_reset_from_an_emailed_link() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    let trainer = app.account(Role::Trainer);

    // Signed in elsewhere: the new password will end this session.
    let mut elsewhere = app.browser();
    elsewhere.sign_in(Role::Trainer).await;

    let mut b = app.browser();
    let sign_in = b.get("/sign-in").await;
    assert!(sign_in.body.contains(
        "<a class=\"govuk-link\" href=\"/forgot-password\">Forgotten your password?</a>"
    ));
    let r = ask(&mut b, "  Trainer@Northshire.example ").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<title>Check your email"), "{}", r.body);
    app.state.background_done().await;

    let mail = smtp.received();
    assert_eq!(mail.len(), 1);
    let m = &mail[0];
    assert_eq!(m.rcpt_to, vec![trainer.email.clone()]);
    assert!(m
        .header("From")
        .is_some_and(|f| f.contains("vs@northshire.example")));
    assert_eq!(m.subject(), "Reset your password for the Virtual School");
    let body = m.body();
    assert!(body.starts_with("Dear Tom Trent,\n"), "{body}");
    assert!(body.contains("It works once, for 1 hour"), "{body}");
    assert_no_personal_data(m);
    assert!(m.header("List-Unsubscribe").is_none());

    // The link: "choose a new password", single use.
    let path = link_path(&body);
    let form = b.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Choose a new password"));
    let done = b
        .post(
            &path,
            &[
                ("csrf_token", &form.csrf()),
                ("password", "a brand new long password"),
                ("confirm", "a brand new long password"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Your password has been saved"));
    assert!(done.body.contains("You have been signed out everywhere"));
    assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND, "used up");

    // Every session of the account ended; the old password no longer works, the new one does.
    assert_eq!(elsewhere.get("/").await.location(), "/sign-in");
    let page = b.get("/sign-in").await;
    let old = b
        .post(
            "/sign-in",
            &[
                ("csrf_token", &page.csrf()),
                ("email", &trainer.email),
                ("password", &trainer.password),
            ],
        )
        .await;
    assert!(old
        .body
        .contains("Enter a correct email address and password"));
    let new = b
        .post(
            "/sign-in",
            &[
                ("csrf_token", &page.csrf()),
                ("email", &trainer.email),
                ("password", "a brand new long password"),
            ],
        )
        .await;
    assert_eq!(new.location(), "/sign-in/second-factor");

    let ev = events(&app).await;
    assert!(ev.iter().any(|e| e.actor == trainer.email
        && e.action.code() == "change"
        && e.detail
            == "asked for a password reset email: a one-time link was emailed to the account's address"
        && e.role == "trainer"));
    assert!(ev.iter().any(|e| e.actor == trainer.email
        && e.detail
            .starts_with("reset their password from an emailed one-time link")));
}

#[tokio::test]
async fn the_page_says_the_same_whether_or_not_there_is_an_account() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    // Closed accounts are no different from unknown addresses.
    let vsh = app
        .store
        .account_by_email(&crate::seed::email_for(Role::Vsh))
        .await
        .expect("read")
        .expect("seeded");
    app.store
        .account_set_disabled(vsh.id, Some(app.state.now()))
        .await
        .expect("disable");

    let mut b = app.browser();
    let known = ask(&mut b, "trainer@northshire.example").await;
    let unknown = ask(&mut b, "nobody@northshire.example").await;
    let closed = ask(&mut b, "vsh@northshire.example").await;
    for r in [&known, &unknown, &closed] {
        assert_eq!(r.status, StatusCode::OK);
    }
    let page = neutral(&known.body, "trainer@northshire.example");
    assert_eq!(page, neutral(&unknown.body, "nobody@northshire.example"));
    assert_eq!(page, neutral(&closed.body, "vsh@northshire.example"));
    app.state.background_done().await;
    let mail = smtp.received();
    assert_eq!(mail.len(), 1, "only the active account is emailed");
    assert_eq!(
        mail[0].rcpt_to,
        vec!["trainer@northshire.example".to_owned()]
    );
    let ev = events(&app).await;
    assert!(ev.iter().any(|e| e.actor == "nobody@northshire.example"
        && e.detail == "asked for a password reset email: no active account has this address"));
    assert!(ev.iter().any(|e| e.actor == "vsh@northshire.example"
        && e.detail == "asked for a password reset email: no active account has this address"));
}

#[tokio::test]
async fn the_form_checks_the_address_and_limits_requests() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    let mut b = app.browser();
    let r = ask(&mut b, "").await;
    assert!(r.body.contains("<title>Error: Reset your password"));
    assert!(r
        .body
        .contains("<a href=\"#email\">Enter your email address</a>"));
    let r = ask(&mut b, "trainer").await;
    assert!(r
        .body
        .contains("Enter an email address in the correct format"));

    // Five requests for one address in the window, known or not; the sixth is refused,
    // for that address only.
    for email in ["trainer@northshire.example", "nobody@northshire.example"] {
        for _ in 0..5 {
            assert_eq!(ask(&mut b, email).await.status, StatusCode::OK);
        }
        let r = ask(&mut b, email).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{email}");
        assert!(r
            .body
            .contains("You have asked for too many emails. Wait 15 minutes"));
    }
    app.state.background_done().await;
    assert_eq!(smtp.received().len(), 5);
    assert_eq!(
        ask(&mut b, "dsl@northshire.example").await.status,
        StatusCode::OK
    );
    // After the window, asking works again.
    app.wall.advance(time::Duration::minutes(16));
    assert_eq!(
        ask(&mut b, "trainer@northshire.example").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn reset_links_expire_after_an_hour() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    let mut b = app.browser();
    ask(&mut b, "trainer@northshire.example").await;
    app.state.background_done().await;
    let path = link_path(&smtp.received()[0].body());
    app.wall.advance(time::Duration::minutes(59));
    assert_eq!(b.get(&path).await.status, StatusCode::OK);
    app.wall.advance(time::Duration::minutes(2));
    let r = b.get(&path).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("This link has expired"));
    assert!(r.body.contains("href=\"/forgot-password\""));
}

#[tokio::test]
async fn without_email_set_up_the_page_is_the_same_and_nothing_is_sent() {
    let app = TestApp::start_with(Config::for_public_url(PUBLIC)).await;
    let mut b = app.browser();
    let r = ask(&mut b, "trainer@northshire.example").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Check your email"));
    assert!(!r.body.to_lowercase().contains("smtp"));
    assert!(!r.body.contains("not set up"));
    app.state.background_done().await;
    assert!(events(&app)
        .await
        .iter()
        .any(|e| e.actor == "trainer@northshire.example"
            && e.detail
                == "asked for a password reset email: email is not set up, so nothing was sent"));
}
