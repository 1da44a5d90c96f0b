//! Suspensions, attainment results and school contacts.
//!
//! Suspension chances follow the DfE's published rate of pupils with one or more suspensions
//! by social-care group (2018/19), mostly in secondary schools and more often for pupils who
//! are often absent. Attainment follows the published rates by group (KS2 and KS4 for
//! 2021/22) with each pupil's results tied to one latent ability, itself correlated with
//! absence. Most schools have a headteacher, a designated safeguarding lead and a designated
//! teacher on record; some have no DSL, so the packs work has schools to chase.

use std::collections::BTreeSet;

use rand::Rng;
use time::{Date, Duration};
use vschool_domain::pupil::{AttainmentResult, Contact, ContactRole, Measure, MeasureValue};
use vschool_domain::{
    AcademicYear, AttendanceCode, EnrolStatus, Exclusion, ExclusionCategory, Session,
};

use crate::context::Context;
use crate::groups::{census_date, group_on, profile};
use crate::names::{adult_name, ascii_slug, email_local};
use crate::pupils::{Override, PupilRec};
use crate::rng::{chance, normal, normal_cdf, poisson, stream, weighted, Domain, SynthRng};
use crate::settings::{Role, Settings};
use crate::social_care::ScChild;

/// A DfE exclusion reason, weighted as suspensions are nationally (persistent disruptive
/// behaviour first, then verbal abuse and assault).
pub(crate) fn reason(rng: &mut SynthRng) -> &'static str {
    weighted(
        rng,
        &[
            ("DB", 0.44),
            ("VA", 0.12),
            ("PP", 0.11),
            ("VP", 0.07),
            ("PA", 0.05),
            ("OT", 0.05),
            ("DA", 0.04),
            ("MT", 0.03),
            ("DM", 0.025),
            ("BU", 0.015),
            ("RA", 0.015),
            ("SM", 0.01),
            ("TH", 0.01),
            ("UB", 0.01),
            ("AS", 0.005),
        ],
    )
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

/// The probability of success for a pupil of latent ability `a` (standard normal) such that
/// the group's average is `p` when abilities spread with slope `b` (the probit approximation
/// of a logistic-normal mean).
fn chance_given_ability(p: f64, b: f64, a: f64) -> f64 {
    let intercept = logit(p) * (1.0 + std::f64::consts::PI * b * b / 8.0).sqrt();
    sigmoid(intercept + b * a)
}

/// Suspensions for every pupil-year, with their `E` marks added to the pupil's overrides.
pub(crate) fn suspensions(
    ctx: &Context,
    settings: &Settings,
    pupils: &mut [PupilRec],
    children: &[ScChild],
) -> Vec<Exclusion> {
    let mut out = Vec::new();
    for (pi, rec) in pupils.iter_mut().enumerate() {
        let mut rng = stream(ctx.seed, Domain::Outcomes, pi as u64);
        let history = &children[rec.child].child.history;
        let mut keys = BTreeSet::new();
        for y in [ctx.previous_year, ctx.current_year] {
            let nc = rec.nc(y);
            if !(0..=11).contains(&nc) {
                continue;
            }
            let from = ctx.first_term_day(y);
            let to = ctx.last_term_day(y).min(ctx.today);
            if from > to {
                continue;
            }
            // School days on roll, by school (not as a guest).
            let mut days: Vec<(usize, Date)> = Vec::new();
            for st in rec.stints.iter().filter(|s| s.status != EnrolStatus::Guest) {
                for d in
                    ctx.school_days_between(st.entry.max(from), st.leaving.unwrap_or(to).min(to))
                {
                    days.push((st.school, d));
                }
            }
            if days.is_empty() {
                continue;
            }
            let prof = profile(group_on(history, census_date(y, ctx.today)));
            let role = settings.schools[days[days.len() - 1].0].role;
            let phase = match role {
                Role::Special => 0.9,
                Role::AlternativeProvision => 2.2,
                _ if nc <= 6 => 0.36,
                _ => 1.75,
            };
            let absence = 0.5 + normal_cdf(rec.z);
            // Part of a year on roll, part of the chance.
            let share = (days.len() as f64 / 190.0).min(1.0);
            if !chance(&mut rng, prof.suspension * phase * absence * share) {
                continue;
            }
            let n = 1 + poisson(&mut rng, 0.8);
            for _ in 0..n {
                let (school, day) = days[rng.gen_range(0..days.len())];
                let sessions: u32 = weighted(
                    &mut rng,
                    &[
                        (1u32, 0.12),
                        (2, 0.45),
                        (4, 0.18),
                        (6, 0.10),
                        (10, 0.10),
                        (20, 0.04),
                        (30, 0.01),
                    ],
                );
                let urn = settings.schools[school].urn();
                if !keys.insert((urn, day)) {
                    continue;
                }
                out.push(Exclusion {
                    upn: rec.pupil.upn,
                    urn,
                    category: ExclusionCategory::Suspension,
                    start: day,
                    sessions: Some(sessions),
                    reason: reason(&mut rng).to_owned(),
                });
                // E for the suspension's sessions (a single session is an afternoon); from
                // the sixth day the school arranges provision (B).
                let mut marks: Vec<(Date, Session)> = Vec::new();
                for d in ctx.school_days_between(day, day + Duration::days(70)) {
                    if sessions == 1 {
                        marks.push((d, Session::Pm));
                        break;
                    }
                    marks.push((d, Session::Am));
                    marks.push((d, Session::Pm));
                    if marks.len() >= sessions as usize {
                        break;
                    }
                }
                for (k, (d, session)) in marks.into_iter().take(sessions as usize).enumerate() {
                    if d > ctx.today {
                        break;
                    }
                    rec.overrides.push(Override {
                        school,
                        date: d,
                        session,
                        code: if k < 10 {
                            AttendanceCode::E
                        } else {
                            AttendanceCode::B
                        },
                    });
                }
            }
        }
    }
    out
}

