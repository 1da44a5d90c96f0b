//! Half-term packs end to end: emails through a real SMTP server on loopback (exactly what
//! arrived, to whom, and that nothing in it is personal data), re-runs, retries when the
//! server was down, "what changed" worked out by hand, and the packs pages.

use axum::http::StatusCode;
use time::macros::date;
use vschool_domain::pupil::ContactRole;
use vschool_domain::{Dataset, LaChildId, PlanKind, Span};
use vschool_mail::testing::{free_port, Received, TestSmtpServer};
use vschool_mail::SmtpConfig;
use vschool_store::{DeliveryStatus, OutboxKind};
use vschool_web::accounts::Actor;
use vschool_web::auth::Role;
use vschool_web::packs::calendar::{self, ResolvedHalfTerm};
use vschool_web::packs::content::PackContent;
use vschool_web::packs::run::{self, Notifier};
use vschool_web::packs::subscribers::ensure_accounts;
use vschool_web::Config;

use crate::helpers::{table_rows, TestApp};
use crate::seed::{self, email_for, urn, OAKFIELD, RIVERSIDE};

/// The same origin the test browser posts from, so forms are accepted.
pub const PUBLIC: &str = "http://127.0.0.1:8080";
pub const RITA: &str = "rita.rowe@riverside.example";

/// Everything in the seed that is personal data of a child: names, UPNs, LA child ids,
/// dates of birth (as stored and as pages write them).
pub const PERSONAL: &[&str] = &[
    "Amy",
    "Adams",
    "Ben",
    "Brown",
    "Cara",
    "Clarke",
    "Dan",
    "Davies",
    "Eve",
    "Evans",
    "999000000001",
    "999000000002",
    "999000000003",
    "999000000004",
    "999000000005",
    "C001",
    "C002",
    "C003",
    "C004",
    "C005",
    "C006",
    "C007",
    "2015-06-01",
    "2013-10-10",
    "2012-02-02",
    "2009-11-11",
    "2014-04-04",
    "2016-07-07",
    "1 June 2015",
    "10 October 2013",
    "2 February 2012",
    "11 November 2009",
    "4 April 2014",
];

pub fn assert_no_personal_data(m: &Received) {
    let everything = format!("{}\n{}\n{}", m.headers(), m.subject(), m.body());
    for p in PERSONAL {
        assert!(
            !everything.contains(p),
            "{p:?} is in an email: {everything}"
        );
    }
}

pub fn config(smtp_url: &str) -> Config {
    let mut c = Config::for_public_url(PUBLIC);
    c.smtp = Some(
        SmtpConfig::from_url(
            smtp_url,
            "Northshire Virtual School <vs@northshire.example>",
        )
        .expect("smtp"),
    );
    c
}

/// Oakfield's DSL (who has the seeded DSL account) and a Riverside DSL with no account.
pub async fn subscribe_two(app: &TestApp) {
    let now = app.state.now();
    app.store
        .subscribe_contact(
            urn(OAKFIELD),
            "Sam Leigh",
            ContactRole::Dsl,
            &email_for(Role::Dsl),
            "test",
            now,
        )
        .await
        .expect("subscribe");
    app.store
        .subscribe_contact(
            urn(RIVERSIDE),
            "Rita Rowe",
            ContactRole::Dsl,
            RITA,
            "test",
            now,
        )
        .await
        .expect("subscribe");
}

pub async fn half(app: &TestApp, name: &str) -> ResolvedHalfTerm {
    calendar::resolve(&app.store, name)
        .await
        .expect("a half term")
}

pub fn notifier(app: &TestApp) -> Notifier {
    Notifier::new(
        app.store.clone(),
        app.state.config().clone(),
        seed::LA_NAME.into(),
        Actor::at_terminal(),
    )
    .expect("notifier")
}

