//! A real SMTP server on loopback, in process (`mailin-embedded`), that records every message
//! it accepts: end-to-end tests send through it and assert exactly what arrived.
//!
//! The server runs on threads of its own until the test process ends (the crate has no way
//! to stop it); each test starts its own on a fresh port.

#![allow(clippy::expect_used, clippy::panic)]

use std::net::{IpAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use mailin_embedded::response::{AUTH_OK, INVALID_CREDENTIALS, OK};
use mailin_embedded::{AuthMechanism, Handler, Response, Server, SslConfig};

/// One message as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`).
    pub rcpt_to: Vec<String>,
    /// The message exactly as sent: headers, a blank line, the body.
    pub data: String,
    /// The user name the client authenticated as, if it did.
    pub authenticated_as: Option<String>,
}

impl Received {
    /// The header section, with folded lines joined.
    pub fn headers(&self) -> String {
        let head = self
            .data
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_owned();
        head.replace("\r\n ", " ").replace("\r\n\t", " ")
    }

    /// The value of a header (the first one of that name), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.headers()
            .split("\r\n")
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }

    /// The subject as a person reads it (RFC 2047 encoded words decoded).
    pub fn subject(&self) -> String {
        decode_words(&self.header("Subject").unwrap_or_default())
    }

    /// The body as text, transfer encoding (7bit, quoted-printable or base64) undone.
    pub fn body(&self) -> String {
        let raw = self
            .data
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        // The line break before the terminating "." belongs to SMTP, not to the message.
        let raw = raw.strip_suffix("\r\n").unwrap_or(raw);
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        match encoding.as_str() {
            "base64" => String::from_utf8_lossy(&base64(&raw.replace("\r\n", ""))).into_owned(),
            "quoted-printable" => String::from_utf8_lossy(&quoted_printable(raw)).into_owned(),
            _ => raw.to_owned(),
        }
        .replace("\r\n", "\n")
    }
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let Some(v) = value(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn quoted_printable(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if bytes.get(i + 1..i + 3) == Some(b"\r\n") {
                i += 3;
                continue;
            }
            if let Some(hex) = text.get(i + 1..i + 3) {
                if let Ok(b) = u8::from_str_radix(hex, 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Decodes `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    for word in value.split_whitespace() {
        let parts: Vec<&str> = word.split('?').collect();
        if parts.len() == 5 && parts[0] == "=" && parts[4] == "=" {
            let bytes = match parts[2].to_ascii_lowercase().as_str() {
                "b" => base64(parts[3]),
                _ => quoted_printable(&parts[3].replace('_', " ")),
            };
            out.push_str(&String::from_utf8_lossy(&bytes));
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

#[derive(Clone)]
struct Recorder {
    inbox: Arc<Mutex<Vec<Received>>>,
    login: Option<(String, String)>,
    current: Option<Received>,
    authenticated_as: Option<String>,
}

impl Handler for Recorder {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.current = Some(Received {
            mail_from: from.to_owned(),
            rcpt_to: Vec::new(),
            data: String::new(),
            authenticated_as: self.authenticated_as.clone(),
        });
        OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        if let Some(c) = self.current.as_mut() {
            c.rcpt_to.push(to.to_owned());
        }
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(c) = self.current.as_mut() {
            c.data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(c) = self.current.take() {
            self.inbox.lock().expect("inbox").push(c);
        }
        OK
    }

    fn auth_plain(&mut self, _authz: &str, user: &str, password: &str) -> Response {
        self.check(user, password)
    }

    fn auth_login(&mut self, user: &str, password: &str) -> Response {
        self.check(user, password)
    }
}

impl Recorder {
    fn check(&mut self, user: &str, password: &str) -> Response {
        match &self.login {
            Some((u, p)) if u == user && p == password => {
                self.authenticated_as = Some(user.to_owned());
                AUTH_OK
            }
            _ => INVALID_CREDENTIALS,
        }
    }
}

/// An SMTP server on `127.0.0.1` that keeps what it is sent.
pub struct TestSmtpServer {
    port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
    /// With STARTTLS: the PEM file of its self-signed certificate, to trust.
    ca_file: Option<PathBuf>,
}

/// A port on loopback with nothing listening on it (bound then released): to point a
/// mailer at a server that is down, and later start one there.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on loopback")
}

impl TestSmtpServer {
    /// A plain SMTP server on a fresh port.
    pub fn start() -> TestSmtpServer {
        Self::start_on(free_port())
    }

    /// A plain SMTP server on `port` (e.g. one a mailer was already pointed at).
    pub fn start_on(port: u16) -> TestSmtpServer {
        Self::launch(port, None, None)
    }

    /// A server that offers STARTTLS with a self-signed certificate for `localhost` and
    /// 127.0.0.1, and accepts AUTH PLAIN and LOGIN (only after STARTTLS) for one user.
    pub fn start_tls_with_login(user: &str, password: &str) -> TestSmtpServer {
        let dir = std::env::temp_dir().join(format!(
            "vschool-smtp-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let (cert, key) = self_signed();
        let cert_path = dir.join("cert.pem");
        let key_path = dir.join("key.pem");
        std::fs::write(&cert_path, cert).expect("write the certificate");
        std::fs::write(&key_path, key).expect("write the key");
        Self::launch(
            free_port(),
            Some((cert_path, key_path)),
            Some((user.to_owned(), password.to_owned())),
        )
    }

    fn launch(
        port: u16,
        tls: Option<(PathBuf, PathBuf)>,
        login: Option<(String, String)>,
    ) -> TestSmtpServer {
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let recorder = Recorder {
            inbox: inbox.clone(),
            login: login.clone(),
            current: None,
            authenticated_as: None,
        };
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("listen on loopback");
        let mut server = Server::new(recorder);
        server
            .with_name("smtp.test.invalid")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        let ca_file = tls.as_ref().map(|(cert, _)| cert.clone());
        if let Some((cert, key)) = tls {
            server
                .with_ssl(SslConfig::SelfSigned {
                    cert_path: cert.display().to_string(),
                    key_path: key.display().to_string(),
                })
                .expect("STARTTLS set up");
        }
        if login.is_some() {
            server
                .with_auth(AuthMechanism::Plain)
                .with_auth(AuthMechanism::Login);
        }
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        TestSmtpServer {
            port,
            inbox,
            ca_file,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn ca_file(&self) -> Option<&PathBuf> {
        self.ca_file.as_ref()
    }

    /// Everything received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().expect("inbox").clone()
    }
}

/// A self-signed certificate (not a CA, so it may serve as its own end entity) for
/// `localhost` and 127.0.0.1, and its key, as PEM.
fn self_signed() -> (Vec<u8>, Vec<u8>) {
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
    use openssl::x509::{X509NameBuilder, X509};

    let key = PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("key");
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_text("CN", "localhost").expect("cn");
    let name = name.build();
    let mut b = X509::builder().expect("builder");
    b.set_version(2).expect("v3");
    let serial = BigNum::from_u32(1)
        .and_then(|n| n.to_asn1_integer())
        .expect("serial");
    b.set_serial_number(&serial).expect("serial");
    b.set_subject_name(&name).expect("subject");
    b.set_issuer_name(&name).expect("issuer");
    b.set_pubkey(&key).expect("pubkey");
    b.set_not_before(&Asn1Time::days_from_now(0).expect("time"))
        .expect("not before");
    b.set_not_after(&Asn1Time::days_from_now(2).expect("time"))
        .expect("not after");
    b.append_extension(BasicConstraints::new().build().expect("bc"))
        .expect("bc");
    let san = SubjectAlternativeName::new()
        .dns("localhost")
        .ip("127.0.0.1")
        .build(&b.x509v3_context(None, None))
        .expect("san");
    b.append_extension(san).expect("san");
    b.sign(&key, MessageDigest::sha256()).expect("sign");
    let cert = b.build();
    (
        cert.to_pem().expect("cert pem"),
        key.private_key_to_pem_pkcs8().expect("key pem"),
    )
}
