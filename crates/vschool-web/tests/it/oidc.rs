//! Single sign-on with an OpenID Connect provider: a fake provider in process on loopback
//! (discovery, a key set, a token endpoint that checks the PKCE verifier, the client's
//! secret and the redirect address, and signs ID tokens with an RSA key of its own), and
//! every way a sign-in must be refused, each with a clear page and an audit event.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::sign::Signer;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use vschool_web::auth::Role;
use vschool_web::config::OidcConfig;
use vschool_web::Config;

use crate::helpers::{Browser, TestApp};
use crate::packs::PUBLIC;

const CLIENT_ID: &str = "virtual-school";
const CLIENT_SECRET: &str = "s3cret of the client";
const KID: &str = "key-1";

/// How the provider spoils the next ID token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spoil {
    Nothing,
    Nonce,
    Audience,
    Issuer,
    Expired,
    Signature,
}

/// What the person "signed in at the provider" as, for one authorization code.
#[derive(Debug, Clone)]
struct Grant {
    challenge: String,
    nonce: String,
    redirect_uri: String,
    email: String,
    amr: Vec<&'static str>,
    spoil: Spoil,
    /// Unix seconds "now", from the app's wall clock.
    now: i64,
}

struct Provider {
    issuer: String,
    key: PKey<Private>,
    other_key: PKey<Private>,
    grants: Mutex<HashMap<String, Grant>>,
    /// What the token endpoint refused, for the tests to read.
    refusals: Mutex<Vec<String>>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Provider {
    fn sign(&self, claims: &Value, spoil: Spoil) -> String {
        let header = b64(json!({"alg": "RS256", "typ": "JWT", "kid": KID})
            .to_string()
            .as_bytes());
        let payload = b64(claims.to_string().as_bytes());
        let input = format!("{header}.{payload}");
        let key = if spoil == Spoil::Signature {
            &self.other_key
        } else {
            &self.key
        };
        let mut signer = Signer::new(MessageDigest::sha256(), key).expect("signer");
        signer.update(input.as_bytes()).expect("sign");
        let sig = signer.sign_to_vec().expect("signature");
        format!("{input}.{}", b64(&sig))
    }
}

async fn discovery(State(p): State<Arc<Provider>>) -> Json<Value> {
    let i = &p.issuer;
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(p): State<Arc<Provider>>) -> Json<Value> {
    let rsa = p.key.rsa().expect("rsa");
    Json(json!({"keys": [{
        "kty": "RSA", "kid": KID, "use": "sig", "alg": "RS256",
        "n": b64(&rsa.n().to_vec()), "e": b64(&rsa.e().to_vec()),
    }]}))
}

async fn token(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let refuse = |why: &str| {
        p.refusals.lock().expect("lock").push(why.to_owned());
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response()
    };
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{}", CLIENT_SECRET.replace(' ', "+")))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return refuse("client authentication");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return refuse("grant type");
    }
    let code = form.get("code").cloned().unwrap_or_default();
    // A code works once.
    let Some(grant) = p.grants.lock().expect("lock").remove(&code) else {
        return refuse("unknown code");
    };
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return refuse("redirect_uri");
    }
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if b64(&Sha256::digest(verifier.as_bytes())) != grant.challenge {
        return refuse("PKCE verifier");
    }
    let mut claims = json!({
        "iss": p.issuer,
        "sub": "248289761001",
        "aud": CLIENT_ID,
        "exp": grant.now + 300,
        "iat": grant.now,
        "nonce": grant.nonce,
        "email": grant.email,
        "email_verified": true,
        "amr": grant.amr,
    });
    match grant.spoil {
        Spoil::Nonce => claims["nonce"] = json!("another nonce"),
        Spoil::Audience => claims["aud"] = json!("another-client"),
        Spoil::Issuer => claims["iss"] = json!(format!("{}/other-tenant", p.issuer)),
        Spoil::Expired => {
            claims["iat"] = json!(grant.now - 3600);
            claims["exp"] = json!(grant.now - 600);
        }
        Spoil::Nothing | Spoil::Signature => {}
    }
    let id_token = p.sign(&claims, grant.spoil);
    Json(json!({"access_token": "at", "token_type": "Bearer", "id_token": id_token}))
        .into_response()
}

/// Starts the fake provider on a free loopback port.
async fn provider() -> Arc<Provider> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let issuer = format!("http://{}", listener.local_addr().expect("addr"));
    let key = |_| PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("pkey");
    let p = Arc::new(Provider {
        issuer,
        key: key(1),
        other_key: key(2),
        grants: Mutex::new(HashMap::new()),
        refusals: Mutex::new(Vec::new()),
    });
    let app = axum::Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/token", post(token))
        .with_state(p.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    p
}

