//! Checking an ID token's signature (a JWS in compact form) against the provider's keys
//! (a JWK set). Only what an OpenID Connect provider signs ID tokens with is accepted:
//! RS256, PS256 and ES256, verified by ring. The algorithm is taken from the token's header
//! only to choose among these; a key is used only for its own type (and its own `alg` when
//! it names one), so `none`, HMAC and algorithm-confusion tricks have nothing to work with.
//! The claims are checked by the caller (`super::check_claims`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde::Deserialize;

/// One key of a JWK set (RFC 7517), the members used here.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    /// RSA modulus and exponent.
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
    /// EC curve and point.
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct JwkSet {
    #[serde(default)]
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    /// Extensions the verifier must understand: none are, so any is refused.
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the ID token is not a signed JWT")]
    Malformed,
    #[error("the ID token is signed with {0}, which is not accepted")]
    Algorithm(String),
    #[error("no key of the provider matches the ID token")]
    UnknownKey,
    #[error("the ID token's signature is not valid")]
    BadSignature,
}

fn b64(s: &str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|_| JwtError::Malformed)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alg {
    Rs256,
    Ps256,
    Es256,
}

impl Alg {
    fn parse(s: &str) -> Option<Alg> {
        match s {
            "RS256" => Some(Alg::Rs256),
            "PS256" => Some(Alg::Ps256),
            "ES256" => Some(Alg::Es256),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Ps256 => "PS256",
            Alg::Es256 => "ES256",
        }
    }

    /// Can this key verify this algorithm?
    fn fits(self, k: &Jwk) -> bool {
        let kty_ok = match self {
            Alg::Rs256 | Alg::Ps256 => k.kty == "RSA",
            Alg::Es256 => k.kty == "EC" && k.crv.as_deref() == Some("P-256"),
        };
        kty_ok
            && k.alg.as_deref().is_none_or(|a| a == self.name())
            && k.use_.as_deref().is_none_or(|u| u == "sig")
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    &b[first..]
}

fn verify_with(alg: Alg, key: &Jwk, message: &[u8], sig: &[u8]) -> Result<bool, JwtError> {
    match alg {
        Alg::Rs256 | Alg::Ps256 => {
            let (Some(n), Some(e)) = (&key.n, &key.e) else {
                return Ok(false);
            };
            let (n, e) = (b64(n)?, b64(e)?);
            let params = if alg == Alg::Rs256 {
                &signature::RSA_PKCS1_2048_8192_SHA256
            } else {
                &signature::RSA_PSS_2048_8192_SHA256
            };
            let components = RsaPublicKeyComponents {
                n: strip_zeros(&n),
                e: strip_zeros(&e),
            };
            Ok(components.verify(params, message, sig).is_ok())
        }
        Alg::Es256 => {
            let (Some(x), Some(y)) = (&key.x, &key.y) else {
                return Ok(false);
            };
            let (x, y) = (b64(x)?, b64(y)?);
            if x.len() != 32 || y.len() != 32 {
                return Ok(false);
            }
            let mut point = Vec::with_capacity(65);
            point.push(0x04);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            Ok(
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, sig)
                    .is_ok(),
            )
        }
    }
}

/// The token's claims if its signature is valid under one of `keys`.
/// [`JwtError::UnknownKey`] means no key fits (the provider may have rotated its keys).
pub fn verify(token: &str, keys: &[Jwk]) -> Result<serde_json::Value, JwtError> {
    let mut parts = token.trim().split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let header: Header = serde_json::from_slice(&b64(h)?).map_err(|_| JwtError::Malformed)?;
    if header.crit.is_some() {
        return Err(JwtError::Malformed);
    }
    let alg = Alg::parse(&header.alg).ok_or_else(|| JwtError::Algorithm(header.alg.clone()))?;
    let candidates: Vec<&Jwk> = keys
        .iter()
        .filter(|k| alg.fits(k))
        .filter(|k| match (&header.kid, &k.kid) {
            (Some(want), Some(have)) => want == have,
            (Some(_), None) => false,
            (None, _) => true,
        })
        .collect();
    if candidates.is_empty() {
        return Err(JwtError::UnknownKey);
    }
    let sig = b64(s)?;
    let message = format!("{h}.{p}");
    for key in candidates {
        if verify_with(alg, key, message.as_bytes(), &sig)? {
            return serde_json::from_slice(&b64(p)?).map_err(|_| JwtError::Malformed);
        }
    }
    Err(JwtError::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_and_hmac_tokens_are_refused() {
        let enc = |s: &str| URL_SAFE_NO_PAD.encode(s);
        let claims = enc(r#"{"sub":"x"}"#);
        let key = Jwk {
            kty: "RSA".into(),
            kid: Some("k".into()),
            n: Some(enc("n")),
            e: Some(enc("e")),
            ..Jwk::default()
        };
        let none = format!("{}.{claims}.", enc(r#"{"alg":"none"}"#));
        assert_eq!(
            verify(&none, std::slice::from_ref(&key)),
            Err(JwtError::Algorithm("none".into()))
        );
        let hs = format!("{}.{claims}.{}", enc(r#"{"alg":"HS256"}"#), enc("sig"));
        assert_eq!(
            verify(&hs, std::slice::from_ref(&key)),
            Err(JwtError::Algorithm("HS256".into()))
        );
        let other_kid = format!(
            "{}.{claims}.{}",
            enc(r#"{"alg":"RS256","kid":"other"}"#),
            enc("sig")
        );
        assert_eq!(
            verify(&other_kid, std::slice::from_ref(&key)),
            Err(JwtError::UnknownKey)
        );
        let es_with_rsa_key = format!("{}.{claims}.{}", enc(r#"{"alg":"ES256"}"#), enc("sig"));
        assert_eq!(
            verify(&es_with_rsa_key, std::slice::from_ref(&key)),
            Err(JwtError::UnknownKey)
        );
        let crit = format!(
            "{}.{claims}.{}",
            enc(r#"{"alg":"RS256","crit":["exp"]}"#),
            enc("sig")
        );
        assert_eq!(verify(&crit, &[key]), Err(JwtError::Malformed));
        assert_eq!(verify("a.b", &[]), Err(JwtError::Malformed));
    }
}
