//! Setting a password from a one-time link (a new account, or a forgotten password).

pub mod forgot;
pub mod get;
pub mod post;

use askama::Template;

use crate::components::FormErrors;
use crate::layout::Layout;

#[derive(Template)]
#[template(path = "password/set_password.html")]
pub struct SetPasswordPage {
    pub layout: Layout,
    pub csrf: String,
    pub action: String,
    pub errors: FormErrors,
    /// An emailed reset link (`password_links.purpose` = `reset`), not a first password.
    pub reset: bool,
}

#[derive(Template)]
#[template(path = "password/forgot.html")]
pub struct ForgotPasswordPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
    pub errors: FormErrors,
}

/// The same page whether or not the address has an account.
#[derive(Template)]
#[template(path = "password/reset_sent.html")]
pub struct ResetSentPage {
    pub layout: Layout,
    /// As the person typed it (normalised): nothing they did not tell us.
    pub email: String,
    pub valid_for: String,
}

#[derive(Template)]
#[template(path = "password/link_invalid.html")]
pub struct LinkInvalidPage {
    pub layout: Layout,
}

#[derive(Template)]
#[template(path = "password/password_set.html")]
pub struct PasswordSetPage {
    pub layout: Layout,
    pub reset: bool,
}

/// A link token is 64 hex characters; anything else is not looked up.
pub fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}
