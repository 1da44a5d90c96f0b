use axum::extract::State;
use axum::response::Response;
use time::Duration;

use super::{role_options, NewUserPage, UserRow, UsersPage};
use crate::auth::{CurrentUser, Role};
use crate::components::{FormErrors, SummaryRow};
use crate::error::AppError;
use crate::format::long_date_time;
use crate::index;
use crate::layout::Page;
use crate::render::page;
use crate::state::AppState;

/// `GET /users`
pub async fn list(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    users_page(&state, layout, None).await
}

pub(super) async fn users_page(
    state: &AppState,
    layout: crate::layout::Layout,
    banner: Option<crate::components::Banner>,
) -> Result<Response, AppError> {
    let ix = index::current(state).await?;
    let idle = Duration::try_from(state.config().session_idle).unwrap_or(Duration::minutes(30));
    let mut users = Vec::new();
    for a in state.store().accounts().await? {
        let role = Role::parse(&a.role)
            .map(|r| r.label().to_owned())
            .unwrap_or_else(|| a.role.clone());
        let live = state
            .store()
            .sessions_live(a.id, state.now() - idle)
            .await?;
        let status = if a.disabled_at.is_some() {
            "Disabled"
        } else if a.password_hash.is_none() {
            "Password not set"
        } else if a.totp_secret.is_none() {
            "Authenticator not set up"
        } else {
            "Active"
        };
        let mut details = vec![
            SummaryRow::new("Email", a.email.clone()),
            SummaryRow::new("Role", role),
        ];
        if !a.schools.is_empty() {
            details.push(SummaryRow::new(
                "Schools",
                a.schools
                    .iter()
                    .map(|u| ix.school_name(*u))
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
        }
        if let Some(w) = &a.worker_email {
            details.push(SummaryRow::new("Caseload email", w.clone()));
        }
        details.push(SummaryRow::new("Account", status));
        details.push(SummaryRow::new(
            "Last signed in",
            a.last_sign_in_at
                .map(long_date_time)
                .unwrap_or_else(|| "Never".into()),
        ));
        details.push(SummaryRow::new("Signed in now", live.to_string()));
        users.push(UserRow {
            id: a.id,
            name: a.name,
            details,
        });
    }
    page(&UsersPage {
        layout,
        banner,
        users,
    })
}

/// `GET /users/new`
pub async fn new(Page(layout): Page, who: CurrentUser) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    page(&NewUserPage {
        layout,
        errors: FormErrors::new(),
        email: String::new(),
        name: String::new(),
        role: String::new(),
        schools: String::new(),
        worker_email: String::new(),
        roles: role_options(),
    })
}
