//! View models for the GOV.UK components in `templates/components/`. Handlers build these
//! plain values; the macros turn them into Frontend's markup, so the markup for a table or
//! an error summary lives in exactly one place.

pub mod figures;
pub mod form;

pub use figures::{FigureTable, Val};
pub use form::FormErrors;

/// A table cell. Numbers are right-aligned (GOV.UK `govuk-table__cell--numeric`) so that
/// digits line up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub numeric: bool,
    pub href: Option<String>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            numeric: false,
            href: None,
        }
    }

    pub fn number(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            numeric: true,
            href: None,
        }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            numeric: false,
            href: Some(href.into()),
        }
    }
}

/// A GOV.UK table. The first cell of each row is its row header (`<th scope="row">`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub caption: String,
    pub head: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

/// One row of a GOV.UK summary list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryRow {
    pub key: String,
    pub value: String,
}

impl SummaryRow {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        SummaryRow {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// A breadcrumb: the pages above this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crumb {
    pub text: String,
    pub href: String,
}

impl Crumb {
    pub fn new(text: impl Into<String>, href: impl Into<String>) -> Self {
        Crumb {
            text: text.into(),
            href: href.into(),
        }
    }
}

/// A GOV.UK tag. Status is never shown by colour alone: the text always says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub text: String,
    /// `""` (default blue) or a Frontend colour modifier: `grey`, `green`, `red`, …
    pub colour: &'static str,
}

impl Tag {
    pub fn class(&self) -> String {
        if self.colour.is_empty() {
            "govuk-tag".into()
        } else {
            format!("govuk-tag govuk-tag--{}", self.colour)
        }
    }
}

/// A GOV.UK notification banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub success: bool,
    pub heading: String,
    pub body: String,
}

/// GOV.UK pagination: previous/next and numbered pages, as links to `base_href` with
/// `page=` appended. Pages count from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    pub page: u32,
    pub pages: u32,
    pub base_href: String,
}

/// One item of a pagination list: a page number or an ellipsis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageItem {
    Number { n: u32, href: String, current: bool },
    Ellipsis,
}

impl PageItem {
    pub fn is_ellipsis(&self) -> bool {
        matches!(self, PageItem::Ellipsis)
    }
}

impl Pagination {
    pub fn href(&self, page: u32) -> String {
        let sep = if self.base_href.contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{}page={}", self.base_href, sep, page)
    }

    pub fn previous(&self) -> Option<String> {
        (self.page > 1).then(|| self.href(self.page - 1))
    }

    pub fn next(&self) -> Option<String> {
        (self.page < self.pages).then(|| self.href(self.page + 1))
    }

    /// First, last, current and its neighbours, with ellipses between gaps (GOV.UK's
    /// pattern for long lists).
    pub fn items(&self) -> Vec<PageItem> {
        let mut out = Vec::new();
        let mut last_shown = 0;
        for n in 1..=self.pages {
            let show = n == 1 || n == self.pages || n.abs_diff(self.page) <= 1;
            if !show {
                continue;
            }
            if last_shown != 0 && n > last_shown + 1 {
                out.push(PageItem::Ellipsis);
            }
            out.push(PageItem::Number {
                n,
                href: self.href(n),
                current: n == self.page,
            });
            last_shown = n;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_shows_ends_and_neighbours() {
        let p = Pagination {
            page: 5,
            pages: 10,
            base_href: "/schools".into(),
        };
        let shown: Vec<String> = p
            .items()
            .iter()
            .map(|i| match i {
                PageItem::Number { n, .. } => n.to_string(),
                PageItem::Ellipsis => "…".into(),
            })
            .collect();
        assert_eq!(shown, ["1", "…", "4", "5", "6", "…", "10"]);
        assert_eq!(p.previous().as_deref(), Some("/schools?page=4"));
        assert_eq!(p.next().as_deref(), Some("/schools?page=6"));
    }

    #[test]
    fn single_page_has_no_neighbours() {
        let p = Pagination {
            page: 1,
            pages: 1,
            base_href: "/x?q=1".into(),
        };
        assert_eq!(p.items().len(), 1);
        assert!(p.previous().is_none() && p.next().is_none());
        assert_eq!(p.href(1), "/x?q=1&page=1");
    }
}
