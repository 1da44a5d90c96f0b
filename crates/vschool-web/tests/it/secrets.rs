//! TOTP secrets at rest: sealed with the service's key (ChaCha20-Poly1305, bound to the
//! account), never stored as the secret itself; secrets stored in clear by an older version
//! are still read, and sealed when the service starts or the secret is next used.

use axum::http::StatusCode;
use sha2::{Digest, Sha256};
use vschool_web::accounts::{add_user, set_password, Actor, NewUser};
use vschool_web::auth::Role;
use vschool_web::keys::{SecretKey, SEALED_PREFIX};
use vschool_web::{AppState, Config};

use crate::helpers::TestApp;

async fn stored(app: &TestApp, email: &str) -> String {
    app.store
        .account_by_email(email)
        .await
        .expect("read")
        .expect("exists")
        .totp_secret
        .expect("enrolled")
}

#[tokio::test]
async fn secrets_stored_in_clear_are_sealed_when_the_service_starts() {
    // The seed stores every secret in clear, as before this version; the app then started.
    let app = TestApp::start().await;
    for a in &app.accounts {
        let s = stored(&app, &a.email).await;
        assert!(s.starts_with(SEALED_PREFIX), "{}: {s}", a.email);
        assert!(!s.contains(&a.totp_secret));
    }
    // And they still work.
    let mut b = app.browser();
    b.sign_in(Role::Dsl).await;
    assert_eq!(b.get("/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_secret_in_clear_is_read_and_sealed_at_its_next_use() {
    let app = TestApp::start().await;
    let dsl = app.account(Role::Dsl);
    let id = app
        .store
        .account_by_email(&dsl.email)
        .await
        .expect("read")
        .expect("seeded")
        .id;
    // As an older version would have left it (the test browser also does this).
    app.store
        .account_set_totp(id, &dsl.totp_secret, 0)
        .await
        .expect("in clear");
    assert_eq!(stored(&app, &dsl.email).await, dsl.totp_secret);
    let mut b = app.browser();
    b.sign_in(Role::Dsl).await;
    let s = stored(&app, &dsl.email).await;
    assert!(s.starts_with(SEALED_PREFIX) && !s.contains(&dsl.totp_secret));
}

#[tokio::test]
async fn an_enrolled_secret_and_one_being_enrolled_are_stored_sealed() {
    let app = TestApp::start().await;
    add_user(
        &app.store,
        &Config::default(),
        &Actor::at_terminal(),
        NewUser {
            email: "new.person@northshire.example".into(),
            name: "New Person".into(),
            role: Role::Trainer,
            schools: vec![],
            worker_email: None,
        },
    )
    .await
    .expect("account");
    set_password(
        &app.store,
        &Actor::at_terminal(),
        "new.person@northshire.example",
        "a long enough password",
    )
    .await
    .expect("password");
    let mut b = app.browser();
    let page = b.get("/sign-in").await;
    b.post(
        "/sign-in",
        &[
            ("csrf_token", &page.csrf()),
            ("email", "new.person@northshire.example"),
            ("password", "a long enough password"),
        ],
    )
    .await;
    let enrol = b.get("/sign-in/second-factor/enrol").await;
    let key = enrol
        .body
        .split("app-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the key for manual entry")
        .replace(' ', "");
    // Held with the session, sealed.
    let cookie = b.cookies.get("vschool_session").cloned().expect("session");
    let hash: String = Sha256::digest(cookie.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let session = app
        .store
        .session_get(&hash)
        .await
        .expect("read")
        .expect("live");
    let pending = session.pending_totp_secret.expect("pending");
    assert!(pending.starts_with(SEALED_PREFIX) && !pending.contains(&key));

    let code = app.code_now(&key);
    let r = b
        .post(
            "/sign-in/second-factor/enrol",
            &[("csrf_token", &enrol.csrf()), ("code", &code)],
        )
        .await;
    assert_eq!(r.location(), "/");
    let s = stored(&app, "new.person@northshire.example").await;
    assert!(s.starts_with(SEALED_PREFIX), "{s}");
    assert_ne!(s, key);
    assert!(!s.contains(&key));
    // Only the key opens it.
    let account = app
        .store
        .account_by_email("new.person@northshire.example")
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(
        app.state.key().open_totp(account.id, &s).map(|o| o.secret),
        Some(key.clone())
    );
    assert_eq!(SecretKey::generate().open_totp(account.id, &s), None);
}

#[tokio::test]
async fn the_key_file_is_made_beside_a_sqlite_database_and_reused() {
    if app_backend_is_postgres() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("v.db").display());
    let store = vschool_store::Store::connect(&url).await.expect("store");
    let clock = std::sync::Arc::new(vschool_domain::FixedClock(crate::seed::TODAY));
    let config = Config::default();
    let a = AppState::new(store.clone(), clock.clone(), config.clone())
        .await
        .expect("state");
    assert!(dir.path().join("v.db.key").exists());
    let b = AppState::new(store, clock, config).await.expect("state");
    let sealed = a.key().seal_totp(1, "JBSWY3DPEHPK3PXP");
    assert_eq!(
        b.key().open_totp(1, &sealed).map(|o| o.secret),
        Some("JBSWY3DPEHPK3PXP".to_owned())
    );
}

fn app_backend_is_postgres() -> bool {
    std::env::var("VSCHOOL_TEST_BACKEND").as_deref() == Ok("postgres")
}