/// Accounts for new subscribers, then the packs of a half term: queued and delivered.
pub async fn run(
    app: &TestApp,
    name: &str,
    resend: bool,
) -> (run::Queued, run::Delivered, Vec<i64>) {
    let n = notifier(app);
    let now = app.state.now();
    let accounts = ensure_accounts(&app.store, &n.config, &n.actor, None, now)
        .await
        .expect("accounts");
    let snapshot = app.state.snapshot().await.expect("snapshot");
    let queued = run::queue(&n, &snapshot, &half(app, name).await, None, resend, now)
        .await
        .expect("queued");
    let mut ids = accounts.emails.clone();
    ids.extend(&queued.ids);
    let d = run::deliver(&n, &ids, || app.state.now(), &|_, _| {})
        .await
        .expect("delivered");
    (queued, d, accounts.emails)
}

#[tokio::test]
async fn pack_emails_arrive_exactly_and_carry_no_personal_data() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    subscribe_two(&app).await;
    let (queued, d, accounts) = run(&app, "2024/25-3", false).await;
    assert_eq!(
        (queued.packs, queued.ids.len(), queued.already_sent),
        (2, 2, 0)
    );
    assert_eq!(
        accounts.len(),
        1,
        "Rita had no account: one is made and emailed"
    );
    assert_eq!(
        d,
        run::Delivered {
            sent: 3,
            ..Default::default()
        }
    );

    let got = smtp.received();
    assert_eq!(got.len(), 3);
    for m in &got {
        assert_eq!(m.mail_from, "vs@northshire.example");
        assert_eq!(m.rcpt_to.len(), 1);
        assert_no_personal_data(m);
        assert!(m
            .header("List-Unsubscribe")
            .is_some_and(|h| h.starts_with(&format!("<{PUBLIC}/unsubscribe/"))));
        assert_eq!(
            m.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        assert!(
            m.header("Content-Disposition").is_none(),
            "nothing is attached"
        );
        assert!(
            !m.data.to_ascii_lowercase().contains("multipart"),
            "nothing is attached"
        );
    }
    let to = |who: &str| {
        got.iter()
            .filter(|m| m.rcpt_to == vec![who.to_owned()])
            .collect::<Vec<_>>()
    };
    // Rita: the account email first (the run delivers it before the packs), then her pack.
    let rita = to(RITA);
    assert_eq!(rita.len(), 2);
    assert_eq!(
        rita[0].subject(),
        "Riverside Academy: your account for the Virtual School's packs"
    );
    assert!(rita[0].body().starts_with("Dear Rita Rowe,\n"));
    assert!(rita[0].body().contains(&format!("{PUBLIC}/set-password/")));
    assert_eq!(
        rita[1].subject(),
        "Riverside Academy: Virtual School pack for half term 2024/25-3 is ready"
    );
    assert!(rita[1]
        .body()
        .contains(&format!("{PUBLIC}/schools/{RIVERSIDE}/packs/2024/25-3\n")));
    let account = app
        .store
        .account_by_email(RITA)
        .await
        .expect("read")
        .expect("made");
    assert_eq!(
        (account.role.as_str(), account.schools.clone()),
        ("dsl", vec![urn(RIVERSIDE)])
    );

    let sam = to(&email_for(Role::Dsl));
    assert_eq!(sam.len(), 1);
    let body = sam[0].body();
    assert_eq!(
        sam[0].subject(),
        "Oakfield Primary School: Virtual School pack for half term 2024/25-3 is ready"
    );
    assert!(body.starts_with("Dear Sam Leigh,\n"), "{body}");
    assert!(body.contains(&format!("Sign in to read the pack and download the school's attendance tracker:\n{PUBLIC}/schools/{OAKFIELD}/packs/2024/25-3\n")));
    assert!(body.contains("14 February 2025 (default dates)"));
    assert!(body.contains("Northshire Council Virtual School"));

    // The packs themselves, as at 14 February 2025. Oakfield: Amy (looked after since
    // 1 May 2023, Ann) and Ben (CP plan since 1 December 2024, Bob); never Eve (adopted).
    let p = app
        .store
        .pack_latest(urn(OAKFIELD), "2024/25-3")
        .await
        .expect("read")
        .expect("built");
    assert_eq!(
        (p.version, p.as_at, p.default_dates, p.pupils),
        (1, date!(2025 - 02 - 14), true, 2)
    );
    let c = PackContent::from_stored(&p).expect("content");
    let list: Vec<(String, &str, Option<time::Date>, Option<String>)> = c
        .list
        .iter()
        .map(|x| {
            (
                x.name(),
                x.status.code(),
                x.plan_start,
                x.worker
                    .as_ref()
                    .map(|w| format!("{} {} {}", w.name, w.team, w.email)),
            )
        })
        .collect();
    assert_eq!(
        list,
        vec![
            (
                "Amy Adams".into(),
                "CLA",
                Some(date!(2023 - 05 - 01)),
                Some(format!(
                    "Ann Worker Assessment and Intervention {}",
                    seed::ANN
                ))
            ),
            (
                "Ben Brown".into(),
                "CP",
                Some(date!(2024 - 12 - 01)),
                Some(format!(
                    "Bob Worker Assessment and Intervention {}",
                    seed::BOB
                ))
            ),
        ]
    );
    assert!(
        c.changes.is_empty() && c.compared_with.is_none(),
        "the first pack"
    );
    assert_eq!(
        c.tracker.rows.len(),
        2,
        "Eve is never in a school's tracker"
    );
    // Riverside: Cara (CIN plan since 10 January 2025); Dan only had a social worker before.
    let r = app
        .store
        .pack_latest(urn(RIVERSIDE), "2024/25-3")
        .await
        .expect("read")
        .expect("built");
    let c = PackContent::from_stored(&r).expect("content");
    assert_eq!(
        c.list.iter().map(|x| x.name()).collect::<Vec<_>>(),
        vec!["Cara Clarke"]
    );
    assert_eq!(c.tracker.rows.len(), 2);
}

