//! The four periods the tracker reports for each pupil (DESIGN §4 and the tracker issue):
//! on plan, year to date, previous term and previous year.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::attendance::{SessionTally, YearRegister};
use crate::calendar::{AcademicYear, TermOfYear};
use crate::social_care::SocialCareHistory;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReportPeriod {
    /// Sessions of the academic year to date on dates covered by a CIN plan, CP plan or
    /// looked-after episode.
    OnPlan,
    /// From 1 August to the report date.
    YearToDate,
    /// The whole census term before the report date's term.
    PreviousTerm,
    /// The whole previous academic year.
    PreviousYear,
}

impl ReportPeriod {
    pub const ALL: [ReportPeriod; 4] = [
        ReportPeriod::OnPlan,
        ReportPeriod::YearToDate,
        ReportPeriod::PreviousTerm,
        ReportPeriod::PreviousYear,
    ];

    /// First and last dates of the period for a report date. Marks after the report date
    /// never count, and every period lies inside one academic year.
    pub fn dates(&self, at: Date) -> (Date, Date) {
        match self {
            ReportPeriod::OnPlan | ReportPeriod::YearToDate => {
                (AcademicYear::containing(at).start(), at)
            }
            ReportPeriod::PreviousTerm => {
                let (from, to) = TermOfYear::containing(at).previous().dates();
                (from, to.min(at))
            }
            ReportPeriod::PreviousYear => {
                let y = AcademicYear::containing(at).previous();
                (y.start(), y.end())
            }
        }
    }

    pub fn key(&self) -> &'static str {
        match self {
            ReportPeriod::OnPlan => "on_plan",
            ReportPeriod::YearToDate => "year_to_date",
            ReportPeriod::PreviousTerm => "previous_term",
            ReportPeriod::PreviousYear => "previous_year",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            ReportPeriod::OnPlan => "On plan this year",
            ReportPeriod::YearToDate => "This year to date",
            ReportPeriod::PreviousTerm => "Previous term",
            ReportPeriod::PreviousYear => "Previous year",
        }
    }
}

/// One pupil's figures at one school for the four periods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodFigures {
    pub on_plan: SessionTally,
    pub year_to_date: SessionTally,
    pub previous_term: SessionTally,
    pub previous_year: SessionTally,
}

impl PeriodFigures {
    pub fn get(&self, period: ReportPeriod) -> &SessionTally {
        match period {
            ReportPeriod::OnPlan => &self.on_plan,
            ReportPeriod::YearToDate => &self.year_to_date,
            ReportPeriod::PreviousTerm => &self.previous_term,
            ReportPeriod::PreviousYear => &self.previous_year,
        }
    }

    /// Adds another pupil's (or school's) figures: group figures are sums of counts.
    pub fn add(&mut self, other: &PeriodFigures) {
        self.on_plan.add(&other.on_plan);
        self.year_to_date.add(&other.year_to_date);
        self.previous_term.add(&other.previous_term);
        self.previous_year.add(&other.previous_year);
    }
}

/// Computes the four periods from the registers one school recorded for one pupil (any
/// academic years; those outside a period are ignored) and the child's social-care history.
pub fn period_figures<'a>(
    registers: impl IntoIterator<Item = &'a YearRegister>,
    history: &SocialCareHistory,
    at: Date,
) -> PeriodFigures {
    let mut figures = PeriodFigures::default();
    // The on-plan dates are the same for every register: work them out once.
    let (plan_from, plan_to) = ReportPeriod::OnPlan.dates(at);
    let on_plan = on_plan_ranges(history, plan_from, plan_to);
    for register in registers {
        for period in ReportPeriod::ALL {
            let (from, to) = period.dates(at);
            if AcademicYear::containing(from) != register.year {
                continue;
            }
            let tally = match period {
                ReportPeriod::OnPlan => {
                    // Disjoint ranges, so a date covered by more than one plan or episode
                    // counts once.
                    let mut t = SessionTally::default();
                    for &(a, b) in &on_plan {
                        t.add(&register.tally(a, b));
                    }
                    t
                }
                _ => register.tally(from, to),
            };
            match period {
                ReportPeriod::OnPlan => figures.on_plan.add(&tally),
                ReportPeriod::YearToDate => figures.year_to_date.add(&tally),
                ReportPeriod::PreviousTerm => figures.previous_term.add(&tally),
                ReportPeriod::PreviousYear => figures.previous_year.add(&tally),
            }
        }
    }
    figures
}

