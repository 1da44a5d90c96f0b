//! One error type for the web layer. A handler returns `Err(AppError::…)`; the response it
//! becomes carries an [`ErrorKind`] that the error-page middleware
//! ([`crate::routes::error_pages`]) turns into a GOV.UK error page, or a JSON problem
//! (RFC 9457) under `/api/`. Errors axum raises itself (a malformed form, a bad path
//! parameter, an unknown method) have no `ErrorKind` and are classified by status code, so
//! every 4xx and 5xx a user can meet looks the same and says what to do next.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// What went wrong, as far as the person at the browser needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    /// Not signed in: pages redirect to sign-in, the API answers 401.
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    /// A form arrived without a valid CSRF token or from another site.
    FormExpired,
    TooLarge,
    UnsupportedMediaType,
    TooManyAttempts {
        retry_after_minutes: u32,
    },
    Timeout,
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden | ErrorKind::FormExpired => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The kind for a response something else produced (axum's extractors, tower layers).
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => ErrorKind::Unauthenticated,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            405 => ErrorKind::MethodNotAllowed,
            408 | 503 | 504 => ErrorKind::Timeout,
            413 => ErrorKind::TooLarge,
            415 => ErrorKind::UnsupportedMediaType,
            429 => ErrorKind::TooManyAttempts {
                retry_after_minutes: 15,
            },
            400..=499 => ErrorKind::BadRequest,
            _ => ErrorKind::Internal,
        }
    }

    /// The page's heading (also the JSON problem's `title`).
    pub fn title(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "Sorry, there is a problem with your request",
            ErrorKind::Unauthenticated => "You need to sign in",
            ErrorKind::Forbidden => "You do not have permission to see this page",
            ErrorKind::NotFound | ErrorKind::MethodNotAllowed => "Page not found",
            ErrorKind::FormExpired => "This form has expired",
            ErrorKind::TooLarge => "What you sent is too large",
            ErrorKind::UnsupportedMediaType => "Sorry, there is a problem with your request",
            ErrorKind::TooManyAttempts { .. } => "Too many attempts",
            ErrorKind::Timeout => "Sorry, the service is taking too long to respond",
            ErrorKind::Internal => "Sorry, there is a problem with the service",
        }
    }

    /// What to do next, one paragraph each.
    pub fn advice(self) -> Vec<String> {
        match self {
            ErrorKind::BadRequest | ErrorKind::UnsupportedMediaType => vec![
                "The service could not understand what your browser sent.".into(),
                "Go back and try again. If you followed a link, check it is complete.".into(),
            ],
            ErrorKind::Unauthenticated => {
                vec!["Sign in to use the Virtual School service.".into()]
            }
            ErrorKind::Forbidden => vec![
                "Your account does not allow you to use this part of the service.".into(),
                "If you think it should, ask your Virtual School Head to change your account."
                    .into(),
            ],
            ErrorKind::NotFound | ErrorKind::MethodNotAllowed => vec![
                "If you typed the web address, check it is correct.".into(),
                "If you pasted the web address, check you copied the entire address.".into(),
                "If you followed a link to a child's record, the record may have moved or you may not have access to it."
                    .into(),
            ],
            ErrorKind::FormExpired => vec![
                "We could not accept the form because it was sent from an old page or another website."
                    .into(),
                "Go back, reload the page and try again. Nothing you entered has been saved."
                    .into(),
            ],
            ErrorKind::TooLarge => vec![
                "The form or file you sent is larger than the service accepts.".into(),
                "Go back and send a smaller file, or split it into parts.".into(),
            ],
            ErrorKind::TooManyAttempts {
                retry_after_minutes,
            } => vec![
                "There have been too many unsuccessful attempts to sign in.".into(),
                format!(
                    "Wait {retry_after_minutes} minutes, then try again. If you have forgotten your password, ask your Virtual School Head to send you a new link."
                ),
            ],
            ErrorKind::Timeout => vec![
                "Try again in a few minutes.".into(),
                "If you were sending a form, check whether it was saved before sending it again."
                    .into(),
            ],
            ErrorKind::Internal => vec![
                "Try again later.".into(),
                "If you were sending a form, check whether it was saved before sending it again."
                    .into(),
                "If the problem continues, contact the Virtual School and tell them the time it happened."
                    .into(),
            ],
        }
    }
}

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("bad request")]
    BadRequest,
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// Also what an out-of-scope child is: never confirm that a record exists.
    #[error("not found")]
    NotFound,
    #[error("form expired or cross-site")]
    FormExpired,
    #[error("too many sign-in attempts")]
    TooManyAttempts { retry_after_minutes: u32 },
    /// Anything the user cannot fix. The message is logged, never shown, and must not hold
    /// personal data (callers pass what failed, not the values).
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(what: impl std::fmt::Display) -> Self {
        AppError::Internal(what.to_string())
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::BadRequest => ErrorKind::BadRequest,
            AppError::Unauthenticated => ErrorKind::Unauthenticated,
            AppError::Forbidden => ErrorKind::Forbidden,
            AppError::NotFound => ErrorKind::NotFound,
            AppError::FormExpired => ErrorKind::FormExpired,
            AppError::TooManyAttempts {
                retry_after_minutes,
            } => ErrorKind::TooManyAttempts {
                retry_after_minutes: *retry_after_minutes,
            },
            AppError::Internal(_) => ErrorKind::Internal,
        }
    }
}

impl From<vschool_store::StoreError> for AppError {
    fn from(e: vschool_store::StoreError) -> Self {
        // Store messages name what failed, never the values bound to a query.
        AppError::internal(format_args!("store: {e}"))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::internal(format_args!("template: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(what) = &self {
            tracing::error!(error = %what, "request failed");
        }
        let kind = self.kind();
        let mut res = kind.status().into_response();
        if let ErrorKind::TooManyAttempts {
            retry_after_minutes,
        } = kind
        {
            if let Ok(v) = HeaderValue::from_str(&(u64::from(retry_after_minutes) * 60).to_string())
            {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        res.extensions_mut().insert(kind);
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for kind in [
            ErrorKind::BadRequest,
            ErrorKind::Unauthenticated,
            ErrorKind::Forbidden,
            ErrorKind::NotFound,
            ErrorKind::MethodNotAllowed,
            ErrorKind::TooLarge,
            ErrorKind::UnsupportedMediaType,
            ErrorKind::Internal,
        ] {
            assert_eq!(ErrorKind::from_status(kind.status()), kind);
        }
    }

    #[test]
    fn every_error_says_what_to_do_next() {
        for status in 400..=599u16 {
            let Ok(status) = StatusCode::from_u16(status) else {
                continue;
            };
            let kind = ErrorKind::from_status(status);
            assert!(!kind.title().is_empty());
            assert!(!kind.advice().is_empty());
        }
    }
}
