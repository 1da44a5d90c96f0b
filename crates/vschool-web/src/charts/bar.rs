//! A horizontal bar chart: one bar per row, its label above it and its figure at its end, so
//! every bar is read from text; comparators (national figures) are hatched and grey.

use std::fmt::Write;

use super::{escape, nice_max, open_svg, tick_text, COLOURS};

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// `None` draws no bar: no figure, or a suppressed one.
    pub value: Option<f64>,
    /// What is written at the bar's end: "91.3%", "c (fewer than 6 children)", "No marks".
    pub value_text: String,
    /// A published comparator rather than the LA's own figure.
    pub comparator: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub bars: Vec<Bar>,
    /// Percentages: the axis runs 0 to 100.
    pub percent: bool,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 10.0;
const RIGHT: f64 = 140.0;
const TOP: f64 = 10.0;
const LINE: f64 = 18.0;
const BAR: f64 = 20.0;
const GAP: f64 = 12.0;
/// Characters of a label per line at 14 px Arial across the chart's width.
const LABEL_CHARS: usize = 88;

/// Splits a label into lines of at most `LABEL_CHARS` characters at spaces.
fn wrap(label: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > LABEL_CHARS {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

impl BarChart {
    pub fn svg(&self) -> String {
        let max = self
            .bars
            .iter()
            .filter_map(|b| b.value)
            .fold(0.0f64, f64::max);
        let hi = if self.percent { 100.0 } else { nice_max(max) };
        let plot_w = WIDTH - LEFT - RIGHT;
        let labels: Vec<Vec<String>> = self.bars.iter().map(|b| wrap(&b.label)).collect();
        let rows: f64 = labels
            .iter()
            .map(|l| LINE * l.len() as f64 + BAR + GAP)
            .sum();
        let bottom = TOP + rows;
        let height = bottom + 30.0;
        let mut s = open_svg(&self.id, WIDTH, height, &self.title, &self.desc);
        let _ = write!(
            s,
            r##"<defs><pattern id="{}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="8" stroke="#505a5f" stroke-width="4"/></pattern></defs>"##,
            self.id
        );
        // Scale: 0, half and the top, as faint lines with their values below.
        for k in 0..=4 {
            let v = hi * f64::from(k) / 4.0;
            let x = LEFT + plot_w * v / hi;
            let _ = write!(
                s,
                r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{bottom:.1}" stroke="#b1b4b6"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#0b0c0c">{}{}</text>"##,
                bottom + 18.0,
                tick_text(v),
                if self.percent { "%" } else { "" }
            );
        }
        let mut y = TOP;
        for (b, lines) in self.bars.iter().zip(&labels) {
            for line in lines {
                let _ = write!(
                    s,
                    r##"<text x="{LEFT}" y="{:.1}" fill="#0b0c0c">{}</text>"##,
                    y + 14.0,
                    escape(line)
                );
                y += LINE;
            }
            let bar_y = y + 2.0;
            y += BAR + GAP;
            let w = b
                .value
                .map(|v| plot_w * (v / hi).clamp(0.0, 1.0))
                .unwrap_or(0.0);
            if w > 0.0 {
                let fill = if b.comparator {
                    format!("url(#{}-hatch)", self.id)
                } else {
                    COLOURS[0].to_owned()
                };
                let _ = write!(
                    s,
                    r##"<rect x="{LEFT}" y="{bar_y:.1}" width="{w:.1}" height="{BAR}" fill="{fill}" stroke="#0b0c0c" stroke-width="1"/>"##
                );
            }
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" fill="#0b0c0c" font-weight="bold">{}</text>"##,
                LEFT + w + 6.0,
                bar_y + 15.0,
                escape(&b.value_text)
            );
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_their_figures_as_text() {
        let c = BarChart {
            id: "b".into(),
            title: "Attendance".into(),
            desc: "By group".into(),
            bars: vec![
                Bar {
                    label: "Looked after".into(),
                    value: Some(91.3),
                    value_text: "91.3%".into(),
                    comparator: false,
                },
                Bar {
                    label: "National".into(),
                    value: Some(92.2),
                    value_text: "92.2%".into(),
                    comparator: true,
                },
                Bar {
                    label: "Small group".into(),
                    value: None,
                    value_text: "c".into(),
                    comparator: false,
                },
            ],
            percent: true,
        };
        let svg = c.svg();
        assert!(svg.contains(">91.3%<") && svg.contains(">92.2%<") && svg.contains(">c<"));
        assert!(svg.contains("url(#b-hatch)"));
        assert_eq!(svg.matches("<rect x=").count(), 2);
        assert_eq!(wrap("a b").len(), 1);
        assert_eq!(wrap(&"word ".repeat(40)).len(), 3);
    }
}