#[tokio::test]
async fn a_second_run_sends_only_to_those_without_a_successful_delivery() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    subscribe_two(&app).await;
    run(&app, "2024/25-3", false).await;
    assert_eq!(smtp.received().len(), 3);

    // Nothing changed: nobody is emailed again, no new pack version, no new account.
    let (queued, d, accounts) = run(&app, "2024/25-3", false).await;
    assert_eq!(
        (queued.ids.len(), queued.already_sent, accounts.len()),
        (0, 2, 0)
    );
    assert_eq!(d, run::Delivered::default());
    assert_eq!(smtp.received().len(), 3);
    assert_eq!(
        app.store
            .pack_versions(urn(OAKFIELD), "2024/25-3")
            .await
            .expect("read")
            .len(),
        1
    );

    // A new subscriber at Oakfield: only they are emailed (and get an account).
    app.store
        .subscribe_contact(
            urn(OAKFIELD),
            "Dee Puty",
            ContactRole::Dsl,
            "dee@oakfield.example",
            "test",
            app.state.now(),
        )
        .await
        .expect("subscribe");
    let (queued, d, accounts) = run(&app, "2024/25-3", false).await;
    assert_eq!(
        (
            queued.ids.len(),
            queued.already_sent,
            accounts.len(),
            d.sent
        ),
        (1, 2, 1, 2)
    );
    let dee: Vec<_> = smtp
        .received()
        .into_iter()
        .filter(|m| m.rcpt_to == vec!["dee@oakfield.example".to_owned()])
        .collect();
    assert_eq!(dee.len(), 2);

    // --resend emails everyone again.
    let (queued, d, _) = run(&app, "2024/25-3", true).await;
    assert_eq!((queued.ids.len(), d.sent), (3, 3));
    assert_eq!(smtp.received().len(), 3 + 2 + 3);
}

