//! The school portal's scoping and audit, targets (form and workbook), the public request
//! page, approving it, and the unsubscribe link.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use vschool_mail::testing::TestSmtpServer;
use vschool_store::{AuditAction, AuditObject, RequestStatus};
use vschool_web::auth::Role;

use crate::helpers::{table_rows, Browser, TestApp};

/// A request with the browser's cookies; the response body's bytes (a download).
async fn raw_with(
    app: &TestApp,
    b: &Browser<'_>,
    req: axum::http::request::Builder,
    body: Body,
) -> Vec<u8> {
    use tower::ServiceExt;
    let cookies = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let req = req
        .header(header::COOKIE, cookies)
        .body(body)
        .expect("request");
    let res = app
        .router
        .clone()
        .oneshot(req)
        .await
        .expect("the router never fails");
    axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body")
        .to_vec()
}

async fn raw(app: &TestApp, b: &Browser<'_>, req: axum::http::request::Builder) -> Vec<u8> {
    raw_with(app, b, req, Body::empty()).await
}
use crate::packs::{assert_no_personal_data, config, run, subscribe_two, PUBLIC, RITA};
use crate::seed::{email_for, upn, urn, OAKFIELD, RIVERSIDE};

#[tokio::test]
async fn a_dsl_sees_their_schools_packs_and_never_another_schools() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    subscribe_two(&app).await;
    run(&app, "2024/25-3", false).await;

    let mut d = app.browser();
    d.sign_in(Role::Dsl).await;
    let list = d.get(&format!("/schools/{OAKFIELD}/packs")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Half term 2024/25-3"));
    let pack = d.get(&format!("/schools/{OAKFIELD}/packs/2024/25-3")).await;
    assert_eq!(pack.status, StatusCode::OK);
    let rows = table_rows(&pack.body);
    assert!(
        rows.iter()
            .any(|r| r.first().map(String::as_str) == Some("Amy Adams")
                && r.contains(&"Ann Worker".to_owned())),
        "{rows:?}"
    );
    assert!(!pack.body.contains("Eve Evans"));
    assert!(pack.body.contains("first pack"));
    let xlsx = d
        .get(&format!("/schools/{OAKFIELD}/packs/2024/25-3/download"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.header("content-disposition").contains(".xlsx"));

    // Riverside's pack exists, but is another school's: the same 404 as no pack at all.
    for path in [
        format!("/schools/{RIVERSIDE}/packs/2024/25-3"),
        format!("/schools/{RIVERSIDE}/packs/2024/25-3/download"),
        format!("/schools/{RIVERSIDE}/packs"),
        format!("/schools/{RIVERSIDE}/tracker"),
        format!("/schools/{RIVERSIDE}/tracker/download"),
        format!("/schools/{OAKFIELD}/packs/2024/25-4"),
        format!("/schools/{OAKFIELD}/packs/2024/25-9"),
    ] {
        assert_eq!(d.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    for role in [Role::SocialWorker, Role::Trainer] {
        let mut b = app.browser();
        b.sign_in(role).await;
        assert_eq!(
            b.get(&format!("/schools/{OAKFIELD}/packs/2024/25-3"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{role}"
        );
        assert_eq!(
            b.get(&format!("/schools/{OAKFIELD}/tracker")).await.status,
            StatusCode::NOT_FOUND,
            "{role}"
        );
    }
    // The Virtual School's team sees every school's pack.
    let mut v = app.browser();
    v.sign_in(Role::AdvisoryTeacher).await;
    assert_eq!(
        v.get(&format!("/schools/{RIVERSIDE}/packs/2024/25-3"))
            .await
            .status,
        StatusCode::OK
    );
    // Not signed in: sign in first.
    assert_eq!(
        app.get(&format!("/schools/{OAKFIELD}/packs/2024/25-3"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Viewing and downloading were audited: the pack, and each child on it.
    let events = app.store.audit_events(None).await.expect("audit");
    let dsl = email_for(Role::Dsl);
    let mine = |action: AuditAction, object: AuditObject| {
        events
            .iter()
            .filter(|e| e.item.actor == dsl && e.item.action == action && e.item.object == object)
            .count()
    };
    assert_eq!(mine(AuditAction::View, AuditObject::Pack), 1);
    assert_eq!(mine(AuditAction::Download, AuditObject::Pack), 1);
    assert!(mine(AuditAction::View, AuditObject::Child) >= 2);
    assert!(mine(AuditAction::Download, AuditObject::Child) >= 2);
}

#[tokio::test]
async fn targets_set_on_the_page_and_uploaded_appear_in_the_tracker_and_the_next_pack() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    subscribe_two(&app).await;
    let mut d = app.browser();
    d.sign_in(Role::Dsl).await;
    let page = d.get(&format!("/schools/{OAKFIELD}/tracker")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Amy Adams") && page.body.contains("Ben Brown"));
    let bad = d
        .post(
            &format!("/schools/{OAKFIELD}/tracker/targets"),
            &[("csrf_token", &page.csrf()), ("group-CLA", "120")],
        )
        .await;
    assert!(
        bad.body.contains("There is a problem") && bad.body.contains("href=\"#group-CLA\""),
        "{}",
        bad.body
    );
    let saved = d
        .post(
            &format!("/schools/{OAKFIELD}/tracker/targets"),
            &[
                ("csrf_token", &page.csrf()),
                ("group-CLA", "92"),
                ("group-CP", ""),
                (&format!("pupil-{}", upn("999000000002")), "96.5"),
            ],
        )
        .await;
    assert!(saved.body.contains("2 targets saved"), "{}", saved.body);
    assert!(saved.body.contains("value=\"92\"") && saved.body.contains("value=\"96.5\""));

    // The workbook carries them (Amy from her group, Ben his own) and reads back.
    let xlsx = raw(
        &app,
        &d,
        Request::get(format!("/schools/{OAKFIELD}/tracker/download")),
    )
    .await;
    let read = vschool_web::routes::portal::targets::read_workbook(xlsx).expect("reads");
    let mut got: Vec<(String, Option<u32>)> = read
        .targets
        .iter()
        .map(|(u, t)| (u.to_string(), t.map(|p| p.tenths())))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (upn("999000000001").to_string(), Some(920)),
            (upn("999000000002").to_string(), Some(965))
        ]
    );

    // A filled-in workbook uploaded back: Amy's own target 97; a stranger's row is skipped.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Looked after").expect("name");
    ws.write_string(0, 0, "UPN").expect("w");
    ws.write_string(0, 1, "Aspirational target %").expect("w");
    ws.write_string(1, 0, upn("999000000001").to_string())
        .expect("w");
    ws.write_number(1, 1, 97.0).expect("w");
    ws.write_string(2, 0, upn("999000000003").to_string())
        .expect("w");
    ws.write_number(2, 1, 90.0).expect("w");
    let bytes = wb.save_to_buffer().expect("xlsx");
    let csrf = d.session_csrf().await;
    let boundary = "XyZzyBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"t.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let req = Request::post(format!("/schools/{OAKFIELD}/tracker/upload"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::HOST, "vs.northshire.example")
        .header(header::ORIGIN, PUBLIC);
    let up = String::from_utf8_lossy(&raw_with(&app, &d, req, Body::from(body)).await).into_owned();
    assert!(
        up.contains("1 target saved") && up.contains("1 rows were skipped"),
        "{up}"
    );

    // The next pack's tracker has them.
    run(&app, "2024/25-3", false).await;
    let p = app
        .store
        .pack_latest(urn(OAKFIELD), "2024/25-3")
        .await
        .expect("read")
        .expect("built");
    let c = vschool_web::packs::content::PackContent::from_stored(&p).expect("content");
    let targets: Vec<Option<u32>> = c
        .tracker
        .rows
        .iter()
        .map(|r| r.target.map(|t| t.tenths()))
        .collect();
    assert_eq!(targets, vec![Some(970), Some(965)]);
    // Another school's tracker is out of reach for the form too.
    let other = d
        .post(
            &format!("/schools/{RIVERSIDE}/tracker/targets"),
            &[("csrf_token", &csrf), ("group-CLA", "90")],
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn asking_for_packs_approval_and_the_unsubscribe_link() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    let mut public = app.browser();
    let form = public.get("/subscribe").await;
    assert_eq!(form.status, StatusCode::OK);
    let empty = public
        .post("/subscribe", &[("csrf_token", &form.csrf())])
        .await;
    for msg in [
        "Enter your full name",
        "Select your role",
        "Enter your school",
        "Enter your work email",
    ] {
        assert!(empty.body.contains(msg), "{msg}");
    }
    assert!(empty.body.contains("<title>Error:"));
    let ambiguous = public
        .post(
            "/subscribe",
            &[
                ("csrf_token", &form.csrf()),
                ("name", "Rita Rowe"),
                ("role", "DSL"),
                ("school", "a"),
                ("email", RITA),
            ],
        )
        .await;
    assert!(
        ambiguous.body.contains("More than one school matches"),
        "{}",
        ambiguous.body
    );
    let ok = public
        .post(
            "/subscribe",
            &[
                ("csrf_token", &form.csrf()),
                ("name", "Rita Rowe"),
                ("role", "DSL"),
                ("school", "riverside"),
                ("email", RITA),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("Request sent") && ok.body.contains("Riverside Academy"));
    let pending = app
        .store
        .subscription_requests(Some(RequestStatus::Pending))
        .await
        .expect("read");
    assert_eq!((pending.len(), pending[0].urn), (1, urn(RIVERSIDE)));
    // Without the form's token nothing is accepted.
    let forged = public
        .post(
            "/subscribe",
            &[
                ("name", "X"),
                ("role", "DSL"),
                ("school", "100002"),
                ("email", "x@x.example"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Rate limited: a few more from the same address, then refused.
    for n in 0..4 {
        let email = format!("other{n}@riverside.example");
        public
            .post(
                "/subscribe",
                &[
                    ("csrf_token", &form.csrf()),
                    ("name", "Rita Rowe"),
                    ("role", "DSL"),
                    ("school", "100002"),
                    ("email", &email),
                ],
            )
            .await;
    }
    let limited = public
        .post(
            "/subscribe",
            &[
                ("csrf_token", &form.csrf()),
                ("name", "Rita Rowe"),
                ("role", "DSL"),
                ("school", "100002"),
                ("email", "third@riverside.example"),
            ],
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains("Too many requests"));

    // The Virtual School approves Rita: she is subscribed and emailed a set-password link.
    let mut v = app.browser();
    v.sign_in(Role::DataOfficer).await;
    let list = v.get("/packs/subscriptions").await;
    assert!(list.body.contains("Rita Rowe"));
    let approved = v
        .post(
            &format!("/packs/subscriptions/{}/approve", pending[0].id),
            &[("csrf_token", &list.csrf())],
        )
        .await;
    assert!(
        approved.body.contains("Rita Rowe approved"),
        "{}",
        approved.body
    );
    // Approving waits for the set-password email (the banner says it went).
    assert!(
        approved
            .body
            .contains("An account has been made for them and a set-password link emailed"),
        "{}",
        approved.body
    );
    let got = smtp.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt_to, vec![RITA.to_owned()]);
    assert!(got[0].body().contains("/set-password/"));
    assert_eq!(
        app.store
            .subscribers(Some(urn(RIVERSIDE)))
            .await
            .expect("read")
            .len(),
        1
    );

    // Her pack email's unsubscribe link works without signing in.
    run(&app, "2024/25-3", false).await;
    let pack_email = smtp
        .received()
        .into_iter()
        .find(|m| m.subject().contains("pack for half term"))
        .expect("a pack email");
    assert_no_personal_data(&pack_email);
    let link = pack_email.header("List-Unsubscribe").expect("header");
    let path = link
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_start_matches(PUBLIC)
        .to_owned();
    let mut anyone = app.browser();
    let confirm = anyone.get(&path).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("Stop receiving Riverside Academy"));
    assert_eq!(
        app.store
            .subscribers(Some(urn(RIVERSIDE)))
            .await
            .expect("read")
            .len(),
        1,
        "opening the link is not enough"
    );
    // A mail program's one-click POST (RFC 8058): no cookie, no CSRF token, another origin.
    let req = Request::post(&path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://mail.example")
        .body(Body::from("List-Unsubscribe=One-Click"))
        .expect("request");
    let done = app.send(req).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("You have unsubscribed"));
    assert!(app
        .store
        .subscribers(Some(urn(RIVERSIDE)))
        .await
        .expect("read")
        .is_empty());
    assert_eq!(
        anyone.get("/unsubscribe/not-a-token").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_social_worker_sees_their_caseloads_schools_and_contacts() {
    let app = TestApp::start().await;
    app.store
        .subscribe_contact(
            urn(OAKFIELD),
            "Sam Leigh",
            vschool_domain::pupil::ContactRole::Dsl,
            "sam@oakfield.example",
            "test",
            app.state.now(),
        )
        .await
        .expect("contact");
    let mut s = app.browser();
    s.sign_in(Role::SocialWorker).await;
    let r = s.get("/caseload/schools").await;
    assert_eq!(r.status, StatusCode::OK);
    let rows = table_rows(&r.body);
    // Ann's caseload: Amy at Oakfield and Cara at Riverside. Amy (see the seed): this year
    // 7 of 12 sessions, 58.3%; this term (spring 2025 from 1 January: / \ C2 C2 L \) 4 of
    // 6, 66.7%; on plan all year, 58.3%; one suspension, on 20 January 2025.
    let amy = rows
        .iter()
        .find(|r| r.first().map(String::as_str) == Some("Amy Adams"))
        .expect("Amy");
    assert_eq!(
        amy[1..7],
        [
            "Oakfield Primary School (100001)",
            "Year 4",
            "58.3%",
            "66.7%",
            "58.3%",
            "1"
        ]
    );
    assert!(amy[7].contains("Sam Leigh (DSL), sam@oakfield.example"));
    assert!(rows
        .iter()
        .any(|r| r.first().map(String::as_str) == Some("Cara Clarke")));
    assert!(!r.body.contains("Ben Brown"));
    assert!(r
        .body
        .contains("spring term 2024/25 so far, from 1 January 2025"));

    // The same list as CSV and XLSX, each child's download audited.
    let csv = s.get("/caseload/schools.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv
        .header("content-disposition")
        .contains("caseload-schools-2025-03-14.csv"));
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some("Child,School,Year group,Attendance this year,Attendance this term,Attendance on plan this year,Suspensions this year,DSL and designated teacher")
    );
    assert!(
        csv.body.contains(
            "Amy Adams,Oakfield Primary School (100001),Year 4,58.3,66.7,58.3,1,\"Sam Leigh (DSL), sam@oakfield.example\""
        ),
        "{}",
        csv.body
    );
    let xlsx = raw(&app, &s, Request::get("/caseload/schools.xlsx")).await;
    assert!(xlsx.starts_with(b"PK"));
    let downloads = app
        .store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| {
            e.item.action == AuditAction::Download
                && e.item
                    .detail
                    .starts_with("in the caseload schools download")
        })
        .count();
    assert_eq!(downloads, 4, "two children, two files");

    let mut d = app.browser();
    d.sign_in(Role::Dsl).await;
    for path in [
        "/caseload/schools",
        "/caseload/schools.csv",
        "/caseload/schools.xlsx",
    ] {
        assert_eq!(d.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}
