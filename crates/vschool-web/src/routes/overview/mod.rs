//! The LA overview (DESIGN §3.5, SCREENS "LA overview"): the Virtual School team's first page
//! each morning, with charts, tables and downloads of every table. A DSL sees the same LA
//! figures suppressed (1–5 children as `c`) and only their own schools by name; social
//! workers and trainers see no aggregates (403: the page's existence is no secret).
//!
//! - `filters`: the GET form's values, and the analytics request they make;
//! - `tables`: every table of figures, built once for the page and its downloads;
//! - `get`: the pages (`/overview`, `/overview/schools`);
//! - `download`: `/overview/download/{name}.{csv|xlsx}`, audited.

pub mod download;
pub mod filters;
pub mod get;
pub mod sections;
pub mod tables;

use vschool_analytics::suppression::Suppressor;
use vschool_domain::Urn;

use crate::auth::{CurrentUser, Role};
use crate::error::AppError;

/// Who is looking, as far as the figures care.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Small numbers become `c` (DESIGN §8 "Suppression": aggregates beyond a DSL's own
    /// pupils).
    pub suppressor: Suppressor,
    /// A DSL's schools: the only schools named in school-level tables. `None` for the team.
    pub own_schools: Option<Vec<Urn>>,
}

impl Viewer {
    /// The viewer for a signed-in user; `Forbidden` for roles without aggregates.
    pub fn of(who: &CurrentUser) -> Result<Viewer, AppError> {
        who.require(Role::sees_aggregates)?;
        Ok(if who.role() == Role::Dsl {
            Viewer {
                suppressor: Suppressor::ON,
                own_schools: Some(who.user().schools.clone()),
            }
        } else {
            Viewer {
                suppressor: Suppressor::OFF,
                own_schools: None,
            }
        })
    }

    pub fn suppressed(&self) -> bool {
        self.suppressor.enabled
    }

    /// May a school-level row for this school be shown?
    pub fn names_school(&self, urn: Urn) -> bool {
        self.own_schools
            .as_ref()
            .is_none_or(|own| own.contains(&urn))
    }
}
