//! The service's secret key, and what it protects: TOTP secrets at rest and the short-lived
//! single sign-on cookie.
//!
//! One master key, from `VSCHOOL_SECRET_KEY` (64 hex characters, e.g. from
//! `openssl rand -hex 32`) or, when that is unset, from a key file the service creates on
//! first run beside the SQLite database (`vschool.db.key`; with PostgreSQL,
//! `vschool-secret.key` in the working directory, which a deployment of several instances
//! must replace with `VSCHOOL_SECRET_KEY`). The key is deliberately *not* kept in the
//! database, unlike the opaque-id key (`web_id_key`): a copy of the database alone must not
//! reveal second-factor secrets.
//!
//! Each use gets its own subkey (HKDF-SHA256 with a purpose label), and data is sealed with
//! ChaCha20-Poly1305 under a random 96-bit nonce, bound to its context (the account id) by
//! the associated data, so a sealed secret copied to another account does not open. The
//! stored form is `enc1:` + base64url(nonce ‖ ciphertext ‖ tag). Decision 0007.

use std::fmt;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hkdf::Hkdf;
use rand::RngCore;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use sha2::Sha256;
use vschool_store::Store;

use crate::util::hex;

/// The environment variable holding the master key.
pub const ENV_SECRET_KEY: &str = "VSCHOOL_SECRET_KEY";

/// The prefix of a sealed value (`enc1:`): anything else in a secret column is a value
/// stored before encryption, read as it is and sealed at the next opportunity.
pub const SEALED_PREFIX: &str = "enc1:";

/// What a key protects; each purpose has its own subkey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// TOTP secrets in `users.totp_secret` and `web_sessions.pending_totp_secret`.
    TotpSecret,
    /// The single sign-on cookie (state, nonce and PKCE verifier of a sign-in under way).
    OidcCookie,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::TotpSecret => b"vschool totp-secret v1",
            Purpose::OidcCookie => b"vschool oidc-cookie v1",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "{0} must be 64 hexadecimal characters (32 bytes), e.g. the output of `openssl rand -hex 32`"
    )]
    BadKey(String),
    #[error("cannot read or create the key file {path}: {cause}")]
    File { path: String, cause: std::io::Error },
}

/// The master key. `Debug` never shows it.
#[derive(Clone)]
pub struct SecretKey {
    master: [u8; 32],
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

fn parse_hex(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in text.as_bytes().chunks(2).enumerate() {
        let s = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(s, 16).ok()?;
    }
    Some(out)
}

impl SecretKey {
    /// A key from its text form (64 hex characters); `what` names where it came from.
    pub fn from_text(text: &str, what: &str) -> Result<SecretKey, KeyError> {
        parse_hex(text)
            .map(|master| SecretKey { master })
            .ok_or_else(|| KeyError::BadKey(what.to_owned()))
    }

    /// A new random key (tests, and a first run).
    pub fn generate() -> SecretKey {
        let mut master = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut master);
        SecretKey { master }
    }

    /// The key's text form, as `VSCHOOL_SECRET_KEY` and the key file hold it.
    fn to_text(&self) -> String {
        hex(&self.master)
    }

    /// `VSCHOOL_SECRET_KEY`, if set.
    pub fn from_env() -> Result<Option<SecretKey>, KeyError> {
        match std::env::var(ENV_SECRET_KEY) {
            Ok(v) if !v.trim().is_empty() => SecretKey::from_text(&v, ENV_SECRET_KEY).map(Some),
            _ => Ok(None),
        }
    }

    /// Where the key file of a store lives when `VSCHOOL_SECRET_KEY` is unset: beside a
    /// SQLite database file, else in the working directory.
    pub fn file_for(store: &Store) -> PathBuf {
        match store.database_file() {
            Some(db) => {
                let mut name = db.file_name().map(|n| n.to_owned()).unwrap_or_default();
                name.push(".key");
                db.with_file_name(name)
            }
            None => PathBuf::from("vschool-secret.key"),
        }
    }

