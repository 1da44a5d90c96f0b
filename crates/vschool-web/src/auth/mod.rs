//! Who is signed in, and what they may do: sessions, passwords, the second factor, CSRF,
//! sign-in rate limits, roles and the [`Scope`] of child-level data.

pub mod csrf;
pub mod oidc;
pub mod password;
pub mod rate_limit;
pub mod reset;
pub mod role;
pub mod scope;
pub mod session;
pub mod totp;

pub use role::Role;
pub use scope::Scope;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use vschool_domain::Urn;

use crate::error::AppError;
use crate::state::AppState;

/// An account, as the rest of the web layer sees it.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// A DSL's schools.
    pub schools: Vec<Urn>,
    /// Their names, in the same order, for the header.
    pub school_names: Vec<String>,
    /// A social worker's caseload: children whose allocation covering today has this email.
    pub worker_email: Option<String>,
    /// Has a second factor been enrolled?
    pub totp_enrolled: bool,
}

/// A request's session, put in the request's extensions by [`session::resolve`].
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    /// The synchronizer token every form of this session must carry.
    pub csrf_token: String,
    /// Has the second factor been checked in this session?
    pub second_factor: bool,
    /// The stored hash of the session id (to rotate or end it).
    pub(crate) session_hash: String,
    /// A TOTP secret being enrolled, until its first code is confirmed (decrypted).
    pub(crate) pending_totp_secret: Option<String>,
    /// How the first factor was given: `password` or `oidc`.
    pub(crate) first_factor: String,
}

impl SignedIn {
    /// Signed in with both factors: may use the service.
    pub fn is_complete(&self) -> bool {
        self.second_factor
    }
}

/// Extractor: a person signed in with both factors. Anyone else is sent to sign in (pages)
/// or answered 401 (API).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SignedIn);

impl CurrentUser {
    pub fn user(&self) -> &User {
        &self.0.user
    }

    /// This user as the audit trail records them: their email, role and address.
    pub fn actor(&self, from: &str) -> vschool_store::Actor {
        vschool_store::Actor {
            actor: self.0.user.email.clone(),
            role: self.0.user.role.code().to_owned(),
            from: from.to_owned(),
        }
    }

    pub fn role(&self) -> Role {
        self.0.user.role
    }

    /// `Forbidden` unless the role may do this. Use only for areas whose existence is no
    /// secret (imports, user admin); out-of-scope children are `NotFound`, via [`Scope`].
    pub fn require(&self, allowed: impl Fn(Role) -> bool) -> Result<(), AppError> {
        if allowed(self.role()) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        match parts.extensions.get::<SignedIn>() {
            Some(s) if s.is_complete() => Ok(CurrentUser(s.clone())),
            _ => Err(AppError::Unauthenticated),
        }
    }
}

/// Extractor: a session whose password was checked but whose second factor was not yet.
#[derive(Debug, Clone)]
pub struct HalfSignedIn(pub SignedIn);

impl FromRequestParts<AppState> for HalfSignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, AppError> {
        match parts.extensions.get::<SignedIn>() {
            Some(s) if !s.is_complete() => Ok(HalfSignedIn(s.clone())),
            _ => Err(AppError::Unauthenticated),
        }
    }
}
