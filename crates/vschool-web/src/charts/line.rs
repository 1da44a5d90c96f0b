//! A line chart: one line per series over shared x labels, gaps where a value is missing.

use std::fmt::Write;

use super::{escape, marker, nice_max, open_svg, tick_text, COLOURS, DASHES};

/// One line.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// One value per x label; `None` leaves a gap (no figure, not zero).
    pub values: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Unique on the page (ids of the title and description derive from it).
    pub id: String,
    pub title: String,
    /// What the chart shows in words; the table beside it has every figure.
    pub desc: String,
    pub x_labels: Vec<String>,
    pub series: Vec<Series>,
    /// Axis title, e.g. "Children" or "Attendance (%)".
    pub y_title: String,
    /// Percentages: the axis may start above zero (said in the description) and ends at 100.
    pub percent: bool,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 20.0;
const PLOT_HEIGHT: f64 = 260.0;
const LEGEND_COLUMN: f64 = 320.0;
const LEGEND_ROW: f64 = 24.0;

impl LineChart {
    fn bounds(&self) -> (f64, f64) {
        let values = self.series.iter().flat_map(|s| s.values.iter().flatten());
        let (min, max) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
        if min > max {
            return (0.0, if self.percent { 100.0 } else { 1.0 });
        }
        if self.percent {
            // Attendance sits between 70% and 100%: starting at 0 would flatten every line.
            let lo = ((min - 5.0) / 10.0).floor() * 10.0;
            (lo.clamp(0.0, 90.0), 100.0)
        } else {
            // At least 0 to 5, so small counts get whole-number ticks.
            (0.0, nice_max(max).max(5.0))
        }
    }

    /// The y axis' lowest value (for the description).
    pub fn y_min(&self) -> f64 {
        self.bounds().0
    }