    /// The service's key: `VSCHOOL_SECRET_KEY`, else the store's key file (created with a
    /// new random key, readable by its owner only, the first time); for an in-memory
    /// database, a key as short-lived as its data.
    pub fn for_store(store: &Store) -> Result<SecretKey, KeyError> {
        if let Some(k) = SecretKey::from_env()? {
            return Ok(k);
        }
        let in_memory =
            store.backend() == vschool_store::Backend::Sqlite && store.database_file().is_none();
        if in_memory {
            // The data lives as long as the process: so may the key.
            return Ok(SecretKey::generate());
        }
        let path = SecretKey::file_for(store);
        if store.database_file().is_none() {
            tracing::warn!(
                file = %path.display(),
                "{ENV_SECRET_KEY} is not set: using a key file in the working directory; \
                 set {ENV_SECRET_KEY} when several instances share the database"
            );
        }
        SecretKey::from_file(&path)
    }

    /// Reads a key file, or creates it with a new key if there is none.
    pub fn from_file(path: &Path) -> Result<SecretKey, KeyError> {
        let err = |cause| KeyError::File {
            path: path.display().to_string(),
            cause,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => SecretKey::from_text(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = SecretKey::generate();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                match options.open(path) {
                    Ok(mut f) => {
                        use std::io::Write;
                        f.write_all(format!("{}\n", key.to_text()).as_bytes())
                            .and_then(|_| f.sync_all())
                            .map_err(err)?;
                        tracing::info!(file = %path.display(), "created the service's key file");
                        Ok(key)
                    }
                    // Another process created it meanwhile: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        let text = std::fs::read_to_string(path).map_err(err)?;
                        SecretKey::from_text(&text, &path.display().to_string())
                    }
                    Err(e) => Err(err(e)),
                }
            }
            Err(e) => Err(err(e)),
        }
    }

    /// The subkey of a purpose (HKDF-SHA256).
    fn subkey(&self, purpose: Purpose) -> [u8; 32] {
        let hk = Hkdf::<Sha256>::new(Some(b"virtual-school"), &self.master);
        let mut out = [0u8; 32];
        // 32 bytes is far below HKDF-SHA256's limit of 8160: this cannot fail.
        let _ = hk.expand(purpose.label(), &mut out);
        out
    }

    fn aead(&self, purpose: Purpose) -> Option<LessSafeKey> {
        UnboundKey::new(&CHACHA20_POLY1305, &self.subkey(purpose))
            .ok()
            .map(LessSafeKey::new)
    }

    /// Seals `plain` for `purpose`, bound to `context`: `enc1:…`.
    pub fn seal(&self, purpose: Purpose, context: &str, plain: &[u8]) -> String {
        let Some(key) = self.aead(purpose) else {
            // A 32-byte key always makes a ChaCha20-Poly1305 key.
            return String::new();
        };
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let mut buf = plain.to_vec();
        if key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut buf,
            )
            .is_err()
        {
            return String::new();
        }
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// Opens what [`SecretKey::seal`] made with the same purpose and context; `None` when
    /// it was sealed with another key or context, or was changed.
    pub fn open(&self, purpose: Purpose, context: &str, sealed: &str) -> Option<Vec<u8>> {
        let body = sealed.strip_prefix(SEALED_PREFIX)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let key = self.aead(purpose)?;
        let mut buf = rest.to_vec();
        let plain = key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut buf)
            .ok()?;
        Some(plain.to_vec())
    }
}

/// A stored TOTP secret made readable: sealed (`enc1:…`) or, from before encryption, the
/// base32 secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecret {
    pub secret: String,
    /// Stored in clear: to be sealed when next written.
    pub in_clear: bool,
}

/// The associated data binding a user's TOTP secret to their account.
fn totp_context(user_id: i64) -> String {
    format!("users.totp_secret:{user_id}")
}

fn pending_context(user_id: i64) -> String {
    format!("web_sessions.pending_totp_secret:{user_id}")
}

