//! The data pages: upload (multipart, CSRF from the form's first field), the progress page
//! until the background import is over, the result with its problems and their CSV, the
//! history, and the identity review queue; only `vsh` and `data-officer` may use them.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use vschool_web::auth::Role;

use crate::helpers::TestApp;
use crate::helpers::{table_rows, Browser, Reply};

const BOUNDARY: &str = "XyZboundary123";

fn multipart(fields: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
    let mut out = String::new();
    for (name, file, value) in fields {
        out.push_str(&format!("--{BOUNDARY}\r\n"));
        match file {
            Some(f) => out.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n"
            )),
            None => out.push_str(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")),
        }
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str(&format!("--{BOUNDARY}--\r\n"));
    out.into_bytes()
}

async fn upload(b: &mut Browser<'_>, fields: &[(&str, Option<&str>, &str)]) -> Reply {
    let cookies = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    b.app
        .send(
            Request::post("/data/upload")
                .header(header::COOKIE, cookies)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .header(header::HOST, "127.0.0.1:8080")
                .header(header::ORIGIN, "http://127.0.0.1:8080")
                .body(Body::from(multipart(fields)))
                .expect("request"),
        )
        .await
}

/// Follows the import's progress (the JSON the page's script polls) until it is over, then
/// reads the status page, which shows the result.
async fn result(b: &mut Browser<'_>, location: &str) -> Reply {
    for _ in 0..200 {
        let p = b.get(&format!("{location}/progress.json")).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert_eq!(p.header("content-type"), "application/json");
        let v: serde_json::Value = serde_json::from_str(&p.body).expect("a progress report");
        assert!(v["percent"].as_u64().is_some_and(|n| n <= 100), "{v}");
        if v["finished"] == true {
            let r = b.get(location).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(!r.body.contains("data-module=\"app-progress\""));
            return r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import did not finish");
}

#[tokio::test]
async fn a_rejected_file_lists_its_problems_and_loads_nothing() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::DataOfficer).await;
    assert_eq!(b.get("/data").await.status, StatusCode::OK);
    let form = b.get("/data/upload").await;
    assert_eq!(form.status, StatusCode::OK);
    let token = form.csrf();
    let before = app.store.data_version().await.expect("version");
    let csv = "UPN,URN,Date,Session,Code\nA12,100001,2025-03-10,AM,/\n";
    let r = upload(
        &mut b,
        &[
            ("csrf_token", None, &token),
            ("kind", None, "attendance"),
            ("files", Some("marks.csv"), csv),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location().to_owned();
    assert!(location.starts_with("/data/jobs/"));
    let done = result(&mut b, &location).await;
    assert!(
        done.body.contains("Your file was not loaded"),
        "{}",
        done.body
    );
    let rows = table_rows(&done.body);
    assert!(
        rows.iter()
            .any(|r| r.first().map(String::as_str) == Some("2")
                && r.get(1).map(String::as_str) == Some("UPN")
                && r.get(2).map(String::as_str) == Some("A12")),
        "{rows:?}"
    );
    assert_eq!(app.store.data_version().await.expect("version"), before);
    // Every problem as CSV, and the history lists the file.
    let href = done
        .body
        .split("href=\"")
        .find_map(|s| s.split('"').next().filter(|h| h.ends_with("problems.csv")))
        .expect("a problems link")
        .to_owned();
    let problems = b.get(&href).await;
    assert_eq!(problems.status, StatusCode::OK);
    assert!(problems
        .body
        .starts_with("file,line,element,la_child_id,field,value,severity,rule,reason"));
    assert!(problems.body.contains("marks.csv,2,,,UPN,A12,error"));
    let history = b.get("/data/imports").await;
    assert!(history.body.contains("marks.csv") && history.body.contains("Rejected"));
}

#[tokio::test]
async fn a_good_file_loads_and_the_form_says_what_is_missing() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    let token = b.get("/data/upload").await.csrf();
    // Nothing chosen: the form again with its errors.
    let r = upload(&mut b, &[("csrf_token", None, &token), ("kind", None, "")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("Choose the kind of file you are uploading"));
    assert!(r.body.contains("Choose a file to upload"));
    // A forged form (no token, or a wrong one) reads nothing.
    let r = upload(&mut b, &[("kind", None, "attendance")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = upload(
        &mut b,
        &[("csrf_token", None, "nope"), ("kind", None, "contacts")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let csv = "URN,Role,Name,Email\n100001,DSL,Pat Lee,pat.lee@oakfield.example\n";
    let r = upload(
        &mut b,
        &[
            ("csrf_token", None, &token),
            ("kind", None, "contacts"),
            ("files", Some("contacts.csv"), csv),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let done = result(&mut b, r.location()).await;
    assert!(done.body.contains("Import finished"), "{}", done.body);
    let rows = table_rows(&done.body);
    assert!(
        rows.iter()
            .any(|r| r.first().map(String::as_str) == Some("Loaded")),
        "{rows:?}"
    );
}

#[tokio::test]
async fn only_importers_reach_the_data_pages() {
    let app = TestApp::start().await;
    for role in [
        Role::AdvisoryTeacher,
        Role::Dsl,
        Role::SocialWorker,
        Role::Trainer,
    ] {
        let mut b = app.browser();
        b.sign_in(role).await;
        for path in [
            "/data",
            "/data/upload",
            "/data/imports",
            "/data/review",
            "/data/imports/1/problems.csv",
        ] {
            assert_eq!(
                b.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{role} {path}"
            );
        }
        let token = b.get("/").await.csrf();
        let r = upload(
            &mut b,
            &[("csrf_token", None, &token), ("kind", None, "contacts")],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    let mut b = app.browser();
    b.sign_in(Role::DataOfficer).await;
    assert_eq!(
        b.get("/data/jobs/unknown").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get("/data/review/999").await.status,
        StatusCode::NOT_FOUND
    );
    let review = b.get("/data/review").await;
    assert_eq!(review.status, StatusCode::OK);
    // The seed's C006 has no UPN, but no roll pupil shares its birth date and sex.
    assert!(
        review.body.contains("No pairs are waiting"),
        "{}",
        review.body
    );
}
