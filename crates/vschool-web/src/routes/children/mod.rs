//! Children: the list and search (within the reader's scope) and a child's education
//! profile, addressed by an opaque id. Every child shown is audited.

pub mod get;
pub mod post;
pub mod profile;

use askama::Template;
use vschool_store::{AuditAction, AuditObject};

use crate::audit;
use crate::auth::{CurrentUser, Scope};
use crate::components::{Cell, Pagination, Table};
use crate::error::AppError;
use crate::format::long_date;
use crate::index::{ChildEntry, Index};
use crate::layout::Layout;
use crate::state::AppState;

/// Children per page of the list.
pub const PAGE_SIZE: usize = 50;

#[derive(Template)]
#[template(path = "children/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub heading: String,
    /// What was searched for (shown back in the search box), when this is a search.
    pub query: String,
    pub searched: bool,
    pub total: usize,
    pub table: Table,
    pub pagination: Option<Pagination>,
    pub query_error: Option<String>,
}

impl ListPage {
    /// The search form's error, in the shape the input macro wants.
    pub fn errors(&self) -> crate::components::FormErrors {
        let mut e = crate::components::FormErrors::new();
        if let Some(msg) = &self.query_error {
            e.add("q", msg.clone());
        }
        e
    }
}

/// The rows of the children table.
pub fn children_table(ix: &Index, scope: &Scope, children: &[&ChildEntry]) -> Table {
    let today = scope.today();
    Table {
        caption: String::new(),
        head: vec![
            Cell::text("Name"),
            Cell::text("Date of birth"),
            Cell::text("UPN"),
            Cell::text("School"),
            Cell::text("Year group"),
            Cell::text("Status"),
        ],
        rows: children
            .iter()
            .map(|c| {
                let school = c.school_on(today);
                vec![
                    Cell::link(c.display_name(), format!("/children/{}", c.id)),
                    Cell::text(c.birth_date.map(long_date).unwrap_or_default()),
                    Cell::text(
                        c.upn
                            .map(|u| u.to_string())
                            .unwrap_or_else(|| "Not known".into()),
                    ),
                    Cell::text(
                        school
                            .map(|e| ix.school_name(e.urn))
                            .unwrap_or_else(|| "No school on roll".into()),
                    ),
                    Cell::text(school.map(|e| e.nc_year.label()).unwrap_or_default()),
                    Cell::text(
                        c.status_on(today)
                            .map(|s| s.label().to_owned())
                            .unwrap_or_else(|| "No plan now".into()),
                    ),
                ]
            })
            .collect(),
    }
}

/// Records one `view` event per child shown (DESIGN §8).
pub async fn audit_listed(
    state: &AppState,
    who: &CurrentUser,
    from: &str,
    children: &[&ChildEntry],
    detail: &str,
) -> Result<(), AppError> {
    let events: Vec<_> = children
        .iter()
        .map(|c| {
            audit::about_child(
                audit::by(
                    state,
                    who.user(),
                    from,
                    AuditAction::View,
                    AuditObject::Child,
                    detail,
                ),
                &c.la_child_id,
                c.upn,
            )
        })
        .collect();
    audit::record_many(state, &events).await
}
