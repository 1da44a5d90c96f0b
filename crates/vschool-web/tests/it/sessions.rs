//! The Virtual School Head's view of one account: its live sessions (when, from where, how;
//! never a secret), ending one or all, and its API tokens (listed, created and shown once,
//! revoked). Every change is audited; every form needs the session's CSRF token.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use sha2::{Digest, Sha256};
use vschool_web::auth::Role;

use crate::helpers::{Browser, TestApp};

async fn id_of(app: &TestApp, role: Role) -> i64 {
    app.store
        .account_by_email(&crate::seed::email_for(role))
        .await
        .expect("read")
        .expect("seeded")
        .id
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `action` of every form on a page that ends a single session.
fn session_forms(body: &str) -> Vec<String> {
    body.split("action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|a| {
            a.contains("/sessions/") && a.ends_with("/revoke") && !a.ends_with("/sessions/revoke")
        })
        .map(str::to_owned)
        .collect()
}

async fn api_status(app: &TestApp, token: &str) -> StatusCode {
    app.send(
        Request::get("/api/v1/pupils?school=100001")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await
    .status
}

async fn changes(app: &TestApp) -> Vec<String> {
    app.store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .map(|s| s.item)
        .filter(|e| e.action.code() == "change" && e.actor == "vsh@northshire.example")
        .map(|e| e.detail)
        .collect()
}

#[tokio::test]
async fn the_vsh_sees_and_ends_one_session_or_all() {
    let app = TestApp::start().await;
    let mut first: Browser = app.browser();
    first.sign_in(Role::Dsl).await;
    let mut second = app.browser();
    second.sign_in(Role::Dsl).await;
    let mut vsh = app.browser();
    vsh.sign_in(Role::Vsh).await;
    let dsl = id_of(&app, Role::Dsl).await;

    let list = vsh.get("/users").await;
    assert!(list.body.contains(&format!("href=\"/users/{dsl}\"")));
    let page = vsh.get(&format!("/users/{dsl}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("<h1 class=\"govuk-heading-l\">Sam Leigh</h1>"));
    assert!(page.body.contains("Password and authenticator"));
    assert!(
        page.body
            .contains("<td class=\"govuk-table__cell\">unknown</td>"),
        "from where"
    );
    // No secret: neither the cookies nor the hashes they are stored under.
    for b in [&first, &second] {
        let cookie = b.cookies.get("vschool_session").expect("signed in");
        assert!(!page.body.contains(cookie.as_str()));
        assert!(!page.body.contains(&sha256_hex(cookie)));
    }
    let forms = session_forms(&page.body);
    assert_eq!(forms.len(), 2, "{forms:?}");

    // End one: one browser is signed out, the other is not.
    let csrf = vsh.session_csrf().await;
    let r = vsh.post(&forms[0], &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("A session of Sam Leigh has been ended"));
    let out = [first.get("/").await.status, second.get("/").await.status];
    assert_eq!(
        out.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{out:?}"
    );
    // Ending it again says so.
    let r = vsh.post(&forms[0], &[("csrf_token", &csrf)]).await;
    assert!(r.body.contains("That session had already ended"));
    assert_eq!(session_forms(&r.body).len(), 1);

    // End all.
    let r = vsh
        .post(
            &format!("/users/{dsl}/sessions/revoke"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert!(r
        .body
        .contains("Sam Leigh has been signed out of every session"));
    assert!(r.body.contains("Sam Leigh is not signed in anywhere."));
    assert_eq!(first.get("/").await.location(), "/sign-in");
    assert_eq!(second.get("/").await.location(), "/sign-in");

    let c = changes(&app).await;
    assert!(
        c.iter().any(
            |d| d.starts_with("ended a session of dsl@northshire.example started ")
                && d.ends_with(" from unknown")
        ),
        "{c:?}"
    );
    assert!(
        c.iter()
            .any(|d| d == "ended all 1 sessions of dsl@northshire.example"),
        "{c:?}"
    );
}

#[tokio::test]
async fn the_vsh_creates_lists_and_revokes_api_tokens() {
    let app = TestApp::start().await;
    let mut vsh = app.browser();
    vsh.sign_in(Role::Vsh).await;
    let dsl = id_of(&app, Role::Dsl).await;
    let page = vsh.get(&format!("/users/{dsl}")).await;
    assert!(page.body.contains("Sam Leigh has no API tokens."));
    assert!(page
        .body
        .contains("id=\"label\" name=\"label\" type=\"text\" value=\"\""));
    let csrf = page.csrf();

    let r = vsh
        .post(
            &format!("/users/{dsl}/tokens"),
            &[("csrf_token", &csrf), ("label", " ")],
        )
        .await;
    assert!(r
        .body
        .contains("<title>Error: Sam Leigh: sessions and API tokens"));
    assert!(r
        .body
        .contains("<a href=\"#label\">Enter what the token is for</a>"));
    let long = "x".repeat(101);
    let r = vsh
        .post(
            &format!("/users/{dsl}/tokens"),
            &[("csrf_token", &csrf), ("label", &long)],
        )
        .await;
    assert!(r.body.contains("must be 100 characters or fewer"));
    assert!(
        r.body.contains(&format!("value=\"{long}\"")),
        "kept as typed"
    );

    let r = vsh
        .post(
            &format!("/users/{dsl}/tokens"),
            &[("csrf_token", &csrf), ("label", "school MIS export")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("API token created"));
    let token = r
        .body
        .split("app-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the token, shown once")
        .trim()
        .to_owned();
    assert!(token.starts_with("vst_") && token.len() == 68, "{token}");
    assert_eq!(api_status(&app, &token).await, StatusCode::OK);

    // Listed, without the token.
    let page = vsh.get(&format!("/users/{dsl}")).await;
    assert!(page.body.contains("school MIS export"));
    assert!(page.body.contains("Active"));
    assert!(!page.body.contains(&token));
    let revoke = page
        .body
        .split("action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|a| a.contains("/tokens/") && a.ends_with("/revoke"))
        .expect("a revoke form")
        .to_owned();

    // Ending sessions leaves tokens alone.
    vsh.post(
        &format!("/users/{dsl}/sessions/revoke"),
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(api_status(&app, &token).await, StatusCode::OK);

    let r = vsh.post(&revoke, &[("csrf_token", &csrf)]).await;
    assert!(r.body.contains("The API token has been revoked"));
    assert!(r.body.contains("Revoked"));
    assert_eq!(api_status(&app, &token).await, StatusCode::UNAUTHORIZED);
    let r = vsh.post(&revoke, &[("csrf_token", &csrf)]).await;
    assert!(r.body.contains("That API token had already been revoked"));

    let c = changes(&app).await;
    assert!(
        c.iter()
            .any(|d| d == "created an API token for dsl@northshire.example"),
        "{c:?}"
    );
    assert!(
        c.iter().any(|d| d.starts_with("revoked API token ")
            && d.ends_with(" (school MIS export) of dsl@northshire.example")),
        "{c:?}"
    );
}

#[tokio::test]
async fn only_the_vsh_and_only_with_the_token() {
    let app = TestApp::start().await;
    let vsh_id = id_of(&app, Role::Vsh).await;
    for role in [Role::DataOfficer, Role::Dsl, Role::Trainer] {
        let mut b = app.browser();
        b.sign_in(role).await;
        assert_eq!(
            b.get(&format!("/users/{vsh_id}")).await.status,
            StatusCode::FORBIDDEN
        );
        let csrf = b.session_csrf().await;
        for path in [
            format!("/users/{vsh_id}/sessions/revoke"),
            format!("/users/{vsh_id}/sessions/abc/revoke"),
            format!("/users/{vsh_id}/tokens/1/revoke"),
        ] {
            let r = b.post(&path, &[("csrf_token", &csrf)]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {path}");
        }
        let r = b
            .post(
                &format!("/users/{vsh_id}/tokens"),
                &[("csrf_token", &csrf), ("label", "mine now")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    let mut vsh = app.browser();
    vsh.sign_in(Role::Vsh).await;
    let r = vsh
        .post(&format!("/users/{vsh_id}/tokens"), &[("label", "no token")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("This form has expired"));
    assert_eq!(vsh.get("/users/99999").await.status, StatusCode::NOT_FOUND);
    assert!(app
        .store
        .api_tokens_of(vsh_id)
        .await
        .expect("read")
        .is_empty());
}
