//! Settings of the web service that are not data: where it is reached, how long a session
//! lasts, how much a request may carry.

use std::time::Duration;

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
}