/// The dates from `from` to `to` that a CIN plan, CP plan or looked-after episode covers
/// ([`SocialCareHistory::on_plan`]), as sorted, disjoint, inclusive ranges. Tallying ranges
/// instead of asking `on_plan` of every day keeps the tracker for a large LA a fraction of a
/// second (each day's question scanned every span).
fn on_plan_ranges(history: &SocialCareHistory, from: Date, to: Date) -> Vec<(Date, Date)> {
    let mut ranges: Vec<(Date, Date)> = history
        .all_spans()
        .filter(|s| s.overlaps(from, to))
        .map(|s| (s.start.max(from), s.end_or(to).min(to)))
        .filter(|(start, end)| start <= end)
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(Date, Date)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            // Overlapping: extend. Ranges that only touch stay apart, which counts the same.
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attendance::{AttendanceCode, Percent};
    use crate::calendar::Session;
    use crate::social_care::{Plan, PlanKind, Span};
    use time::macros::date;

    /// Builds registers from (date, AM code, PM code) rows, reading each code in the set in
    /// force on its date, as an import would.
    fn registers(rows: &[(Date, &str, &str)]) -> Vec<YearRegister> {
        let mut out: Vec<YearRegister> = Vec::new();
        for &(d, am, pm) in rows {
            let year = AcademicYear::containing(d);
            let idx = match out.iter().position(|r| r.year == year) {
                Some(i) => i,
                None => {
                    out.push(YearRegister::new(year));
                    out.len() - 1
                }
            };
            for (session, code) in [(Session::Am, am), (Session::Pm, pm)] {
                let code = AttendanceCode::parse_on(code, d).expect("valid on its date");
                out[idx].set(d, session, code).expect("date in year");
            }
        }
        out
    }

    /// DESIGN §4 "A worked example", every figure as the brief works it out by hand.
    #[test]
    fn design_worked_example() {
        let history = SocialCareHistory {
            plans: vec![
                Plan {
                    kind: PlanKind::Cin,
                    span: Span::new(date!(2024 - 10 - 01), Some(date!(2024 - 11 - 15))),
                },
                Plan {
                    kind: PlanKind::Cp,
                    span: Span::new(date!(2024 - 11 - 18), None),
                },
            ],
            episodes: vec![],
        };
        let regs = registers(&[
            (date!(2023 - 11 - 20), "H", "J"),
            (date!(2024 - 09 - 30), "/", "\\"),
            (date!(2024 - 10 - 01), "I", "I"),
            (date!(2024 - 10 - 02), "L", "N"),
            (date!(2024 - 11 - 15), "#", "#"),
            (date!(2024 - 11 - 18), "C2", "\\"),
            (date!(2024 - 11 - 19), "K", "Y1"),
            (date!(2024 - 11 - 25), "/", "\\"),
        ]);
        let f = period_figures(&regs, &history, date!(2024 - 11 - 22));

        // Year to date: attended 5 (/ \ L \ K), authorised 3 (I I C2), unauthorised 1 (N),
        // possible 9: 55.6% attendance, 44.4% absence, persistent yes, severe no.
        let ytd = f.year_to_date;
        assert_eq!(
            (
                ytd.attended,
                ytd.authorised,
                ytd.unauthorised,
                ytd.possible()
            ),
            (5, 3, 1, 9)
        );
        assert_eq!(ytd.attendance_pct(), Some(Percent(556)));
        assert_eq!(ytd.absence_pct(), Some(Percent(444)));
        assert!(ytd.persistent_absence());
        assert!(!ytd.severe_absence());
        assert_eq!(ytd.part_time, 1);

        // On plan: attended 3, authorised 3, unauthorised 1, possible 7: 42.9%.
        let on = f.on_plan;
        assert_eq!(
            (on.attended, on.authorised, on.unauthorised, on.possible()),
            (3, 3, 1, 7)
        );
        assert_eq!(on.attendance_pct(), Some(Percent(429)));

        // Previous term (summer 2024): no marks, so no figure.
        assert_eq!(f.previous_term.possible(), 0);
        assert_eq!(f.previous_term.attendance_pct(), None);

        // Previous year: H authorised, J attending: attended 1, authorised 1, 50.0%.
        let py = f.previous_year;
        assert_eq!((py.attended, py.authorised, py.unauthorised), (1, 1, 0));
        assert_eq!(py.attendance_pct(), Some(Percent(500)));
    }

    #[test]
    fn plan_starting_mid_term_counts_only_from_its_start() {
        // Report 2025-03-14; CIN plan from 2025-03-10 (a Monday). Marks on 2025-03-07 (before
        // the plan) and 2025-03-10..11 (on plan).
        let history = SocialCareHistory {
            plans: vec![Plan {
                kind: PlanKind::Cin,
                span: Span::new(date!(2025 - 03 - 10), None),
            }],
            episodes: vec![],
        };
        let regs = registers(&[
            (date!(2025 - 03 - 07), "N", "N"),
            (date!(2025 - 03 - 10), "/", "\\"),
            (date!(2025 - 03 - 11), "/", "I"),
        ]);
        let f = period_figures(&regs, &history, date!(2025 - 03 - 14));
        assert_eq!(
            (
                f.on_plan.attended,
                f.on_plan.authorised,
                f.on_plan.unauthorised
            ),
            (3, 1, 0)
        );
        assert_eq!(
            (f.year_to_date.attended, f.year_to_date.unauthorised),
            (3, 2)
        );
        // Previous term of 14 March 2025 is autumn 2024 — no marks there.
        assert_eq!(f.previous_term.possible(), 0);
    }

    #[test]
    fn overlapping_plans_count_a_day_once_and_looked_after_days_count() {
        let history = SocialCareHistory {
            plans: vec![
                Plan {
                    kind: PlanKind::Cin,
                    span: Span::new(date!(2024 - 09 - 01), None),
                },
                Plan {
                    kind: PlanKind::Cp,
                    span: Span::new(date!(2024 - 09 - 01), None),
                },
            ],
            episodes: vec![crate::social_care::CareEpisode {
                span: Span::new(date!(2024 - 09 - 01), None),
                legal_status: "C2".into(),
                placement: "U1".into(),
                reason_ceased: None,
            }],
        };
        let regs = registers(&[(date!(2024 - 09 - 02), "/", "\\")]);
        let f = period_figures(&regs, &history, date!(2024 - 09 - 30));
        assert_eq!(f.on_plan.possible(), 2);
    }

    proptest::proptest! {
        /// On plan by ranges (what `period_figures` does for speed) counts exactly what asking
        /// `on_plan` of every day counts: plans and episodes that overlap, touch, run open,
        /// start before the year or after the date, short breaks, ends before starts.
        #[test]
        fn on_plan_by_ranges_is_on_plan_day_by_day(
            spans in proptest::collection::vec((0i64..420, proptest::option::of(-30i64..200), 0usize..4), 0..6),
            at_day in 0i64..365,
            codes in proptest::collection::vec(0u8..38, 730),
        ) {
            let year = AcademicYear(2024);
            let base = year.start() - time::Duration::days(40);
            let mut history = SocialCareHistory::default();
            for (start, length, kind) in spans {
                let span = Span::new(
                    base + time::Duration::days(start),
                    length.map(|l| base + time::Duration::days(start + l)),
                );
                match kind {
                    0 => history.plans.push(Plan { kind: PlanKind::Cin, span }),
                    1 => history.plans.push(Plan { kind: PlanKind::Cp, span }),
                    _ => history.episodes.push(crate::social_care::CareEpisode {
                        span,
                        legal_status: if kind == 2 { "C2" } else { "V4" }.into(),
                        placement: "U1".into(),
                        reason_ceased: None,
                    }),
                }
            }
            let mut bytes = vec![0u8; year.sessions()];
            for (b, c) in bytes.iter_mut().zip(&codes) {
                *b = *c;
            }
            let register = YearRegister::from_bytes(year, bytes).expect("valid bytes");
            let at = year.start() + time::Duration::days(at_day);
            let (from, to) = ReportPeriod::OnPlan.dates(at);
            let day_by_day =
                register.tally_where(from, to, |day| history.on_plan(year.date_of_day(day)));
            let f = period_figures([&register], &history, at);
            proptest::prop_assert_eq!(f.on_plan, day_by_day);
        }
    }

    #[test]
    fn period_keys_labels_and_sums() {
        let keys: Vec<&str> = ReportPeriod::ALL.iter().map(|p| p.key()).collect();
        assert_eq!(
            keys,
            ["on_plan", "year_to_date", "previous_term", "previous_year"]
        );
        assert_eq!(ReportPeriod::OnPlan.label(), "On plan this year");
        assert_eq!(ReportPeriod::YearToDate.label(), "This year to date");
        assert_eq!(ReportPeriod::PreviousTerm.label(), "Previous term");
        assert_eq!(ReportPeriod::PreviousYear.label(), "Previous year");
        let t = |n: u32| SessionTally {
            attended: n,
            ..Default::default()
        };
        let a = PeriodFigures {
            on_plan: t(1),
            year_to_date: t(2),
            previous_term: t(3),
            previous_year: t(4),
        };
        for (i, p) in ReportPeriod::ALL.into_iter().enumerate() {
            assert_eq!(a.get(p).attended, i as u32 + 1);
        }
        let mut sum = a;
        sum.add(&a);
        assert_eq!(
            (
                sum.on_plan.attended,
                sum.year_to_date.attended,
                sum.previous_term.attended,
                sum.previous_year.attended
            ),
            (2, 4, 6, 8)
        );
    }

    #[test]
    fn period_dates() {
        let at = date!(2025 - 03 - 14);
        assert_eq!(
            ReportPeriod::YearToDate.dates(at),
            (date!(2024 - 08 - 01), at)
        );
        assert_eq!(
            ReportPeriod::PreviousTerm.dates(at),
            (date!(2024 - 08 - 01), date!(2024 - 12 - 31))
        );
        assert_eq!(
            ReportPeriod::PreviousYear.dates(at),
            (date!(2023 - 08 - 01), date!(2024 - 07 - 31))
        );
    }
}
