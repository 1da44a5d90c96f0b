//! Issue 6 end to end, beyond the run itself (`packs.rs`): sending progress as a page and
//! as the JSON its script polls, adding a subscriber by hand (an account and an email with
//! no personal data), the schools list's "receives packs" and "last pack read" beside the
//! schools to chase, packs in the API (scoped, audited, the JSON shape), and the tracker
//! workbook's own upload limit.

use axum::http::StatusCode;
use serde_json::{json, Value};
use time::macros::datetime;
use vschool_mail::testing::TestSmtpServer;
use vschool_store::{Attempt, AuditAction, AuditObject};
use vschool_web::auth::Role;

use crate::api::{body, call, token};
use crate::helpers::{table_rows, Browser, Reply, TestApp};
use crate::packs::{
    assert_no_personal_data, ben_off_plan_and_amy_to_zoe, config, half, notifier, run,
    subscribe_two, RITA,
};
use crate::seed::{self, email_for, urn, OAKFIELD, RIVERSIDE};

/// A test app whose email goes to a fresh SMTP server, with the wall clock at 5 pm on the
/// seed's "today" (so times the pages write are known).
async fn app_with_mail() -> (TestApp, TestSmtpServer) {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    *app.wall.0.lock().expect("clock") = datetime!(2025-03-14 17:00 UTC);
    (app, smtp)
}

/// The row of a table whose first cell is `first`.
fn row<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r.first().map(String::as_str) == Some(first))
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("no row {first}: {rows:?}"))
}

/// The sending progress of 2024/25-3 as the page's script reads it.
async fn progress_json(b: &mut Browser<'_>) -> Value {
    let r = b.get("/packs/2024/25-3/progress.json").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("content-type"), "application/json");
    assert_eq!(r.header("cache-control"), "no-store");
    body(&r)
}

/// Posts the "add someone" form.
async fn add_subscriber(b: &mut Browser<'_>, csrf: &str, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf_token", csrf)];
    all.extend_from_slice(fields);
    b.post("/packs/subscriptions/new", &all).await
}