#[tokio::test]
async fn a_server_that_is_down_leaves_the_pack_queued_and_the_retry_delivers_it() {
    let port = free_port();
    let app = TestApp::start_with(config(&format!("smtp://127.0.0.1:{port}"))).await;
    // A whole second, so times stored to the microsecond compare exactly.
    *app.wall.0.lock().expect("clock") = time::macros::datetime!(2025-03-14 17:00 UTC);
    app.store
        .subscribe_contact(
            urn(OAKFIELD),
            "Sam Leigh",
            ContactRole::Dsl,
            &email_for(Role::Dsl),
            "test",
            app.state.now(),
        )
        .await
        .expect("subscribe");
    let (queued, d, _) = run(&app, "2024/25-3", false).await;
    assert_eq!(queued.ids.len(), 1);
    assert_eq!(
        d,
        run::Delivered {
            retrying: 1,
            ..Default::default()
        }
    );
    assert!(!d.all_sent());
    let row = app
        .store
        .outbox_get(queued.ids[0])
        .await
        .expect("read")
        .expect("kept");
    assert_eq!((row.status, row.attempts), (DeliveryStatus::Queued, 1));
    assert!(row
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("tried again")));
    let first_try = app.state.now();
    let due_at = row.next_attempt_at.expect("a next attempt");
    let n = notifier(&app);
    assert_eq!(
        due_at - first_try,
        n.backoff.after(1),
        "the backoff's first wait"
    );

    // Before its time nothing is tried; the server is still down anyway.
    assert_eq!(
        run::process_due(&n, first_try, 100).await.expect("runs"),
        run::Delivered::default()
    );
    // Due, server still down: tried again and put off for longer (backoff doubles).
    let d = run::process_due(&n, due_at, 100).await.expect("runs");
    assert_eq!(d.retrying, 1);
    let row = app
        .store
        .outbox_get(queued.ids[0])
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(row.attempts, 2);
    assert_eq!(
        row.next_attempt_at.map(|t| t - due_at),
        Some(n.backoff.after(2))
    );

    // The server comes up: the next due round delivers it, once.
    let smtp = TestSmtpServer::start_on(port);
    let later = row.next_attempt_at.expect("due");
    let d = run::process_due(&n, later, 100).await.expect("runs");
    assert_eq!(
        d,
        run::Delivered {
            sent: 1,
            ..Default::default()
        }
    );
    assert_eq!(
        run::process_due(&n, later + time::Duration::days(1), 100)
            .await
            .expect("runs"),
        run::Delivered::default()
    );
    let got = smtp.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt_to, vec![email_for(Role::Dsl)]);
    assert_no_personal_data(&got[0]);
    let row = app
        .store
        .outbox_get(queued.ids[0])
        .await
        .expect("read")
        .expect("kept");
    assert_eq!((row.status, row.attempts), (DeliveryStatus::Sent, 3));
    let log: Vec<String> = app
        .store
        .mail_log(row.id)
        .await
        .expect("log")
        .into_iter()
        .map(|(_, o, _)| o)
        .collect();
    assert_eq!(log, vec!["retry", "retry", "sent"]);
    // A later run has nothing left to send.
    let (queued, _, _) = run(&app, "2024/25-3", false).await;
    assert_eq!((queued.ids.len(), queued.already_sent), (0, 1));
}

