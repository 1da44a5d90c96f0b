//! Six years of children's social care, simulated child by child.
//!
//! Referrals arrive at a steady rate (more in autumn, fewer in August and at Christmas) over
//! the twenty years before today, so children in long care are in the data too. Each child's
//! involvement is a chain of spells with the transitions social care really makes:
//!
//! * a CIN plan (median ~7 months) mostly ends, sometimes steps up to a CP plan or care;
//! * a CP plan (median ~9 months) mostly steps down to a CIN plan, sometimes to care, or ends;
//! * a period of care is a run of contiguous 903 episodes (a new episode at each change of
//!   legal status or placement: DEC of one = DECOM of the next, REC X1) that ends by age:
//!   babies are adopted (E11/E12, after a placement order E1 and a placement for adoption),
//!   leave under a special guardianship order (E45/E47 to relatives or friends, E46/E48 to
//!   others) or a child arrangements order (E41); older children return home (E4A/E4B/E13)
//!   or stay until 18 (E17 staying put, E5/E6 independent living, E8);
//! * a child may come back after months or years (re-referral), less often after adoption.
//!
//! Disabled children on long CIN plans have series of short breaks (legal status V4, and V3
//! for single breaks): in the 903 but not "looked after" in the statistics.
//!
//! What a real LA's files can carry limits what we keep: a CIN plan is recorded only from the
//! 2022 CIN census (the 2021 schema has no CIN plan dates) and a CP plan from the 2021 census,
//! the first whose schema we ship; so plans that ended before those collection years are
//! dropped, as an LA's extract would lack them. The 903 episodes are kept whole. A child is
//! kept when anything remains in the six years before today.

use rand::Rng;
use time::{Date, Duration, Month};
use vschool_domain::calendar::age_on;
use vschool_domain::social_care::{CareEpisode, Plan, PlanKind, SocialCareHistory, Span};
use vschool_domain::{Child, LaChildId, Sex};

use crate::context::{
    collection_year_of, collection_year_start, ymd, Context, FIRST_CIN_COLLECTION_YEAR,
    FIRST_CIN_PLAN_COLLECTION_YEAR,
};
use crate::rng::{between, chance, lognormal_days, poisson, stream, weighted, Domain, SynthRng};

/// Referrals that go on to a plan or care, per year, in the small LA. Tuned so that the small
/// LA has ~1,500 children on a plan or looked after and ~4,000 Ever6 at 14 March 2025.
const ARRIVALS_PER_YEAR_SMALL: f64 = 700.0;

/// National-ish ethnicity mix (children looked after at 31 March 2023, DfE), in percent.
pub(crate) const ETHNICITIES: &[(&str, f64)] = &[
    ("WBRI", 66.2),
    ("WIRI", 0.3),
    ("WIRT", 0.2),
    ("WROM", 0.7),
    ("WOTH", 4.0),
    ("MWBC", 3.4),
    ("MWBA", 1.2),
    ("MWAS", 2.2),
    ("MOTH", 3.7),
    ("AIND", 0.4),
    ("APKN", 1.3),
    ("ABAN", 0.5),
    ("AOTH", 3.0),
    ("CHNE", 0.2),
    ("BCRB", 1.5),
    ("BAFR", 4.0),
    ("BOTH", 1.6),
    ("OOTH", 5.0),
    ("NOBT", 0.7),
    ("REFU", 0.1),
];

/// A child as social care knows them, plus what the rest of the generator needs.
#[derive(Debug, Clone)]
pub(crate) struct ScChild {
    pub child: Child,
    /// The town the family lives in.
    pub area: usize,
    /// A disabled child (short breaks; CIN need code N2).
    pub disabled: bool,
}

/// How an involvement (a chain of plans and care) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// Still open today.
    Open,
    Closed(Date),
    Adopted(Date),
    Permanence(Date),
    Eighteen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Cin,
    Cp,
    Cla,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CareOutcome {
    Adoption,
    SgoKin,
    SgoOther,
    Cao,
    Home,
    ToEighteen,
    Other,
}

struct Sim<'a> {
    rng: &'a mut SynthRng,
    birth: Date,
    eighteenth: Date,
    today: Date,
    plans: Vec<Plan>,
    episodes: Vec<CareEpisode>,
}

