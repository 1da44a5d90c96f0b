//! Passwords: argon2id with the crate's defaults (OWASP's recommended parameters: 19 MiB,
//! two passes, one lane), as PHC strings. Hashing takes tens of milliseconds of CPU, so it
//! runs on the blocking pool, never on the async workers.

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::AppError;

/// Shortest password accepted. Every account also has a second factor, so length (not
/// composition rules) is what matters (NCSC password guidance).
pub const MIN_LENGTH: usize = 12;
/// Longest, so nobody can make the server hash megabytes.
pub const MAX_LENGTH: usize = 256;

/// Why a new password is refused, in words for the form.
pub fn problem_with(password: &str, email: &str) -> Option<&'static str> {
    let chars = password.chars().count();
    if password.is_empty() {
        Some("Enter a password")
    } else if chars < MIN_LENGTH {
        Some("Password must be 12 characters or more")
    } else if chars > MAX_LENGTH {
        Some("Password must be 256 characters or fewer")
    } else if password.trim().eq_ignore_ascii_case(email.trim()) {
        Some("Password must not be your email address")
    } else {
        None
    }
}

fn hash_now(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format_args!("hashing a password: {e}")))
}

/// The PHC string for a new password.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| AppError::internal(format_args!("hashing a password: {e}")))?
}

/// A hash of nothing anyone knows, checked when the email matches no account so that a
/// wrong email takes as long as a wrong password (no account enumeration by timing).
static DUMMY: LazyLock<String> =
    LazyLock::new(|| hash_now(&crate::util::random_token()).unwrap_or_default());

/// Does `password` match `phc`? `None` (no account, or no password set yet) checks the
/// dummy hash and answers false.
pub async fn verify(password: String, phc: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| DUMMY.clone());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && known
    })
    .await
    .map_err(|e| AppError::internal(format_args!("checking a password: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(problem_with("", "a@b.c"), Some("Enter a password"));
        assert!(problem_with("short", "a@b.c").is_some());
        assert!(problem_with("a@b.example.org", "A@B.example.org").is_some());
        assert_eq!(problem_with("correct horse battery", "a@b.c"), None);
        assert!(problem_with(&"x".repeat(257), "a@b.c").is_some());
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(h.clone()))
            .await
            .expect("verify"));
        assert!(!verify("wrong horse battery".into(), Some(h))
            .await
            .expect("verify"));
        assert!(!verify("anything".into(), None).await.expect("verify"));
        assert!(!verify("anything".into(), Some("not a hash".into()))
            .await
            .expect("verify"));
    }
}
