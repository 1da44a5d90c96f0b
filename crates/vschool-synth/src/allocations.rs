//! Social workers, their teams, and who was allocated to each child when.
//!
//! A child is allocated from referral to closure. An assessment team holds the case until the
//! first plan; a family support team (by town) holds children on CIN and CP plans; a children in
//! care team (a 16+ team from 16) holds looked-after children; the disabled children's team
//! holds disabled children throughout. Workers change at a change of team and, within a team,
//! now and then (turnover: a worker holds a case for ten months on average).

use std::collections::BTreeSet;

use time::{Date, Duration};
use vschool_domain::calendar::age_on;
use vschool_domain::social_care::Span;
use vschool_domain::{Allocation, CohortStatus};

use crate::context::Context;
use crate::involvement::involvements;
use crate::names::{adult_name, email_local};
use crate::rng::{between, chance, lognormal_days, stream, Domain, SynthRng};
use crate::settings::TOWNS;
use crate::social_care::ScChild;

/// The council's (reserved, never-resolving) email domain.
pub(crate) const COUNCIL_DOMAIN: &str = "northshire.example";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TeamKind {
    Assessment,
    Family,
    Care,
    SixteenPlus,
    Disabled,
}

struct Worker {
    name: String,
    email: String,
}

struct Team {
    name: String,
    workers: Vec<Worker>,
}

struct Teams {
    assessment: Vec<Team>,
    family: Vec<Team>,
    care: Vec<Team>,
    sixteen: Vec<Team>,
    disabled: Vec<Team>,
}

impl Teams {
    fn new(ctx: &Context, areas: usize) -> Teams {
        let mut rng = stream(ctx.seed, Domain::Workers, 0);
        let mut emails = BTreeSet::new();
        let mut team = |rng: &mut SynthRng, name: String| {
            let workers = (0..7)
                .map(|_| {
                    let (f, s) = adult_name(rng);
                    let local = email_local(&f, &s);
                    let mut email = format!("{local}@{COUNCIL_DOMAIN}");
                    let mut n = 2;
                    while !emails.insert(email.clone()) {
                        email = format!("{local}{n}@{COUNCIL_DOMAIN}");
                        n += 1;
                    }
                    Worker {
                        name: format!("{f} {s}"),
                        email,
                    }
                })
                .collect();
            Team { name, workers }
        };
        let town = |a: usize| {
            let base = TOWNS[a % TOWNS.len()];
            if a >= TOWNS.len() {
                format!("{base} North")
            } else {
                base.to_owned()
            }
        };
        let n_assess = areas.div_ceil(3).max(1);
        let n_care = (areas / 2).max(1);
        let n_small = (areas / 6).max(1);
        let assessment = (0..n_assess)
            .map(|i| {
                team(
                    &mut rng,
                    format!("Assessment and Intervention Team {}", i + 1),
                )
            })
            .collect();
        let family = (0..areas.max(1))
            .map(|a| {
                team(
                    &mut rng,
                    format!("Family Support and Protection Team, {}", town(a)),
                )
            })
            .collect();
        let care = (0..n_care)
            .map(|i| team(&mut rng, format!("Children in Care Team {}", i + 1)))
            .collect();
        let sixteen = (0..n_small)
            .map(|i| team(&mut rng, format!("16+ and Leaving Care Team {}", i + 1)))
            .collect();
        let disabled = (0..n_small)
            .map(|i| team(&mut rng, format!("Disabled Children's Team {}", i + 1)))
            .collect();
        Teams {
            assessment,
            family,
            care,
            sixteen,
            disabled,
        }
    }

    fn team(&self, kind: TeamKind, area: usize) -> &Team {
        let list = match kind {
            TeamKind::Assessment => &self.assessment,
            TeamKind::Family => &self.family,
            TeamKind::Care => &self.care,
            TeamKind::SixteenPlus => &self.sixteen,
            TeamKind::Disabled => &self.disabled,
        };
        let i = match kind {
            TeamKind::Assessment => area / 3,
            TeamKind::Family => area,
            TeamKind::Care => area / 2,
            _ => area / 6,
        };
        &list[i % list.len()]
    }
}

