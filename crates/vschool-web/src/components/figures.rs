//! A table of figures that is shown on a page, downloaded as CSV and downloaded as XLSX from
//! one definition, so the three always hold the same numbers. Values keep their type (a
//! count, a percentage, a suppressed `c`) until each output formats them its own way: "1,234"
//! on the page, `1234` in CSV, a number cell in XLSX.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use vschool_analytics::suppression::Published;

use super::{Cell, Table};
use crate::format::count;

/// One value of a figure table.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    /// Text that links to a page (on the page only; downloads hold the text).
    Link(String, String),
    Count(u64),
    /// A percentage to one decimal; `None` when there is nothing to divide by.
    Pct(Option<f64>),
    /// A figure with one decimal (days lost).
    Decimal(f64),
    /// A figure withheld by the DfE's suppression rules.
    Suppressed,
}

impl Val {
    pub fn count(p: &Published<u32>) -> Val {
        match p {
            Published::Shown(v) => Val::Count(u64::from(*v)),
            Published::Suppressed(_) => Val::Suppressed,
        }
    }

    pub fn pct(p: &Published<Option<f64>>) -> Val {
        match p {
            Published::Shown(v) => Val::Pct(*v),
            Published::Suppressed(_) => Val::Suppressed,
        }
    }

    pub fn decimal(p: &Published<f64>) -> Val {
        match p {
            Published::Shown(v) => Val::Decimal(*v),
            Published::Suppressed(_) => Val::Suppressed,
        }
    }

    /// The value as a page shows it.
    pub fn display(&self) -> String {
        match self {
            Val::Text(t) | Val::Link(t, _) => t.clone(),
            Val::Count(n) => count(*n),
            Val::Pct(Some(v)) => format!("{v:.1}%"),
            Val::Pct(None) => "No figure".into(),
            Val::Decimal(v) => format!("{v:.1}"),
            Val::Suppressed => "c".into(),
        }
    }

    /// The value as CSV holds it: plain numbers, `c`, empty for no figure.
    pub fn raw(&self) -> String {
        match self {
            Val::Text(t) | Val::Link(t, _) => t.clone(),
            Val::Count(n) => n.to_string(),
            Val::Pct(Some(v)) => format!("{v:.1}"),
            Val::Pct(None) => String::new(),
            Val::Decimal(v) => format!("{v:.1}"),
            Val::Suppressed => "c".into(),
        }
    }

    /// The number a chart draws, if any.
    pub fn number(&self) -> Option<f64> {
        match self {
            Val::Count(n) => Some(*n as f64),
            Val::Pct(v) => *v,
            Val::Decimal(v) => Some(*v),
            _ => None,
        }
    }

    fn is_numeric(&self) -> bool {
        !matches!(self, Val::Text(_) | Val::Link(..))
    }
}

/// A table of figures with a download name.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureTable {
    /// The download's name (`attendance` → `attendance.csv`), unique on its page.
    pub id: &'static str,
    pub caption: String,
    /// Column headings; the first names the rows.
    pub head: Vec<String>,
    pub rows: Vec<Vec<Val>>,
    /// What a reader of a download needs to know (base, date, filters, suppression, sources).
    pub notes: Vec<String>,
}

impl FigureTable {
    /// The GOV.UK table a page shows.
    pub fn table(&self) -> Table {
        let numeric_col = |i: usize| {
            i > 0
                && self
                    .rows
                    .iter()
                    .any(|r| r.get(i).is_some_and(Val::is_numeric))
        };
        Table {
            caption: self.caption.clone(),
            head: self
                .head
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    if numeric_col(i) {
                        Cell::number(h.clone())
                    } else {
                        Cell::text(h.clone())
                    }
                })
                .collect(),
            rows: self
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| match v {
                            Val::Link(t, href) => Cell::link(t.clone(), href.clone()),
                            v if v.is_numeric() => Cell::number(v.display()),
                            v => Cell::text(v.display()),
                        })
                        .collect()
                })
                .collect(),
        }
    }

    /// CSV: the headings, then one line per row; no notes (a CSV is for machines).
    pub fn csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.head)?;
        for r in &self.rows {
            w.write_record(r.iter().map(Val::raw))?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// XLSX: the caption, the headings (frozen, with filters), the rows with numbers as
    /// numbers, then the notes.
    pub fn xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let name: String = self.id.chars().take(31).collect();
        sheet.set_name(&name)?;
        let bold = Format::new().set_bold();
        let title = Format::new().set_bold().set_font_size(14);
        let pct = Format::new().set_num_format("0.0");
        let int = Format::new().set_num_format("#,##0");
        let right = Format::new().set_align(rust_xlsxwriter::FormatAlign::Right);
        sheet.write_string_with_format(0, 0, &self.caption, &title)?;
        for (c, h) in self.head.iter().enumerate() {
            sheet.write_string_with_format(2, col(c), h, &bold)?;
            sheet.set_column_width(col(c), if c == 0 { 40 } else { 16 })?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = 3 + r as u32;
            for (c, v) in row.iter().enumerate() {
                let c = col(c);
                match v {
                    Val::Text(t) | Val::Link(t, _) => {
                        sheet.write_string(r, c, t)?;
                    }
                    Val::Count(n) => {
                        sheet.write_number_with_format(r, c, *n as f64, &int)?;
                    }
                    Val::Pct(Some(x)) | Val::Decimal(x) => {
                        sheet.write_number_with_format(r, c, *x, &pct)?;
                    }
                    Val::Pct(None) => {}
                    Val::Suppressed => {
                        sheet.write_string_with_format(r, c, "c", &right)?;
                    }
                }
            }
        }
        if !self.head.is_empty() {
            let last_row = 2 + self.rows.len() as u32;
            sheet.autofilter(2, 0, last_row, col(self.head.len() - 1))?;
        }
        sheet.set_freeze_panes(3, 1)?;
        let notes_at = 4 + self.rows.len() as u32;
        for (i, n) in self.notes.iter().enumerate() {
            sheet.write_string(notes_at + i as u32, 0, n)?;
        }
        book.save_to_buffer()
    }
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> FigureTable {
        FigureTable {
            id: "attendance",
            caption: "Attendance".into(),
            head: vec!["Group".into(), "Pupils".into(), "Attendance".into()],
            rows: vec![
                vec![
                    Val::Text("Looked after".into()),
                    Val::Count(1234),
                    Val::Pct(Some(91.25)),
                ],
                vec![
                    Val::Link("CP".into(), "/x".into()),
                    Val::Suppressed,
                    Val::Pct(None),
                ],
            ],
            notes: vec!["Pupil base.".into()],
        }
    }

    #[test]
    fn one_table_three_outputs() {
        let page = t().table();
        assert_eq!(page.rows[0][1].text, "1,234");
        assert!(page.rows[0][1].numeric && page.head[1].numeric && !page.head[0].numeric);
        assert_eq!(page.rows[1][0].href.as_deref(), Some("/x"));
        assert_eq!(page.rows[1][2].text, "No figure");
        let csv = t().csv().expect("csv");
        assert_eq!(
            csv,
            "Group,Pupils,Attendance\nLooked after,1234,91.2\nCP,c,\n"
        );
        let xlsx = t().xlsx().expect("xlsx");
        assert!(xlsx.starts_with(b"PK"));
    }
}
