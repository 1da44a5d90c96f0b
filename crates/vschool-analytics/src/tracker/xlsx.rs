//! The tracker workbook a designated safeguarding lead is glad to open: a summary sheet (the
//! school's cohort beside the LA's and the national figures, with sources), then one sheet
//! per status group with a row per pupil, frozen headings, filters, print layout, persistent
//! and severe absence highlighted (and written as words, never by colour alone), and an
//! editable aspirational-target column the school fills in and can upload back.

use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, DataValidation, DataValidationErrorStyle, DataValidationRule,
    Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use vschool_domain::calendar::long;
use vschool_domain::social_care::TrackerStatus;
use vschool_domain::Percent;

use super::csv::format_points;
use super::{Tracker, TrackerRow, GROUPS};
use crate::comparators::AbsenceRow;
use crate::stats::GroupFigures;

/// The figures the summary sheet sets beside the school's own.
pub struct SummaryInput<'a> {
    /// The school's figures by status group (year to date, enrolment base).
    pub school: &'a [(TrackerStatus, GroupFigures)],
    /// The LA's figures by status group, same period and base.
    pub la: &'a [(TrackerStatus, GroupFigures)],
    pub la_name: &'a str,
    /// National comparators, named as the DfE names them.
    pub national: &'a [AbsenceRow],
}

/// The column headings of a status sheet, in order. The target column is last.
pub const SHEET_HEADINGS: &[&str] = &[
    "UPN",
    "Name",
    "Year group",
    "Status",
    "Plan start",
    "Allocated worker",
    "Team",
    "On plan %",
    "This year %",
    "Previous term %",
    "Previous year %",
    "Change since last term (points)",
    "Sessions possible this year",
    "Sessions missed this year",
    "Persistent absence",
    "Severe absence",
    "Aspirational target %",
];

/// Index of the editable target column.
pub const TARGET_COLUMN: u16 = 16;

fn sheet_name(group: TrackerStatus) -> &'static str {
    match group {
        TrackerStatus::Current(vschool_domain::CohortStatus::Cla) => "Looked after",
        TrackerStatus::Current(vschool_domain::CohortStatus::Cp) => "Child protection plan",
        TrackerStatus::Current(vschool_domain::CohortStatus::Cin) => "Child in need plan",
        TrackerStatus::Ever6 => "Previously had a SW",
    }
}

/// Writes the workbook to bytes.
pub fn to_xlsx(tracker: &Tracker, summary: &SummaryInput<'_>) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let styles = Styles::new();
    write_summary(wb.add_worksheet(), tracker, summary, &styles)?;
    for group in GROUPS {
        let rows: Vec<&TrackerRow> = tracker.rows_in(group).collect();
        write_group_sheet(wb.add_worksheet(), tracker, group, &rows, &styles)?;
    }
    wb.save_to_buffer()
}

struct Styles {
    title: Format,
    heading: Format,
    text: Format,
    number: Format,
    pct: Format,
    date: Format,
    target: Format,
    note: Format,
    flag: Format,
    wrapped: Format,
    amber: Format,
    red: Format,
}

impl Styles {
    fn new() -> Self {
        let base = Format::new().set_font_name("Arial").set_font_size(11);
        Styles {
            title: base.clone().set_bold().set_font_size(16),
            heading: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xF3F2F1))
                .set_border_bottom(FormatBorder::Medium)
                .set_align(FormatAlign::Top),
            text: base.clone(),
            number: base.clone().set_align(FormatAlign::Right),
            pct: base
                .clone()
                .set_num_format("0.0")
                .set_align(FormatAlign::Right),
            date: base
                .clone()
                .set_num_format("d mmm yyyy")
                .set_align(FormatAlign::Left),
            target: base
                .clone()
                .set_num_format("0.0")
                .set_unlocked()
                .set_background_color(Color::RGB(0xFFF7BF))
                .set_border(FormatBorder::Thin),
            note: base
                .clone()
                .set_italic()
                .set_font_color(Color::RGB(0x505A5F))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            flag: base.clone().set_align(FormatAlign::Center),
            wrapped: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            amber: Format::new().set_background_color(Color::RGB(0xFCD6C3)),
            red: Format::new()
                .set_background_color(Color::RGB(0xF4B4B0))
                .set_bold(),
        }
    }
}

fn excel_date(d: time::Date) -> Result<rust_xlsxwriter::ExcelDateTime, XlsxError> {
    rust_xlsxwriter::ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day())
}

