//! Every step of signing in, each with its happy and unhappy paths: set-password links,
//! password, enrolment of the second factor, the code, rate limits, CSRF, sessions.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use vschool_web::accounts::{add_user, revoke_access, set_password, Actor, NewUser};
use vschool_web::auth::Role;
use vschool_web::Config;

use crate::helpers::TestApp;

async fn events(app: &TestApp) -> Vec<vschool_store::AuditEvent> {
    app.store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .map(|s| s.item)
        .collect()
}

#[tokio::test]
async fn every_role_can_sign_in_and_the_sign_in_is_audited() {
    let app = TestApp::start().await;
    for role in Role::ALL {
        let mut b = app.browser();
        b.sign_in(role).await;
        let home = b.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "{role}");
        assert!(home.body.contains("Signed in as"), "{role}");
    }
    let signins: Vec<_> = events(&app)
        .await
        .into_iter()
        .filter(|e| e.action.code() == "sign-in")
        .collect();
    assert_eq!(signins.len(), Role::ALL.len());
    assert!(signins
        .iter()
        .any(|e| e.actor == "dsl@northshire.example" && e.role == "dsl"));
}

#[tokio::test]
async fn empty_sign_in_form_shows_gov_uk_errors() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    let page = b.get("/sign-in").await;
    let r = b
        .post(
            "/sign-in",
            &[
                ("csrf_token", &page.csrf()),
                ("email", ""),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<title>Error: Sign in"));
    assert!(r.body.contains("There is a problem"));
    assert!(r
        .body
        .contains("<a href=\"#email\">Enter your email address</a>"));
    assert!(r
        .body
        .contains("<a href=\"#password\">Enter your password</a>"));
    assert!(r.body.contains("govuk-input--error"));
    assert!(r.body.contains("aria-describedby=\"email-error\""));

    let r = b
        .post(
            "/sign-in",
            &[
                ("csrf_token", &page.csrf()),
                ("email", "not-an-email"),
                ("password", "x"),
            ],
        )
        .await;
    assert!(r
        .body
        .contains("Enter an email address in the correct format"));
}

#[tokio::test]
async fn wrong_password_or_unknown_email_say_the_same_and_are_audited() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    let page = b.get("/sign-in").await;
    for (email, password) in [
        ("vsh@northshire.example", "wrong password here"),
        ("nobody@northshire.example", "correct horse battery staple"),
    ] {
        let r = b
            .post(
                "/sign-in",
                &[
                    ("csrf_token", &page.csrf()),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r
            .body
            .contains("Enter a correct email address and password"));
        assert!(!b.cookies.contains_key("vschool_session"));
    }
    let failed: Vec<_> = events(&app)
        .await
        .into_iter()
        .filter(|e| e.action.code() == "sign-in-failed")
        .collect();
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0].actor, "vsh@northshire.example");
    assert_eq!(failed[0].role, "vsh");
    assert_eq!(failed[1].actor, "nobody@northshire.example");
    assert_eq!(
        failed[0].from, "unknown",
        "in-process requests have no address"
    );
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account_then_recovers() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    let page = b.get("/sign-in").await;
    let csrf = page.csrf();
    for _ in 0..5 {
        b.post(
            "/sign-in",
            &[
                ("csrf_token", &csrf),
                ("email", "vsh@northshire.example"),
                ("password", "nope nope nope"),
            ],
        )
        .await;
    }
    // Even the right password is refused now, with a clear message and 429.
    let r = b
        .post(
            "/sign-in",
            &[
                ("csrf_token", &csrf),
                ("email", "vsh@northshire.example"),
                ("password", "correct horse battery staple"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r
        .body
        .contains("You have tried to sign in too many times. Wait 15 minutes"));
    // Another account is not affected.
    let other = app.browser().sign_in(Role::Dsl).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    // After the window the right password works again.
    app.wall.advance(time::Duration::minutes(16));
    b.sign_in(Role::Vsh).await;
}

#[tokio::test]
async fn forms_without_the_token_or_from_another_site_are_refused() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.get("/sign-in").await;
    // No token.
    let r = b
        .post(
            "/sign-in",
            &[("email", "vsh@northshire.example"), ("password", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("This form has expired"));
    // A token, but from another site.
    let page = b.get("/sign-in").await;
    let body = serde_urlencoded::to_string([
        ("csrf_token", page.csrf().as_str()),
        ("email", "vsh@northshire.example"),
        ("password", "correct horse battery staple"),
    ])
    .expect("encode");
    let cookies = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let r = app
        .send(
            Request::post("/sign-in")
                .header(header::COOKIE, cookies.clone())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "127.0.0.1:8080")
                .header(header::ORIGIN, "https://evil.example")
                .body(Body::from(body.clone()))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(
            Request::post("/sign-in")
                .header(header::COOKIE, cookies)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site")
                .body(Body::from(body))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Signed in, the session's token is required: another session's token fails.
    let mut signed = app.browser();
    signed.sign_in(Role::Vsh).await;
    let r = signed
        .post("/sign-out", &[("csrf_token", &page.csrf())])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let home = signed.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "still signed in");
}

#[tokio::test]
async fn second_factor_rejects_wrong_and_replayed_codes() {
    let app = TestApp::start().await;
    let account = app.account(Role::DataOfficer);
    let mut b = app.browser();
    let page = b.get("/sign-in").await;
    b.post(
        "/sign-in",
        &[
            ("csrf_token", &page.csrf()),
            ("email", &account.email),
            ("password", &account.password),
        ],
    )
    .await;
    // Half-signed-in: home sends you to sign in, which sends you to the code page.
    let home = b.get("/").await;
    assert_eq!(home.location(), "/sign-in");
    let again = b.get("/sign-in").await;
    assert_eq!(again.location(), "/sign-in/second-factor");

    let form = b.get("/sign-in/second-factor").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("autocomplete=\"one-time-code\""));
    let csrf = form.csrf();
    let r = b
        .post(
            "/sign-in/second-factor",
            &[("csrf_token", &csrf), ("code", "")],
        )
        .await;
    assert!(r.body.contains("Enter the 6-digit security code"));
    let r = b
        .post(
            "/sign-in/second-factor",
            &[("csrf_token", &csrf), ("code", "12ab")],
        )
        .await;
    assert!(r.body.contains("The security code must be 6 digits"));
    let good = b.next_code(&account);
    let wrong = if good == "000000" { "111111" } else { "000000" };
    let r = b
        .post(
            "/sign-in/second-factor",
            &[("csrf_token", &csrf), ("code", wrong)],
        )
        .await;
    assert!(r.body.contains("The security code is not correct"));
    assert!(events(&app)
        .await
        .iter()
        .any(|e| e.action.code() == "sign-in-failed" && e.detail == "wrong security code"));

    // The right code, typed with a space, signs in and rotates the session id.
    let before = b.cookies.get("vschool_session").cloned();
    let spaced = format!("{} {}", &good[..3], &good[3..]);
    let r = b
        .post(
            "/sign-in/second-factor",
            &[("csrf_token", &csrf), ("code", &spaced)],
        )
        .await;
    assert_eq!(r.location(), "/");
    let after = b.cookies.get("vschool_session").cloned();
    assert!(
        before.is_some() && after.is_some() && before != after,
        "new session id"
    );

    // The same code again, in a new sign-in, is refused.
    let mut b2 = app.browser();
    let page = b2.get("/sign-in").await;
    b2.post(
        "/sign-in",
        &[
            ("csrf_token", &page.csrf()),
            ("email", &account.email),
            ("password", &account.password),
        ],
    )
    .await;
    let form = b2.get("/sign-in/second-factor").await;
    let r = b2
        .post(
            "/sign-in/second-factor",
            &[("csrf_token", &form.csrf()), ("code", &good)],
        )
        .await;
    assert!(r.body.contains("has been used"), "{}", r.body);
}

#[tokio::test]
async fn a_new_user_sets_a_password_and_enrols_a_second_factor() {
    let app = TestApp::start().await;
    let link = add_user(
        &app.store,
        &Config::default(),
        &Actor::at_terminal(),
        NewUser {
            email: "New.Person@Northshire.example".into(),
            name: "New Person".into(),
            role: Role::AdvisoryTeacher,
            schools: vec![],
            worker_email: None,
        },
    )
    .await
    .expect("account");
    let path = link
        .url
        .strip_prefix("http://127.0.0.1:8080")
        .expect("default public URL")
        .to_owned();
    assert!(path.starts_with("/set-password/"));

    let mut b = app.browser();
    let form = b.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Create your password"));
    let csrf = form.csrf();
    let r = b
        .post(
            &path,
            &[
                ("csrf_token", &csrf),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert!(r.body.contains("Password must be 12 characters or more"));
    let r = b
        .post(
            &path,
            &[
                ("csrf_token", &csrf),
                ("password", "a long enough password"),
                ("confirm", "something else"),
            ],
        )
        .await;
    assert!(r.body.contains("The passwords do not match"));
    let r = b
        .post(
            &path,
            &[
                ("csrf_token", &csrf),
                ("password", "a long enough password"),
                ("confirm", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Your password has been saved"));
    // The link works once.
    let used = b.get(&path).await;
    assert_eq!(used.status, StatusCode::NOT_FOUND);
    assert!(used.body.contains("This link has expired"));

    // First sign-in: password, then enrolment with a QR code.
    let page = b.get("/sign-in").await;
    let r = b
        .post(
            "/sign-in",
            &[
                ("csrf_token", &page.csrf()),
                ("email", "new.person@northshire.example"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/sign-in/second-factor/enrol");
    let enrol = b.get("/sign-in/second-factor/enrol").await;
    assert_eq!(enrol.status, StatusCode::OK);
    assert!(enrol.body.contains("<svg class=\"app-qr\" role=\"img\""));
    let key = enrol
        .body
        .split("app-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the key for manual entry")
        .replace(' ', "");
    // Reloading shows the same secret.
    let again = b.get("/sign-in/second-factor/enrol").await;
    assert!(again
        .body
        .contains(&vschool_web::routes::sign_in::group_secret(&key)));
    let csrf = enrol.csrf();
    let r = b
        .post(
            "/sign-in/second-factor/enrol",
            &[("csrf_token", &csrf), ("code", "")],
        )
        .await;
    assert!(r.body.contains("Enter the 6-digit security code"));
    let code = app.code_now(&key);
    let r = b
        .post(
            "/sign-in/second-factor/enrol",
            &[("csrf_token", &csrf), ("code", &code)],
        )
        .await;
    assert_eq!(r.location(), "/");
    let home = b.get("/").await;
    assert!(home
        .body
        .contains("Signed in as <strong>New Person</strong>, advisory teacher"));
    let account = app
        .store
        .account_by_email("new.person@northshire.example")
        .await
        .expect("read")
        .expect("exists");
    assert!(account.totp_secret.is_some());
    assert!(account
        .password_hash
        .as_deref()
        .is_some_and(|h| h.starts_with("$argon2id$")));
}

#[tokio::test]
async fn set_password_links_expire_after_seven_days() {
    let app = TestApp::start().await;
    let link = add_user(
        &app.store,
        &Config::default(),
        &Actor::at_terminal(),
        NewUser {
            email: "late@northshire.example".into(),
            name: "Late Person".into(),
            role: Role::Trainer,
            schools: vec![],
            worker_email: None,
        },
    )
    .await
    .expect("account");
    let path = link.url.replace("http://127.0.0.1:8080", "");
    app.wall
        .advance(time::Duration::days(7) + time::Duration::minutes(1));
    let r = app.get(&path).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("This link has expired"));
    let bogus = app.get("/set-password/not-a-token").await;
    assert_eq!(bogus.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sessions_end_when_idle_revoked_or_signed_out() {
    let app = TestApp::start().await;
    // Idle.
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    app.wall.advance(time::Duration::minutes(31));
    let r = b.get("/").await;
    assert_eq!(r.location(), "/sign-in");
    assert!(
        !b.cookies.contains_key("vschool_session"),
        "dead cookie removed"
    );

    // Revoked by an administrator.
    let mut b = app.browser();
    b.sign_in(Role::Dsl).await;
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    let (sessions, _) = revoke_access(&app.store, &Actor::at_terminal(), "dsl@northshire.example")
        .await
        .expect("revoke");
    assert_eq!(sessions, 1);
    assert_eq!(b.get("/").await.location(), "/sign-in");

    // Signed out: the old cookie is worthless even if replayed.
    let mut b = app.browser();
    b.sign_in(Role::Trainer).await;
    let old = b.cookies.get("vschool_session").cloned().expect("cookie");
    let csrf = b.session_csrf().await;
    let r = b.post("/sign-out", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.location(), "/signed-out");
    assert!(!b.cookies.contains_key("vschool_session"));
    let replay = app
        .send(
            Request::get("/")
                .header(header::COOKIE, format!("vschool_session={old}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(replay.location(), "/sign-in");
    let out = b.get("/signed-out").await;
    assert!(out.body.contains("You have signed out"));
}

#[tokio::test]
async fn account_rules_are_enforced_by_the_library() {
    let app = TestApp::start().await;
    let config = Config::default();
    let actor = Actor::at_terminal();
    let new = |email: &str, role: Role, schools: Vec<u32>| NewUser {
        email: email.into(),
        name: "Someone".into(),
        role,
        schools: schools.into_iter().map(crate::seed::urn).collect(),
        worker_email: None,
    };
    let e = add_user(&app.store, &config, &actor, new("x@y", Role::Vsh, vec![]))
        .await
        .expect_err("bad email");
    assert!(e.to_string().contains("is not an email address"));
    let e = add_user(
        &app.store,
        &config,
        &actor,
        new("d@n.example", Role::Dsl, vec![]),
    )
    .await
    .expect_err("dsl without school");
    assert!(e.to_string().contains("needs at least one school"));
    let e = add_user(
        &app.store,
        &config,
        &actor,
        new("d@n.example", Role::Dsl, vec![123456]),
    )
    .await
    .expect_err("unknown school");
    assert!(e.to_string().contains("no setting with URN 123456"));
    let e = add_user(
        &app.store,
        &config,
        &actor,
        new("v@n.example", Role::Vsh, vec![100001]),
    )
    .await
    .expect_err("school on a non-dsl");
    assert!(e.to_string().contains("only a dsl account has schools"));
    let e = add_user(
        &app.store,
        &config,
        &actor,
        new("VSH@northshire.example", Role::Vsh, vec![]),
    )
    .await
    .expect_err("taken");
    assert!(e.to_string().contains("already exists"));
    // A social worker's caseload email defaults to their own.
    add_user(
        &app.store,
        &config,
        &actor,
        new("sw2@n.example", Role::SocialWorker, vec![]),
    )
    .await
    .expect("social worker");
    let a = app
        .store
        .account_by_email("sw2@n.example")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(a.worker_email.as_deref(), Some("sw2@n.example"));
    assert!(events(&app).await.iter().any(|e| e
        .detail
        .contains("created account sw2@n.example with role social-worker")
        && e.actor.starts_with("cli:")));
}

#[tokio::test]
async fn a_password_can_be_set_directly_for_ready_made_accounts() {
    let app = TestApp::start().await;
    add_user(
        &app.store,
        &Config::default(),
        &Actor::at_terminal(),
        NewUser {
            email: "demo.adviser@northshire.example".into(),
            name: "Demo Adviser".into(),
            role: Role::AdvisoryTeacher,
            schools: vec![],
            worker_email: None,
        },
    )
    .await
    .expect("account");
    let e = set_password(
        &app.store,
        &Actor::at_terminal(),
        "demo.adviser@northshire.example",
        "short",
    )
    .await
    .expect_err("too short");
    assert!(e.to_string().contains("12 characters"));
    set_password(
        &app.store,
        &Actor::at_terminal(),
        "demo.adviser@northshire.example",
        "a demo password for all",
    )
    .await
    .expect("set");
    let mut b = app.browser();
    let page = b.get("/sign-in").await;
    let r = b
        .post(
            "/sign-in",
            &[
                ("csrf_token", &page.csrf()),
                ("email", "demo.adviser@northshire.example"),
                ("password", "a demo password for all"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/sign-in/second-factor/enrol");
}
