//! Public pages, no sign-in: "Ask to receive your school's packs" (the Virtual School
//! approves or declines on `/packs/subscriptions`), and the unsubscribe link every pack
//! email carries (`/unsubscribe/{token}`, an opaque random token; RFC 8058 one-click POST).

pub mod get;
pub mod post;

use askama::Template;

use crate::components::FormErrors;
use crate::layout::Layout;

/// Requests from one address in an hour, and for one email in a day, before the form is
/// refused: enough for a school office, too few to flood the Virtual School's queue.
pub const MAX_PER_ADDRESS_PER_HOUR: i64 = 5;
pub const MAX_PER_EMAIL_PER_DAY: i64 = 3;

#[derive(Template)]
#[template(path = "subscribe/request.html")]
pub struct RequestPage {
    pub layout: Layout,
    pub csrf: String,
    pub errors: FormErrors,
    pub name: String,
    pub role: String,
    pub school: String,
    pub email: String,
}

impl RequestPage {
    pub fn roles(&self) -> [(&'static str, &'static str); 3] {
        [
            ("DSL", "Designated safeguarding lead (or deputy)"),
            ("DT", "Designated teacher for looked-after children"),
            ("HEAD", "Headteacher"),
        ]
    }
}

#[derive(Template)]
#[template(path = "subscribe/requested.html")]
pub struct RequestedPage {
    pub layout: Layout,
    pub school: String,
}

#[derive(Template)]
#[template(path = "subscribe/unsubscribe.html")]
pub struct UnsubscribePage {
    pub layout: Layout,
    pub school: String,
    pub action: String,
}

#[derive(Template)]
#[template(path = "subscribe/unsubscribed.html")]
pub struct UnsubscribedPage {
    pub layout: Layout,
    pub school: String,
}

#[derive(Template)]
#[template(path = "subscribe/link_invalid.html")]
pub struct LinkInvalidPage {
    pub layout: Layout,
}

/// An unsubscribe token is 64 hex characters; anything else is not looked up.
pub fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}