#[tokio::test]
async fn gives_up_after_the_last_attempt_and_resend_puts_it_right() {
    let port = free_port();
    let app = TestApp::start_with(config(&format!("smtp://127.0.0.1:{port}"))).await;
    app.store
        .subscribe_contact(
            urn(OAKFIELD),
            "Sam Leigh",
            ContactRole::Dsl,
            &email_for(Role::Dsl),
            "test",
            app.state.now(),
        )
        .await
        .expect("subscribe");
    let mut n = notifier(&app);
    n.backoff.attempts = 2;
    let snapshot = app.state.snapshot().await.expect("snapshot");
    let h = half(&app, "2024/25-3").await;
    let q = run::queue(&n, &snapshot, &h, None, false, app.state.now())
        .await
        .expect("queue");
    run::deliver(&n, &q.ids, || app.state.now(), &|_, _| {})
        .await
        .expect("runs");
    let at = app.state.now() + time::Duration::hours(1);
    let d = run::process_due(&n, at, 10).await.expect("runs");
    assert_eq!(d.failed, 1, "the second failure is the last");
    assert_eq!(
        app.store
            .outbox_get(q.ids[0])
            .await
            .expect("read")
            .map(|r| r.status),
        Some(DeliveryStatus::Failed)
    );
    assert_eq!(
        run::process_due(&n, at + time::Duration::days(9), 10)
            .await
            .expect("runs"),
        run::Delivered::default()
    );

    let smtp = TestSmtpServer::start_on(port);
    let ids = run::resend_failed(&app.store, "2024/25-3", at)
        .await
        .expect("requeued");
    assert_eq!(ids, q.ids);
    let d = run::deliver(&n, &ids, || at, &|_, _| {})
        .await
        .expect("runs");
    assert_eq!(d.sent, 1);
    assert_eq!(smtp.received().len(), 1);
}

/// The data change of [`what_changed_is_worked_out_by_hand`]: Ben's CP plan ends on 31
/// January 2025 and Amy's worker is Zoe from 15 January 2025. Reloads the data and
/// subscribes the two again (a reload replaces the contacts).
pub async fn ben_off_plan_and_amy_to_zoe(app: &TestApp) {
    let mut d: Dataset = seed::dataset();
    for c in &mut d.children {
        if c.la_child_id == LaChildId::parse("C002").expect("id") {
            c.history.plans = vec![vschool_domain::Plan {
                kind: PlanKind::Cp,
                span: Span::new(date!(2024 - 12 - 01), Some(date!(2025 - 01 - 31))),
            }];
        }
    }
    for a in &mut d.allocations {
        if a.la_child_id == LaChildId::parse("C001").expect("id") {
            a.span = Span::new(date!(2023 - 05 - 01), Some(date!(2025 - 01 - 14)));
        }
    }
    let mut zoe = d.allocations[0].clone();
    zoe.worker_name = "Zoe Worker".into();
    zoe.worker_email = "zoe.worker@northshire.example".into();
    zoe.span = Span::new(date!(2025 - 01 - 15), None);
    d.allocations.push(zoe);
    app.store.replace_with_dataset(&d).await.expect("reloads");
    subscribe_two(app).await;
}