#[tokio::test]
async fn packs_sending_progress_is_a_page_without_javascript_and_json_for_its_script() {
    let (app, _smtp) = app_with_mail().await;
    subscribe_two(&app).await;
    // Queue the half term's two emails without sending them.
    let snapshot = app.state.snapshot().await.expect("snapshot");
    let n = notifier(&app);
    let q = vschool_web::packs::run::queue(
        &n,
        &snapshot,
        &half(&app, "2024/25-3").await,
        None,
        false,
        app.state.now(),
    )
    .await
    .expect("queued");
    assert_eq!(q.ids.len(), 2);

    let mut b = app.browser();
    b.sign_in(Role::DataOfficer).await;
    let page = b.get("/packs/2024/25-3/progress").await;
    assert_eq!(page.status, StatusCode::OK);
    for want in [
        "data-module=\"app-progress\"",
        "data-progress-url=\"/packs/2024/25-3/progress.json\"",
        "0 of 2 emails dealt with (0%)",
        // Without JavaScript: a link, never a timed refresh (WCAG 2.2.1).
        "<a class=\"govuk-link\" href=\"/packs/2024/25-3/progress\">Refresh progress</a>",
        "role=\"status\"",
    ] {
        assert!(page.body.contains(want), "{want}: {}", page.body);
    }
    assert!(!page.body.contains("http-equiv=\"refresh\""));
    assert!(!page.body.contains("<script>"), "no inline script");

    let items = |sent: u64, retrying: u64, failed: u64| {
        json!([
            {"key": "sent", "label": "Sent", "value": sent},
            {"key": "retrying", "label": "Will be tried again later", "value": retrying},
            {"key": "failed", "label": "Failed", "value": failed},
        ])
    };
    assert_eq!(
        progress_json(&mut b).await,
        json!({"percent": 0, "finished": false,
               "status": "0 of 2 emails dealt with (0%)", "items": items(0, 0, 0)})
    );
    // One sent, then the other given up: the report follows the outbox.
    let first = app
        .store
        .outbox_get(q.ids[0])
        .await
        .expect("read")
        .expect("queued");
    app.store
        .outbox_record(&first, &Attempt::Sent, app.state.now())
        .await
        .expect("record");
    assert_eq!(
        progress_json(&mut b).await,
        json!({"percent": 50, "finished": false,
               "status": "1 of 2 emails dealt with (50%)", "items": items(1, 0, 0)})
    );
    let second = app
        .store
        .outbox_get(q.ids[1])
        .await
        .expect("read")
        .expect("queued");
    app.store
        .outbox_record(
            &second,
            &Attempt::Failed {
                error: "550 no such mailbox".into(),
            },
            app.state.now(),
        )
        .await
        .expect("record");
    assert_eq!(
        progress_json(&mut b).await,
        json!({"percent": 100, "finished": true,
               "status": "2 of 2 emails dealt with (100%)", "items": items(1, 0, 1)})
    );
    let done = b.get("/packs/2024/25-3/progress").await;
    assert!(done.body.contains("data-progress-finished=\"true\""));
    assert!(!done.body.contains("Refresh progress"));
    assert!(done.body.contains(
        "<p class=\"govuk-body\" data-progress-done>Every email has been dealt with.</p>"
    ));

    // Only the Virtual School's pack runners; an unknown half term is a 404.
    assert_eq!(
        b.get("/packs/2024/25-9/progress.json").await.status,
        StatusCode::NOT_FOUND
    );
    let mut d = app.browser();
    d.sign_in(Role::Dsl).await;
    assert_eq!(
        d.get("/packs/2024/25-3/progress.json").await.status,
        StatusCode::FORBIDDEN
    );
    // Signed out, the script gets a redirect to sign in, which it treats as "stop".
    assert_eq!(
        app.get("/packs/2024/25-3/progress.json").await.status,
        StatusCode::SEE_OTHER
    );

    // The script is a static asset of the bundle, loaded by app.js (no inline script).
    let prefix = vschool_web::assets::prefix();
    let js = app.get(&format!("{prefix}/progress.js")).await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(js.header("content-type"), "text/javascript; charset=utf-8");
    assert!(js.body.contains("data-progress-url") && js.body.contains("role=\"status\""));
    let app_js = app.get(&format!("{prefix}/app.js")).await;
    assert!(app_js
        .body
        .contains("import { initAllProgress } from './progress.js'"));
    assert!(page
        .header("content-security-policy")
        .contains("script-src 'self'"));
}

