//! Where mail goes: `VSCHOOL_SMTP_URL`, `VSCHOOL_SMTP_FROM` and optionally
//! `VSCHOOL_SMTP_CA_FILE`.
//!
//! | URL | connection |
//! |---|---|
//! | `smtp://127.0.0.1:2525` | plain SMTP (a relay on the same machine or a test server) |
//! | `smtp://user:pass@relay:587?tls=required` | STARTTLS, refusing to go on without it |
//! | `smtp://relay:25?tls=opportunistic` | STARTTLS when the server offers it |
//! | `smtps://user:pass@relay:465` | TLS from the first byte |
//!
//! A user name and password in the URL authenticate (PLAIN or LOGIN, whichever the server
//! offers). They are refused over a connection that might be unencrypted, except to a
//! server on this machine: a password must never cross a network in clear.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;

use crate::error::MailError;

pub const ENV_URL: &str = "VSCHOOL_SMTP_URL";
pub const ENV_FROM: &str = "VSCHOOL_SMTP_FROM";
/// A PEM file of extra certificate authorities to trust (an internal relay whose certificate
/// the council's own CA signed), besides the system's.
pub const ENV_CA_FILE: &str = "VSCHOOL_SMTP_CA_FILE";

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// No TLS (`smtp://`): only sensible to a relay on the same machine or network segment.
    None,
    /// STARTTLS if the server offers it (`?tls=opportunistic`).
    Opportunistic,
    /// STARTTLS, and fail if the server does not offer it (`?tls=required`).
    Required,
    /// TLS from the start (`smtps://`).
    Wrapper,
}

impl TlsMode {
    fn label(self) -> &'static str {
        match self {
            TlsMode::None => "no encryption",
            TlsMode::Opportunistic => "STARTTLS if offered",
            TlsMode::Required => "STARTTLS",
            TlsMode::Wrapper => "TLS",
        }
    }
}

