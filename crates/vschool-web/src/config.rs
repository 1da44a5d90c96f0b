//! Settings of the web service that are not data: where it is reached, how long a session
//! lasts, how much a request may carry.

use std::net::IpAddr;
use std::time::Duration;

use crate::keys::{KeyError, SecretKey};

#[derive(Debug, Clone)]
pub struct Config {
    /// The address people reach the service at, e.g. `https://virtualschool.northshire.gov.uk`
    /// (`VSCHOOL_PUBLIC_URL`). Forms are accepted only from this origin, and emailed links
    /// start with it. `None` means "whatever host the request names" (local use and tests).
    pub public_url: Option<String>,
    /// Cookies carry `Secure` and responses carry `Strict-Transport-Security`. On when the
    /// public URL is `https://`, so a local `http://127.0.0.1` demo still works.
    pub tls: bool,
    /// A session ends after this long without a request (DESIGN: idle expiry).
    pub session_idle: Duration,
    /// …and this long after sign-in whatever happens.
    pub session_absolute: Duration,
    /// Requests taking longer are answered 503 with an error page.
    pub request_timeout: Duration,
    /// Largest request body for ordinary forms and API calls.
    pub body_limit: usize,
    /// Sign-in attempts that fail, per account or per address, in `sign_in_window`, before
    /// sign-in is refused for that account or address until the window passes.
    pub sign_in_max_failures: u32,
    pub sign_in_window: Duration,
    /// Where emails go (`VSCHOOL_SMTP_URL`, `VSCHOOL_SMTP_FROM`); `None` when email is not
    /// set up: packs can be dry-run but not sent.
    pub smtp: Option<vschool_mail::SmtpConfig>,
    /// The key that encrypts TOTP secrets and the single sign-on cookie
    /// (`VSCHOOL_SECRET_KEY`). `None`: the key file beside the database (see
    /// [`crate::keys`]), created on first run.
    pub secret_key: Option<SecretKey>,
    /// The council's OpenID Connect provider (`VSCHOOL_OIDC_*`); `None`: no single sign-on.
    pub oidc: Option<OidcConfig>,
    /// Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed
    /// (`VSCHOOL_TRUSTED_PROXIES`); empty: none, the peer's address is the client's.
    pub trusted_proxies: TrustedProxies,
    /// How long an emailed password-reset link works.
    pub reset_link_valid_for: Duration,
}

pub const ENV_OIDC_ISSUER: &str = "VSCHOOL_OIDC_ISSUER";
pub const ENV_OIDC_CLIENT_ID: &str = "VSCHOOL_OIDC_CLIENT_ID";
pub const ENV_OIDC_CLIENT_SECRET: &str = "VSCHOOL_OIDC_CLIENT_SECRET";
pub const ENV_TRUSTED_PROXIES: &str = "VSCHOOL_TRUSTED_PROXIES";

/// A setting from the environment that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {reason}")]
    Bad { name: &'static str, reason: String },
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// The council's OpenID Connect provider. `Debug` never shows the client secret.
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer identifier exactly as the provider states it, e.g.
    /// `https://login.microsoftonline.com/{tenant}/v2.0`; discovery is read from
    /// `{issuer}/.well-known/openid-configuration`. `https://` (plain `http://` only to a
    /// provider on this machine).
    pub issuer: String,
    pub client_id: String,
    /// For `client_secret_basic` (or `client_secret_post` when the provider offers only
    /// that); `None` for a public client, which PKCE alone protects.
    pub client_secret: Option<String>,
    /// How long discovery and the signing keys are kept before being read again (a key
    /// the provider starts using is fetched at once).
    pub cache_for: Duration,
    /// How long a provider may take to answer.
    pub timeout: Duration,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .finish()
    }
}

fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl OidcConfig {
    /// A provider, checked: the issuer must be an `https://` URL (or `http://` on this
    /// machine) without query or fragment.
    pub fn new(
        issuer: &str,
        client_id: &str,
        client_secret: Option<&str>,
    ) -> Result<OidcConfig, ConfigError> {
        let bad = |name, reason: &str| ConfigError::Bad {
            name,
            reason: reason.to_owned(),
        };
        let issuer = issuer.trim();
        let url = url::Url::parse(issuer).map_err(|e| bad(ENV_OIDC_ISSUER, &e.to_string()))?;
        let host = url.host_str().unwrap_or_default();
        match url.scheme() {
            "https" => {}
            "http" if is_loopback_host(host) => {}
            _ => {
                return Err(bad(
                    ENV_OIDC_ISSUER,
                    "the issuer must be an https:// address",
                ))
            }
        }
        if url.query().is_some() || url.fragment().is_some() || host.is_empty() {
            return Err(bad(
                ENV_OIDC_ISSUER,
                "the issuer must be a plain address with no ? or # part",
            ));
        }
        if client_id.trim().is_empty() {
            return Err(bad(
                ENV_OIDC_CLIENT_ID,
                "set the client id the provider gave",
            ));
        }
        Ok(OidcConfig {
            issuer: issuer.to_owned(),
            client_id: client_id.trim().to_owned(),
            client_secret: client_secret.map(str::to_owned).filter(|s| !s.is_empty()),
            cache_for: Duration::from_secs(60 * 60),
            timeout: Duration::from_secs(10),
        })
    }

    /// `VSCHOOL_OIDC_ISSUER`, `VSCHOOL_OIDC_CLIENT_ID` and `VSCHOOL_OIDC_CLIENT_SECRET`;
    /// `None` when no issuer is set.
    pub fn from_env() -> Result<Option<OidcConfig>, ConfigError> {
        let var = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let Some(issuer) = var(ENV_OIDC_ISSUER) else {
            return Ok(None);
        };
        let client_id = var(ENV_OIDC_CLIENT_ID).unwrap_or_default();
        OidcConfig::new(&issuer, &client_id, var(ENV_OIDC_CLIENT_SECRET).as_deref()).map(Some)
    }

    /// Where discovery is read from.
    pub fn discovery_url(&self) -> String {
        format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        )
    }
}