fn eighteenth_birthday(birth: Date) -> Date {
    Date::from_calendar_date(birth.year() + 18, birth.month(), birth.day())
        .unwrap_or_else(|_| ymd(birth.year() + 18, Month::March, 1))
}

impl Sim<'_> {
    /// The end of a spell that would run `days` from `start`: `None` when it is still open
    /// today; cut at the day before the 18th birthday.
    fn clip(&self, start: Date, days: i64) -> (Option<Date>, bool) {
        let natural = start + Duration::days(days.max(0));
        let cap = self.eighteenth - Duration::days(1);
        let (end, aged_out) = if natural > cap {
            (cap, true)
        } else {
            (natural, false)
        };
        if end >= self.today {
            (None, false)
        } else {
            (Some(end), aged_out)
        }
    }

    fn push_plan(&mut self, kind: PlanKind, start: Date, end: Option<Date>) {
        self.plans.push(Plan {
            kind,
            span: Span::new(start, end),
        });
    }

    fn run(&mut self, arrival: Date) {
        let mut t = arrival;
        for _ in 0..6 {
            if t >= self.today || t >= self.eighteenth - Duration::days(30) {
                return;
            }
            let age = age_on(self.birth, t);
            let entry = if age < 1 {
                weighted(
                    self.rng,
                    &[(State::Cin, 0.22), (State::Cp, 0.40), (State::Cla, 0.38)],
                )
            } else if age >= 14 {
                weighted(
                    self.rng,
                    &[(State::Cin, 0.60), (State::Cp, 0.22), (State::Cla, 0.18)],
                )
            } else {
                weighted(
                    self.rng,
                    &[(State::Cin, 0.51), (State::Cp, 0.39), (State::Cla, 0.10)],
                )
            };
            let ending = self.involvement(t, entry);
            let end = match ending {
                Ending::Open | Ending::Eighteen => return,
                Ending::Closed(e) => {
                    if !chance(self.rng, 0.30) {
                        return;
                    }
                    e
                }
                Ending::Adopted(e) => {
                    if !chance(self.rng, 0.03) {
                        return;
                    }
                    e
                }
                Ending::Permanence(e) => {
                    if !chance(self.rng, 0.12) {
                        return;
                    }
                    e
                }
            };
            t = end + Duration::days(lognormal_days(self.rng, 420.0, 0.9, 45, 3000));
        }
    }

    /// One involvement starting with a referral on `referral`.
    fn involvement(&mut self, referral: Date, entry: State) -> Ending {
        let mut state = entry;
        let mut s = referral
            + Duration::days(match entry {
                State::Cin => between(self.rng, 20, 60),
                State::Cp => between(self.rng, 10, 30),
                State::Cla => between(self.rng, 0, 14),
            });
        for _ in 0..12 {
            if s >= self.today {
                return Ending::Open;
            }
            if s >= self.eighteenth - Duration::days(1) {
                return Ending::Eighteen;
            }
            match state {
                State::Cin => {
                    let days = lognormal_days(self.rng, 210.0, 0.75, 28, 1400);
                    let (end, aged_out) = self.clip(s, days);
                    self.push_plan(PlanKind::Cin, s, end);
                    let Some(end) = end else {
                        return Ending::Open;
                    };
                    if aged_out {
                        return Ending::Eighteen;
                    }
                    match weighted(self.rng, &[(0u8, 0.78), (1, 0.13), (2, 0.09)]) {
                        0 => return Ending::Closed(end),
                        1 => state = State::Cp,
                        _ => state = State::Cla,
                    }
                    s = end + Duration::days(1);
                }
                State::Cp => {
                    // Some plans end at the first review conference (three months); most run
                    // six months to a year and a half.
                    let days = if chance(self.rng, 0.15) {
                        lognormal_days(self.rng, 80.0, 0.35, 14, 200)
                    } else {
                        lognormal_days(self.rng, 300.0, 0.5, 60, 1800)
                    };
                    let (end, aged_out) = self.clip(s, days);
                    self.push_plan(PlanKind::Cp, s, end);
                    let Some(end) = end else {
                        return Ending::Open;
                    };
                    if aged_out {
                        return Ending::Eighteen;
                    }
                    match weighted(self.rng, &[(0u8, 0.52), (1, 0.16), (2, 0.32)]) {
                        0 => state = State::Cin,
                        1 => {
                            state = State::Cla;
                            // The plan often runs on until the first review after the child
                            // became looked after: plans of different kinds may overlap.
                            if chance(self.rng, 0.4) {
                                let extra = between(self.rng, 1, 30);
                                let extended = end + Duration::days(extra);
                                if extended < self.today && extended < self.eighteenth {
                                    if let Some(p) = self.plans.last_mut() {
                                        p.span.end = Some(extended);
                                    }
                                }
                            }
                        }
                        _ => return Ending::Closed(end),
                    }
                    s = end + Duration::days(1);
                }
                State::Cla => {
                    let (end, outcome) = self.care_period(s);
                    let Some(end) = end else {
                        return Ending::Open;
                    };
                    match outcome {
                        CareOutcome::Adoption => return Ending::Adopted(end),
                        CareOutcome::SgoKin | CareOutcome::SgoOther | CareOutcome::Cao => {
                            return Ending::Permanence(end)
                        }
                        CareOutcome::ToEighteen => return Ending::Eighteen,
                        CareOutcome::Home if chance(self.rng, 0.45) => {
                            state = State::Cin;
                            s = end + Duration::days(1);
                        }
                        _ => return Ending::Closed(end),
                    }
                }
            }
        }
        Ending::Open
    }

    /// A period of care starting on `start`: its episodes, its end (None if open today) and
    /// how it ended.
    fn care_period(&mut self, start: Date) -> (Option<Date>, CareOutcome) {
        let age = age_on(self.birth, start);
        use CareOutcome::*;
        let table: &[(CareOutcome, f64)] = match age {
            0 => &[
                (Adoption, 0.42),
                (SgoKin, 0.14),
                (SgoOther, 0.06),
                (Cao, 0.05),
                (Home, 0.25),
                (ToEighteen, 0.06),
                (Other, 0.02),
            ],
            1..=4 => &[
                (Adoption, 0.26),
                (SgoKin, 0.16),
                (SgoOther, 0.06),
                (Cao, 0.07),
                (Home, 0.33),
                (ToEighteen, 0.10),
                (Other, 0.02),
            ],
            5..=9 => &[
                (Adoption, 0.04),
                (SgoKin, 0.15),
                (SgoOther, 0.05),
                (Cao, 0.07),
                (Home, 0.36),
                (ToEighteen, 0.30),
                (Other, 0.03),
            ],
            10..=15 => &[
                (SgoKin, 0.05),
                (SgoOther, 0.02),
                (Cao, 0.03),
                (Home, 0.45),
                (ToEighteen, 0.40),
                (Other, 0.05),
            ],
            _ => &[(Home, 0.30), (ToEighteen, 0.65), (Other, 0.05)],
        };
        let mut outcome = weighted(self.rng, table);
        let days = match outcome {
            Adoption => lognormal_days(self.rng, 700.0, 0.30, 330, 1800),
            SgoKin | SgoOther => lognormal_days(self.rng, 560.0, 0.50, 120, 2500),
            Cao => lognormal_days(self.rng, 450.0, 0.60, 60, 2500),
            Home => lognormal_days(self.rng, 170.0, 1.10, 2, 3000),
            Other => lognormal_days(self.rng, 250.0, 1.00, 7, 3000),
            ToEighteen => (self.eighteenth - start).whole_days(),
        };
        let mut end = start + Duration::days(days.max(1));
        if end >= self.eighteenth {
            end = self.eighteenth;
            outcome = ToEighteen;
        }
        let rec: &'static str = match outcome {
            Adoption => weighted(self.rng, &[("E11", 0.6), ("E12", 0.4)]),
            SgoKin => weighted(self.rng, &[("E45", 0.5), ("E47", 0.5)]),
            SgoOther => weighted(self.rng, &[("E46", 0.7), ("E48", 0.3)]),
            Cao => "E41",
            Home => weighted(self.rng, &[("E4A", 0.65), ("E13", 0.20), ("E4B", 0.15)]),
            ToEighteen => weighted(
                self.rng,
                &[
                    ("E17", 0.30),
                    ("E5", 0.35),
                    ("E6", 0.20),
                    ("E8", 0.10),
                    ("E7", 0.05),
                ],
            ),
            Other => {
                if age >= 12 {
                    weighted(
                        self.rng,
                        &[
                            ("E3", 0.35),
                            ("E8", 0.35),
                            ("E9", 0.15),
                            ("E16", 0.05),
                            ("E15", 0.10),
                        ],
                    )
                } else {
                    weighted(self.rng, &[("E3", 0.55), ("E8", 0.40), ("E16", 0.05)])
                }
            }
        };

        // Legal status changes: (date, LS).
        let mut ls: Vec<(Date, &'static str)> = Vec::new();
        let first_ls = if age >= 16 {
            weighted(self.rng, &[("V2", 0.62), ("C1", 0.28), ("J2", 0.10)])
        } else if age >= 10 {
            weighted(
                self.rng,
                &[
                    ("V2", 0.30),
                    ("C1", 0.52),
                    ("L1", 0.06),
                    ("L2", 0.04),
                    ("J2", 0.05),
                    ("J1", 0.03),
                ],
            )
        } else {
            weighted(
                self.rng,
                &[("V2", 0.26), ("C1", 0.60), ("L1", 0.08), ("L2", 0.06)],
            )
        };
        ls.push((start, first_ls));
        let needs_order = matches!(outcome, Adoption | SgoKin | SgoOther | Cao);
        let mut t = start;
        let mut cur = first_ls;
        for _ in 0..4 {
            let (next, after): (&'static str, i64) = match cur {
                "L1" | "L2" => (
                    if chance(self.rng, 0.7) { "C1" } else { "V2" },
                    between(self.rng, 1, 8),
                ),
                "J1" | "J2" | "J3" => ("V2", between(self.rng, 20, 120)),
                "V2" if needs_order || chance(self.rng, 0.4) => {
                    ("C1", lognormal_days(self.rng, 120.0, 0.6, 14, 900))
                }
                "C1" => ("C2", lognormal_days(self.rng, 230.0, 0.35, 60, 700)),
                _ => break,
            };
            t += Duration::days(after);
            if t >= end {
                break;
            }
            ls.push((t, next));
            cur = next;
        }
        if outcome == ToEighteen && age < 8 && chance(self.rng, 0.1) {
            // A placement order for a child the plan was to adopt but who stays in long-term
            // foster care.
            let po = start + Duration::days(lognormal_days(self.rng, 500.0, 0.3, 200, 1200));
            let last_change = ls.last().map_or(start, |x| x.0);
            if po > last_change && po < end {
                ls.push((po, "E1"));
            }
        }
        if outcome == Adoption {
            // A placement order some months before the adoption order.
            let po = end - Duration::days(lognormal_days(self.rng, 380.0, 0.35, 120, 1000));
            let last_change = ls.last().map_or(start, |x| x.0);
            if po > last_change {
                ls.push((po, "E1"));
            }
        }

        // Placement changes: (date, PLACE). What placements suit depends on the child's age at
        // the move: teenagers are more often in children's homes.
        let place_table = |age: i32| -> &'static [(&'static str, f64)] {
            if age < 10 {
                &[
                    ("U6", 0.56),
                    ("U4", 0.05),
                    ("U3", 0.16),
                    ("U1", 0.02),
                    ("K2", 0.02),
                    ("P1", 0.07),
                    ("Z1", 0.01),
                ]
            } else if age < 16 {
                &[
                    ("U6", 0.40),
                    ("U4", 0.08),
                    ("U3", 0.10),
                    ("K2", 0.28),
                    ("R1", 0.02),
                    ("P1", 0.07),
                    ("K1", 0.01),
                    ("Z1", 0.01),
                ]
            } else {
                &[
                    ("U6", 0.30),
                    ("K2", 0.38),
                    ("U3", 0.07),
                    ("R1", 0.05),
                    ("Z1", 0.05),
                ]
            }
        };
        let mut places: Vec<(Date, &'static str)> =
            vec![(start, weighted(self.rng, place_table(age)))];
        let rate_per_year = if age < 10 {
            0.45
        } else if age < 16 {
            1.0
        } else {
            1.2
        };
        let mut t = start;
        loop {
            let gap = (-(1.0 - self.rng.gen::<f64>()).max(1e-9).ln() * 365.0 / rate_per_year)
                .round() as i64;
            t += Duration::days(gap.max(7));
            if t >= end || t >= self.today {
                break;
            }
            let last = places.last().map(|p| p.1).unwrap_or("U6");
            let mut next = weighted(self.rng, place_table(age_on(self.birth, t)));
            if next == last {
                // A move between carers of the same kind: a new episode all the same.
                next = if next == "U6" { "U4" } else { "U6" };
            }
            places.push((t, next));
        }
        let final_place = match outcome {
            Adoption => Some((
                weighted(
                    self.rng,
                    &[("A4", 0.6), ("A6", 0.25), ("A3", 0.1), ("A5", 0.05)],
                ),
                250.0,
            )),
            SgoKin | Cao => Some((weighted(self.rng, &[("U3", 0.8), ("U1", 0.2)]), 250.0)),
            Home if chance(self.rng, 0.45) && days > 60 => Some(("P1", 120.0)),
            _ => None,
        };
        if let Some((code, median)) = final_place {
            let from = end - Duration::days(lognormal_days(self.rng, median, 0.4, 30, 700));
            if from > start {
                places.retain(|(d, _)| *d < from);
                places.push((from, code));
            }
        }

        // Episodes: a new one at every change of legal status or placement.
        let mut changes: Vec<Date> = ls
            .iter()
            .map(|x| x.0)
            .chain(places.iter().map(|x| x.0))
            .collect();
        changes.sort();
        changes.dedup();
        changes.retain(|d| *d < end && *d <= self.today);
        // An end on or after today is not yet known: the period is open.
        let open = end >= self.today;
        for (i, &decom) in changes.iter().enumerate() {
            let legal = ls
                .iter()
                .rev()
                .find(|x| x.0 <= decom)
                .map_or(first_ls, |x| x.1);
            let place = places
                .iter()
                .rev()
                .find(|x| x.0 <= decom)
                .map_or("U6", |x| x.1);
            let (dec, rec) = match changes.get(i + 1) {
                Some(&next) => (Some(next), Some("X1".to_owned())),
                None if open => (None, None),
                None => (Some(end), Some(rec.to_owned())),
            };
            self.episodes.push(CareEpisode {
                span: Span::new(decom, dec),
                legal_status: legal.to_owned(),
                placement: place.to_owned(),
                reason_ceased: rec,
            });
        }
        if open {
            (None, outcome)
        } else {
            (Some(end), outcome)
        }
    }

    /// A disabled child's long CIN plan with series of short breaks (V4, some V3).
    fn short_breaks_child(&mut self, referral: Date) {
        let s = referral + Duration::days(between(self.rng, 20, 60));
        if s >= self.today || s >= self.eighteenth {
            return;
        }
        let days = lognormal_days(self.rng, 700.0, 0.5, 180, 2500);
        let (end, _) = self.clip(s, days);
        self.push_plan(PlanKind::Cin, s, end);
        let plan_end = end.unwrap_or(self.today);
        let mut t = s + Duration::days(between(self.rng, 14, 120));
        while t < plan_end && t < self.today {
            let single = chance(self.rng, 0.2);
            let len = if single {
                between(self.rng, 2, 14)
            } else {
                lognormal_days(self.rng, 200.0, 0.4, 60, 400)
            };
            let e = t + Duration::days(len);
            let (dec, rec) = if e >= self.today || e >= plan_end && end.is_none() {
                (None, None)
            } else {
                (Some(e.min(plan_end)), Some("E8".to_owned()))
            };
            self.episodes.push(CareEpisode {
                span: Span::new(t, dec),
                legal_status: if single { "V3" } else { "V4" }.to_owned(),
                placement: if single { "K2" } else { "U6" }.to_owned(),
                reason_ceased: rec,
            });
            match dec {
                Some(d) => t = d + Duration::days(lognormal_days(self.rng, 90.0, 0.6, 14, 400)),
                None => break,
            }
        }
    }
}

