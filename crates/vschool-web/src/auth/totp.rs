//! The second factor: RFC 6238 time-based codes (SHA-1, 6 digits, 30 seconds: what every
//! authenticator app accepts), enrolled by scanning a QR code.
//!
//! Codes are checked against the real time, not the service's injectable "today" (a demo
//! pinned to a past date must still accept the code the phone shows). A code is accepted
//! in the step before and after the current one (clock drift), and each step only once
//! (the store records the last step used).

use qrcode::render::svg;
use qrcode::QrCode;
use rand::RngCore;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::error::AppError;

const STEP: u64 = 30;

/// A fresh secret: 160 random bits (RFC 4226's recommendation), base32 without padding.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret_b32: &str, issuer: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .map_err(|e| AppError::internal(format_args!("TOTP secret: {e:?}")))?;
    // Issuer and account name may not contain ':' in an otpauth URL.
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        bytes,
        Some(issuer.replace(':', " ")),
        account.replace(':', " "),
    )
    .map_err(|e| AppError::internal(format_args!("TOTP: {e:?}")))
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(secret_b32: &str, issuer: &str, account: &str) -> Result<String, AppError> {
    Ok(totp(secret_b32, issuer, account)?.get_url())
}

/// The QR code of the `otpauth://` address as inline SVG (no XML declaration), labelled
/// for screen readers; the page also shows the secret as text for manual entry.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = QrCode::new(url.as_bytes())
        .map_err(|e| AppError::internal(format_args!("QR code: {e}")))?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#0b0c0c"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let start = image.find("<svg").unwrap_or(0);
    Ok(image[start..].replacen(
        "<svg ",
        "<svg class=\"app-qr\" role=\"img\" aria-label=\"QR code to scan with your authenticator app\" focusable=\"false\" ",
        1,
    ))
}

/// Six digits, spaces and dashes removed ("123 456" is what people type from the app).
pub fn normalise(code: &str) -> Option<String> {
    let digits: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

/// The time step a code belongs to, if it is valid at `now` (or in the adjacent steps).
/// `now` is the service's wall clock (`AppState::now`), which tests set.
pub fn matching_step(
    secret_b32: &str,
    code: &str,
    now: time::OffsetDateTime,
) -> Result<Option<i64>, AppError> {
    matching_step_at(
        secret_b32,
        code,
        u64::try_from(now.unix_timestamp()).unwrap_or(0),
    )
}

pub fn matching_step_at(secret_b32: &str, code: &str, unix: u64) -> Result<Option<i64>, AppError> {
    let Some(code) = normalise(code) else {
        return Ok(None);
    };
    let t = totp(secret_b32, "x", "x")?;
    let now_step = unix / STEP;
    for step in [now_step.saturating_sub(1), now_step, now_step + 1] {
        let expected = t.generate(step * STEP);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
            return Ok(i64::try_from(step).ok());
        }
    }
    Ok(None)
}

/// An account's enrolled secret, decrypted (see `crate::keys`); `None` when none is
/// enrolled. A secret stored in clear by an older version is sealed now.
pub async fn enrolled_secret(
    state: &crate::state::AppState,
    user_id: i64,
) -> Result<Option<String>, AppError> {
    let Some(stored) = state
        .store()
        .account_by_id(user_id)
        .await?
        .and_then(|a| a.totp_secret)
    else {
        return Ok(None);
    };
    let Some(open) = state.key().open_totp(user_id, &stored) else {
        return Err(AppError::internal(
            "a second-factor secret does not open with this service's key \
             (was VSCHOOL_SECRET_KEY or the key file changed?)",
        ));
    };
    if open.in_clear {
        state
            .store()
            .account_replace_totp_secret(
                user_id,
                &stored,
                &state.key().seal_totp(user_id, &open.secret),
            )
            .await?;
    }
    Ok(Some(open.secret))
}

/// Records an enrolled secret, sealed, with the step of the code that confirmed it.
pub async fn save_enrolled(
    state: &crate::state::AppState,
    user_id: i64,
    secret: &str,
    step: i64,
) -> Result<(), AppError> {
    let sealed = state.key().seal_totp(user_id, secret);
    state
        .store()
        .account_set_totp(user_id, &sealed, step)
        .await?;
    Ok(())
}

/// The code for a secret at a time (tests and the seeded demo server).
pub fn code_at(secret_b32: &str, unix: u64) -> Result<String, AppError> {
    Ok(totp(secret_b32, "x", "x")?.generate(unix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_base32_160_bits() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert_ne!(s, new_secret());
    }

    /// RFC 6238 appendix B, SHA-1, secret "12345678901234567890": at T = 59 the 8-digit
    /// code is 94287082, so the 6-digit one is 287082.
    #[test]
    fn rfc_6238_vector() {
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(code_at(&secret, 59).expect("code"), "287082");
        assert_eq!(
            matching_step_at(&secret, "287 082", 59).expect("check"),
            Some(1)
        );
        // One step either side is accepted, two are not.
        assert_eq!(
            matching_step_at(&secret, "287082", 89).expect("check"),
            Some(1)
        );
        assert_eq!(
            matching_step_at(&secret, "287082", 121).expect("check"),
            None
        );
        assert_eq!(matching_step_at(&secret, "28708", 59).expect("check"), None);
        assert_eq!(
            matching_step_at(&secret, "abcdef", 59).expect("check"),
            None
        );
    }

    #[test]
    fn qr_is_inline_labelled_svg() {
        let url =
            otpauth_url(&new_secret(), "Virtual School: Northshire", "a@b.example").expect("url");
        assert!(url.starts_with("otpauth://totp/"));
        let svg = qr_svg(&url).expect("svg");
        assert!(svg.starts_with("<svg class=\"app-qr\" role=\"img\""));
        assert!(!svg.contains("<?xml"));
    }
}
