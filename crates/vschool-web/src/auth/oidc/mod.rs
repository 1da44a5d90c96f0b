//! Single sign-on with the council's OpenID Connect provider (DESIGN §6, §8): the
//! authorization code flow with PKCE (S256), optional, configured by `VSCHOOL_OIDC_*`.
//!
//! 1. `GET /sign-in/oidc` reads the provider's discovery document, makes a random `state`,
//!    `nonce` and PKCE verifier, keeps them in a short-lived cookie sealed with the service's
//!    key ([`crate::keys`], ten minutes, HttpOnly, SameSite=Lax) and sends the browser to
//!    the provider.
//! 2. `GET /sign-in/oidc/callback` checks `state` against the cookie, exchanges the code
//!    (with the verifier) at the token endpoint, and checks the ID token: its signature
//!    against the provider's key set ([`jwt`]), `iss`, `aud` (and `azp`), `exp`, `iat` and
//!    `nbf` with a minute's leeway against the service's wall clock, and `nonce`.
//! 3. The person is the existing, active account with the token's `email` (case-insensitive);
//!    no account is ever created. The sign-in counts as two-factor only when the token's
//!    `amr` holds `mfa`; otherwise the authenticator code follows as after a password.
//!
//! Every refusal is audited as `sign-in-failed` and shown as a page that says what to do.

pub mod http;
pub mod jwt;

use std::time::Duration as StdDuration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};
use url::Url;

use self::jwt::{JwkSet, JwtError};
use crate::config::OidcConfig;
use crate::keys::{Purpose, SecretKey};
use crate::util::random_token;

/// How long the browser has between leaving for the provider and coming back.
pub const FLOW_VALID_FOR: Duration = Duration::minutes(10);

/// Clock difference tolerated between the provider and the service.
pub const LEEWAY: Duration = Duration::seconds(60);

/// Keys are fetched again for an unknown `kid` at most this often (a stream of tokens with
/// made-up key ids must not become a stream of requests to the provider).
const KEY_REFRESH_MIN: Duration = Duration::seconds(60);

/// The members of the discovery document (OpenID Connect Discovery 1.0) used here.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
}

/// Why a single sign-on did not sign anyone in. [`Refusal::detail`] goes to the audit
/// trail and the log; [`Refusal::page`] tells the person what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No sign-in under way in this browser, or it took too long.
    NoFlow,
    StateMismatch,
    /// The provider sent the person back with an error (`error=access_denied`, …).
    ProviderSaid(String),
    /// The provider could not be reached or answered nonsense.
    Unreachable(String),
    /// The token endpoint refused the code.
    TokenRefused(String),
    Token(JwtError),
    WrongIssuer,
    WrongAudience,
    Expired,
    NotYetValid,
    WrongNonce,
    NoEmail,
    EmailNotVerified,
    NoAccount,
    TooManyAttempts(u32),
}

impl Refusal {
    /// For the audit trail: no token, code or secret, only what went wrong.
    pub fn detail(&self) -> String {
        let what = match self {
            Refusal::NoFlow => "no sign-in was under way in this browser, or it expired".into(),
            Refusal::StateMismatch => "the state did not match".into(),
            Refusal::ProviderSaid(e) => format!("the identity provider answered {e}"),
            Refusal::Unreachable(e) => format!("the identity provider could not be used: {e}"),
            Refusal::TokenRefused(e) => format!("the token endpoint refused the code: {e}"),
            Refusal::Token(e) => e.to_string(),
            Refusal::WrongIssuer => "the ID token's issuer is not the configured one".into(),
            Refusal::WrongAudience => "the ID token is for another client".into(),
            Refusal::Expired => "the ID token has expired".into(),
            Refusal::NotYetValid => "the ID token is not valid yet".into(),
            Refusal::WrongNonce => "the ID token's nonce did not match".into(),
            Refusal::NoEmail => "the ID token has no email address".into(),
            Refusal::EmailNotVerified => "the ID token's email address is not verified".into(),
            Refusal::NoAccount => "no active account has this email address".into(),
            Refusal::TooManyAttempts(_) => "too many failed sign-ins".into(),
        };
        format!("single sign-on: {what}")
    }