/// Referral seasonality: fewer in August and around Christmas, more in the autumn term.
fn season(date: Date) -> f64 {
    match date.month() {
        Month::August => 0.75,
        Month::December => 0.85,
        Month::September | Month::October | Month::November => 1.12,
        _ => 1.0,
    }
}

/// Whether the files can carry a plan (see the module notes).
fn representable(plan: &Plan, today: Date) -> bool {
    let first_year = match plan.kind {
        PlanKind::Cin => FIRST_CIN_PLAN_COLLECTION_YEAR,
        PlanKind::Cp => FIRST_CIN_COLLECTION_YEAR,
    };
    if collection_year_of(today) < first_year {
        return false;
    }
    let from = collection_year_start(first_year);
    plan.span.end.is_none_or(|e| e >= from)
}

pub(crate) fn generate(ctx: &Context, areas: usize) -> Vec<ScChild> {
    let lambda = ARRIVALS_PER_YEAR_SMALL * ctx.scale();
    let mut arrivals_rng = stream(ctx.seed, Domain::Arrivals, 0);
    let first_day = ctx.window_start - Duration::days(14 * 365);
    let mut out = Vec::new();
    let mut id_rng = stream(ctx.seed, Domain::Arrivals, 1);
    let mut next_id: u64 = 1_000_000 + (id_rng.gen_range(0..50_000) as u64);
    let mut index: u64 = 0;
    let mut day = first_day;
    while day <= ctx.today {
        let n = poisson(&mut arrivals_rng, lambda / 365.25 * season(day));
        for _ in 0..n {
            index += 1;
            let mut rng = stream(ctx.seed, Domain::Child, index);
            if let Some(mut c) = simulate(ctx, &mut rng, day, areas) {
                next_id += 1 + id_rng.gen_range(0..3) as u64;
                if let Ok(id) = LaChildId::parse(&next_id.to_string()) {
                    c.child.la_child_id = id;
                    out.push(c);
                }
            }
        }
        day += Duration::days(1);
    }
    out
}

