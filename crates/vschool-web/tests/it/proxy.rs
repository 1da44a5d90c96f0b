//! Behind a reverse proxy (`VSCHOOL_TRUSTED_PROXIES`): the client's address comes from
//! `X-Forwarded-For` only when the peer is a trusted proxy (the rightmost address that is
//! not one), for the audit trail and the rate limits; HSTS only when a trusted proxy says
//! the client used HTTPS.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use vschool_store::{AuditAction, AuditEvent, AuditObject};
use vschool_web::config::TrustedProxies;
use vschool_web::Config;

use crate::helpers::{Reply, TestApp};

const PROXY: &str = "10.0.0.2:41000";

async fn app() -> TestApp {
    let mut config = Config::for_public_url("http://127.0.0.1:8080");
    config.trusted_proxies = TrustedProxies::parse("10.0.0.0/8").expect("proxies");
    TestApp::start_with(config).await
}

/// A request from `peer` with some forwarding headers.
fn from(peer: &str, mut req: Request<Body>, headers: &[(&str, &str)]) -> Request<Body> {
    let peer: SocketAddr = peer.parse().expect("peer");
    req.extensions_mut().insert(ConnectInfo(peer));
    for (k, v) in headers {
        req.headers_mut().append(
            header::HeaderName::from_bytes(k.as_bytes()).expect("name"),
            v.parse().expect("value"),
        );
    }
    req
}

/// A sign-in with a wrong password from `peer` (a fresh anonymous CSRF token each time).
async fn wrong_sign_in(app: &TestApp, peer: &str, headers: &[(&str, &str)]) -> Reply {
    sign_in(app, peer, headers, "not the password at all").await
}

async fn sign_in(app: &TestApp, peer: &str, headers: &[(&str, &str)], password: &str) -> Reply {
    let page = app
        .send(from(
            peer,
            Request::get("/sign-in").body(Body::empty()).expect("req"),
            headers,
        ))
        .await;
    let cookie = page
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap_or("")
        .to_owned();
    let body = serde_urlencoded::to_string([
        ("csrf_token", page.csrf().as_str()),
        ("email", "vsh@northshire.example"),
        ("password", password),
    ])
    .expect("encode");
    let req = Request::post("/sign-in")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .body(Body::from(body))
        .expect("req");
    app.send(from(peer, req, headers)).await
}

async fn last_from(app: &TestApp) -> String {
    app.store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .map(|s| s.item)
        .rfind(|e| e.action.code() == "sign-in-failed")
        .expect("a failed sign-in")
        .from
}

#[tokio::test]
async fn the_client_address_is_believed_only_from_a_trusted_proxy() {
    let app = app().await;
    // Through the proxy: the rightmost address that is not a trusted proxy. The leftmost
    // entry is what the client itself claimed, and is ignored.
    wrong_sign_in(
        &app,
        PROXY,
        &[("x-forwarded-for", "198.51.100.1, 203.0.113.9, 10.1.1.1")],
    )
    .await;
    assert_eq!(last_from(&app).await, "203.0.113.9");
    // Straight from the internet, a forged header changes nothing.
    wrong_sign_in(
        &app,
        "192.0.2.50:5000",
        &[("x-forwarded-for", "203.0.113.77")],
    )
    .await;
    assert_eq!(last_from(&app).await, "192.0.2.50");
    // The proxy without the header: the proxy is the client.
    wrong_sign_in(&app, PROXY, &[]).await;
    assert_eq!(last_from(&app).await, "10.0.0.2");
}

#[tokio::test]
async fn without_trusted_proxies_forwarded_headers_are_ignored() {
    let app = TestApp::start_with(Config::for_public_url("http://127.0.0.1:8080")).await;
    wrong_sign_in(&app, PROXY, &[("x-forwarded-for", "203.0.113.9")]).await;
    assert_eq!(last_from(&app).await, "10.0.0.2");
}

#[tokio::test]
async fn rate_limits_count_the_forwarded_client_not_the_proxy() {
    let app = app().await;
    // 50 failures from one client behind the proxy: that client is stopped...
    let failure = AuditEvent {
        at: app.state.now(),
        actor: "someone@northshire.example".into(),
        role: String::new(),
        action: AuditAction::SignInFailed,
        object: AuditObject::User,
        upn: None,
        la_child_id: None,
        urn: None,
        detail: "wrong email or password".into(),
        from: "203.0.113.9".into(),
    };
    app.store
        .record_audit_many(&vec![failure; 50])
        .await
        .expect("audit");
    let r = sign_in(
        &app,
        PROXY,
        &[("x-forwarded-for", "203.0.113.9")],
        crate::seed::PASSWORD,
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // ...but not everyone else behind the same proxy.
    let r = sign_in(
        &app,
        PROXY,
        &[("x-forwarded-for", "203.0.113.10")],
        crate::seed::PASSWORD,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/sign-in/second-factor");
}

#[tokio::test]
async fn hsts_only_when_a_trusted_proxy_says_https() {
    let app = app().await;
    let get = |peer: &'static str, proto: &'static str| {
        let app = &app;
        async move {
            let headers: Vec<(&str, &str)> = if proto.is_empty() {
                vec![]
            } else {
                vec![("x-forwarded-proto", proto)]
            };
            app.send(from(
                peer,
                Request::get("/sign-in").body(Body::empty()).expect("req"),
                &headers,
            ))
            .await
        }
    };
    let hsts = |r: &Reply| r.header("strict-transport-security").to_owned();
    assert!(hsts(&get(PROXY, "https").await).starts_with("max-age="));
    assert_eq!(hsts(&get(PROXY, "http").await), "");
    assert_eq!(hsts(&get(PROXY, "").await), "");
    assert_eq!(hsts(&get("192.0.2.50:5000", "https").await), "", "forged");
}