fn team_kind(c: &ScChild, date: Date) -> TeamKind {
    if c.disabled {
        return TeamKind::Disabled;
    }
    if c.child.history.status_on(date) == Some(CohortStatus::Cla) {
        let sixteen = c.child.birth_date.is_some_and(|b| age_on(b, date) >= 16);
        if sixteen {
            TeamKind::SixteenPlus
        } else {
            TeamKind::Care
        }
    } else {
        TeamKind::Family
    }
}

pub(crate) fn generate(ctx: &Context, children: &[ScChild], areas: usize) -> Vec<Allocation> {
    let teams = Teams::new(ctx, areas);
    let mut out = Vec::new();
    for (ci, c) in children.iter().enumerate() {
        let mut rng = stream(ctx.seed, Domain::Allocation, ci as u64);
        for inv in involvements(&c.child, ctx.today) {
            let stop = inv.closure.unwrap_or(ctx.today);
            // Where the team changes.
            let mut points: Vec<(Date, TeamKind)> = Vec::new();
            if inv.referral + Duration::days(7) < inv.first && !c.disabled {
                points.push((inv.referral, TeamKind::Assessment));
            } else {
                points.push((inv.referral, team_kind(c, inv.first)));
            }
            let mut starts: Vec<Date> = c
                .child
                .history
                .plans
                .iter()
                .map(|p| p.span.start)
                .chain(c.child.history.episodes.iter().map(|e| e.span.start))
                .chain(c.child.birth_date.map(|b| {
                    Date::from_calendar_date(b.year() + 16, b.month(), b.day()).unwrap_or(b)
                }))
                .filter(|d| *d >= inv.first && *d <= stop)
                .collect();
            starts.sort();
            starts.dedup();
            for d in starts {
                let k = team_kind(c, d);
                if points.last().is_some_and(|p| p.1 != k) {
                    points.push((d, k));
                }
            }
            let mut previous: Option<(&str, &str)> = None;
            for (i, &(from, kind)) in points.iter().enumerate() {
                let until = points.get(i + 1).map(|p| p.0 - Duration::days(1));
                let team = teams.team(kind, c.area);
                let mut s = from;
                loop {
                    // Keep the worker across a team change one time in five (a worker who
                    // moves with the case is realistic, and the file then shows a change of
                    // team without a change of worker).
                    let keep = previous.is_some() && s == from && i > 0 && chance(&mut rng, 0.2);
                    let (name, email) = if keep {
                        previous.map_or(("", ""), |p| p)
                    } else {
                        let mut w = &team.workers
                            [between(&mut rng, 0, team.workers.len() as i64 - 1) as usize];
                        if previous.is_some_and(|p| p.1 == w.email) {
                            w = &team.workers[(team
                                .workers
                                .iter()
                                .position(|x| x.email == w.email)
                                .unwrap_or(0)
                                + 1)
                                % team.workers.len()];
                        }
                        (w.name.as_str(), w.email.as_str())
                    };
                    let hold = lognormal_days(&mut rng, 300.0, 0.7, 30, 2000);
                    let natural_end = s + Duration::days(hold);
                    let segment_end = until.unwrap_or(stop);
                    let (end, last) = if natural_end < segment_end {
                        (Some(natural_end), false)
                    } else if until.is_some() {
                        (until, true)
                    } else {
                        (inv.closure, true)
                    };
                    out.push(Allocation {
                        la_child_id: c.child.la_child_id.clone(),
                        worker_name: name.to_owned(),
                        worker_email: email.to_owned(),
                        team: team.name.clone(),
                        span: Span::new(s, end),
                    });
                    previous = Some((name, email));
                    match end {
                        Some(e) if !last => s = e + Duration::days(1),
                        _ => break,
                    }
                }
            }
        }
    }
    out
}