async fn app_with(p: &Provider) -> TestApp {
    let mut config = Config::for_public_url(PUBLIC);
    config.oidc = Some(OidcConfig::new(&p.issuer, CLIENT_ID, Some(CLIENT_SECRET)).expect("oidc"));
    TestApp::start_with(config).await
}

/// The browser leaves for the provider; the person signs in there as `email`; the
/// provider sends them back. Returns the reply to the callback.
async fn sign_in_at_provider(
    app: &TestApp,
    p: &Provider,
    b: &mut Browser<'_>,
    email: &str,
    amr: Vec<&'static str>,
    spoil: Spoil,
) -> crate::helpers::Reply {
    let r = b.get("/sign-in/oidc").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = url::Url::parse(r.location()).expect("a redirect to the provider");
    assert!(to.as_str().starts_with(&format!("{}/authorize?", p.issuer)));
    let q: HashMap<String, String> = to.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["code_challenge_method"], "S256");
    assert!(q["scope"].split(' ').any(|s| s == "openid"));
    assert_eq!(q["redirect_uri"], format!("{PUBLIC}/sign-in/oidc/callback"));
    let code = format!("code-{}", q["state"]);
    p.grants.lock().expect("lock").insert(
        code.clone(),
        Grant {
            challenge: q["code_challenge"].clone(),
            nonce: q["nonce"].clone(),
            redirect_uri: q["redirect_uri"].clone(),
            email: email.to_owned(),
            amr,
            spoil,
            now: app.state.now().unix_timestamp(),
        },
    );
    b.get(&format!(
        "/sign-in/oidc/callback?code={code}&state={}",
        q["state"]
    ))
    .await
}

async fn failures(app: &TestApp) -> Vec<vschool_store::AuditEvent> {
    app.store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .map(|s| s.item)
        .filter(|e| e.action.code() == "sign-in-failed")
        .collect()
}