fn simulate(ctx: &Context, rng: &mut SynthRng, arrival: Date, areas: usize) -> Option<ScChild> {
    let band = weighted(
        rng,
        &[(0u8, 0.17), (1, 0.19), (2, 0.23), (3, 0.32), (4, 0.09)],
    );
    let (lo, hi) = match band {
        0 => (0, 364),
        1 => (365, 5 * 365 - 1),
        2 => (5 * 365, 10 * 365 - 1),
        3 => (10 * 365, 16 * 365 - 1),
        _ => (16 * 365, 18 * 365 - 40),
    };
    let birth = arrival - Duration::days(between(rng, lo, hi));
    let disabled = (2..=15).contains(&age_on(birth, arrival)) && chance(rng, 0.05);
    let mut sim = Sim {
        rng,
        birth,
        eighteenth: eighteenth_birthday(birth),
        today: ctx.today,
        plans: Vec::new(),
        episodes: Vec::new(),
    };
    if disabled {
        sim.short_breaks_child(arrival);
    } else {
        sim.run(arrival);
    }
    let Sim {
        rng,
        mut plans,
        mut episodes,
        ..
    } = sim;
    plans.retain(|p| representable(p, ctx.today));
    plans.sort_by_key(|p| (p.span.start, p.kind, p.span.end));
    episodes.sort_by_key(|e| (e.span.start, e.span.end));
    let history = SocialCareHistory { plans, episodes };
    let in_window = history
        .plans
        .iter()
        .map(|p| p.span)
        .chain(history.episodes.iter().map(|e| e.span))
        .any(|s| s.overlaps(ctx.window_start, ctx.today));
    if !in_window {
        return None;
    }
    let looked_after = history.episodes.iter().any(|e| e.counts_as_looked_after());
    let sex = if chance(rng, if looked_after { 0.56 } else { 0.52 }) {
        Sex::Male
    } else {
        Sex::Female
    };
    let ethnicity = weighted(rng, ETHNICITIES).to_owned();
    let area = rng.gen_range(0..areas.max(1));
    Some(ScChild {
        child: Child {
            // Replaced by the caller with the next id in referral order.
            la_child_id: LaChildId::parse("0").ok()?,
            upn: None,
            upn_unknown: None,
            former_upn: None,
            birth_date: Some(birth),
            sex: Some(sex),
            ethnicity: Some(ethnicity),
            history,
        },
        area,
        disabled,
    })
}