#[tokio::test]
async fn packs_subscriber_added_by_hand_gets_an_account_and_a_link_with_no_personal_data() {
    let (app, smtp) = app_with_mail().await;
    let mut v = app.browser();
    v.sign_in(Role::DataOfficer).await;
    let list = v.get("/packs/subscriptions").await;
    assert!(list.body.contains("href=\"/packs/subscriptions/new\""));
    let form = v
        .get(&format!("/packs/subscriptions/new?urn={RIVERSIDE}"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("value=\"100002\""),
        "the school is filled in"
    );

    let empty = v
        .post(
            "/packs/subscriptions/new",
            &[("csrf_token", &form.csrf()), ("school", "")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("<title>Error:"));
    for (field, msg) in [
        ("school", "Enter the school&#39;s name or its 6-digit URN"),
        ("name", "Enter their full name"),
        ("role", "Select their role at the school"),
        ("email", "Enter their work email address"),
    ] {
        assert!(
            empty
                .body
                .contains(&format!("<a href=\"#{field}\">{msg}</a>")),
            "{field}: {}",
            empty.body
        );
    }
    let csrf = form.csrf();
    let priya = |email: &'static str, school: &'static str| {
        [
            ("name", "Priya Patel"),
            ("role", "DT"),
            ("school", school),
            ("email", email),
        ]
    };
    let bad = add_subscriber(&mut v, &csrf, &priya("priya", "999999")).await;
    assert!(bad.body.contains("No school has that URN"));
    assert!(bad
        .body
        .contains("Enter an email address in the correct format"));
    assert!(smtp.received().is_empty());

    let ok = add_subscriber(
        &mut v,
        &csrf,
        &priya("Priya.Patel@Riverside.example", "riverside"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        ok.body
            .contains("Priya Patel now receives Riverside Academy&#39;s packs")
            && ok
                .body
                .contains("An account has been made for them and a set-password link emailed"),
        "{}",
        ok.body
    );
    // She is a subscriber, with a dsl account for Riverside…
    let subs = app
        .store
        .subscribers(Some(urn(RIVERSIDE)))
        .await
        .expect("read");
    assert_eq!(
        subs.iter().map(|s| s.email.as_str()).collect::<Vec<_>>(),
        ["priya.patel@riverside.example"]
    );
    let account = app
        .store
        .account_by_email("priya.patel@riverside.example")
        .await
        .expect("read")
        .expect("made");
    assert_eq!(
        (account.role.as_str(), account.schools.clone()),
        ("dsl", vec![urn(RIVERSIDE)])
    );
    // …and one email arrived, with a set-password link and nothing personal.
    let got = smtp.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt_to, vec!["priya.patel@riverside.example"]);
    assert!(got[0].body().starts_with("Dear Priya Patel,\n"));
    assert!(got[0]
        .body()
        .contains(&format!("{}/set-password/", crate::packs::PUBLIC)));
    assert_no_personal_data(&got[0]);
    // Audited as a change to the school's packs.
    let events = app.store.audit_events(None).await.expect("audit");
    assert!(events.iter().any(|e| e.item.actor == email_for(Role::DataOfficer)
        && e.item.action == AuditAction::Change
        && e.item.object == AuditObject::Pack
        && e.item.urn == Some(urn(RIVERSIDE))
        && e.item.detail
            == "subscribed priya.patel@riverside.example (Designated teacher) to the school's packs by hand"));

    // Adding her again says so; nothing more is sent.
    let again = add_subscriber(
        &mut v,
        &csrf,
        &priya("priya.patel@riverside.example", "100002"),
    )
    .await;
    assert!(again
        .body
        .contains("priya.patel@riverside.example already receives Riverside Academy&#39;s packs"));
    // Someone with a dsl account already (Oakfield's Sam) gets the school added, no email.
    let sam = email_for(Role::Dsl);
    let added = add_subscriber(
        &mut v,
        &csrf,
        &[
            ("name", "Sam Leigh"),
            ("role", "DSL"),
            ("school", "100002"),
            ("email", sam.as_str()),
        ],
    )
    .await;
    assert!(
        added
            .body
            .contains("Their existing account can now read the school&#39;s packs"),
        "{}",
        added.body
    );
    let sam_account = app
        .store
        .account_by_email(&sam)
        .await
        .expect("read")
        .expect("seeded");
    assert_eq!(sam_account.schools, vec![urn(OAKFIELD), urn(RIVERSIDE)]);
    assert_eq!(smtp.received().len(), 1);

    // Only the pack runners may add subscribers.
    let mut d = app.browser();
    d.sign_in(Role::Dsl).await;
    assert_eq!(
        d.get("/packs/subscriptions/new").await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = d.session_csrf().await;
    let forbidden = add_subscriber(
        &mut d,
        &csrf,
        &[
            ("name", "X"),
            ("role", "DSL"),
            ("school", "100001"),
            ("email", "x@oakfield.example"),
        ],
    )
    .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn packs_reach_on_the_schools_list_agrees_with_the_schools_to_chase() {
    let (app, _smtp) = app_with_mail().await;
    subscribe_two(&app).await;
    run(&app, "2024/25-3", false).await;
    let mut v = app.browser();
    v.sign_in(Role::Vsh).await;
    let rows = table_rows(&v.get("/schools").await.body);
    assert_eq!(
        row(&rows, "Oakfield Primary School")[5..],
        ["Sam Leigh", "Never"]
    );
    assert_eq!(row(&rows, "Riverside Academy")[5..], ["Rita Rowe", "Never"]);

    // Oakfield's DSL opens the pack; the Virtual School reading Riverside's is not Riverside
    // reading it.
    let mut d = app.browser();
    d.sign_in(Role::Dsl).await;
    let read = d.get(&format!("/schools/{OAKFIELD}/packs/2024/25-3")).await;
    assert_eq!(read.status, StatusCode::OK);
    let seen = v
        .get(&format!("/schools/{RIVERSIDE}/packs/2024/25-3"))
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    let rows = table_rows(&v.get("/schools").await.body);
    assert_eq!(
        row(&rows, "Oakfield Primary School")[6],
        "14 March 2025 (2024/25-3)"
    );
    assert_eq!(row(&rows, "Riverside Academy")[6], "Never");
    let by_read = table_rows(&v.get("/schools?sort=read").await.body);
    let order: Vec<&str> = by_read
        .iter()
        .skip(1)
        .filter_map(|r| r.first().map(String::as_str))
        .collect();
    assert_eq!(order, ["Riverside Academy", "Oakfield Primary School"]);

    // Rita unsubscribes: nobody receives Riverside's packs, and the dry run lists it to
    // chase, with the same "last pack read" and a link to add someone.
    app.store
        .unsubscribe_contact(urn(RIVERSIDE), RITA)
        .await
        .expect("unsubscribe");
    let rows = table_rows(&v.get("/schools").await.body);
    assert_eq!(row(&rows, "Riverside Academy")[5..], ["Nobody", "Never"]);
    let dry = v.get("/packs/2024/25-3").await;
    let chase = table_rows(
        dry.body
            .split("Schools to chase")
            .nth(1)
            .expect("the chase section"),
    );
    assert_eq!(
        chase.iter().skip(1).cloned().collect::<Vec<_>>(),
        vec![vec![
            "Riverside Academy".to_owned(),
            "100002".into(),
            "1".into(),
            "Never".into(),
            "Add someone to receive Riverside Academy&#39;s packs".into()
        ]]
    );
    assert!(dry
        .body
        .contains("href=\"/packs/subscriptions/new?urn=100002\""));
    // Every school the list says nobody receives, with children now, is to chase.
    for r in rows.iter().skip(1) {
        let nobody = r.get(5).map(String::as_str) == Some("Nobody");
        let now: u64 = r.get(3).and_then(|n| n.parse().ok()).unwrap_or(0);
        let chased = chase.iter().any(|c| c.first() == r.first());
        assert_eq!(nobody && now > 0, chased, "{r:?}");
    }
}

#[tokio::test]
async fn packs_in_the_api_are_scoped_audited_and_carry_the_tracker_contract() {
    let (app, _smtp) = app_with_mail().await;
    subscribe_two(&app).await;
    run(&app, "2024/25-2", false).await;
    ben_off_plan_and_amy_to_zoe(&app).await;
    run(&app, "2024/25-3", false).await;
    let dsl = token(&app, Role::Dsl).await;

    let list = call(&app, &dsl, &format!("/api/v1/schools/{OAKFIELD}/packs")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.header("content-type"), "application/json");
    let v = body(&list);
    assert_eq!(
        v["school"],
        json!({"urn": 100001, "name": "Oakfield Primary School"})
    );
    let halves: Vec<(&str, &str, &str, usize)> = v["packs"]
        .as_array()
        .expect("packs")
        .iter()
        .map(|p| {
            (
                p["half_term"].as_str().unwrap_or_default(),
                p["as_at"].as_str().unwrap_or_default(),
                p["href"].as_str().unwrap_or_default(),
                p["versions"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        halves,
        [
            (
                "2024/25-3",
                "2025-02-14",
                "/api/v1/schools/100001/packs/2024-25-3",
                1
            ),
            (
                "2024/25-2",
                "2024-12-20",
                "/api/v1/schools/100001/packs/2024-25-2",
                1
            )
        ]
    );
    assert_eq!(v["packs"][0]["default_dates"], true);
    assert_eq!(
        v["packs"][0]["versions"][0],
        json!({"version": 1, "built_at": "2025-03-14T17:00:00Z", "pupils": 1})
    );

    // The pack: its list, what changed (worked out in packs.rs) and the tracker contract.
    let pack = call(&app, &dsl, "/api/v1/schools/100001/packs/2024-25-3").await;
    assert_eq!(pack.status, StatusCode::OK, "{}", pack.body);
    let p = body(&pack);
    let amy = json!({
        "upn": seed::upn("999000000001").to_string(),
        "forename": "Amy", "surname": "Adams", "year_group": "4", "status": "CLA",
        "since": "2023-05-01",
        "worker": {"name": "Zoe Worker", "email": "zoe.worker@northshire.example",
                   "team": "Assessment and Intervention"},
    });
    let ben = json!({
        "upn": seed::upn("999000000002").to_string(),
        "forename": "Ben", "surname": "Brown", "year_group": "6", "status": "CP",
        "since": "2024-12-01",
        "worker": {"name": "Bob Worker", "email": seed::BOB,
                   "team": "Assessment and Intervention"},
    });
    let tracker = body(&call(&app, &dsl, "/api/v1/schools/100001/tracker?at=2025-02-14").await);
    assert_eq!(
        p,
        json!({
            "school": {"urn": 100001, "name": "Oakfield Primary School"},
            "half_term": "2024/25-3",
            "start": "2025-01-06",
            "as_at": "2025-02-14",
            "default_dates": true,
            "version": 1,
            "versions": [1],
            "built_at": "2025-03-14T17:00:00Z",
            "compared_with": "2024/25-2",
            "list": [amy.clone()],
            "changes": [
                {"change": "left", "pupil": ben, "reason": "no_longer_on_plan",
                 "previous_status": null, "previous_worker": null},
                {"change": "worker_changed", "pupil": amy, "reason": null,
                 "previous_status": null,
                 "previous_worker": {"name": "Ann Worker", "email": seed::ANN,
                                     "team": "Assessment and Intervention"}},
            ],
            "tracker": tracker,
        })
    );
    // The half term may be written as the pages write it, encoded or not.
    for path in [
        "/api/v1/schools/100001/packs/2024%2F25-3",
        "/api/v1/schools/100001/packs/2024/25-3",
        "/api/v1/schools/100001/packs/2024-25-3?version=1",
    ] {
        let r = call(&app, &dsl, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(body(&r), p, "{path}");
    }

    // Scope: another school's packs are the same 404 as none, in the API and the pages.
    let mut d = app.browser();
    d.sign_in(Role::Dsl).await;
    for path in [
        "/api/v1/schools/100002/packs",
        "/api/v1/schools/100002/packs/2024-25-3",
        "/api/v1/schools/100001/packs/2024-25-4",
        "/api/v1/schools/100001/packs/2024-25-9",
        "/api/v1/schools/100001/packs/2024-25-3?version=2",
        "/api/v1/schools/999999/packs",
        "/api/v1/schools/abc/packs",
    ] {
        let r = call(&app, &dsl, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
        assert_eq!(r.header("content-type"), "application/problem+json");
        let page = path.replace("/api/v1", "").replace("2024-25", "2024/25");
        if !page.contains('?') {
            assert_eq!(d.get(&page).await.status, StatusCode::NOT_FOUND, "{page}");
        }
    }
    assert_eq!(
        call(
            &app,
            &dsl,
            "/api/v1/schools/100001/packs/2024-25-3?version=x"
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    for (role, status) in [
        (Role::Vsh, StatusCode::OK),
        (Role::AdvisoryTeacher, StatusCode::OK),
        (Role::DataOfficer, StatusCode::OK),
        (Role::SocialWorker, StatusCode::FORBIDDEN),
        (Role::Trainer, StatusCode::FORBIDDEN),
    ] {
        let t = token(&app, role).await;
        for path in [
            "/api/v1/schools/100002/packs",
            "/api/v1/schools/100002/packs/2024-25-3",
        ] {
            assert_eq!(call(&app, &t, path).await.status, status, "{role} {path}");
        }
    }
    assert_eq!(
        app.get("/api/v1/schools/100001/packs").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Audited: the list; the pack and each child it names (Amy, and Ben who left it).
    let events = app.store.audit_events(None).await.expect("audit");
    let by_dsl: Vec<_> = events
        .iter()
        .map(|e| &e.item)
        .filter(|e| e.actor == email_for(Role::Dsl))
        .collect();
    assert!(by_dsl.iter().any(|e| e.object == AuditObject::Pack
        && e.detail == "the school's list of packs (API)"
        && e.urn == Some(urn(OAKFIELD))));
    let children: std::collections::BTreeSet<String> = by_dsl
        .iter()
        .filter(|e| e.object == AuditObject::Child && e.detail == "in pack 2024/25-3 (API)")
        .filter_map(|e| e.upn.map(|u| u.to_string()))
        .collect();
    assert_eq!(
        children.into_iter().collect::<Vec<_>>(),
        [
            seed::upn("999000000001").to_string(),
            seed::upn("999000000002").to_string()
        ]
    );
    // A DSL's read through the API is the school reading its pack.
    let reads = app.store.pack_last_reads().await.expect("reads");
    assert_eq!(
        reads
            .iter()
            .map(|r| (r.urn, r.half_term.as_str()))
            .collect::<Vec<_>>(),
        [(urn(OAKFIELD), "2024/25-3")]
    );

    // The OpenAPI document describes both.
    let doc = body(&app.get("/api/v1/openapi.json").await);
    for path in [
        "/api/v1/schools/{urn}/packs",
        "/api/v1/schools/{urn}/packs/{half_term}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
}

/// A real tracker workbook, padded with a notes sheet to about `kib` KiB (XLSX is zipped,
/// so the padding is text that compresses poorly).
fn workbook(targets: &[(&str, f64)], kib: usize) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Looked after").expect("name");
    ws.write_string(0, 0, "UPN").expect("w");
    ws.write_string(0, 1, "Aspirational target %").expect("w");
    for (i, (upn, t)) in targets.iter().enumerate() {
        let r = u32::try_from(i + 1).expect("row");
        ws.write_string(r, 0, *upn).expect("w");
        ws.write_number(r, 1, *t).expect("w");
    }
    let notes = wb.add_worksheet();
    notes.set_name("Notes").expect("name");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for r in 0..(kib as u32 * 1024 / 40) {
        let mut cell = String::new();
        for _ in 0..4 {
            // xorshift: text that does not compress away.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cell.push_str(&format!("{x:016x}"));
        }
        notes.write_string(r, 0, &cell).expect("w");
    }
    wb.save_to_buffer().expect("xlsx")
}

#[tokio::test]
async fn packs_tracker_workbooks_up_to_5_mb_are_read_and_larger_ones_refused_clearly() {
    let app = TestApp::start().await;
    let mut d = app.browser();
    d.sign_in(Role::Dsl).await;
    let csrf = d.session_csrf().await;
    let path = format!("/schools/{OAKFIELD}/tracker/upload");
    let amy = seed::upn("999000000001").to_string();

    // Bigger than the 64 KiB every other form is held to.
    let book = workbook(&[(amy.as_str(), 97.0)], 300);
    assert!(book.len() > 200 * 1024, "{} bytes", book.len());
    let ok = d
        .post_multipart(
            &path,
            &[
                ("csrf_token", None, csrf.as_bytes()),
                ("workbook", Some("tracker.xlsx"), &book),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("1 target saved"), "{}", ok.body);

    // Above 5 MB: the tracker page again, with the limit in plain words.
    let huge = vec![b'x'; 5 * 1024 * 1024 + 1];
    let refused = d
        .post_multipart(
            &path,
            &[
                ("csrf_token", None, csrf.as_bytes()),
                ("workbook", Some("tracker.xlsx"), &huge),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("There is a problem"));
    assert!(
        refused.body.contains("The file is larger than 5 MB"),
        "{}",
        refused.body
    );
    // So is one far larger than the route reads at all.
    let far = vec![b'x'; 12 * 1024 * 1024];
    let refused = d
        .post_multipart(
            &path,
            &[
                ("csrf_token", None, csrf.as_bytes()),
                ("workbook", Some("tracker.xlsx"), &far),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(refused.body.contains("The file is larger than 5 MB"));
    // The limit is this route's alone: the targets form keeps 64 KiB.
    let padding = "x".repeat(100 * 1024);
    let form = d
        .post(
            &format!("/schools/{OAKFIELD}/tracker/targets"),
            &[("csrf_token", csrf.as_str()), ("padding", padding.as_str())],
        )
        .await;
    assert_eq!(form.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Without the form's token first, nothing is read.
    let forged = d
        .post_multipart(&path, &[("workbook", Some("tracker.xlsx"), &book)])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}