    /// The page's heading and paragraphs, and its status.
    pub fn page(&self) -> (u16, &'static str, Vec<String>) {
        let try_again = "Try again from the sign-in page. If it keeps happening, sign in with \
                         your email address and password, or contact the Virtual School."
            .to_owned();
        match self {
            Refusal::NoAccount => (
                403,
                "You do not have an account",
                vec![
                    "Your council account does not match an account of the Virtual School \
                     service, or the account has been closed."
                        .into(),
                    "Ask your Virtual School to give you an account. They will need the email \
                     address of your council account."
                        .into(),
                ],
            ),
            Refusal::TooManyAttempts(minutes) => (
                429,
                "Too many attempts",
                vec![format!(
                    "There have been too many unsuccessful attempts to sign in. Wait {minutes} \
                     minutes, then try again."
                )],
            ),
            Refusal::NoFlow | Refusal::StateMismatch => (
                400,
                "You could not be signed in",
                vec![
                    "The sign-in took too long, or was started in another browser or window."
                        .into(),
                    try_again,
                ],
            ),
            Refusal::ProviderSaid(_) => (
                400,
                "You could not be signed in",
                vec![
                    "Your council's sign-in service did not sign you in.".into(),
                    try_again,
                ],
            ),
            Refusal::Unreachable(_) | Refusal::TokenRefused(_) => (
                502,
                "You could not be signed in",
                vec![
                    "Your council's sign-in service could not be reached or did not answer as \
                     expected."
                        .into(),
                    try_again,
                ],
            ),
            Refusal::NoEmail | Refusal::EmailNotVerified => (
                403,
                "You could not be signed in",
                vec![
                    "Your council's sign-in service did not tell us a verified email address \
                     for you, so we cannot find your account."
                        .into(),
                    "Sign in with your email address and password, or contact the Virtual \
                     School."
                        .into(),
                ],
            ),
            Refusal::Token(_)
            | Refusal::WrongIssuer
            | Refusal::WrongAudience
            | Refusal::Expired
            | Refusal::NotYetValid
            | Refusal::WrongNonce => (
                400,
                "You could not be signed in",
                vec![
                    "Your council's sign-in service sent an answer that we could not accept."
                        .into(),
                    try_again,
                ],
            ),
        }
    }
}

/// The provider as last read: discovery and keys, and when.
#[derive(Debug, Clone)]
struct Provider {
    discovery: Discovery,
    keys: JwkSet,
    fetched_at: OffsetDateTime,
    keys_fetched_at: OffsetDateTime,
}

/// The provider's documents, kept for `OidcConfig::cache_for`.
#[derive(Debug, Default)]
pub struct Cache {
    provider: tokio::sync::Mutex<Option<Provider>>,
}

fn unreachable(what: impl std::fmt::Display) -> Refusal {
    Refusal::Unreachable(what.to_string())
}

