//! Setting a password from a one-time link (a new account, or a forgotten password).

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
}

/// A link token is 64 hex characters; anything else is not looked up.
pub fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}