fn write_pct(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    p: Option<Percent>,
    f: &Format,
) -> Result<(), XlsxError> {
    match p {
        Some(p) => ws
            .write_number_with_format(row, col, p.as_f64(), f)
            .map(|_| ()),
        None => ws.write_blank(row, col, f).map(|_| ()),
    }
}

fn write_summary(
    ws: &mut Worksheet,
    t: &Tracker,
    s: &SummaryInput<'_>,
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_column_width(0, 44)?;
    for c in 1..=7 {
        ws.set_column_width(c, 14)?;
    }
    ws.write_string_with_format(
        0,
        0,
        format!("Attendance tracker: {}", t.school_name),
        &st.title,
    )?;
    ws.merge_range(
        1,
        0,
        1,
        6,
        &format!(
            "URN {} · figures at {} · counted from the marks this school recorded",
            t.urn,
            long(t.at)
        ),
        &st.text,
    )?;
    ws.merge_range(
        2,
        0,
        2,
        6,
        "Contains personal data of children with a social worker. Keep it on school systems; do not email it.",
        &st.note,
    )?;

    let headings = [
        "Group (this academic year to date)",
        "Pupils",
        "Attendance %",
        "Persistent absence %",
        "Severe absence %",
        &format!("{} attendance %", s.la_name),
        &format!("{} persistent absence %", s.la_name),
    ];
    let top = 4;
    for (c, h) in headings.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *h, &st.heading)?;
    }
    ws.set_row_height(top, 45)?;
    for (i, group) in GROUPS.iter().enumerate() {
        let row = top + 1 + i as u32;
        ws.write_string_with_format(row, 0, group.label(), &st.text)?;
        let school = s
            .school
            .iter()
            .find(|(g, _)| g == group)
            .map(|(_, f)| *f)
            .unwrap_or_default();
        let la =
            s.la.iter()
                .find(|(g, _)| g == group)
                .map(|(_, f)| *f)
                .unwrap_or_default();
        ws.write_number_with_format(row, 1, f64::from(school.units), &st.number)?;
        write_pct(ws, row, 2, school.sessions.attendance_pct(), &st.pct)?;
        write_pct(ws, row, 3, school.persistent_absence_pct(), &st.pct)?;
        write_pct(ws, row, 4, school.severe_absence_pct(), &st.pct)?;
        write_pct(ws, row, 5, la.sessions.attendance_pct(), &st.pct)?;
        write_pct(ws, row, 6, la.persistent_absence_pct(), &st.pct)?;
    }

    let ntop = top + 2 + GROUPS.len() as u32;
    ws.write_string_with_format(
        ntop,
        0,
        "National comparators (published by the DfE)",
        &st.heading,
    )?;
    for (c, h) in ["Overall absence %", "Persistent absence %"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(ntop, 1 + c as u16, *h, &st.heading)?;
    }
    ws.set_row_height(ntop, 30)?;
    for (i, r) in s.national.iter().enumerate() {
        let row = ntop + 1 + i as u32;
        ws.write_string_with_format(row, 0, r.description(), &st.wrapped)?;
        ws.set_row_height(row, 30)?;
        write_pct(ws, row, 1, r.overall_absence_pct(), &st.pct)?;
        write_pct(ws, row, 2, r.persistent_absence_pct(), &st.pct)?;
    }
    let src = ntop + 2 + s.national.len() as u32;
    ws.merge_range(
        src,
        0,
        src,
        6,
        "Source: DfE, Outcomes for children in need, including children looked after by local authorities in \
         England (Open Government Licence v3.0). The DfE's 'children in need' counts open episodes; this tracker's \
         'child in need plan' counts children on a CIN plan. Percentages are computed from counts and rounded half up.",
        &st.note,
    )?;
    ws.set_row_height(src, 45)?;
    ws.merge_range(
        src + 2,
        0,
        src + 2,
        6,
        "Persistent absence: missing 10% or more of possible sessions. Severe absence: missing 50% or more.",
        &st.note,
    )?;
    Ok(())
}