fn same_issuer(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

fn checked_url(raw: &str, what: &str) -> Result<Url, Refusal> {
    let url =
        Url::parse(raw).map_err(|_| unreachable(format_args!("its {what} is not an address")))?;
    if !http::allowed(&url) {
        return Err(unreachable(format_args!(
            "its {what} is not an https:// address"
        )));
    }
    Ok(url)
}

async fn get_json<T: serde::de::DeserializeOwned>(
    url: &Url,
    timeout: StdDuration,
    what: &str,
) -> Result<T, Refusal> {
    let answer = http::get(url, timeout).await.map_err(unreachable)?;
    if answer.status != 200 {
        return Err(unreachable(format_args!(
            "its {what} answered HTTP {}",
            answer.status
        )));
    }
    serde_json::from_slice(&answer.body)
        .map_err(|_| unreachable(format_args!("its {what} is not the JSON expected")))
}

async fn fetch_provider(config: &OidcConfig, now: OffsetDateTime) -> Result<Provider, Refusal> {
    let url = checked_url(&config.discovery_url(), "discovery address")?;
    let discovery: Discovery = get_json(&url, config.timeout, "discovery document").await?;
    if !same_issuer(&discovery.issuer, &config.issuer) {
        return Err(unreachable(
            "its discovery document names another issuer than VSCHOOL_OIDC_ISSUER",
        ));
    }
    if let Some(methods) = &discovery.code_challenge_methods_supported {
        if !methods.iter().any(|m| m == "S256") {
            return Err(unreachable("it does not support PKCE with S256"));
        }
    }
    checked_url(&discovery.authorization_endpoint, "authorization endpoint")?;
    checked_url(&discovery.token_endpoint, "token endpoint")?;
    let jwks_url = checked_url(&discovery.jwks_uri, "key set address")?;
    let keys: JwkSet = get_json(&jwks_url, config.timeout, "key set").await?;
    Ok(Provider {
        discovery,
        keys,
        fetched_at: now,
        keys_fetched_at: now,
    })
}

impl Cache {
    async fn provider(
        &self,
        config: &OidcConfig,
        now: OffsetDateTime,
    ) -> Result<Provider, Refusal> {
        let mut slot = self.provider.lock().await;
        let max_age = Duration::try_from(config.cache_for).unwrap_or(Duration::hours(1));
        if let Some(p) = slot.as_ref() {
            if now - p.fetched_at < max_age && now >= p.fetched_at {
                return Ok(p.clone());
            }
        }
        let p = fetch_provider(config, now).await?;
        *slot = Some(p.clone());
        Ok(p)
    }

    /// The key set again (a token signed with a key not seen yet: the provider rotated).
    async fn refresh_keys(
        &self,
        config: &OidcConfig,
        now: OffsetDateTime,
    ) -> Result<Option<JwkSet>, Refusal> {
        let mut slot = self.provider.lock().await;
        let Some(p) = slot.as_mut() else {
            return Ok(None);
        };
        if now - p.keys_fetched_at < KEY_REFRESH_MIN {
            return Ok(None);
        }
        let url = checked_url(&p.discovery.jwks_uri, "key set address")?;
        let keys: JwkSet = get_json(&url, config.timeout, "key set").await?;
        p.keys = keys.clone();
        p.keys_fetched_at = now;
        Ok(Some(keys))
    }
}

/// What the sealed cookie holds while the browser is at the provider.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flow {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
    /// Unix seconds.
    pub expires: i64,
}

const COOKIE_CONTEXT: &str = "oidc-flow";

impl Flow {
    pub fn new(now: OffsetDateTime) -> Flow {
        Flow {
            state: random_token(),
            nonce: random_token(),
            // 64 characters from [0-9a-f]: within RFC 7636's 43–128 unreserved characters.
            verifier: random_token(),
            expires: (now + FLOW_VALID_FOR).unix_timestamp(),
        }
    }

    /// The PKCE challenge: base64url(SHA-256(verifier)).
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()))
    }

    pub fn seal(&self, key: &SecretKey) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        key.seal(Purpose::OidcCookie, COOKIE_CONTEXT, &json)
    }

    /// The flow a cookie holds, if it opens and has not expired.
    pub fn open(key: &SecretKey, cookie: &str, now: OffsetDateTime) -> Option<Flow> {
        let json = key.open(Purpose::OidcCookie, COOKIE_CONTEXT, cookie)?;
        let flow: Flow = serde_json::from_slice(&json).ok()?;
        (now.unix_timestamp() < flow.expires).then_some(flow)
    }
}

/// Where to send the browser to sign in at the provider.
pub async fn authorization_url(
    cache: &Cache,
    config: &OidcConfig,
    redirect_uri: &str,
    flow: &Flow,
    now: OffsetDateTime,
) -> Result<String, Refusal> {
    let p = cache.provider(config, now).await?;
    let mut url = checked_url(
        &p.discovery.authorization_endpoint,
        "authorization endpoint",
    )?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &config.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", "openid email profile")
        .append_pair("state", &flow.state)
        .append_pair("nonce", &flow.nonce)
        .append_pair("code_challenge", &flow.challenge())
        .append_pair("code_challenge_method", "S256");
    Ok(url.to_string())
}

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Lower-cased.
    pub email: String,
    /// The token's `amr` holds `mfa`: the provider checked a second factor.
    pub mfa: bool,
}