/// Results for every pupil whose reception year, year 6 or year 11 fell in a completed
/// academic year from 2021/22 (the first after the pandemic's cancelled assessments).
pub(crate) fn attainment(
    ctx: &Context,
    pupils: &[PupilRec],
    children: &[ScChild],
) -> Vec<AttainmentResult> {
    let mut out = Vec::new();
    for (pi, rec) in pupils.iter().enumerate() {
        let mut rng = stream(ctx.seed, Domain::Outcomes, 1_000_000_000 + pi as u64);
        let history = &children[rec.child].child.history;
        // One ability per pupil, lower for pupils often absent.
        let ability = -0.45 * rec.z + 0.89 * normal(&mut rng);
        let special = if rec.special { 0.12 } else { 1.0 };
        let measures = [
            (0, Measure::EyfsGld),
            (6, Measure::Ks2RwmExpected),
            (11, Measure::Ks4EnglishMathsGrade5),
        ];
        for (nc, measure) in measures {
            let year = AcademicYear(rec.cohort + 5 + nc);
            if year.0 < 2021 || year > ctx.previous_year {
                continue;
            }
            let prof = profile(group_on(history, census_date(year, ctx.today)));
            match measure {
                Measure::EyfsGld => {
                    let p = chance_given_ability(prof.gld * special, 1.0, ability);
                    out.push(AttainmentResult {
                        upn: rec.pupil.upn,
                        year,
                        measure,
                        value: MeasureValue::Met(chance(&mut rng, p)),
                    });
                }
                Measure::Ks2RwmExpected => {
                    let p = chance_given_ability(prof.ks2 * special, 1.1, ability);
                    out.push(AttainmentResult {
                        upn: rec.pupil.upn,
                        year,
                        measure,
                        value: MeasureValue::Met(chance(&mut rng, p)),
                    });
                }
                _ => {
                    let p = chance_given_ability(prof.ks4_em5 * special, 1.2, ability);
                    let met = chance(&mut rng, p);
                    let mean = if rec.special {
                        prof.att8 - 12.0
                    } else {
                        prof.att8
                    };
                    // Attainment 8 comes in half points; pupils with a strong pass score higher.
                    let spread =
                        13.0 * ability + 5.0 * normal(&mut rng) + if met { 14.0 } else { -2.0 };
                    let att8 = (mean + spread).clamp(0.0, 90.0);
                    let halves = (att8 * 2.0).round() as u32;
                    out.push(AttainmentResult {
                        upn: rec.pupil.upn,
                        year,
                        measure,
                        value: MeasureValue::Met(met),
                    });
                    out.push(AttainmentResult {
                        upn: rec.pupil.upn,
                        year,
                        measure: Measure::Ks4Attainment8,
                        value: MeasureValue::ScoreTenths(halves * 5),
                    });
                }
            }
        }
    }
    out
}

/// Headteachers, designated safeguarding leads and designated teachers. About one school in
/// nine has no DSL on record, and one in five has no designated teacher.
pub(crate) fn contacts(ctx: &Context, settings: &Settings) -> Vec<Contact> {
    let mut out = Vec::new();
    for (si, school) in settings.schools.iter().enumerate() {
        if school.closes.is_some_and(|c| c < ctx.today) {
            continue;
        }
        let mut rng = stream(ctx.seed, Domain::Contacts, si as u64);
        let slug: String = ascii_slug(&school.setting.name).chars().take(28).collect();
        let domain = format!("{slug}.sch.example");
        let mut emails = BTreeSet::new();
        let mut add = |rng: &mut SynthRng, role: ContactRole| {
            let (f, s) = adult_name(rng);
            let local = email_local(&f, &s);
            let mut email = format!("{local}@{domain}");
            let mut n = 2;
            while !emails.insert(email.clone()) {
                email = format!("{local}{n}@{domain}");
                n += 1;
            }
            out.push(Contact {
                urn: school.urn(),
                role,
                name: format!("{f} {s}"),
                email,
            });
        };
        if chance(&mut rng, 0.97) {
            add(&mut rng, ContactRole::Head);
        }
        if chance(&mut rng, 0.89) {
            add(&mut rng, ContactRole::Dsl);
            if chance(&mut rng, 0.2) {
                // A deputy DSL, also subscribed.
                add(&mut rng, ContactRole::Dsl);
            }
        }
        if chance(&mut rng, 0.8) {
            add(&mut rng, ContactRole::Dt);
        }
    }
    out
}
