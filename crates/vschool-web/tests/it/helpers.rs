//! Starting the app for a test and talking to it like a browser: a cookie jar, the CSRF
//! token from the last form, and sign-in with computed authenticator codes.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use time::OffsetDateTime;
use tower::ServiceExt;
use vschool_domain::{Clock, FixedClock};
use vschool_store::testing::TempDatabase;
use vschool_store::{Backend, Store};
use vschool_web::auth::Role;
use vschool_web::{AppState, Config};

use crate::seed::{self, SeedAccount, TODAY};

/// A wall clock tests can move forward (session expiry, link expiry).
#[derive(Debug)]
pub struct TestClock(pub Mutex<OffsetDateTime>);

impl TestClock {
    pub fn advance(&self, by: time::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for TestClock {
    fn today(&self) -> time::Date {
        self.now().date()
    }
    fn now(&self) -> OffsetDateTime {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or_else(|_| OffsetDateTime::now_utc())
    }
}

pub struct TestApp {
    pub router: axum::Router,
    pub store: Store,
    pub state: AppState,
    pub accounts: Vec<SeedAccount>,
    pub wall: Arc<TestClock>,
    /// Removed on drop (also when a test panics), so no PostgreSQL database is left behind.
    db: Option<TempDatabase>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some(db) = self.db.take() else { return };
        // Dropping a PostgreSQL database needs async I/O, and a test's runtime may be
        // ending: do it on a thread of its own. `DROP DATABASE … WITH (FORCE)` ends the
        // pool's connections.
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(db.remove());
            }
        })
        .join();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn location(&self) -> &str {
        self.header("location")
    }

    /// The value of the hidden CSRF field of the page's first form.
    pub fn csrf(&self) -> String {
        hidden(&self.body, "csrf_token")
    }
}

/// The text of every table row in some HTML, cell by cell, tags stripped and whitespace
/// collapsed: `[["Looked after (CLA)", "1"], …]`.
pub fn table_rows(html: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for seg in html.split("<tr").skip(1) {
        let seg = seg.split("</tr>").next().unwrap_or("");
        let mut cells = Vec::new();
        let mut rest = seg;
        while let Some(i) = rest.find('<') {
            rest = &rest[i..];
            if rest.starts_with("<th") || rest.starts_with("<td") {
                let end = rest.find("</t").unwrap_or(rest.len());
                let inner = &rest[..end];
                let inner = inner.split_once('>').map(|(_, b)| b).unwrap_or("");
                cells.push(text_of(inner));
                rest = &rest[end.min(rest.len())..];
                rest = rest.get(3..).unwrap_or("");
            } else {
                rest = &rest[1..];
            }
        }
        rows.push(cells);
    }
    rows
}

/// Text content of an HTML fragment: tags removed, whitespace collapsed.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value of a hidden input in some HTML.
pub fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    html.find(&needle)
        .map(|i| {
            html[i + needle.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with(Config::default()).await
    }

    /// A fresh database: SQLite, or PostgreSQL (from `VSCHOOL_TEST_PG`) when
    /// `VSCHOOL_TEST_BACKEND=postgres`, so CI runs this suite on both.
    pub async fn start_with(mut config: Config) -> TestApp {
        // A key of its own, so no key file is written beside a PostgreSQL test database
        // (which would be the working directory).
        if config.secret_key.is_none() {
            config.secret_key = Some(vschool_web::keys::SecretKey::generate());
        }
        let backend = match std::env::var("VSCHOOL_TEST_BACKEND").as_deref() {
            Ok("postgres") => Backend::Postgres,
            _ => Backend::Sqlite,
        };
        let db = TempDatabase::new(backend).await;
        let store = Store::connect(db.url())
            .await
            .expect("open the test database");
        let accounts = seed::seed(&store).await;
        let wall = Arc::new(TestClock(Mutex::new(OffsetDateTime::now_utc())));
        let state = AppState::new(store.clone(), Arc::new(FixedClock(TODAY)), config)
            .await
            .expect("state")
            .with_wall_clock(wall.clone());
        TestApp {
            router: vschool_web::router(state.clone()),
            store,
            state,
            accounts,
            wall,
            db: Some(db),
        }
    }

    /// The authenticator code for `secret` at the service's (held) wall clock.
    pub fn code_now(&self, secret: &str) -> String {
        let unix = u64::try_from(self.wall.now().unix_timestamp()).expect("after 1970");
        vschool_web::auth::totp::code_at(secret, unix).expect("code")
    }

    pub fn account(&self, role: Role) -> SeedAccount {
        self.accounts
            .iter()
            .find(|a| a.role == role)
            .cloned()
            .expect("a seeded account per role")
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res: Response<Body> = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router never fails");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: HashMap::new(),
            next_step_offset: Mutex::new(HashMap::new()),
        }
    }
}

