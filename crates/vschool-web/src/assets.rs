//! The front-end assets, embedded in the binary and served under a content-hashed path.
//!
//! `scripts/vendor-frontend.sh` builds `assets/dist/` from the pinned npm packages; the files
//! are committed, so `cargo build` never needs Node. One hash covers the whole bundle, so
//! `app.js` can import `./govuk-frontend.min.js` by a relative path and both change address
//! together. Because the address changes whenever a byte does, responses are cached for a
//! year as immutable.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::AppError;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

static ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/dist/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/dist/app.js"),
    },
    Asset {
        name: "govuk-frontend.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/dist/govuk-frontend.min.js"),
    },
    Asset {
        name: "progress.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/dist/progress.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../assets/dist/favicon.svg"),
    },
];

static BUNDLE_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    for asset in ASSETS {
        hasher.update(asset.name.as_bytes());
        hasher.update((asset.bytes.len() as u64).to_le_bytes());
        hasher.update(asset.bytes);
    }
    crate::util::hex(&hasher.finalize()[..6])
});

/// The path every asset URL starts with, e.g. `/assets/3f2a9c01b2d4`.
pub fn prefix() -> String {
    format!("/assets/{}", BUNDLE_HASH.as_str())
}

/// `GET /assets/{hash}/{name}`.
pub async fn get(Path((hash, name)): Path<(String, String)>) -> Result<Response, AppError> {
    // A stale hash is a 404, not the current file: serving new bytes under an old immutable
    // address would pin the wrong version in caches for a year.
    if hash != BUNDLE_HASH.as_str() {
        return Err(AppError::NotFound);
    }
    let asset = ASSETS
        .iter()
        .find(|a| a.name == name)
        .ok_or(AppError::NotFound)?;
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_stable_and_hex() {
        let p = prefix();
        assert!(p.starts_with("/assets/"));
        let hash = &p["/assets/".len()..];
        assert_eq!(hash.len(), 12);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(p, prefix());
    }

    #[test]
    fn stylesheet_never_uses_gov_uk_only_branding() {
        let css = ASSETS
            .iter()
            .find(|a| a.name == "app.css")
            .map(|a| String::from_utf8_lossy(a.bytes).into_owned())
            .unwrap_or_default();
        assert!(css.contains(".govuk-button"), "Frontend styles compiled in");
        assert!(!css.contains("GDS Transport"));
        assert!(!css.contains("crest"));
        assert!(!css.contains("@font-face"));
    }
}
