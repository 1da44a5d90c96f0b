//! Charts as server-rendered SVG: a line chart and a horizontal bar chart, each an
//! `role="img"` with a `<title>` and `<desc>`, and each always shown beside a table holding
//! the same figures. Series are told apart by line dash, marker shape and a text label, never
//! by colour alone (WCAG 1.4.1); comparators' bars are hatched and labelled.
//!
//! The markup is built here as escaped text rather than in a template because its geometry is
//! arithmetic; templates insert it with `|safe`. No inline `style` (the Content-Security-Policy
//! forbids it): only SVG presentation attributes.

pub mod bar;
pub mod line;

pub use bar::{Bar, BarChart};
pub use line::{LineChart, Series};

/// GOV.UK Frontend colours with enough contrast on white (≥ 3:1 for graphics), one per
/// series in order; each series also has its own dash and marker.
const COLOURS: [&str; 6] = [
    "#1d70b8", // blue
    "#d4351c", // red
    "#00703c", // green
    "#4c2c92", // purple
    "#b58840", // brown
    "#505a5f", // dark grey
];

/// Line dash patterns, one per series (solid first).
const DASHES: [&str; 6] = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 5"];

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A "nice" upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten, at least `max`.
pub fn nice_max(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= max {
            return m * mag;
        }
    }
    10.0 * mag
}

/// A number for an axis or a label: no decimals for whole numbers, else one.
pub fn tick_text(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        crate::format::count(v.round().max(0.0) as u64)
    } else {
        format!("{v:.1}")
    }
}

/// A marker shape centred on (x, y), `i` choosing the shape: circle, square, triangle,
/// diamond, cross, then round again.
fn marker(i: usize, x: f64, y: f64, colour: &str) -> String {
    match i % 5 {
        0 => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{colour}"/>"#),
        1 => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="8" height="8" fill="{colour}"/>"#,
            x - 4.0,
            y - 4.0
        ),
        2 => format!(
            r#"<path d="M{x:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z" fill="{colour}"/>"#,
            y - 5.0,
            x + 5.0,
            y + 4.0,
            x - 5.0,
            y + 4.0
        ),
        3 => format!(
            r#"<path d="M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z" fill="{colour}"/>"#,
            y - 5.0,
            x + 5.0,
            y + 5.0,
            x - 5.0
        ),
        _ => format!(
            r#"<path d="M{:.1} {:.1} L{:.1} {:.1} M{:.1} {:.1} L{:.1} {:.1}" stroke="{colour}" stroke-width="2.5"/>"#,
            x - 4.0,
            y - 4.0,
            x + 4.0,
            y + 4.0,
            x - 4.0,
            y + 4.0,
            x + 4.0,
            y - 4.0
        ),
    }
}

/// The opening of a chart: accessible name and description by id.
fn open_svg(id: &str, width: f64, height: f64, title: &str, desc: &str) -> String {
    format!(
        r#"<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="Arial, sans-serif" font-size="14"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_bounds() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(87.0), 100.0);
        assert_eq!(nice_max(101.0), 200.0);
        assert_eq!(nice_max(1400.0), 2000.0);
        assert_eq!(nice_max(2100.0), 2500.0);
        assert_eq!(nice_max(4.2), 5.0);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
