//! The overview page as sections: a heading, a few words, charts drawn from a table's own
//! values, the table, and its downloads. Building charts from the tables' values (rather
//! than from the analytics directly) guarantees a chart never shows a figure its table does
//! not, suppressed ones included.

use vschool_analytics::national;
use vschool_analytics::overview::Overview;
use vschool_analytics::stats::Breakdown;

use super::tables::Ctx;
use crate::charts::{Bar, BarChart, LineChart, Series};
use crate::components::{FigureTable, Table, Val};

/// A table as a page shows it, with its downloads.
#[derive(Debug, Clone)]
pub struct ShownTable {
    pub table: Table,
    pub csv_href: String,
    pub xlsx_href: String,
    /// The table's caption, for the download links' words.
    pub name: String,
    /// Long tables (a row per month) sit in a details element under their chart, so the
    /// page stays readable; the figures are one click away and always in the page.
    pub collapsed: bool,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// The heading's id, for links within the page.
    pub id: &'static str,
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// SVG markup.
    pub charts: Vec<String>,
    pub tables: Vec<ShownTable>,
}

/// Shows a table with links to its downloads for the same filters.
pub fn shown(t: &FigureTable, query: &str) -> ShownTable {
    ShownTable {
        table: t.table(),
        csv_href: format!("/overview/download/{}.csv?{query}", t.id),
        xlsx_href: format!("/overview/download/{}.xlsx?{query}", t.id),
        name: t.caption.clone(),
        collapsed: t.rows.len() > 12,
    }
}

/// A column of a table as chart values.
fn column(t: &FigureTable, col: usize) -> Vec<Option<f64>> {
    t.rows
        .iter()
        .map(|r| r.get(col).and_then(Val::number))
        .collect()
}

fn bars(t: &FigureTable, col: usize, comparator: bool, percent: bool) -> Vec<Bar> {
    t.rows
        .iter()
        .map(|r| {
            let v = r.get(col).cloned().unwrap_or(Val::Pct(None));
            let label = r.first().map(Val::display).unwrap_or_default();
            Bar {
                label: if comparator {
                    format!("National (DfE): {label}")
                } else {
                    label
                },
                value: v.number(),
                value_text: match v {
                    Val::Suppressed => "c (1 to 5 children)".into(),
                    Val::Pct(None) => "No figure".into(),
                    Val::Count(n) if !percent => crate::format::count(n),
                    v => v.display(),
                },
                comparator,
            }
        })
        .collect()
}

fn month_label(d: time::Date) -> String {
    let m = crate::format::long_date(d);
    // "31 March 2025" → "Mar 2025"
    let mut parts = m.split(' ').skip(1);
    let month: String = parts.next().unwrap_or("").chars().take(3).collect();
    format!("{month} {}", parts.next().unwrap_or(""))
}