    /// The SVG markup.
    pub fn svg(&self) -> String {
        let (lo, hi) = self.bounds();
        let n = self.x_labels.len().max(1);
        let plot_w = WIDTH - LEFT - RIGHT;
        let x_at = |i: usize| {
            if n == 1 {
                LEFT + plot_w / 2.0
            } else {
                LEFT + plot_w * i as f64 / (n - 1) as f64
            }
        };
        let y_at = |v: f64| TOP + PLOT_HEIGHT * (1.0 - (v - lo) / (hi - lo).max(f64::EPSILON));
        let per_row = ((WIDTH - LEFT) / LEGEND_COLUMN).floor().max(1.0) as usize;
        let legend_rows = self.series.len().div_ceil(per_row);
        let axis_bottom = TOP + PLOT_HEIGHT;
        let legend_top = axis_bottom + 56.0;
        let height = legend_top + legend_rows as f64 * LEGEND_ROW + 8.0;

        let mut s = open_svg(&self.id, WIDTH, height, &self.title, &self.desc);
        // Grid and y axis: whole steps (tens for percentages, five steps of a nice bound
        // otherwise).
        let step = if self.percent {
            if hi - lo > 50.0 {
                20.0
            } else {
                10.0
            }
        } else {
            (hi - lo) / 5.0
        };
        let steps = ((hi - lo) / step).round().max(1.0) as i32;
        for k in 0..=steps {
            let v = lo + step * f64::from(k);
            let y = y_at(v);
            let _ = write!(
                s,
                r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#b1b4b6" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#0b0c0c">{}</text>"##,
                WIDTH - RIGHT,
                LEFT - 8.0,
                y + 5.0,
                tick_text(v)
            );
        }
        let _ = write!(
            s,
            r##"<text x="14" y="{:.1}" transform="rotate(-90 14 {:.1})" text-anchor="middle" fill="#0b0c0c">{}</text>"##,
            TOP + PLOT_HEIGHT / 2.0,
            TOP + PLOT_HEIGHT / 2.0,
            escape(&self.y_title)
        );
        // X labels: at most about eight, evenly spaced, always the last.
        let step = n.div_ceil(8).max(1);
        for (i, label) in self.x_labels.iter().enumerate() {
            if i % step != 0 && i != n - 1 {
                continue;
            }
            if i != n - 1 && n - 1 - i < step {
                continue; // too close to the last label
            }
            // The last label ends at its tick, so it stays inside the chart.
            let anchor = if i == n - 1 && n > 1 { "end" } else { "middle" };
            let _ = write!(
                s,
                r##"<line x1="{x:.1}" y1="{axis_bottom:.1}" x2="{x:.1}" y2="{:.1}" stroke="#0b0c0c"/><text x="{x:.1}" y="{:.1}" text-anchor="{anchor}" fill="#0b0c0c">{}</text>"##,
                axis_bottom + 5.0,
                axis_bottom + 22.0,
                escape(label),
                x = x_at(i)
            );
        }
        let _ = write!(
            s,
            r##"<line x1="{LEFT}" y1="{axis_bottom:.1}" x2="{:.1}" y2="{axis_bottom:.1}" stroke="#0b0c0c" stroke-width="1.5"/>"##,
            WIDTH - RIGHT
        );
        // Lines, then markers on every point.
        for (k, series) in self.series.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let dash = DASHES[k % DASHES.len()];
            let mut d = String::new();
            let mut pen_down = false;
            for (i, v) in series.values.iter().enumerate() {
                match v {
                    Some(v) => {
                        let _ = write!(
                            d,
                            "{}{:.1} {:.1} ",
                            if pen_down { "L" } else { "M" },
                            x_at(i),
                            y_at(*v)
                        );
                        pen_down = true;
                    }
                    None => pen_down = false,
                }
            }
            let dash_attr = if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            };
            let _ = write!(
                s,
                r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>"#,
                d.trim_end()
            );
            // Markers only where there are few points, else they crowd.
            if n <= 12 {
                for (i, v) in series.values.iter().enumerate() {
                    if let Some(v) = v {
                        s.push_str(&marker(k, x_at(i), y_at(*v), colour));
                    }
                }
            }
        }
        // Legend: a sample of each line with its marker, and the series' name.
        for (k, series) in self.series.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let dash = DASHES[k % DASHES.len()];
            let col = (k % per_row) as f64;
            let row = (k / per_row) as f64;
            let x = LEFT + col * LEGEND_COLUMN;
            let y = legend_top + row * LEGEND_ROW;
            let dash_attr = if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            };
            let _ = write!(
                s,
                r##"<line x1="{x:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2.5"{dash_attr}/>{}<text x="{:.1}" y="{:.1}" fill="#0b0c0c">{}</text>"##,
                x + 36.0,
                marker(k, x + 18.0, y, colour),
                x + 44.0,
                y + 5.0,
                escape(&series.name)
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
    fn a_line_chart_names_itself_and_leaves_gaps() {
        let c = LineChart {
            id: "t".into(),
            title: "Children over time".into(),
            desc: "Counts <by month>".into(),
            x_labels: vec!["Jan".into(), "Feb".into(), "Mar".into()],
            series: vec![
                Series {
                    name: "CLA".into(),
                    values: vec![Some(10.0), None, Some(12.0)],
                },
                Series {
                    name: "CP".into(),
                    values: vec![Some(3.0), Some(4.0), Some(5.0)],
                },
            ],
            y_title: "Children".into(),
            percent: false,
        };
        let svg = c.svg();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"<title id="t-title">Children over time</title>"#));
        assert!(svg.contains("Counts &lt;by month&gt;"));
        // The gap: the CLA line is lifted between its two points.
        assert_eq!(svg.matches(" M").count() + svg.matches("\"M").count(), 3);
        assert!(svg.contains("stroke-dasharray=\"8 4\""));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn percent_axes_start_near_the_lowest_value() {
        let c = LineChart {
            id: "p".into(),
            title: String::new(),
            desc: String::new(),
            x_labels: vec!["1".into()],
            series: vec![Series {
                name: "x".into(),
                values: vec![Some(87.0)],
            }],
            y_title: String::new(),
            percent: true,
        };
        assert_eq!(c.y_min(), 80.0);
    }
}