fn write_group_sheet(
    ws: &mut Worksheet,
    t: &Tracker,
    group: TrackerStatus,
    rows: &[&TrackerRow],
    st: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(group))?;
    let widths = [
        15.0, 26.0, 8.0, 24.0, 13.0, 22.0, 26.0, 10.0, 10.0, 10.0, 10.0, 13.0, 11.0, 11.0, 11.0,
        9.0, 12.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for (c, h) in SHEET_HEADINGS.iter().enumerate() {
        let heading = if c == 4 && group == TrackerStatus::Ever6 {
            "Last plan ended"
        } else {
            h
        };
        ws.write_string_with_format(0, c as u16, heading, &st.heading)?;
    }
    ws.set_row_height(0, 48)?;
    ws.set_freeze_panes(1, 2)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_header(format!("&L{}&R{}", t.school_name, group.label()));
    ws.set_footer("&LOfficial-sensitive: personal data&RPage &P of &N");

    for (i, r) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        let f = &r.figures;
        ws.write_string_with_format(row, 0, r.upn.as_str(), &st.text)?;
        ws.write_string_with_format(row, 1, r.name(), &st.text)?;
        ws.write_string_with_format(
            row,
            2,
            r.nc_year.map(|y| y.code()).unwrap_or_default(),
            &st.text,
        )?;
        ws.write_string_with_format(row, 3, r.status.label(), &st.text)?;
        match r.plan_date {
            Some(d) => ws
                .write_datetime_with_format(row, 4, excel_date(d)?, &st.date)
                .map(|_| ())?,
            None => ws.write_blank(row, 4, &st.text).map(|_| ())?,
        }
        let worker = r.worker.as_ref();
        ws.write_string_with_format(
            row,
            5,
            worker.map(|w| w.name.as_str()).unwrap_or(""),
            &st.text,
        )?;
        ws.write_string_with_format(
            row,
            6,
            worker.map(|w| w.team.as_str()).unwrap_or(""),
            &st.text,
        )?;
        write_pct(ws, row, 7, f.on_plan.attendance_pct(), &st.pct)?;
        write_pct(ws, row, 8, f.year_to_date.attendance_pct(), &st.pct)?;
        write_pct(ws, row, 9, f.previous_term.attendance_pct(), &st.pct)?;
        write_pct(ws, row, 10, f.previous_year.attendance_pct(), &st.pct)?;
        match r.change_since_last_term() {
            Some(p) => ws
                .write_string_with_format(row, 11, format_points(p), &st.number)
                .map(|_| ())?,
            None => ws.write_blank(row, 11, &st.number).map(|_| ())?,
        }
        ws.write_number_with_format(row, 12, f64::from(f.year_to_date.possible()), &st.number)?;
        ws.write_number_with_format(row, 13, f64::from(f.year_to_date.absent()), &st.number)?;
        ws.write_string_with_format(
            row,
            14,
            super::csv::yes_no(r.persistent_absence()),
            &st.flag,
        )?;
        ws.write_string_with_format(row, 15, super::csv::yes_no(r.severe_absence()), &st.flag)?;
        write_pct(ws, row, TARGET_COLUMN, r.target, &st.target)?;
    }
    let last = rows.len() as u32;
    // Filters on the heading row, even for an empty sheet so the layout is the same.
    ws.autofilter(0, 0, last.max(1), TARGET_COLUMN)?;
    if last > 0 {
        // Rows with severe absence red, persistent absence amber (the Yes/No columns say the
        // same in words, so colour is never the only signal).
        let red = ConditionalFormatFormula::new()
            .set_rule("=$P2=\"Yes\"")
            .set_format(&st.red);
        ws.add_conditional_format(1, 0, last, TARGET_COLUMN - 1, &red)?;
        let amber = ConditionalFormatFormula::new()
            .set_rule("=$O2=\"Yes\"")
            .set_format(&st.amber);
        ws.add_conditional_format(1, 0, last, TARGET_COLUMN - 1, &amber)?;
    } else {
        ws.write_string_with_format(1, 0, "No pupils in this group at this date.", &st.note)?;
    }
    // The target column accepts a percentage from 0 to 100, with a clear message.
    let validation = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
        .set_input_title("Aspirational target")?
        .set_input_message(
            "The attendance % you aim for this pupil this academic year (0 to 100).",
        )?
        .set_error_title("Target must be a percentage")?
        .set_error_message("Enter a number from 0 to 100, for example 95.")?
        .set_error_style(DataValidationErrorStyle::Stop);
    ws.add_data_validation(
        1,
        TARGET_COLUMN,
        last.max(1) + 200,
        TARGET_COLUMN,
        &validation,
    )?;
    Ok(())
}