#[tokio::test]
async fn the_button_shows_only_when_single_sign_on_is_set_up() {
    let plain = TestApp::start().await;
    let page = plain.get("/sign-in").await;
    assert!(!page.body.contains("Sign in with your council account"));
    assert_eq!(
        plain.get("/sign-in/oidc").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        plain
            .get("/sign-in/oidc/callback?code=x&state=y")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let p = provider().await;
    let app = app_with(&p).await;
    let page = app.get("/sign-in").await;
    assert!(page.body.contains(
        "<a href=\"/sign-in/oidc\" role=\"button\" draggable=\"false\" class=\"govuk-button\" data-module=\"govuk-button\">Sign in with your council account</a>"
    ));
}

#[tokio::test]
async fn with_the_providers_second_factor_no_code_is_asked() {
    let p = provider().await;
    let app = app_with(&p).await;
    let mut b = app.browser();
    // The account's email in other letters: matched case-insensitively.
    let r = sign_in_at_provider(
        &app,
        &p,
        &mut b,
        "VSH@Northshire.example",
        vec!["pwd", "mfa"],
        Spoil::Nothing,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/");
    assert!(
        !b.cookies.contains_key("vschool_oidc"),
        "the flow cookie is cleared"
    );
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Signed in as"));
    assert!(p.refusals.lock().expect("lock").is_empty());
    let ev = app.store.audit_events(None).await.expect("audit");
    assert!(ev.iter().any(|e| e.item.action.code() == "sign-in"
        && e.item.actor == "vsh@northshire.example"
        && e.item.detail == "council single sign-on with its own second factor (amr mfa)"));
    // The VSH sees how that session was started.
    let id = app
        .store
        .account_by_email("vsh@northshire.example")
        .await
        .expect("read")
        .expect("seeded")
        .id;
    let sessions = b.get(&format!("/users/{id}")).await;
    assert!(
        sessions.body.contains("Council single sign-on"),
        "{}",
        sessions.body
    );
}

#[tokio::test]
async fn without_the_providers_second_factor_ours_follows() {
    let p = provider().await;
    let app = app_with(&p).await;
    let account = app.account(Role::DataOfficer);
    let mut b = app.browser();
    let r = sign_in_at_provider(
        &app,
        &p,
        &mut b,
        &account.email,
        vec!["pwd"],
        Spoil::Nothing,
    )
    .await;
    assert_eq!(r.location(), "/sign-in/second-factor");
    // Not signed in yet.
    assert_eq!(b.get("/").await.location(), "/sign-in");
    let form = b.get("/sign-in/second-factor").await;
    assert_eq!(form.status, StatusCode::OK);
    let id = app
        .store
        .account_by_email(&account.email)
        .await
        .expect("read")
        .expect("seeded")
        .id;
    app.store
        .account_set_totp(id, &account.totp_secret, 0)
        .await
        .expect("forget the last step used");
    let code = b.next_code(&account);
    let done = b
        .post(
            "/sign-in/second-factor",
            &[("csrf_token", &form.csrf()), ("code", &code)],
        )
        .await;
    assert_eq!(done.location(), "/");
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    let ev = app.store.audit_events(None).await.expect("audit");
    assert!(ev.iter().any(|e| e.item.action.code() == "sign-in"
        && e.item.actor == account.email
        && e.item.detail == "council single sign-on and authenticator code"));
}

#[tokio::test]
async fn spoilt_tokens_are_refused_with_a_page_and_audited() {
    let p = provider().await;
    let app = app_with(&p).await;
    let cases = [
        (
            Spoil::Nonce,
            "single sign-on: the ID token's nonce did not match",
        ),
        (
            Spoil::Audience,
            "single sign-on: the ID token is for another client",
        ),
        (
            Spoil::Issuer,
            "single sign-on: the ID token's issuer is not the configured one",
        ),
        (Spoil::Expired, "single sign-on: the ID token has expired"),
        (
            Spoil::Signature,
            "single sign-on: the ID token's signature is not valid",
        ),
    ];
    for (spoil, detail) in cases {
        let mut b = app.browser();
        let r = sign_in_at_provider(
            &app,
            &p,
            &mut b,
            "vsh@northshire.example",
            vec!["mfa"],
            spoil,
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{spoil:?}");
        assert!(
            r.body
                .contains("<h1 class=\"govuk-heading-l\">You could not be signed in</h1>"),
            "{spoil:?}"
        );
        assert!(
            r.body.contains("sent an answer that we could not accept"),
            "{spoil:?}"
        );
        assert!(r.body.contains("href=\"/sign-in\""));
        assert!(
            !b.cookies.contains_key("vschool_session"),
            "{spoil:?}: not signed in"
        );
        assert_eq!(b.get("/").await.location(), "/sign-in");
        let f = failures(&app).await;
        let last = f.last().expect("audited");
        assert_eq!(last.detail, detail, "{spoil:?}");
        assert_eq!(last.actor, "unknown");
    }
    assert_eq!(failures(&app).await.len(), cases.len());
    assert!(
        p.refusals.lock().expect("lock").is_empty(),
        "the PKCE verifier and client were right"
    );
}

#[tokio::test]
async fn an_unknown_email_is_told_to_ask_for_an_account() {
    let p = provider().await;
    let app = app_with(&p).await;
    let mut b = app.browser();
    let r = sign_in_at_provider(
        &app,
        &p,
        &mut b,
        "someone.else@northshire.example",
        vec!["mfa"],
        Spoil::Nothing,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("You do not have an account"));
    assert!(r
        .body
        .contains("Ask your Virtual School to give you an account"));
    assert!(!b.cookies.contains_key("vschool_session"));
    let f = failures(&app).await;
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].actor, "someone.else@northshire.example");
    assert_eq!(
        f[0].detail,
        "single sign-on: no active account has this email address"
    );
    // Nobody was created.
    assert!(app
        .store
        .account_by_email("someone.else@northshire.example")
        .await
        .expect("read")
        .is_none());
}

#[tokio::test]
async fn a_state_that_does_not_match_is_refused() {
    let p = provider().await;
    let app = app_with(&p).await;
    let mut b = app.browser();
    let r = b.get("/sign-in/oidc").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = b
        .get("/sign-in/oidc/callback?code=code-1&state=forged")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("started in another browser or window"));
    // A callback in a browser that never started a sign-in (login CSRF) is refused too.
    let mut other = app.browser();
    let r = other
        .get("/sign-in/oidc/callback?code=code-1&state=anything")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The provider saying no is a refusal, not an error.
    let mut b = app.browser();
    let start = b.get("/sign-in/oidc").await;
    let to = url::Url::parse(start.location()).expect("url");
    let state = to
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let r = b
        .get(&format!(
            "/sign-in/oidc/callback?error=access_denied&state={state}"
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("did not sign you in"));
    let details: Vec<String> = failures(&app).await.into_iter().map(|e| e.detail).collect();
    assert_eq!(
        details,
        [
            "single sign-on: the state did not match",
            "single sign-on: no sign-in was under way in this browser, or it expired",
            "single sign-on: the identity provider answered access_denied",
        ]
    );
}

#[tokio::test]
async fn a_sign_in_left_too_long_at_the_provider_is_refused() {
    let p = provider().await;
    let app = app_with(&p).await;
    let mut b = app.browser();
    let start = b.get("/sign-in/oidc").await;
    let to = url::Url::parse(start.location()).expect("url");
    let state = to
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    app.wall.advance(time::Duration::minutes(11));
    let r = b
        .get(&format!("/sign-in/oidc/callback?code=c&state={state}"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("The sign-in took too long"));
}