impl SecretKey {
    /// The stored form of a user's TOTP secret.
    pub fn seal_totp(&self, user_id: i64, secret: &str) -> String {
        self.seal(
            Purpose::TotpSecret,
            &totp_context(user_id),
            secret.as_bytes(),
        )
    }

    /// A user's TOTP secret from its stored form (sealed, or in clear from before).
    pub fn open_totp(&self, user_id: i64, stored: &str) -> Option<StoredSecret> {
        open_secret(self, &totp_context(user_id), stored)
    }

    /// The stored form of a secret being enrolled (held with the session).
    pub fn seal_pending_totp(&self, user_id: i64, secret: &str) -> String {
        self.seal(
            Purpose::TotpSecret,
            &pending_context(user_id),
            secret.as_bytes(),
        )
    }

    pub fn open_pending_totp(&self, user_id: i64, stored: &str) -> Option<StoredSecret> {
        open_secret(self, &pending_context(user_id), stored)
    }
}

fn open_secret(key: &SecretKey, context: &str, stored: &str) -> Option<StoredSecret> {
    if stored.starts_with(SEALED_PREFIX) {
        let plain = key.open(Purpose::TotpSecret, context, stored)?;
        return Some(StoredSecret {
            secret: String::from_utf8(plain).ok()?,
            in_clear: false,
        });
    }
    Some(StoredSecret {
        secret: stored.to_owned(),
        in_clear: true,
    })
}

/// Seals every TOTP secret still stored in clear (run when the service starts); returns
/// how many were sealed.
pub async fn seal_stored_totp_secrets(
    store: &Store,
    key: &SecretKey,
) -> Result<usize, vschool_store::StoreError> {
    let mut sealed = 0;
    for (id, plain) in store.totp_secrets_without_prefix(SEALED_PREFIX).await? {
        if store
            .account_replace_totp_secret(id, &plain, &key.seal_totp(id, &plain))
            .await?
        {
            sealed += 1;
        }
    }
    if sealed > 0 {
        tracing::info!(
            accounts = sealed,
            "encrypted second-factor secrets stored in clear"
        );
    }
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_in_their_context_and_with_their_key() {
        let key = SecretKey::generate();
        let sealed = key.seal_totp(7, "JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with(SEALED_PREFIX));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(sealed, key.seal_totp(7, "JBSWY3DPEHPK3PXP"), "random nonce");
        assert_eq!(
            key.open_totp(7, &sealed),
            Some(StoredSecret {
                secret: "JBSWY3DPEHPK3PXP".into(),
                in_clear: false
            })
        );
        assert_eq!(key.open_totp(8, &sealed), None, "another account");
        assert_eq!(key.open_pending_totp(7, &sealed), None, "another column");
        assert_eq!(SecretKey::generate().open_totp(7, &sealed), None);
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(key.open_totp(7, &tampered), None);
        // A secret from before encryption is read as it is.
        assert_eq!(
            key.open_totp(7, "JBSWY3DPEHPK3PXP"),
            Some(StoredSecret {
                secret: "JBSWY3DPEHPK3PXP".into(),
                in_clear: true
            })
        );
    }

    #[test]
    fn keys_are_64_hex_characters_and_subkeys_differ() {
        let text = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let key = SecretKey::from_text(&format!("{text}\n"), "test").expect("key");
        assert_eq!(key.to_text(), text);
        assert_ne!(
            key.subkey(Purpose::TotpSecret),
            key.subkey(Purpose::OidcCookie)
        );
        assert!(SecretKey::from_text("too short", "VSCHOOL_SECRET_KEY")
            .expect_err("short")
            .to_string()
            .contains("VSCHOOL_SECRET_KEY must be 64 hexadecimal characters"));
        assert!(format!("{key:?}").contains('…'));
    }

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("v.db.key");
        let a = SecretKey::from_file(&path).expect("created");
        let b = SecretKey::from_file(&path).expect("read");
        assert_eq!(a.to_text(), b.to_text());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
