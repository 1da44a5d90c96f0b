//! `vschool notify packs` and `vschool calendar` end to end: the built binary against a
//! database of the hand-made fixture, sending through a real SMTP server on loopback, on
//! SQLite and on PostgreSQL (`VSCHOOL_TEST_PG`).

use std::process::{Command, Output};

use vschool_domain::pupil::ContactRole;
use vschool_mail::testing::{free_port, TestSmtpServer};
use vschool_store::testing::fixtures::{full_dataset, urn};
use vschool_store::testing::with_database_url;
use vschool_store::{Backend, Store};

const PUBLIC: &str = "https://vs.testshire.example";

fn vschool(url: &str, smtp: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vschool"));
    c.args(args)
        .args(["--db", url])
        .env_remove("VSCHOOL_DB")
        .env("VSCHOOL_PUBLIC_URL", PUBLIC)
        .env(
            "VSCHOOL_SMTP_FROM",
            "Testshire Virtual School <vs@testshire.example>",
        )
        .env_remove("VSCHOOL_SMTP_CA_FILE");
    match smtp {
        Some(s) => c.env("VSCHOOL_SMTP_URL", s),
        None => c.env_remove("VSCHOOL_SMTP_URL"),
    };
    c.output().expect("runs vschool")
}

/// `vschool notify packs --half-term 2024/25-3` through `smtp`, which must succeed; its
/// standard output.
fn send_packs(url: &str, smtp: &TestSmtpServer) -> String {
    let out = vschool(
        url,
        Some(&smtp.url()),
        &["notify", "packs", "--half-term", "2024/25-3"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

async fn notify_packs_end_to_end(url: String) {
    let store = Store::connect(&url).await.expect("opens");
    let data = full_dataset();
    store.replace_with_dataset(&data).await.expect("loads");
    store
        .subscribe_contact(
            urn(100001),
            "Sam Leigh",
            ContactRole::Dsl,
            "sam@hilltop.example",
            "test",
            time::OffsetDateTime::now_utc(),
        )
        .await
        .expect("subscribes");
    store.close().await;
    let smtp = TestSmtpServer::start();

    // The dry run says who would get what, and sends nothing.
    let out = vschool(
        &url,
        Some(&smtp.url()),
        &["notify", "packs", "--half-term", "2024/25-3", "--dry-run"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan = text(&out.stdout);
    assert!(plan.contains("Packs for half term 2024/25-3"), "{plan}");
    assert!(plan.contains("default dates"));
    assert!(plan.contains("Hilltop Primary School (100001)"), "{plan}");
    assert!(plan.contains("to Sam Leigh <sam@hilltop.example>"));
    assert!(plan.contains("2 emails to 1 school."), "{plan}");
    assert!(smtp.received().is_empty());

    // Without email set up, a real run stops and says what to set.
    let out = vschool(&url, None, &["notify", "packs", "--half-term", "2024/25-3"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("VSCHOOL_SMTP_URL"),
        "{}",
        text(&out.stderr)
    );

    // The run: Sam (subscribed by hand) and Dee (imported as the DSL) have no accounts yet:
    // each gets an account email and the pack email.
    assert_eq!(send_packs(&url, &smtp), "4 sent, 0 to retry, 0 failed.\n");
    let got = smtp.received();
    assert_eq!(got.len(), 4);
    for who in ["sam@hilltop.example", "dsl@hilltop.example"] {
        let to_them = got.iter().filter(|m| m.rcpt_to == vec![who.to_owned()]);
        assert_eq!(to_them.count(), 2, "{who}");
    }
    let pack = got
        .iter()
        .find(|m| m.subject().contains("pack for half term 2024/25-3"))
        .expect("the pack email");
    assert!(pack
        .body()
        .contains(&format!("{PUBLIC}/schools/100001/packs/2024/25-3")));
    // No child's name, UPN, LA child id or date of birth in anything that was sent.
    for m in &got {
        let all = format!("{}\n{}\n{}", m.headers(), m.subject(), m.body());
        for p in &data.pupils {
            for personal in [
                p.forename.clone(),
                p.surname.clone(),
                p.upn.to_string(),
                p.birth_date.to_string(),
            ] {
                assert!(!all.contains(&personal), "{personal} is in an email");
            }
        }
        for c in &data.children {
            assert!(
                !all.contains(c.la_child_id.as_str()),
                "an LA child id is in an email"
            );
        }
    }

    // Again: everyone already has it.
    assert_eq!(send_packs(&url, &smtp), "0 sent, 0 to retry, 0 failed.\n");
    assert_eq!(smtp.received().len(), 4);

    // --resend with the server down: queued for a retry, and the exit status says so.
    let down = format!("smtp://127.0.0.1:{}", free_port());
    let out = vschool(
        &url,
        Some(&down),
        &[
            "notify",
            "packs",
            "--half-term",
            "2024/25-3",
            "--resend",
            "--school",
            "100001",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "0 sent, 2 to retry, 0 failed.\n");
    assert!(
        text(&out.stderr).contains("tried again with backoff"),
        "{}",
        text(&out.stderr)
    );
    // The next run (server up) delivers it.
    assert_eq!(send_packs(&url, &smtp), "2 sent, 0 to retry, 0 failed.\n");
    assert_eq!(smtp.received().len(), 6);

    // A bad half term says how to write one.
    let out = vschool(
        &url,
        Some(&smtp.url()),
        &["notify", "packs", "--half-term", "2024-3"],
    );
    assert!(
        text(&out.stderr).contains("2024/25-3"),
        "{}",
        text(&out.stderr)
    );
}

async fn calendar_show_set_reset(url: String) {
    let out = vschool(
        &url,
        None,
        &[
            "calendar",
            "set",
            "--year",
            "2024/25",
            "--half-term",
            "3",
            "--from",
            "2025-01-07",
            "--to",
            "2025-02-13",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = vschool(&url, None, &["calendar", "show", "--year", "2024/25"]);
    let shown = text(&out.stdout);
    assert!(shown.contains("2024/25-3  Spring 1     7 January 2025 to 13 February 2025  the local authority's dates"), "{shown}");
    assert_eq!(shown.matches("default dates").count(), 5);
    let out = vschool(
        &url,
        None,
        &[
            "calendar",
            "set",
            "--year",
            "2024/25",
            "--half-term",
            "3",
            "--from",
            "2025-01-07",
            "--to",
            "2025-03-01",
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("half term 4 must start after half term 3 ends"));
    let out = vschool(&url, None, &["calendar", "reset", "--year", "2024/25"]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).matches("default dates").count(), 6);
}

macro_rules! on_both {
    ($($name:ident),*) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::with_database_url(super::Backend::Sqlite, super::$name).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::with_database_url(super::Backend::Postgres, super::$name).await;
            }
        }
    )*};
}

on_both!(notify_packs_end_to_end, calendar_show_set_reset);