/// A request body that arrives in pieces, as one from the network does (a form's first
/// fields are read before a large file has arrived).
struct Chunked(std::collections::VecDeque<axum::body::Bytes>);

impl hyper::body::Body for Chunked {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Ready(self.0.pop_front().map(|b| Ok(hyper::body::Frame::data(b))))
    }
}

/// A browser: keeps cookies between requests.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: HashMap<String, String>,
    /// Per account, the offset (in 30-second steps) of the next code to use: a code works
    /// once, and codes of the previous, current and next step are accepted.
    next_step_offset: Mutex<HashMap<String, i64>>,
}

impl Browser<'_> {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, reply: &Reply) {
        for v in reply.headers.get_all(header::SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            let first = v.split(';').next().unwrap_or("");
            if let Some((k, val)) = first.split_once('=') {
                if val.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), val.to_owned());
                }
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("request");
        let reply = self.app.send(req).await;
        self.remember(&reply);
        reply
    }

    /// Posts a form (the fields given, URL-encoded) as a same-origin browser would.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).expect("encode");
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::ORIGIN, "http://127.0.0.1:8080")
            .body(Body::from(body))
            .expect("request");
        let reply = self.app.send(req).await;
        self.remember(&reply);
        reply
    }

    /// Posts a `multipart/form-data` form as a same-origin browser would (in 64 KiB pieces):
    /// each field is a name, a file name for a file (`None` for a plain field) and its
    /// bytes, in order.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, Option<&str>, &[u8])],
    ) -> Reply {
        const BOUNDARY: &str = "VschoolTestBoundary7MA4YWxk";
        let mut body = Vec::new();
        for (name, file, value) in fields {
            body.extend(format!("--{BOUNDARY}\r\n").into_bytes());
            let head = match file {
                Some(f) => format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            body.extend(head.into_bytes());
            body.extend_from_slice(value);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{BOUNDARY}--\r\n").into_bytes());
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::ORIGIN, "http://127.0.0.1:8080")
            .body(Body::new(Chunked(
                body.chunks(64 * 1024)
                    .map(axum::body::Bytes::copy_from_slice)
                    .collect(),
            )))
            .expect("request");
        let reply = self.app.send(req).await;
        self.remember(&reply);
        reply
    }

    /// The next authenticator code for an account that this browser has not used yet.
    pub fn next_code(&self, account: &SeedAccount) -> String {
        let mut offsets = self.next_step_offset.lock().expect("lock");
        let offset = offsets.entry(account.email.clone()).or_insert(-1);
        // The service checks codes against its wall clock, which the test holds still.
        let unix = (self.app.wall.now().unix_timestamp() + *offset * 30).max(0) as u64;
        *offset += 1;
        vschool_web::auth::totp::code_at(&account.totp_secret, unix).expect("code")
    }

    /// Signs in with password and code; returns the reply to the code form (a redirect home).
    pub async fn sign_in(&mut self, role: Role) -> Reply {
        let account = self.app.account(role);
        let page = self.get("/sign-in").await;
        let r = self
            .post(
                "/sign-in",
                &[
                    ("csrf_token", &page.csrf()),
                    ("email", &account.email),
                    ("password", &account.password),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "password accepted: {}",
            r.body
        );
        assert_eq!(r.location(), "/sign-in/second-factor");
        let form = self.get("/sign-in/second-factor").await;
        // A code works once; tests sign the same account in many times within one
        // 30-second step, so forget the last step used first.
        let id = self
            .app
            .store
            .account_by_email(&account.email)
            .await
            .expect("read")
            .expect("seeded")
            .id;
        self.app
            .store
            .account_set_totp(id, &account.totp_secret, 0)
            .await
            .expect("reset the last TOTP step");
        let code = self.next_code(&account);
        let done = self
            .post(
                "/sign-in/second-factor",
                &[("csrf_token", &form.csrf()), ("code", &code)],
            )
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "code accepted: {}",
            done.body
        );
        assert_eq!(done.location(), "/");
        done
    }

    /// The CSRF token of the signed-in session (from any page's sign-out form).
    pub async fn session_csrf(&mut self) -> String {
        self.get("/").await.csrf()
    }
}