/// `state` from the callback against the flow's, in constant time.
pub fn state_matches(flow: &Flow, state: &str) -> bool {
    bool::from(flow.state.as_bytes().ct_eq(state.as_bytes()))
}

#[derive(Debug, Deserialize)]
struct TokenAnswer {
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// Exchanges the code and checks the ID token (see the module).
pub async fn redeem(
    cache: &Cache,
    config: &OidcConfig,
    redirect_uri: &str,
    flow: &Flow,
    code: &str,
    now: OffsetDateTime,
) -> Result<Identity, Refusal> {
    let p = cache.provider(config, now).await?;
    let token_url = checked_url(&p.discovery.token_endpoint, "token endpoint")?;
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", flow.verifier.as_str()),
        ("client_id", config.client_id.as_str()),
    ];
    // client_secret_basic is the default (RFC 8414); _post only when that is all it offers.
    let methods = p.discovery.token_endpoint_auth_methods_supported.as_deref();
    let offers = |m: &str| methods.is_some_and(|ms| ms.iter().any(|x| x == m));
    let mut basic = None;
    if let Some(secret) = config.client_secret.as_deref() {
        if methods.is_none() || offers("client_secret_basic") || !offers("client_secret_post") {
            basic = Some((config.client_id.as_str(), secret));
        } else {
            form.push(("client_secret", secret));
        }
    }
    let answer = http::post_form(&token_url, &form, basic, config.timeout)
        .await
        .map_err(unreachable)?;
    let parsed: Option<TokenAnswer> = serde_json::from_slice(&answer.body).ok();
    if answer.status != 200 {
        let error = parsed
            .and_then(|t| t.error)
            .filter(|e| e.len() <= 64 && e.bytes().all(|b| b.is_ascii_graphic()))
            .unwrap_or_else(|| format!("HTTP {}", answer.status));
        return Err(Refusal::TokenRefused(error));
    }
    let Some(id_token) = parsed.and_then(|t| t.id_token) else {
        return Err(Refusal::TokenRefused("no ID token in the answer".into()));
    };
    let claims = match jwt::verify(&id_token, &p.keys.keys) {
        Err(JwtError::UnknownKey) => match cache.refresh_keys(config, now).await? {
            Some(keys) => jwt::verify(&id_token, &keys.keys),
            None => Err(JwtError::UnknownKey),
        },
        other => other,
    }
    .map_err(Refusal::Token)?;
    check_claims(&claims, &p.discovery.issuer, config, &flow.nonce, now)
}

fn time_claim(claims: &serde_json::Value, name: &str) -> Option<i64> {
    let v = claims.get(name)?;
    v.as_i64().or_else(|| v.as_f64().map(|f| f as i64))
}