/// One trusted address or network (`10.0.0.5`, `10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn parse(text: &str) -> Option<IpNet> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpNet { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The reverse proxies in front of the service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    /// A comma- or space-separated list of addresses and networks.
    pub fn parse(text: &str) -> Result<TrustedProxies, ConfigError> {
        let mut nets = Vec::new();
        for part in text
            .split([',', ' ', '\n', '\t'])
            .filter(|p| !p.trim().is_empty())
        {
            nets.push(IpNet::parse(part).ok_or_else(|| ConfigError::Bad {
                name: ENV_TRUSTED_PROXIES,
                reason: format!(
                    "{part:?} is not an IP address or network like 10.0.0.0/8 or fd00::/8"
                ),
            })?);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn from_env() -> Result<TrustedProxies, ConfigError> {
        match std::env::var(ENV_TRUSTED_PROXIES) {
            Ok(v) => TrustedProxies::parse(&v),
            Err(_) => Ok(TrustedProxies::default()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_url: None,
            tls: false,
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            request_timeout: Duration::from_secs(30),
            body_limit: 64 * 1024,
            sign_in_max_failures: 5,
            sign_in_window: Duration::from_secs(15 * 60),
            smtp: None,
            secret_key: None,
            oidc: None,
            trusted_proxies: TrustedProxies::default(),
            reset_link_valid_for: Duration::from_secs(60 * 60),
        }
    }
}

impl Config {
    /// The defaults for a service reached at `public_url`; TLS settings follow its scheme.
    pub fn for_public_url(public_url: &str) -> Self {
        let url = public_url.trim_end_matches('/').to_string();
        Config {
            tls: url.starts_with("https://"),
            public_url: Some(url),
            ..Config::default()
        }
    }

    /// Reads the settings that come from the environment only: `VSCHOOL_SECRET_KEY`,
    /// `VSCHOOL_OIDC_ISSUER` / `_CLIENT_ID` / `_CLIENT_SECRET` and
    /// `VSCHOOL_TRUSTED_PROXIES` (the SMTP settings are read by `vschool-mail`).
    pub fn read_env(&mut self) -> Result<(), ConfigError> {
        if let Some(key) = SecretKey::from_env()? {
            self.secret_key = Some(key);
        }
        self.oidc = OidcConfig::from_env()?;
        self.trusted_proxies = TrustedProxies::from_env()?;
        Ok(())
    }

    /// The public URL's origin (`scheme://host[:port]`), which the `Origin` header of a form
    /// post must equal.
    pub fn public_origin(&self) -> Option<&str> {
        let url = self.public_url.as_deref()?;
        let after_scheme = url.find("://").map(|i| i + 3)?;
        let end = url[after_scheme..]
            .find('/')
            .map(|i| after_scheme + i)
            .unwrap_or(url.len());
        Some(&url[..end])
    }

    /// An absolute link to a path of the service (for emails and the CLI).
    pub fn absolute(&self, path: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{base}{path}"),
            None => format!("http://127.0.0.1:8080{path}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_of_public_url() {
        let c = Config::for_public_url("https://vs.example.gov.uk/");
        assert!(c.tls);
        assert_eq!(c.public_origin(), Some("https://vs.example.gov.uk"));
        assert_eq!(
            c.absolute("/set-password/abc"),
            "https://vs.example.gov.uk/set-password/abc"
        );
        let c = Config::for_public_url("http://127.0.0.1:8080/vschool");
        assert!(!c.tls);
        assert_eq!(c.public_origin(), Some("http://127.0.0.1:8080"));
    }

    #[test]
    fn trusted_proxies_are_addresses_and_networks() {
        let t = TrustedProxies::parse("10.0.0.0/8, 192.0.2.7 fd00::/8").expect("parses");
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        assert!(t.trusts(ip("10.200.3.4")));
        assert!(t.trusts(ip("192.0.2.7")));
        assert!(!t.trusts(ip("192.0.2.8")));
        assert!(t.trusts(ip("fd12::1")));
        assert!(t.trusts(ip("::ffff:10.1.1.1")), "IPv4-mapped IPv6 peers");
        assert!(!t.trusts(ip("11.0.0.1")));
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .expect("all")
            .trusts(ip("203.0.113.9")));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("").expect("empty").is_empty());
    }

    #[test]
    fn an_issuer_must_be_https_except_on_this_machine() {
        assert!(OidcConfig::new("https://login.example/tenant/v2.0", "vs", Some("s")).is_ok());
        assert!(OidcConfig::new("http://127.0.0.1:9000", "vs", None).is_ok());
        assert!(OidcConfig::new("http://login.example", "vs", None).is_err());
        assert!(OidcConfig::new("https://login.example?x=1", "vs", None).is_err());
        assert!(OidcConfig::new("https://login.example", " ", None).is_err());
        let c = OidcConfig::new("https://login.example/t/", "vs", Some("hush")).expect("ok");
        assert_eq!(
            c.discovery_url(),
            "https://login.example/t/.well-known/openid-configuration"
        );
        assert!(!format!("{c:?}").contains("hush"));
    }
}