/// "What changed", worked out by hand on the seed. Autumn 2 (as at 20 December 2024):
/// Oakfield lists Amy (CLA, Ann) and Ben (CP, Bob); Riverside lists nobody (Cara's CIN
/// plan starts 10 January 2025). Then the data change: Ben's CP plan ends on 31 January
/// 2025 and Amy's worker is Zoe from 15 January 2025. Spring 1 (as at 14 February 2025):
/// Oakfield: Ben no longer on a plan (still on roll), Amy's worker Ann → Zoe; Riverside:
/// Cara is new.
#[tokio::test]
async fn what_changed_is_worked_out_by_hand() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    subscribe_two(&app).await;
    run(&app, "2024/25-2", false).await;
    let autumn = PackContent::from_stored(
        &app.store
            .pack_latest(urn(OAKFIELD), "2024/25-2")
            .await
            .expect("read")
            .expect("built"),
    )
    .expect("content");
    assert_eq!(
        autumn.list.iter().map(|p| p.name()).collect::<Vec<_>>(),
        vec!["Amy Adams", "Ben Brown"]
    );
    let river = PackContent::from_stored(
        &app.store
            .pack_latest(urn(RIVERSIDE), "2024/25-2")
            .await
            .expect("read")
            .expect("built"),
    )
    .expect("content");
    assert!(
        river.list.is_empty(),
        "a school with a subscriber gets a pack even with nobody on its list"
    );

    ben_off_plan_and_amy_to_zoe(&app).await;
    run(&app, "2024/25-3", false).await;

    let spring = PackContent::from_stored(
        &app.store
            .pack_latest(urn(OAKFIELD), "2024/25-3")
            .await
            .expect("read")
            .expect("built"),
    )
    .expect("content");
    assert_eq!(spring.compared_with.as_deref(), Some("2024/25-2"));
    let described: Vec<String> = spring
        .changes
        .iter()
        .map(|c| match c {
            vschool_analytics::pack::Change::New { pupil } => format!("new {}", pupil.name()),
            vschool_analytics::pack::Change::Left { pupil, why } => {
                format!("left {} {why:?}", pupil.name())
            }
            vschool_analytics::pack::Change::StatusChanged { pupil, from } => {
                format!("status {} {from:?}", pupil.name())
            }
            vschool_analytics::pack::Change::WorkerChanged { pupil, from } => format!(
                "worker {} {} -> {}",
                pupil.name(),
                from.as_ref().map_or("none", |w| w.name.as_str()),
                pupil.worker.as_ref().map_or("none", |w| w.name.as_str())
            ),
        })
        .collect();
    assert_eq!(
        described,
        vec![
            "left Ben Brown NoLongerOnPlan",
            "worker Amy Adams Ann Worker -> Zoe Worker"
        ]
    );
    let river = PackContent::from_stored(
        &app.store
            .pack_latest(urn(RIVERSIDE), "2024/25-3")
            .await
            .expect("read")
            .expect("built"),
    )
    .expect("content");
    assert_eq!(river.changes.len(), 1);
    assert!(
        matches!(&river.changes[0], vschool_analytics::pack::Change::New { pupil } if pupil.name() == "Cara Clarke")
    );
    // The emails still say nothing about any of it.
    for m in smtp.received() {
        assert_no_personal_data(&m);
        assert!(!m.body().contains("Zoe"));
    }
}

