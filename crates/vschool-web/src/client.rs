//! Where a request came from, for the audit trail, sign-in rate limits and HSTS.
//!
//! The client's address is the connection's peer, unless the peer is one of the trusted
//! reverse proxies (`VSCHOOL_TRUSTED_PROXIES`): then `X-Forwarded-For` is read from the
//! right (the hop the nearest proxy added) leftwards, skipping trusted proxies, and the
//! first address that is not a trusted proxy is the client. Entries further left were
//! written by the client itself and are never believed. Likewise `X-Forwarded-Proto` is
//! read only from a trusted proxy.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use crate::config::TrustedProxies;
use crate::state::AppState;

/// What [`resolve`] found out about a request's client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's IP address as text, or `unknown` (in-process tests).
    pub addr: String,
    /// A trusted proxy says the client connected to it over HTTPS.
    pub forwarded_https: bool,
}

/// The client's IP address as text, or `unknown` (in-process tests): see the module.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        if let Some(info) = parts.extensions.get::<ClientInfo>() {
            return Ok(ClientAddr(info.addr.clone()));
        }
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_canonical().to_string())
                .unwrap_or_else(|| "unknown".to_owned()),
        ))
    }
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port or in brackets.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
}

/// The client of a request that arrived from `peer` with these headers.
pub fn client_info(
    trusted: &TrustedProxies,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
) -> ClientInfo {
    let Some(peer) = peer.map(|p| p.to_canonical()) else {
        return ClientInfo {
            addr: "unknown".to_owned(),
            forwarded_https: false,
        };
    };
    if !trusted.trusts(peer) {
        return ClientInfo {
            addr: peer.to_string(),
            forwarded_https: false,
        };
    }
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let mut client = peer;
    for hop in values("x-forwarded-for").iter().rev() {
        match parse_hop(hop) {
            Some(ip) => {
                client = ip.to_canonical();
                if !trusted.trusts(client) {
                    break;
                }
            }
            // Garbage: stop at the last address a trusted proxy vouched for.
            None => break,
        }
    }
    let forwarded_https = values("x-forwarded-proto")
        .last()
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    ClientInfo {
        addr: client.to_string(),
        forwarded_https,
    }
}

/// Middleware: puts the request's [`ClientInfo`] in its extensions.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let info = client_info(&state.config().trusted_proxies, peer, req.headers());
    req.extensions_mut().insert(info);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let t = TrustedProxies::parse("10.0.0.0/8").expect("nets");
        let h = headers(&[("x-forwarded-for", "198.51.100.1, 203.0.113.9, 10.0.0.7")]);
        assert_eq!(client_info(&t, ip("10.0.0.2"), &h).addr, "203.0.113.9");
        // Several header lines are one list, in order.
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("x-forwarded-for", "203.0.113.9:5555"),
        ]);
        assert_eq!(client_info(&t, ip("10.0.0.2"), &h).addr, "203.0.113.9");
        // Every hop trusted: the leftmost.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.7")]);
        assert_eq!(client_info(&t, ip("10.0.0.2"), &h).addr, "10.9.9.9");
        // Garbage stops the walk at the last trusted address.
        let h = headers(&[("x-forwarded-for", "198.51.100.1, nonsense, 10.0.0.7")]);
        assert_eq!(client_info(&t, ip("10.0.0.2"), &h).addr, "10.0.0.7");
        // No header: the proxy itself.
        assert_eq!(
            client_info(&t, ip("10.0.0.2"), &HeaderMap::new()).addr,
            "10.0.0.2"
        );
        // IPv6 in brackets.
        let h = headers(&[("x-forwarded-for", "[2001:db8::1]")]);
        assert_eq!(client_info(&t, ip("10.0.0.2"), &h).addr, "2001:db8::1");
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let t = TrustedProxies::parse("10.0.0.0/8").expect("nets");
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ]);
        let info = client_info(&t, ip("198.51.100.77"), &h);
        assert_eq!(info.addr, "198.51.100.77");
        assert!(!info.forwarded_https);
        let none = TrustedProxies::default();
        assert_eq!(client_info(&none, ip("10.0.0.2"), &h).addr, "10.0.0.2");
        let info = client_info(&t, ip("10.0.0.2"), &h);
        assert!(info.forwarded_https);
        assert_eq!(client_info(&t, None, &h).addr, "unknown");
        assert_eq!(
            client_info(&none, ip("::ffff:192.0.2.1"), &h).addr,
            "192.0.2.1"
        );
    }
}
