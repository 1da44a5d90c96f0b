//! The SMTP mailer against a real SMTP server on loopback: plain, STARTTLS with
//! authentication, a server that is down, and what the message carries.

#![allow(clippy::expect_used)]

use vschool_mail::testing::{free_port, TestSmtpServer};
use vschool_mail::{Email, MailError, Mailer, SmtpConfig, SmtpMailer};

const FROM: &str = "Northshire Virtual School <vs@northshire.example>";

fn email() -> Email {
    Email {
        to: "dsl@oakfield.example".into(),
        to_name: Some("Sam Leigh".into()),
        subject: "Oakfield Primary School: pack for 2024/25-3 is ready".into(),
        body: "Dear Sam Leigh,\n\nThe pack is ready.\n".into(),
        unsubscribe_url: Some("https://vs.example/unsubscribe/abc".into()),
    }
}

#[tokio::test]
async fn a_plain_server_receives_exactly_the_message() {
    let server = TestSmtpServer::start();
    let mailer = SmtpMailer::new(SmtpConfig::from_url(&server.url(), FROM).expect("config"))
        .expect("mailer");
    mailer.send(&email()).await.expect("sent");
    let got = server.received();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.mail_from, "vs@northshire.example");
    assert_eq!(m.rcpt_to, vec!["dsl@oakfield.example".to_owned()]);
    assert_eq!(
        m.subject(),
        "Oakfield Primary School: pack for 2024/25-3 is ready"
    );
    assert_eq!(m.body(), "Dear Sam Leigh,\n\nThe pack is ready.\n");
    assert_eq!(
        m.header("List-Unsubscribe").as_deref(),
        Some("<https://vs.example/unsubscribe/abc>")
    );
    assert_eq!(
        m.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert_eq!(
        m.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert!(m
        .header("Content-Type")
        .is_some_and(|c| c.starts_with("text/plain")));
    assert_eq!(m.authenticated_as, None);
}

#[tokio::test]
async fn starttls_and_authentication() {
    let server = TestSmtpServer::start_tls_with_login("vs-relay", "s3cret pass");
    let url = format!(
        "smtp://vs-relay:s3cret%20pass@127.0.0.1:{}?tls=required",
        server.port()
    );
    let mut config = SmtpConfig::from_url(&url, FROM).expect("config");
    config.ca_file = server.ca_file().cloned();
    let mailer = SmtpMailer::new(config.clone()).expect("mailer");
    mailer.send(&email()).await.expect("sent over STARTTLS");
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].authenticated_as.as_deref(), Some("vs-relay"));

    // A wrong password is refused by the server: permanent, and the password is not shown.
    let bad = format!(
        "smtp://vs-relay:wrong@127.0.0.1:{}?tls=required",
        server.port()
    );
    let mut config = SmtpConfig::from_url(&bad, FROM).expect("config");
    config.ca_file = server.ca_file().cloned();
    let err = SmtpMailer::new(config)
        .expect("mailer")
        .send(&email())
        .await
        .expect_err("refused");
    assert!(!err.to_string().contains("wrong"), "{err}");
    assert_eq!(server.received().len(), 1);

    // Without trusting the server's certificate, nothing is sent.
    let mut config = SmtpConfig::from_url(&url, FROM).expect("config");
    config.ca_file = None;
    let err = SmtpMailer::new(config)
        .expect("mailer")
        .send(&email())
        .await
        .expect_err("certificate not trusted");
    assert!(!err.is_permanent(), "{err}");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_server_that_is_down_is_a_transient_error() {
    let port = free_port();
    let config = SmtpConfig::from_url(&format!("smtp://127.0.0.1:{port}"), FROM).expect("config");
    let mailer = SmtpMailer::new(config).expect("mailer");
    let err = mailer.send(&email()).await.expect_err("nothing listening");
    assert!(
        matches!(
            err,
            MailError::Send {
                permanent: false,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("tried again"));

    // Once a server is up on that port, the same mailer delivers.
    let server = TestSmtpServer::start_on(port);
    mailer.send(&email()).await.expect("delivered");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_bad_recipient_is_permanent() {
    let server = TestSmtpServer::start();
    let mailer = SmtpMailer::new(SmtpConfig::from_url(&server.url(), FROM).expect("config"))
        .expect("mailer");
    let mut e = email();
    e.to = "not an address".into();
    let err = mailer.send(&e).await.expect_err("bad address");
    assert!(err.is_permanent());
    assert!(server.received().is_empty());
}
