//! What every page's frame shows: the local authority, who is signed in, the navigation for
//! their role, and where the assets are. Handlers get a [`Layout`] from the [`Page`]
//! extractor and put it in their template as `layout`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::auth::{Role, SignedIn};
use crate::error::AppError;
use crate::state::AppState;

/// The signed-in person as the header shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub name: String,
    /// The role in words: "Virtual School Head".
    pub role: String,
    /// Their schools' names, for a DSL ("Oakfield Primary School"); empty otherwise.
    pub schools: String,
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub text: &'static str,
    pub href: &'static str,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub la_name: String,
    /// `/assets/<hash>`.
    pub assets: String,
    pub user: Option<UserBadge>,
    /// The session's CSRF token, for the sign-out form and the page's own forms. Empty when
    /// nobody is signed in.
    pub csrf_token: String,
    pub nav: Vec<NavItem>,
}

impl Layout {
    pub fn new(state: &AppState, who: Option<&SignedIn>, path: &str) -> Layout {
        let (user, csrf_token, nav) = match who {
            Some(s) if s.is_complete() => (
                Some(UserBadge {
                    name: s.user.name.clone(),
                    role: s.user.role.label().to_string(),
                    schools: s.user.school_names.join(", "),
                }),
                s.csrf_token.clone(),
                nav_for(s.user.role, path),
            ),
            // Half-way through sign-in (second factor pending): show who is signing in and
            // a way out, but no navigation into the service.
            Some(s) => (
                Some(UserBadge {
                    name: s.user.name.clone(),
                    role: s.user.role.label().to_string(),
                    schools: String::new(),
                }),
                s.csrf_token.clone(),
                Vec::new(),
            ),
            None => (None, String::new(), Vec::new()),
        };
        Layout {
            la_name: state.la_name().to_string(),
            assets: crate::assets::prefix(),
            user,
            csrf_token,
            nav,
        }
    }
}

/// The service navigation for a role: only the areas that role may use (DESIGN §8).
fn nav_for(role: Role, path: &str) -> Vec<NavItem> {
    let mut items: Vec<(&'static str, &'static str)> = vec![("Home", "/")];
    if role.sees_child_level_data() {
        items.push(("Children", "/children"));
    }
    if role.sees_schools() {
        items.push(("Schools", "/schools"));
    }
    if role.runs_imports() {
        items.push(("Data", "/data"));
    }
    if role.runs_packs() {
        items.push(("Packs", "/packs"));
    }
    if role.manages_users() {
        items.push(("Users", "/users"));
        items.push(("Audit", "/audit"));
    }
    items
        .into_iter()
        .map(|(text, href)| NavItem {
            text,
            href,
            current: if href == "/" {
                path == "/"
            } else {
                path == href || path.starts_with(&format!("{href}/"))
            },
        })
        .collect()
}

/// Extractor: the layout for this request, built from the session the auth middleware
/// found (if any).
pub struct Page(pub Layout);

impl FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let who = parts.extensions.get::<SignedIn>();
        Ok(Page(Layout::new(state, who, parts.uri.path())))
    }
}