/// Everything needed to reach the SMTP server. `Debug` never shows the password.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub credentials: Option<(String, String)>,
    /// The name given in `EHLO` (the URL's path, e.g. `smtp://relay/vs.northshire.gov.uk`).
    pub hello_name: Option<String>,
    /// `From:`, e.g. `Northshire Virtual School <virtual.school@northshire.gov.uk>`.
    pub from: String,
    pub ca_file: Option<PathBuf>,
    /// How long to wait for the server at each step before giving up on this attempt.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("server", &self.describe())
            .field("from", &self.from)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn decode(part: &str) -> String {
    url::form_urlencoded::parse(format!("x={part}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

impl SmtpConfig {
    /// Reads an SMTP URL and a sender address.
    pub fn from_url(raw: &str, from: &str) -> Result<SmtpConfig, MailError> {
        let bad = |reason: &str| MailError::BadUrl {
            url: redact(raw),
            reason: reason.to_owned(),
        };
        let url = url::Url::parse(raw.trim()).map_err(|e| bad(&e.to_string()))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("it names no server"))?
            .to_owned();
        let tls_param = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_ascii_lowercase());
        let (tls, default_port) = match (url.scheme(), tls_param.as_deref()) {
            ("smtp", None | Some("none")) => (TlsMode::None, 25),
            ("smtp", Some("opportunistic")) => (TlsMode::Opportunistic, 587),
            ("smtp", Some("required")) => (TlsMode::Required, 587),
            ("smtps", None | Some("wrapper")) => (TlsMode::Wrapper, 465),
            ("smtp" | "smtps", Some(other)) => {
                return Err(bad(&format!(
                    "tls={other} is not one of none, opportunistic, required"
                )))
            }
            (other, _) => {
                return Err(bad(&format!(
                    "the scheme {other}:// is not smtp:// or smtps://"
                )))
            }
        };
        let credentials = match url.password() {
            Some(p) => Some((decode(url.username()), decode(p))),
            None if !url.username().is_empty() => {
                return Err(bad("it has a user name but no password"))
            }
            None => None,
        };
        if credentials.is_some()
            && matches!(tls, TlsMode::None | TlsMode::Opportunistic)
            && !is_loopback(&host)
        {
            return Err(bad(
                "a password would be sent unencrypted; use smtps:// or add ?tls=required",
            ));
        }
        let hello_name = Some(url.path().trim_matches('/').to_owned()).filter(|p| !p.is_empty());
        from.parse::<Mailbox>()
            .map_err(|_| MailError::BadFrom(from.to_owned()))?;
        Ok(SmtpConfig {
            host,
            port: url.port().unwrap_or(default_port),
            tls,
            credentials,
            hello_name,
            from: from.trim().to_owned(),
            ca_file: None,
            timeout: Duration::from_secs(30),
        })
    }

    /// The configuration from the environment: `None` when `VSCHOOL_SMTP_URL` is not set
    /// (sending is then refused with a message saying how to set it up).
    pub fn from_env() -> Result<Option<SmtpConfig>, MailError> {
        let Some(url) = std::env::var(ENV_URL).ok().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let from = std::env::var(ENV_FROM)
            .ok()
            .filter(|f| !f.trim().is_empty())
            .ok_or_else(|| MailError::BadFrom(String::new()))?;
        let mut config = SmtpConfig::from_url(&url, &from)?;
        config.ca_file = std::env::var(ENV_CA_FILE)
            .ok()
            .filter(|p| !p.trim().is_empty())
            .map(PathBuf::from);
        Ok(Some(config))
    }

    /// `smtp://user:***@relay:587 (STARTTLS)`: for pages and logs.
    pub fn describe(&self) -> String {
        let scheme = if self.tls == TlsMode::Wrapper {
            "smtps"
        } else {
            "smtp"
        };
        let user = self
            .credentials
            .as_ref()
            .map(|(u, _)| format!("{u}:***@"))
            .unwrap_or_default();
        format!(
            "{scheme}://{user}{}:{} ({})",
            self.host,
            self.port,
            self.tls.label()
        )
    }
}

/// A URL with its password replaced by `***`, for messages.
pub(crate) fn redact(raw: &str) -> String {
    match url::Url::parse(raw.trim()) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "(not a URL)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: &str = "Northshire Virtual School <vs@northshire.example>";

    #[test]
    fn plain_starttls_and_tls_urls() {
        let c = SmtpConfig::from_url("smtp://127.0.0.1:2525", FROM).expect("plain");
        assert_eq!(
            (c.host.as_str(), c.port, c.tls),
            ("127.0.0.1", 2525, TlsMode::None)
        );
        assert!(c.credentials.is_none());

        let c = SmtpConfig::from_url(
            "smtp://vs%40n.gov.uk:p%26ss@relay.n.gov.uk?tls=required",
            FROM,
        )
        .expect("starttls");
        assert_eq!((c.port, c.tls), (587, TlsMode::Required));
        assert_eq!(
            c.credentials,
            Some(("vs@n.gov.uk".to_owned(), "p&ss".to_owned()))
        );

        let c =
            SmtpConfig::from_url("smtps://u:secret@relay.n.gov.uk/vs.n.gov.uk", FROM).expect("tls");
        assert_eq!((c.port, c.tls), (465, TlsMode::Wrapper));
        assert_eq!(c.hello_name.as_deref(), Some("vs.n.gov.uk"));
        assert_eq!(c.describe(), "smtps://u:***@relay.n.gov.uk:465 (TLS)");
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn passwords_never_travel_in_clear_and_never_reach_messages() {
        let e = SmtpConfig::from_url("smtp://u:secret@relay.n.gov.uk:25", FROM)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("unencrypted") && !e.contains("secret"), "{e}");
        // To a relay on this machine it is allowed.
        assert!(SmtpConfig::from_url("smtp://u:secret@127.0.0.1:2525", FROM).is_ok());
    }

    #[test]
    fn bad_urls_and_senders_say_what_to_do() {
        for bad in ["http://x", "smtp://", "smtp://h?tls=maybe", "not a url"] {
            let e = SmtpConfig::from_url(bad, FROM).err().map(|e| e.to_string());
            assert!(
                e.is_some_and(|m| m.contains("smtp://127.0.0.1:2525")),
                "{bad}"
            );
        }
        assert!(matches!(
            SmtpConfig::from_url("smtp://h", "nobody"),
            Err(MailError::BadFrom(_))
        ));
    }
}
