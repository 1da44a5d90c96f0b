//! Signing in: email and password, then the second factor (enrolled with a QR code the
//! first time), then home; and signing out.

pub mod get;
pub mod oidc;
pub mod post;

use askama::Template;

use crate::components::FormErrors;
use crate::layout::Layout;

#[derive(Template)]
#[template(path = "sign_in/sign_in.html")]
pub struct SignInPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
    pub errors: FormErrors,
    /// Single sign-on is configured: show "Sign in with your council account".
    pub sso: bool,
}

/// A single sign-on that signed nobody in (see `crate::auth::oidc::Refusal`).
#[derive(Template)]
#[template(path = "sign_in/sso_refused.html")]
pub struct SsoRefusedPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub paragraphs: Vec<String>,
}

#[derive(Template)]
#[template(path = "sign_in/second_factor.html")]
pub struct SecondFactorPage {
    pub layout: Layout,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "sign_in/enrol.html")]
pub struct EnrolPage {
    pub layout: Layout,
    pub qr_svg: String,
    /// The secret in groups of four, for typing into an app by hand.
    pub secret_groups: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "sign_in/signed_out.html")]
pub struct SignedOutPage {
    pub layout: Layout,
}

/// "ABCD EFGH …": easier to copy than one run of 32 letters.
pub fn group_secret(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