/// Every section of the overview page.
pub fn overview_sections(ctx: &Ctx<'_>, query: &str) -> Vec<Section> {
    let ov: &Overview = ctx.ov;
    let mut out = Vec::new();

    let cohort = ctx.cohort();
    out.push(Section {
        id: "cohort",
        heading: "The cohort today".into(),
        paragraphs: vec![
            "Each child aged 0 to 17 is counted once, in the first group that applies: looked after, then child protection plan, then child in need plan. Ever6 counts every child who was looked after or on a plan on any day in the last six years, including those counted now. These counts cover every child, in school or not; the phase filter does not apply to them.".into(),
            "The Department for Education’s “children in need” count every open referral; this service’s child in need plan group counts children on a plan only.".into(),
        ],
        charts: vec![],
        tables: vec![shown(&cohort, query)],
    });

    let over_time = ctx.cohort_over_time();
    let labels: Vec<String> = ov.series.iter().map(|(d, _)| month_label(*d)).collect();
    let names = &over_time.head;
    let now_chart = LineChart {
        id: "chart-cohort-now".into(),
        title: "Children with a social worker now, at the end of each month".into(),
        desc: format!(
            "Line chart of children looked after, on a child protection plan and on a child in need plan, from {} to {}. The table below gives every figure.",
            labels.first().cloned().unwrap_or_default(),
            labels.last().cloned().unwrap_or_default()
        ),
        x_labels: labels.clone(),
        series: (1..=3)
            .map(|c| Series {
                name: names.get(c).cloned().unwrap_or_default(),
                values: column(&over_time, c),
            })
            .collect(),
        y_title: "Children".into(),
        percent: false,
    };
    let ever_chart = LineChart {
        id: "chart-cohort-ever6".into(),
        title: "All children with a social worker now, and Ever6, at the end of each month".into(),
        desc: "Line chart of all children with a social worker now and of Ever6 over the same months. The table below gives every figure.".into(),
        x_labels: labels,
        series: (4..=5)
            .map(|c| Series {
                name: names.get(c).cloned().unwrap_or_default(),
                values: column(&over_time, c),
            })
            .collect(),
        y_title: "Children".into(),
        percent: false,
    };
    out.push(Section {
        id: "cohort-over-time",
        heading: "The cohort over time".into(),
        paragraphs: vec![
            "Counts on the last day of each month for the last three years, then today.".into(),
        ],
        charts: vec![now_chart.svg(), ever_chart.svg()],
        tables: vec![shown(&over_time, query)],
    });

    let attendance = ctx.attendance();
    let national_absence = ctx.national_absence();
    let mut att_bars = bars(&attendance, 3, false, true);
    att_bars.extend(bars(&national_absence, 1, true, true));
    out.push(Section {
        id: "attendance",
        heading: "Attendance this year".into(),
        paragraphs: vec![
            format!(
                "From 1 August to {}. Attendance on plan counts only the days each child was looked after or on a plan. National figures are the DfE’s own, for the groups and year they name: they are not the same groups as this service’s.",
                crate::format::long_date(ov.request.at)
            ),
        ],
        charts: vec![BarChart {
            id: "chart-attendance".into(),
            title: "Attendance this year by group, beside national figures".into(),
            desc: "Bar chart of attendance for each group, then the DfE's national figures (hatched bars). The tables below give every figure.".into(),
            bars: att_bars,
            percent: true,
        }
        .svg()],
        tables: vec![shown(&attendance, query), shown(&national_absence, query)],
    });

    let half_terms = ctx.half_terms();
    let ht_labels: Vec<String> = ov.half_terms.iter().map(|h| h.half_term.name()).collect();
    let ht_chart = LineChart {
        id: "chart-half-terms".into(),
        title: "Attendance by half term".into(),
        desc: String::new(),
        x_labels: ht_labels,
        series: (1..half_terms.head.len())
            .map(|c| Series {
                name: half_terms.head.get(c).cloned().unwrap_or_default(),
                values: column(&half_terms, c),
            })
            .collect(),
        y_title: "Attendance (%)".into(),
        percent: true,
    };
    let ht_chart = LineChart {
        desc: format!(
            "Line chart of attendance in each half term of the year so far, one line per group. The vertical axis starts at {}%. The table below gives every figure.",
            ht_chart.y_min()
        ),
        ..ht_chart
    };
    out.push(Section {
        id: "half-terms",
        heading: "Attendance by half term".into(),
        paragraphs: vec!["Each half term counts the children in each group on its last day (or today), and their sessions in that half term.".into()],
        charts: vec![ht_chart.svg()],
        tables: vec![shown(&half_terms, query)],
    });

    let pa = ctx.persistent_absence();
    let mut pa_bars = bars(&pa, 3, false, true);
    pa_bars.extend(bars(&national_absence, 3, true, true));
    out.push(Section {
        id: "persistent-absence",
        heading: "Persistent and severe absence".into(),
        paragraphs: vec!["A pupil is persistently absent when they missed 10% or more of their own possible sessions, and severely absent at 50% or more.".into()],
        charts: vec![BarChart {
            id: "chart-persistent".into(),
            title: "Persistent absence this year by group, beside national figures".into(),
            desc: "Bar chart of the share of pupils persistently absent in each group, then the DfE's national figures (hatched). The table below gives every figure, with severe absence.".into(),
            bars: pa_bars,
            percent: true,
        }
        .svg()],
        tables: vec![shown(&pa, query)],
    });

    let excl = ctx.exclusions();
    let national_excl = ctx.national_exclusions();
    let mut ex_bars = bars(&excl, 4, false, true);
    ex_bars.extend(bars(&national_excl, 2, true, true));
    out.push(Section {
        id: "exclusions",
        heading: "Suspensions and exclusions".into(),
        paragraphs: vec!["Suspensions and permanent exclusions that started this academic year, up to the report date.".into()],
        charts: vec![BarChart {
            id: "chart-exclusions".into(),
            title: "Pupils with one or more suspensions this year, beside national figures".into(),
            desc: "Bar chart of the share of pupils with one or more suspensions in each group, then the DfE's national figures (hatched). The tables below give every figure.".into(),
            bars: ex_bars,
            percent: true,
        }
        .svg()],
        tables: vec![shown(&excl, query), shown(&national_excl, query)],
    });

    let pt = ctx.part_time();
    out.push(Section {
        id: "part-time",
        heading: "Part-time timetables".into(),
        paragraphs: vec![
            "Sessions coded C2 (a part-time timetable agreed with the school) this year.".into(),
        ],
        charts: vec![],
        tables: vec![shown(&pt, query)],
    });

    if let Some(top) = ctx.top_schools() {
        let chart = BarChart {
            id: "chart-top-schools".into(),
            title: "Schools with most children with a social worker now".into(),
            desc: "Bar chart of the number of children with a social worker now at each of the ten schools. The table below gives every figure, with their attendance.".into(),
            bars: bars(&top, 2, false, false),
            percent: false,
        };
        out.push(Section {
            id: "top-schools",
            heading: "Schools with most children with a social worker".into(),
            paragraphs: vec!["Children on roll who are looked after or on a plan today; attendance counts each school's own marks.".into()],
            charts: vec![chart.svg()],
            tables: vec![shown(&top, query)],
        });
    }

    let mut breakdowns: Vec<ShownTable> = [
        Breakdown::YearGroup,
        Breakdown::Phase,
        Breakdown::Sen,
        Breakdown::Ethnicity,
    ]
    .into_iter()
    .map(|b| shown(&ctx.breakdown(b), query))
    .collect();
    breakdowns.retain(|t| !t.table.rows.is_empty());
    out.push(Section {
        id: "breakdowns",
        heading: "Breakdowns".into(),
        paragraphs: vec!["Attendance, absence and suspensions this year for everyone in the chosen group, by year group, phase, special educational needs and ethnicity. Figures by school are on their own page.".into()],
        charts: vec![],
        tables: breakdowns,
    });
    out
}

/// Every table of the overview by download name (the by-school table included).
pub fn all_tables(ctx: &Ctx<'_>) -> Vec<FigureTable> {
    let mut t = vec![
        ctx.cohort(),
        ctx.cohort_over_time(),
        ctx.attendance(),
        ctx.national_absence(),
        ctx.half_terms(),
        ctx.persistent_absence(),
        ctx.exclusions(),
        ctx.national_exclusions(),
        ctx.part_time(),
    ];
    t.extend(ctx.top_schools());
    t.extend(
        [
            Breakdown::YearGroup,
            Breakdown::Phase,
            Breakdown::Sen,
            Breakdown::Ethnicity,
        ]
        .into_iter()
        .map(|b| ctx.breakdown(b)),
    );
    t.push(ctx.by_school());
    t
}

/// Names for the national figures, for the page's sources paragraph.
pub fn sources() -> Vec<String> {
    national::absence()
        .into_iter()
        .map(|n| n.description)
        .chain(national::exclusions().into_iter().map(|n| n.description))
        .collect()
}
