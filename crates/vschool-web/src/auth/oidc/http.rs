//! A small HTTPS client for talking to the identity provider: discovery, its signing keys
//! and the token endpoint. hyper's HTTP/1.1 client over tokio-rustls (ring, the system's
//! certificate authorities), one connection per request, a time limit and a size limit on
//! every answer. Plain `http://` is allowed only to this machine (a provider on loopback, as
//! in the tests). Redirects are not followed.

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, HeaderValue, Method, Request};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::rt::TokioIo;
use url::Url;

/// The largest answer read (a discovery document or key set is a few kilobytes).
const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0} is not an https:// address (plain http:// only to this machine)")]
    NotHttps(String),
    #[error("cannot connect to {host}: {cause}")]
    Connect { host: String, cause: String },
    #[error("no answer from {0} in time")]
    Timeout(String),
    #[error("bad answer from {host}: {cause}")]
    Protocol { host: String, cause: String },
}

/// An answer: its status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// May the service talk to this address? `https://`, or `http://` on this machine.
pub fn allowed(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host_str().is_some(),
        "http" => url.host_str().is_some_and(is_loopback),
        _ => false,
    }
}

fn tls_config() -> Result<Arc<rustls::ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(found.certs);
            if added == 0 {
                tracing::warn!("no certificate authorities found on this system");
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map(|b| Arc::new(b.with_root_certificates(roots).with_no_client_auth()))
                .map_err(|e| e.to_string())
        })
        .clone()
}

async fn exchange<S>(stream: S, host: &str, req: Request<Full<Bytes>>) -> Result<Answer, HttpError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let protocol = |cause: String| HttpError::Protocol {
        host: host.to_owned(),
        cause,
    };
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| protocol(e.to_string()))?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let res = sender
        .send_request(req)
        .await
        .map_err(|e| protocol(e.to_string()))?;
    let status = res.status().as_u16();
    let body = Limited::new(res.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|e| protocol(e.to_string()))?
        .to_bytes();
    driver.abort();
    Ok(Answer { status, body })
}

async fn send(
    url: &Url,
    method: Method,
    content_type: Option<&'static str>,
    authorization: Option<String>,
    body: Bytes,
    timeout: Duration,
) -> Result<Answer, HttpError> {
    if !allowed(url) {
        return Err(HttpError::NotHttps(url.to_string()));
    }
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let mut path = url.path().to_owned();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    let host_header = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.clone(),
    };
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, host_header)
        .header(header::ACCEPT, "application/json")
        .header(header::USER_AGENT, "virtual-school");
    if let Some(ct) = content_type {
        builder = builder.header(header::CONTENT_TYPE, ct);
    }
    if let Some(auth) = authorization {
        let mut v = HeaderValue::from_str(&auth).map_err(|e| HttpError::Protocol {
            host: host.clone(),
            cause: e.to_string(),
        })?;
        v.set_sensitive(true);
        builder = builder.header(header::AUTHORIZATION, v);
    }
    let req = builder
        .body(Full::new(body))
        .map_err(|e| HttpError::Protocol {
            host: host.clone(),
            cause: e.to_string(),
        })?;
    let tls = url.scheme() == "https";
    let work =
        async {
            let connect_host = host.trim_start_matches('[').trim_end_matches(']');
            let tcp = tokio::net::TcpStream::connect((connect_host, port))
                .await
                .map_err(|e| HttpError::Connect {
                    host: host.clone(),
                    cause: e.to_string(),
                })?;
            if tls {
                let name = rustls::pki_types::ServerName::try_from(connect_host.to_owned())
                    .map_err(|e| HttpError::Connect {
                        host: host.clone(),
                        cause: e.to_string(),
                    })?;
                let config = tls_config().map_err(|cause| HttpError::Connect {
                    host: host.clone(),
                    cause,
                })?;
                let stream = tokio_rustls::TlsConnector::from(config)
                    .connect(name, tcp)
                    .await
                    .map_err(|e| HttpError::Connect {
                        host: host.clone(),
                        cause: e.to_string(),
                    })?;
                exchange(stream, &host, req).await
            } else {
                exchange(tcp, &host, req).await
            }
        };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| HttpError::Timeout(host.clone()))?
}

/// `GET url`.
pub async fn get(url: &Url, timeout: Duration) -> Result<Answer, HttpError> {
    send(url, Method::GET, None, None, Bytes::new(), timeout).await
}

/// `POST url` with a form, optionally with HTTP Basic client authentication (RFC 6749
/// §2.3.1: the id and secret form-encoded first).
pub async fn post_form(
    url: &Url,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
    timeout: Duration,
) -> Result<Answer, HttpError> {
    let body = serde_urlencoded::to_string(form).map_err(|e| HttpError::Protocol {
        host: url.host_str().unwrap_or_default().to_owned(),
        cause: e.to_string(),
    })?;
    let authorization = basic.map(|(id, secret)| {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", enc(id), enc(secret)))
        )
    });
    send(
        url,
        Method::POST,
        Some("application/x-www-form-urlencoded"),
        authorization,
        Bytes::from(body),
        timeout,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        let ok = |s: &str| allowed(&Url::parse(s).expect("url"));
        assert!(ok(
            "https://login.example/t/.well-known/openid-configuration"
        ));
        assert!(ok("http://127.0.0.1:9000/jwks"));
        assert!(ok("http://[::1]:9000/jwks"));
        assert!(ok("http://localhost/x"));
        assert!(!ok("http://login.example/jwks"));
        assert!(!ok("ftp://login.example/jwks"));
    }
}