/// The claims' checks (OpenID Connect Core 1.0 §3.1.3.7).
pub fn check_claims(
    claims: &serde_json::Value,
    issuer: &str,
    config: &OidcConfig,
    nonce: &str,
    now: OffsetDateTime,
) -> Result<Identity, Refusal> {
    let iss = claims.get("iss").and_then(|v| v.as_str()).unwrap_or("");
    if !(same_issuer(iss, issuer) && same_issuer(iss, &config.issuer)) {
        return Err(Refusal::WrongIssuer);
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(serde_json::Value::String(a)) => vec![a.as_str()],
        Some(serde_json::Value::Array(list)) => list.iter().filter_map(|v| v.as_str()).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&config.client_id.as_str()) {
        return Err(Refusal::WrongAudience);
    }
    let azp = claims.get("azp").and_then(|v| v.as_str());
    if azp.is_some_and(|a| a != config.client_id) || (audiences.len() > 1 && azp.is_none()) {
        return Err(Refusal::WrongAudience);
    }
    let now_s = now.unix_timestamp();
    let leeway = LEEWAY.whole_seconds();
    let (Some(exp), Some(iat)) = (time_claim(claims, "exp"), time_claim(claims, "iat")) else {
        return Err(Refusal::Token(JwtError::Malformed));
    };
    if now_s > exp.saturating_add(leeway) {
        return Err(Refusal::Expired);
    }
    if iat > now_s.saturating_add(leeway)
        || time_claim(claims, "nbf").is_some_and(|nbf| nbf > now_s.saturating_add(leeway))
    {
        return Err(Refusal::NotYetValid);
    }
    let got_nonce = claims.get("nonce").and_then(|v| v.as_str()).unwrap_or("");
    if !bool::from(got_nonce.as_bytes().ct_eq(nonce.as_bytes())) {
        return Err(Refusal::WrongNonce);
    }
    let Some(email) = claims
        .get("email")
        .and_then(|v| v.as_str())
        .and_then(crate::accounts::normalise_email)
    else {
        return Err(Refusal::NoEmail);
    };
    if claims.get("email_verified").and_then(|v| v.as_bool()) == Some(false) {
        return Err(Refusal::EmailNotVerified);
    }
    let mfa = claims
        .get("amr")
        .and_then(|v| v.as_array())
        .is_some_and(|a| a.iter().any(|m| m.as_str() == Some("mfa")));
    Ok(Identity { email, mfa })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> OidcConfig {
        OidcConfig::new("https://idp.example/t", "vs", None).expect("config")
    }

    #[test]
    fn claims_are_checked_one_by_one() {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("time");
        let t = now.unix_timestamp();
        let good = json!({"iss": "https://idp.example/t", "aud": "vs", "exp": t + 300,
            "iat": t, "nonce": "n1", "email": "Ann@Council.Example", "amr": ["pwd", "mfa"]});
        let check =
            |c: &serde_json::Value| check_claims(c, "https://idp.example/t", &config(), "n1", now);
        assert_eq!(
            check(&good),
            Ok(Identity {
                email: "ann@council.example".into(),
                mfa: true
            })
        );
        let with = |k: &str, v: serde_json::Value| {
            let mut c = good.clone();
            c[k] = v;
            c
        };
        assert_eq!(
            check(&with("amr", json!(["pwd"]))).map(|i| i.mfa),
            Ok(false)
        );
        assert_eq!(
            check(&with("iss", json!("https://evil.example/t"))),
            Err(Refusal::WrongIssuer)
        );
        assert_eq!(
            check(&with("aud", json!("other"))),
            Err(Refusal::WrongAudience)
        );
        assert!(
            check(&with("aud", json!(["other", "vs"]))).is_err(),
            "no azp"
        );
        assert!(check(&with("aud", json!(["vs"]))).is_ok());
        assert_eq!(
            check(&with("azp", json!("other"))),
            Err(Refusal::WrongAudience)
        );
        assert_eq!(check(&with("exp", json!(t - 61))), Err(Refusal::Expired));
        assert!(check(&with("exp", json!(t - 59))).is_ok(), "leeway");
        assert_eq!(
            check(&with("iat", json!(t + 120))),
            Err(Refusal::NotYetValid)
        );
        assert_eq!(
            check(&with("nbf", json!(t + 120))),
            Err(Refusal::NotYetValid)
        );
        assert_eq!(check(&with("nonce", json!("n2"))), Err(Refusal::WrongNonce));
        assert_eq!(
            check(&with("email", json!("not an email"))),
            Err(Refusal::NoEmail)
        );
        assert_eq!(
            check(&with("email_verified", json!(false))),
            Err(Refusal::EmailNotVerified)
        );
    }

    #[test]
    fn the_flow_cookie_opens_until_it_expires() {
        let key = SecretKey::generate();
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("time");
        let flow = Flow::new(now);
        let sealed = flow.seal(&key);
        assert!(!sealed.contains(&flow.verifier));
        assert_eq!(Flow::open(&key, &sealed, now), Some(flow.clone()));
        assert_eq!(Flow::open(&key, &sealed, now + FLOW_VALID_FOR), None);
        assert_eq!(Flow::open(&SecretKey::generate(), &sealed, now), None);
        // RFC 7636 appendix B.
        let rfc = Flow {
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
            ..flow
        };
        assert_eq!(
            rfc.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
