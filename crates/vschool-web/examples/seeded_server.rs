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
        json!({"name": "school-year-group", "path": "/schools/100001",
               "follow": "table a[href*='/year-groups/']"}),
        json!({"name": "overview", "path": "/overview"}),
        json!({"name": "overview-filtered",
               "path": "/overview?year=2023%2F24&phase=Primary&group=CLA&base=enrolment"}),
        json!({"name": "overview-schools", "path": "/overview/schools"}),
    ];
    // Imports, history and identity review: vsh and data-officer only.
    let data = vec![
        json!({"name": "data", "path": "/data"}),
        json!({"name": "data-upload", "path": "/data/upload"}),
        json!({"name": "data-upload-errors", "path": "/data/upload",
               "submit": "form[action='/data/upload'] button", "status": 400}),
        json!({"name": "data-import-rejected", "path": "/data/upload",
               "select": {"#kind": "attendance"},
               "upload": {"#files": {"name": "marks.csv",
                   "text": "UPN,URN,Date,Session,Code\nA12,100001,2025-03-10,AM,ZZ\n"}},
               "submit": "form[action='/data/upload'] button", "settle": true}),
        json!({"name": "data-import-loaded", "path": "/data/upload",
               "select": {"#kind": "contacts"},
               "upload": {"#files": {"name": "contacts.csv",
                   "text": "URN,Role,Name,Email\n100001,DT,Dee Teacher,dee@oakfield.example\n"}},
               "submit": "form[action='/data/upload'] button", "settle": true}),
        json!({"name": "data-imports", "path": "/data/imports"}),
        json!({"name": "data-review", "path": "/data/review"}),
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
                // The Virtual School Head's own account: a live session and an API token.
                json!({"name": "users-account", "path": "/users/1"}),
                json!({"name": "users-token-errors", "path": "/users/1",
                       "submit": "form[action='/users/1/tokens'] button"}),
                json!({"name": "users-token-created", "path": "/users/1",
                       "fill": {"#label": "accessibility crawl"},
                       "submit": "form[action='/users/1/tokens'] button"}),
                json!({"name": "audit", "path": "/audit"}),
                json!({"name": "audit-errors", "path": "/audit",
                       "fill": {"#from": "yesterday"}, "submit": "form[action='/audit'] button[type=submit]:not([formaction])"}),
                json!({"name": "privacy", "path": "/privacy"}),
            ]);
            pages.extend(data);
        }
        Role::DataOfficer => {
            pages.extend(children);
            pages.extend(schools);
            pages.extend(data);
        }
        Role::AdvisoryTeacher | Role::Dsl => {
            pages.extend(children);
            pages.extend(schools);
            pages.push(json!({"name": "data-forbidden", "path": "/data", "status": 403}));
        }
        Role::SocialWorker => {
            pages.extend(children.into_iter().take(2));
            pages.push(json!({"name": "overview-forbidden", "path": "/overview", "status": 403}));
        }
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

    let mut config = Config::for_public_url(&format!("http://{bind}"));
    // Single sign-on set up, so the sign-in page shows its button; the provider is a port
    // where nothing listens, so starting it shows the "could not be reached" page.
    config.oidc = Some(vschool_web::config::OidcConfig::new(
        "http://127.0.0.1:9/seeded-idp",
        "virtual-school",
        None,
    )?);
    // An account with a password but no second factor yet, to show enrolment.
    add_user(
        &store,
        &config,
        &Actor::at_terminal(),
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
        &Actor::at_terminal(),
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
        &Actor::at_terminal(),
        &seed::email_for(Role::Vsh),
        "seeded server",
    )
    .await?;

    let unsubscribe = packs_demo(&store, &config).await?;

    if let Some(path) = arg("--accounts") {
        let doc = json!({
            "accounts": accounts.iter().map(|a| json!({
                "role": a.role.code(),
                "email": a.email,
                "password": a.password,
                "totp_secret": a.totp_secret,
                "pages": pages_for(a.role).into_iter().chain(packs_pages_for(a.role)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "enrol": {"email": "enrol@northshire.example", "password": seed::PASSWORD},
            "set_password_path": link.url.trim_start_matches(&format!("http://{bind}")),
            "api_token": api_token,
            "public_pages": public_pages(&unsubscribe),
        });
        std::fs::write(&path, serde_json::to_string_pretty(&doc)?)?;
    }

    let state = AppState::new(store, Arc::new(FixedClock(seed::TODAY)), config).await?;
    eprintln!("seeded Virtual School at http://{bind} (today is 14 March 2025)");
    vschool_web::serve(state, bind).await?;
    drop(dir);
    Ok(())
}

/// Packs, subscriptions and a send log to look at (issue 6): two subscribers, a request
/// waiting for approval, the packs of autumn 1 (emails still waiting: its progress page is
/// "in progress"), autumn 2 and spring 1 built and their emails queued (spring 1: one sent,
/// one failed), a school reading its pack, and an unsubscribe link. Returns the link's
/// path.
async fn packs_demo(store: &Store, config: &Config) -> Result<String, Box<dyn std::error::Error>> {
    use vschool_domain::pupil::ContactRole;
    use vschool_store::{Attempt, NewRequest};
    use vschool_web::packs::{calendar, run};

    let now = time::OffsetDateTime::now_utc();
    let oak = seed::urn(seed::OAKFIELD);
    let river = seed::urn(seed::RIVERSIDE);
    store
        .subscribe_contact(
            oak,
            "Sam Leigh",
            ContactRole::Dsl,
            &seed::email_for(Role::Dsl),
            "seed",
            now,
        )
        .await?;
    store
        .subscribe_contact(
            river,
            "Rita Rowe",
            ContactRole::Dsl,
            "rita.rowe@riverside.example",
            "seed",
            now,
        )
        .await?;
    store
        .subscription_request_create(
            &NewRequest {
                urn: river,
                name: "Dev Teacher".into(),
                role: ContactRole::Dt,
                email: "dev.teacher@riverside.example".into(),
                origin: "127.0.0.1".into(),
            },
            now,
        )
        .await?;
    let n = run::Notifier::new(
        store.clone(),
        config.clone(),
        seed::LA_NAME.into(),
        Actor::at_terminal(),
    )?;
    let snapshot = vschool_analytics::LaSnapshot::new(store.load_dataset().await?);
    for half in ["2024/25-1", "2024/25-2", "2024/25-3"] {
        let h = calendar::resolve(store, half).await?;
        let q = run::queue(&n, &snapshot, &h, None, false, now).await?;
        if half == "2024/25-1" {
            // Left waiting (the seeded server has no email): sending "in progress".
            continue;
        }
        for (i, id) in q.ids.iter().enumerate() {
            let Some(d) = store.outbox_get(*id).await? else {
                continue;
            };
            let attempt = if i == 0 || half == "2024/25-2" {
                Attempt::Sent
            } else {
                Attempt::Failed {
                    error: "relay.example did not accept the email: 550 mailbox unavailable; the server refused it permanently: check the address".into(),
                }
            };
            store.outbox_record(&d, &attempt, now).await?;
        }
    }
    // Oakfield's DSL read the spring 1 pack (the schools list's "last pack read").
    store
        .pack_read(oak, "2024/25-3", &seed::email_for(Role::Dsl), now)
        .await?;
    let token = "ab".repeat(32);
    store
        .unsubscribe_token_create(
            &vschool_web_token_hash(&token),
            oak,
            &seed::email_for(Role::Dsl),
            now,
        )
        .await?;
    Ok(format!("/unsubscribe/{token}"))
}

/// The SHA-256 (hex) the store keeps of a link's token.
fn vschool_web_token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Pages of issue 6 each role should reach.
fn packs_pages_for(role: Role) -> Vec<serde_json::Value> {
    let team = vec![
        json!({"name": "packs", "path": "/packs"}),
        json!({"name": "packs-dry-run", "path": "/packs/2024/25-3"}),
        json!({"name": "packs-progress", "path": "/packs/2024/25-3/progress"}),
        json!({"name": "packs-progress-running", "path": "/packs/2024/25-1/progress"}),
        json!({"name": "packs-log", "path": "/packs/2024/25-3/log"}),
        json!({"name": "packs-calendar", "path": "/packs/calendar?year=2024%2F25"}),
        json!({"name": "packs-calendar-errors", "path": "/packs/calendar?year=2024%2F25",
               "submit": "form[method='post'][action='/packs/calendar'] button"}),
        json!({"name": "packs-subscriptions", "path": "/packs/subscriptions"}),
        json!({"name": "packs-subscriber-new", "path": "/packs/subscriptions/new?urn=100002"}),
        json!({"name": "packs-subscriber-new-errors", "path": "/packs/subscriptions/new",
               "submit": "form[action='/packs/subscriptions/new'] button"}),
        json!({"name": "packs-subscriber-added", "path": "/packs/subscriptions/new?urn=100002",
               "fill": {"#name": "Pat Office", "#email": "pat.office@riverside.example"},
               "check": "#role", "submit": "form[action='/packs/subscriptions/new'] button"}),
        json!({"name": "schools-by-last-read", "path": "/schools?sort=read"}),
        json!({"name": "school-tracker", "path": "/schools/100001/tracker"}),
        json!({"name": "school-packs", "path": "/schools/100001/packs"}),
        json!({"name": "school-pack", "path": "/schools/100001/packs/2024/25-3"}),
    ];
    match role {
        Role::Vsh | Role::DataOfficer => team,
        Role::AdvisoryTeacher => vec![
            json!({"name": "packs-forbidden", "path": "/packs", "status": 403}),
            json!({"name": "school-pack", "path": "/schools/100002/packs/2024/25-3"}),
        ],
        Role::Dsl => vec![
            json!({"name": "school-tracker", "path": "/schools/100001/tracker"}),
            json!({"name": "school-tracker-errors", "path": "/schools/100001/tracker",
                   "fill": {"#group-CLA": "abc"},
                   "submit": "form[action='/schools/100001/tracker/targets'] button"}),
            json!({"name": "school-packs", "path": "/schools/100001/packs"}),
            json!({"name": "school-pack", "path": "/schools/100001/packs/2024/25-3"}),
            json!({"name": "other-school-pack", "path": "/schools/100002/packs/2024/25-3", "status": 404}),
            json!({"name": "packs-forbidden", "path": "/packs", "status": 403}),
        ],
        Role::SocialWorker => {
            vec![json!({"name": "caseload-schools", "path": "/caseload/schools"})]
        }
        Role::Trainer => vec![],
    }
}

/// Pages anyone reaches without signing in.
fn public_pages(unsubscribe: &str) -> Vec<serde_json::Value> {
    vec![
        json!({"name": "subscribe", "path": "/subscribe"}),
        json!({"name": "subscribe-errors", "path": "/subscribe",
               "submit": "form[action='/subscribe'] button"}),
        json!({"name": "subscribe-sent", "path": "/subscribe",
               "fill": {"#name": "Pat Teacher", "#school": "100002", "#email": "pat@riverside.example"},
               "check": "#role", "submit": "form[action='/subscribe'] button"}),
        json!({"name": "unsubscribe", "path": unsubscribe}),
        json!({"name": "unsubscribe-done", "path": unsubscribe, "submit": "form[action^='/unsubscribe/'] button"}),
        json!({"name": "unsubscribe-invalid", "path": "/unsubscribe/not-a-link", "status": 404}),
        json!({"name": "forgot-password", "path": "/forgot-password"}),
        json!({"name": "forgot-password-errors", "path": "/forgot-password",
               "submit": "form[action='/forgot-password'] button"}),
        json!({"name": "forgot-password-sent", "path": "/forgot-password",
               "fill": {"#email": "someone@northshire.example"},
               "submit": "form[action='/forgot-password'] button"}),
        json!({"name": "sso-unreachable", "path": "/sign-in/oidc", "status": 502}),
        json!({"name": "sso-refused", "path": "/sign-in/oidc/callback?code=x&state=y", "status": 400}),
    ]
}
