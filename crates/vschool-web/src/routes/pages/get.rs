use askama::Template;
use axum::response::Response;

use crate::error::AppError;
use crate::layout::{Layout, Page};
use crate::render::page;

#[derive(Template)]
#[template(path = "pages/accessibility.html")]
struct Accessibility {
    layout: Layout,
}

#[derive(Template)]
#[template(path = "pages/privacy.html")]
struct Privacy {
    layout: Layout,
}

/// `GET /accessibility`
pub async fn accessibility(Page(layout): Page) -> Result<Response, AppError> {
    page(&Accessibility { layout })
}

/// `GET /privacy`
pub async fn privacy(Page(layout): Page) -> Result<Response, AppError> {
    page(&Privacy { layout })
}
