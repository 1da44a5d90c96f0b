//! The JSON API: bearer tokens, scopes, the contracts, problem documents, the OpenAPI
//! document and an authorisation matrix of every role × endpoint.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use vschool_web::accounts::{create_api_token, revoke_access, Actor};
use vschool_web::auth::Role;

use crate::helpers::{Reply, TestApp};
use crate::seed::upn;

pub async fn token(app: &TestApp, role: Role) -> String {
    create_api_token(
        &app.store,
        &Actor::at_terminal(),
        &crate::seed::email_for(role),
        "test",
    )
    .await
    .expect("token")
}

pub async fn call(app: &TestApp, token: &str, path: &str) -> Reply {
    app.send(
        Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

pub fn body(r: &Reply) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

#[tokio::test]
async fn no_token_bad_token_revoked_token_are_401_problems() {
    let app = TestApp::start().await;
    let r = app.get("/api/v1/cohort").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(r.header("www-authenticate").starts_with("Bearer"));
    assert_eq!(body(&r)["status"], 401);
    let r = call(
        &app,
        "vst_0000000000000000000000000000000000000000000000000000000000000000",
        "/api/v1/cohort",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let t = token(&app, Role::Vsh).await;
    assert_eq!(
        call(&app, &t, "/api/v1/cohort").await.status,
        StatusCode::OK
    );
    revoke_access(&app.store, &Actor::at_terminal(), "vsh@northshire.example")
        .await
        .expect("revoke");
    assert_eq!(
        call(&app, &t, "/api/v1/cohort").await.status,
        StatusCode::UNAUTHORIZED
    );
    // A session cookie is not an API credential.
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    assert_eq!(
        b.get("/api/v1/cohort").await.status,
        StatusCode::UNAUTHORIZED
    );
    // Unknown API paths are problems too.
    let r = call(&app, &t, "/api/v1/nothing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.header("content-type"), "application/problem+json");
}

#[tokio::test]
async fn cohort_is_the_cli_contract_and_suppressed_for_a_dsl() {
    let app = TestApp::start().await;
    let vsh = token(&app, Role::Vsh).await;
    let r = call(&app, &vsh, "/api/v1/cohort?at=2025-03-14").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/json");
    assert_eq!(
        r.body,
        r#"{"at":"2025-03-14","CLA":1,"CP":2,"CIN":1,"ever6":6}"#
    );
    let r = call(&app, &vsh, "/api/v1/cohort?at=2025-03-14&suppressed=true").await;
    assert_eq!(
        body(&r),
        json!({"at":"2025-03-14","CLA":"c","CP":"c","CIN":"c","ever6":6})
    );
    // Before C003's plan started (10 January 2025) there was no CIN child.
    let r = call(&app, &vsh, "/api/v1/cohort?at=2025-01-09").await;
    assert_eq!(body(&r)["CIN"], 0);
    for bad in ["at=14-03-2025", "at=0000-01-01", "suppressed=maybe"] {
        let r = call(&app, &vsh, &format!("/api/v1/cohort?{bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let dsl = token(&app, Role::Dsl).await;
    let r = call(&app, &dsl, "/api/v1/cohort?at=2025-03-14").await;
    assert_eq!(
        body(&r),
        json!({"at":"2025-03-14","CLA":"c","CP":"c","CIN":"c","ever6":6})
    );
}

#[tokio::test]
async fn pupils_are_listed_in_upn_order_within_scope_and_audited() {
    let app = TestApp::start().await;
    let vsh = token(&app, Role::Vsh).await;
    let r = call(&app, &vsh, "/api/v1/pupils").await;
    assert_eq!(r.status, StatusCode::OK);
    let upns: Vec<String> = body(&r)["pupils"]
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["upn"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut sorted = upns.clone();
    sorted.sort();
    assert_eq!(upns, sorted);
    assert_eq!(
        upns.len(),
        5,
        "every linked child: Amy, Ben, Cara, Dan, Eve"
    );

    let dsl = token(&app, Role::Dsl).await;
    let r = call(&app, &dsl, "/api/v1/pupils?school=100001").await;
    let v = body(&r);
    let amy = upn("999000000001").to_string();
    let ben = upn("999000000002").to_string();
    assert_eq!(
        v,
        json!({"pupils":[
            {"upn": amy, "name": "Amy Adams", "urn": 100001, "status": "CLA"},
            {"upn": ben, "name": "Ben Brown", "urn": 100001, "status": "CP"},
        ]})
    );
    assert_eq!(
        call(&app, &dsl, "/api/v1/pupils?school=100002")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, &dsl, "/api/v1/pupils?school=12").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(&app, &dsl, "/api/v1/pupils?page=0").await.status,
        StatusCode::BAD_REQUEST
    );

    let sw = token(&app, Role::SocialWorker).await;
    let names: Vec<String> = body(&call(&app, &sw, "/api/v1/pupils").await)["pupils"]
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(names, ["Amy Adams", "Cara Clarke"]);
    let views = app
        .store
        .audit_events(None)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.item.detail == "listed by the API")
        .count();
    assert_eq!(views, 5 + 2 + 2);
}

#[tokio::test]
async fn a_pupils_profile_has_the_hand_worked_figures() {
    let app = TestApp::start().await;
    let t = token(&app, Role::AdvisoryTeacher).await;
    let amy = upn("999000000001").to_string();
    let r = call(&app, &t, &format!("/api/v1/pupils/{amy}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = body(&r);
    assert_eq!(v["status"], "CLA");
    assert_eq!(v["status_date"], "2023-05-01");
    assert_eq!(v["worker"]["email"], "ann.worker@northshire.example");
    let a = &v["attendance"][0];
    assert_eq!(a["urn"], 100001);
    assert_eq!(
        a["year_to_date"],
        json!({"possible":12,"attended":7,"authorised":4,"unauthorised":1,"attendance_pct":58.3})
    );
    assert_eq!(a["previous_term"]["attendance_pct"], 50.0);
    assert_eq!(a["previous_year"]["attendance_pct"], 100.0);
    assert_eq!(a["persistent_absence"], true);
    assert_eq!(a["severe_absence"], false);
    assert_eq!(a["part_time_sessions"], 2);
    assert_eq!(v["exclusions"][0]["category"], "SUSP");

    // Eve (adopted) is not a DSL's; nonsense is not found either.
    let dsl = token(&app, Role::Dsl).await;
    let eve = upn("999000000005").to_string();
    assert_eq!(
        call(&app, &dsl, &format!("/api/v1/pupils/{eve}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, &dsl, "/api/v1/pupils/not-a-upn").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, &dsl, &format!("/api/v1/pupils/{amy}"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_tracker_is_the_analytics_contract() {
    let app = TestApp::start().await;
    let t = token(&app, Role::Dsl).await;
    let r = call(&app, &t, "/api/v1/schools/100001/tracker?at=2025-03-14").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = body(&r);
    assert_eq!(
        v["school"],
        json!({"urn":100001,"name":"Oakfield Primary School"})
    );
    let statuses: Vec<&str> = v["pupils"]
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses, ["CLA", "CP"]);
    assert_eq!(v["pupils"][0]["year_to_date"]["attendance_pct"], 58.3);
    assert_eq!(
        call(&app, &t, "/api/v1/schools/100002/tracker")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, &t, "/api/v1/schools/abc/tracker").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Every role × every endpoint.
#[tokio::test]
async fn authorisation_matrix_for_the_api() {
    let app = TestApp::start().await;
    let amy = upn("999000000001").to_string();
    let paths = [
        "/api/v1/cohort".to_owned(),
        "/api/v1/pupils".to_owned(),
        "/api/v1/pupils?school=100001".to_owned(),
        format!("/api/v1/pupils/{amy}"),
        "/api/v1/schools/100001/tracker".to_owned(),
        "/api/v1/schools/100002/tracker".to_owned(),
    ];
    use StatusCode as S;
    let matrix: [(Role, [S; 6]); 6] = [
        (Role::Vsh, [S::OK, S::OK, S::OK, S::OK, S::OK, S::OK]),
        (
            Role::AdvisoryTeacher,
            [S::OK, S::OK, S::OK, S::OK, S::OK, S::OK],
        ),
        (
            Role::DataOfficer,
            [S::OK, S::OK, S::OK, S::OK, S::OK, S::OK],
        ),
        (Role::Dsl, [S::OK, S::OK, S::OK, S::OK, S::OK, S::NOT_FOUND]),
        (
            Role::SocialWorker,
            [
                S::FORBIDDEN,
                S::OK,
                S::NOT_FOUND,
                S::OK,
                S::FORBIDDEN,
                S::FORBIDDEN,
            ],
        ),
        (
            Role::Trainer,
            [
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::FORBIDDEN,
                S::NOT_FOUND,
                S::FORBIDDEN,
                S::FORBIDDEN,
            ],
        ),
    ];
    for (role, want) in matrix {
        let t = token(&app, role).await;
        for (path, status) in paths.iter().zip(want) {
            let r = call(&app, &t, path).await;
            assert_eq!(r.status, status, "{role} {path}: {}", r.body);
        }
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::start().await;
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = body(&r);
    assert_eq!(v["openapi"], "3.0.3");
    for path in [
        "/api/v1/cohort",
        "/api/v1/pupils",
        "/api/v1/pupils/{upn}",
        "/api/v1/schools/{urn}/tracker",
        "/api/v1/openapi.json",
    ] {
        assert!(v["paths"][path]["get"].is_object(), "{path} documented");
    }
}