#[tokio::test]
async fn the_packs_pages_dry_run_send_progress_and_log() {
    let smtp = TestSmtpServer::start();
    let app = TestApp::start_with(config(&smtp.url())).await;
    subscribe_two(&app).await;
    for role in [
        Role::AdvisoryTeacher,
        Role::Dsl,
        Role::SocialWorker,
        Role::Trainer,
    ] {
        let mut b = app.browser();
        b.sign_in(role).await;
        assert_eq!(
            b.get("/packs").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            b.get("/packs/2024/25-3").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    let mut b = app.browser();
    b.sign_in(Role::DataOfficer).await;
    let choose = b.get("/packs").await;
    assert_eq!(choose.status, StatusCode::OK);
    // The latest half term that ended before 14 March 2025 is offered first.
    assert!(
        choose
            .body
            .contains("<option value=\"2024/25-3\" selected>"),
        "{}",
        choose.body
    );
    assert_eq!(
        b.get("/packs?half_term=2024/25-3").await.location(),
        "/packs/2024/25-3"
    );

    let dry = b.get("/packs/2024/25-3").await;
    assert_eq!(dry.status, StatusCode::OK);
    let rows = table_rows(&dry.body);
    assert!(
        rows.iter().any(
            |r| r.first().map(String::as_str) == Some("Oakfield Primary School")
                && r.get(2).map(String::as_str) == Some("2")
        ),
        "{rows:?}"
    );
    assert!(dry.body.contains("2 emails to 2 schools"));
    assert!(dry.body.contains("default dates"));
    assert_eq!(smtp.received().len(), 0, "a dry run sends nothing");
    assert_eq!(
        b.get("/packs/2024/25-9").await.status,
        StatusCode::NOT_FOUND
    );

    let csrf = dry.csrf();
    let sent = b
        .post("/packs/2024/25-3/send", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert_eq!(sent.location(), "/packs/2024/25-3/progress");
    // Delivery runs in the background: wait for it, then the pages say so.
    app.state.background_done().await;
    assert_eq!(smtp.received().len(), 3);
    let progress = b.get("/packs/2024/25-3/progress").await;
    assert_eq!(progress.status, StatusCode::OK);
    assert!(
        progress.body.contains("2 of 2 emails dealt with (100%)"),
        "{}",
        progress.body
    );
    let log = b.get("/packs/2024/25-3/log").await;
    assert_eq!(log.status, StatusCode::OK);
    assert_eq!(log.body.matches(">Sent<").count(), 2, "{}", log.body);
    let account_rows = app
        .store
        .outbox_for_school(OutboxKind::Account, urn(RIVERSIDE))
        .await
        .expect("read");
    assert_eq!(account_rows.len(), 1);

    // Resend one from the log.
    let id = app
        .store
        .outbox_for_half_term("2024/25-3")
        .await
        .expect("read")[0]
        .id;
    let again = b
        .post(
            &format!("/packs/deliveries/{id}/resend"),
            &[("csrf_token", &log.csrf())],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("Sent again to"));
    assert_eq!(smtp.received().len(), 4);
}

#[tokio::test]
async fn without_email_set_up_the_dry_run_works_and_nothing_can_be_sent() {
    let app = TestApp::start().await;
    subscribe_two(&app).await;
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    let dry = b.get("/packs/2024/25-3").await;
    assert_eq!(dry.status, StatusCode::OK);
    assert!(dry.body.contains("Email is not set up"));
    assert!(!dry.body.contains("/send\""));
    let r = b
        .post("/packs/2024/25-3/send", &[("csrf_token", &dry.csrf())])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(app
        .store
        .outbox_for_half_term("2024/25-3")
        .await
        .expect("read")
        .is_empty());
}

#[tokio::test]
async fn the_calendar_page_sets_dates_and_packs_stop_saying_default() {
    let app = TestApp::start().await;
    let mut b = app.browser();
    b.sign_in(Role::Vsh).await;
    let page = b.get("/packs/calendar?year=2024/25").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("Default dates").count(), 6);
    let bad = b
        .post(
            "/packs/calendar",
            &[
                ("csrf_token", &page.csrf()),
                ("year", "2024/25"),
                ("number", "3"),
                ("from_day", "6"),
                ("from_month", "1"),
                ("from_year", "2025"),
                ("to_day", "31"),
                ("to_month", "2"),
                ("to_year", "2025"),
            ],
        )
        .await;
    assert!(
        bad.body.contains("There is a problem") && bad.body.contains("Enter the last day"),
        "{}",
        bad.body
    );
    let overlap = b
        .post(
            "/packs/calendar",
            &[
                ("csrf_token", &page.csrf()),
                ("year", "2024/25"),
                ("number", "3"),
                ("from_day", "6"),
                ("from_month", "1"),
                ("from_year", "2025"),
                ("to_day", "28"),
                ("to_month", "2"),
                ("to_year", "2025"),
            ],
        )
        .await;
    assert!(
        overlap
            .body
            .contains("Half term 4 must start after half term 3 ends"),
        "{}",
        overlap.body
    );
    let ok = b
        .post(
            "/packs/calendar",
            &[
                ("csrf_token", &page.csrf()),
                ("year", "2024/25"),
                ("number", "3"),
                ("from_day", "7"),
                ("from_month", "1"),
                ("from_year", "2025"),
                ("to_day", "13"),
                ("to_month", "2"),
                ("to_year", "2025"),
            ],
        )
        .await;
    assert!(
        ok.body
            .contains("Half term 2024/25-3 now runs from 7 January 2025 to 13 February 2025"),
        "{}",
        ok.body
    );
    assert_eq!(ok.body.matches("Default dates").count(), 5);
    let h = half(&app, "2024/25-3").await;
    assert!(!h.default_dates);
    assert_eq!(h.half.end, date!(2025 - 02 - 13));
    let reset = b
        .post(
            "/packs/calendar/reset",
            &[("csrf_token", &ok.csrf()), ("year", "2024/25")],
        )
        .await;
    assert!(reset
        .body
        .contains("The default dates apply to 2024/25 again"));
    assert!(half(&app, "2024/25-3").await.default_dates);
}
