//! Serves the web app on a fresh temporary SQLite database seeded with the small LA of
//! `tests/common/seed.rs`, with "today" fixed at 14 March 2025, for the accessibility crawl
//! (`tests/browser/axe.mjs`) and for looking at the pages by hand.
//!
//!   cargo run -p vschool-web --example seeded_server -- --bind 127.0.0.1:8099 --accounts /tmp/vschool-accounts.json
//!
//! `--accounts FILE` writes the sign-in details of one account per role (password and TOTP
//! secret), an account that still has to enrol its second factor, a set-password link,
//! the pages each role should be able to open, and an API token of the Virtual School Head
//! (`api_token`, for schemathesis), as JSON.

#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "../tests/common/seed.rs"]
mod seed;

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::json;
use vschool_domain::FixedClock;
use vschool_store::Store;
use vschool_web::accounts::{add_user, Actor, NewUser};
use vschool_web::auth::Role;
use vschool_web::{AppState, Config};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Pages each role should reach, with the status expected. `follow` opens the first link
/// matching a CSS selector on `path`; `fill` and `submit` fill in and send a form there
/// (to scan error states and results pages too).
fn pages_for(role: Role) -> Vec<serde_json::Value> {
    let child_link = "table a[href^='/children/']";
    let school_link = "table a[href^='/schools/']";
    let mut pages = vec![json!({"name": "not-found", "path": "/no-such-page", "status": 404})];
    let children = vec![
        json!({"name": "children", "path": "/children"}),
        json!({"name": "child", "path": "/children", "follow": child_link}),
        json!({"name": "children-search", "path": "/children",
               "fill": {"#q": "a"}, "submit": "form[action='/children/search'] button"}),
        json!({"name": "children-search-errors", "path": "/children",
               "submit": "form[action='/children/search'] button"}),
    ];
    let schools = vec![
        json!({"name": "schools", "path": "/schools"}),
        json!({"name": "school", "path": "/schools", "follow": school_link}),
    ];
    match role {
        Role::Vsh => {
            pages.extend(children);
            pages.extend(schools);
            pages.extend([
                json!({"name": "users", "path": "/users"}),
                json!({"name": "users-new", "path": "/users/new"}),
                json!({"name": "users-new-errors", "path": "/users/new",
                       "submit": "form[action='/users/new'] button[type=submit]"}),
                json!({"name": "users-link", "path": "/users",
                       "submit": "form[action$='/link'] button"}),
                json!({"name": "audit", "path": "/audit"}),
                json!({"name": "audit-errors", "path": "/audit",
                       "fill": {"#from": "yesterday"}, "submit": "form[action='/audit'] button[type=submit]:not([formaction])"}),
                json!({"name": "privacy", "path": "/privacy"}),
            ]);
        }
        Role::AdvisoryTeacher | Role::DataOfficer | Role::Dsl => {
            pages.extend(children);
            pages.extend(schools);
        }
        Role::SocialWorker => pages.extend(children.into_iter().take(2)),
        Role::Trainer => {
            pages.push(json!({"name": "forbidden", "path": "/children", "status": 403}));
        }
    }
    pages
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bind: SocketAddr = arg("--bind")
        .unwrap_or_else(|| "127.0.0.1:8099".into())
        .parse()?;
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("seeded.db").display());
    let store = Store::connect(&url).await?;
    let accounts = seed::seed(&store).await;

    let config = Config::for_public_url(&format!("http://{bind}"));
    // An account with a password but no second factor yet, to show enrolment.
    add_user(
        &store,
        &config,
        &Actor::cli(),
        NewUser {
            email: "enrol@northshire.example".into(),
            name: "Erin Rolle".into(),
            role: Role::AdvisoryTeacher,
            schools: vec![],
            worker_email: None,
        },
    )
    .await?;
    let enrol = store
        .account_by_email("enrol@northshire.example")
        .await?
        .expect("just created");
    let hash = vschool_web::auth::password::hash(seed::PASSWORD.into()).await?;
    store.account_set_password(enrol.id, &hash).await?;
    // A set-password link for a user who has not set one yet.
    let link = add_user(
        &store,
        &config,
        &Actor::cli(),
        NewUser {
            email: "new.starter@northshire.example".into(),
            name: "Noor Starter".into(),
            role: Role::DataOfficer,
            schools: vec![],
            worker_email: None,
        },
    )
    .await?;

    // An API token for the Virtual School Head, for schemathesis and other API checks.
    let api_token = vschool_web::accounts::create_api_token(
        &store,
        &Actor::cli(),
        &seed::email_for(Role::Vsh),
        "seeded server",
    )
    .await?;

    if let Some(path) = arg("--accounts") {
        let doc = json!({
            "accounts": accounts.iter().map(|a| json!({
                "role": a.role.code(),
                "email": a.email,
                "password": a.password,
                "totp_secret": a.totp_secret,
                "pages": pages_for(a.role),
            })).collect::<Vec<_>>(),
            "enrol": {"email": "enrol@northshire.example", "password": seed::PASSWORD},
            "set_password_path": link.url.trim_start_matches(&format!("http://{bind}")),
            "api_token": api_token,
        });
        std::fs::write(&path, serde_json::to_string_pretty(&doc)?)?;
    }

    let state = AppState::new(store, Arc::new(FixedClock(seed::TODAY)), config).await?;
    eprintln!("seeded Virtual School at http://{bind} (today is 14 March 2025)");
    vschool_web::serve(state, bind).await?;
    drop(dir);
    Ok(())
}
