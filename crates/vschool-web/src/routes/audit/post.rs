use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Form;
use vschool_store::{AuditAction, AuditEvent, AuditObject};

use super::{actions, table, AuditPage, Filter, SHOWN};
use crate::audit;
use crate::auth::{CurrentUser, Role};
use crate::client::ClientAddr;
use crate::error::AppError;
use crate::layout::Page;
use crate::render::page;
use crate::state::AppState;

async fn matching(state: &AppState, filter: &super::Parsed) -> Result<Vec<AuditEvent>, AppError> {
    Ok(state
        .store()
        .audit_events(filter.since())
        .await?
        .into_iter()
        .map(|s| s.item)
        .filter(|e| filter.matches(e))
        .collect())
}

/// `POST /audit`: search.
pub async fn search(
    State(state): State<AppState>,
    Page(layout): Page,
    who: CurrentUser,
    Form(filter): Form<Filter>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let parsed = match filter.parse() {
        Ok(p) => p,
        Err(errors) => {
            return page(&AuditPage {
                layout,
                errors,
                filter,
                actions: actions(),
                total: 0,
                table: Default::default(),
            })
        }
    };
    let found = matching(&state, &parsed).await?;
    let shown: Vec<_> = found.iter().rev().take(SHOWN).collect();
    page(&AuditPage {
        layout,
        errors: Default::default(),
        filter,
        actions: actions(),
        total: found.len(),
        table: table(&shown),
    })
}

/// A CSV field, quoted when it needs to be, and never starting with a character a
/// spreadsheet would run as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `POST /audit/export`: every matching event as CSV, oldest first, in the columns of
/// `vschool audit --format json`. The export itself is audited.
pub async fn export(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    who: CurrentUser,
    Form(filter): Form<Filter>,
) -> Result<Response, AppError> {
    who.require(Role::manages_users)?;
    let parsed = filter.parse().map_err(|_| AppError::BadRequest)?;
    let found = matching(&state, &parsed).await?;
    let mut out = String::from("at,actor,role,action,object,upn,la_child_id,urn,detail,from\r\n");
    for e in &found {
        let fields = [
            crate::format::rfc3339(e.at),
            e.actor.clone(),
            e.role.clone(),
            e.action.code().to_owned(),
            e.object.code().to_owned(),
            e.upn.map(|u| u.to_string()).unwrap_or_default(),
            e.la_child_id
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            e.urn.map(|u| u.to_string()).unwrap_or_default(),
            e.detail.clone(),
            e.from.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    audit::record(
        &state,
        &audit::by(
            &state,
            who.user(),
            &from,
            AuditAction::Export,
            AuditObject::User,
            format!("exported {} audit events", found.len()),
        ),
    )
    .await?;
    let mut res = out.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit.csv\""),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
    }
}
