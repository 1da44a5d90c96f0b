//! Session marks: the previous academic year and the current one up to today, for every pupil
//! on roll, on school days only (INSET days marked `#`).
//!
//! Each pupil-year has an absence propensity drawn from a log-normal whose median and spread
//! depend on the pupil's social-care group at 31 March (the DfE's grouping) and the phase
//! (secondary pupils miss about twice what primary pupils do; pupils at a PRU far more). The
//! spread gives the heavy tail the national figures show: in every group most pupils miss
//! little and a minority miss a great deal, which is why persistent absence is so much higher
//! than the average absence rate would suggest. A pupil's propensity carries over between
//! years (correlation 0.75).
//!
//! Days are generated in order: absences come in spells (a pupil who is often absent has
//! longer spells), more in winter, and more in a school's illness-outbreak weeks; some are
//! single sessions (appointments, arriving after the register closed). Codes come from the set
//! in force on the date: `H`, `J` and `Y` only before 19 August 2024, `C2`, `K`, `Y1`–`Y7` only
//! from then. Dual registration, provision off site, guest spells, part-time timetables,
//! exclusions and work experience then shape the marks.

use time::{Date, Month};
use vschool_domain::attendance::new_codes_from;
use vschool_domain::dataset::PupilRegister;
use vschool_domain::term_dates::DayKind;
use vschool_domain::{AcademicYear, AttendanceCode, EnrolStatus, Session, YearRegister};

use crate::context::Context;
use crate::groups::{census_date, group_on, profile};
use crate::pupils::{weekday_index, PupilRec};
use crate::rng::{between, chance, geometric, normal, stream, weighted, Domain, SynthRng};
use crate::settings::{Role, Settings};
use crate::social_care::ScChild;

/// A school's events in one academic year: weeks of illness outbreaks and a day of
/// unexpected closure (snow, a boiler).
struct SchoolYear {
    outbreaks: Vec<(Date, Date)>,
    closure: Option<Date>,
}

fn school_events(ctx: &Context, settings: &Settings, year: AcademicYear) -> Vec<SchoolYear> {
    let days = ctx.year(year).term.school_days();
    settings
        .schools
        .iter()
        .enumerate()
        .map(|(si, _)| {
            let mut rng = stream(
                ctx.seed,
                Domain::School,
                (si as u64) * 100 + (year.0 as u64 % 100),
            );
            let winter: Vec<Date> = days
                .iter()
                .copied()
                .filter(|d| {
                    matches!(
                        d.month(),
                        Month::October
                            | Month::November
                            | Month::December
                            | Month::January
                            | Month::February
                            | Month::March
                    )
                })
                .collect();
            let mut outbreaks = Vec::new();
            if !winter.is_empty() {
                for _ in 0..2 {
                    let start = winter[rng.gen_index(winter.len())];
                    outbreaks.push((start, start + time::Duration::days(9)));
                }
            }
            let snow: Vec<Date> = days
                .iter()
                .copied()
                .filter(|d| {
                    matches!(
                        d.month(),
                        Month::December | Month::January | Month::February
                    )
                })
                .collect();
            let closure = (!snow.is_empty() && chance(&mut rng, 0.3))
                .then(|| snow[rng.gen_index(snow.len())]);
            SchoolYear { outbreaks, closure }
        })
        .collect()
}

trait GenIndex {
    fn gen_index(&mut self, n: usize) -> usize;
}

impl GenIndex for SynthRng {
    fn gen_index(&mut self, n: usize) -> usize {
        between(self, 0, n.saturating_sub(1) as i64) as usize
    }
}

/// Month factor for starting an absence spell: more illness in winter, more term-time
/// holidays and drift at the end of the summer term. Averages about 1 over a year.
fn season(month: Month) -> f64 {
    match month {
        Month::September => 0.78,
        Month::October => 0.95,
        Month::November => 1.0,
        Month::December => 1.22,
        Month::January => 1.15,
        Month::February => 1.05,
        Month::March => 1.0,
        Month::April => 0.9,
        Month::May => 0.9,
        Month::June => 0.98,
        Month::July => 1.15,
        Month::August => 1.0,
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

/// The day-by-day absence process of one pupil-year.
struct Process {
    p_spell: f64,
    single: f64,
    unauthorised: f64,
    late: f64,
    spell_mean: f64,
    spell_left: u32,
    spell_code: AttendanceCode,
}

impl Process {
    fn new(rate: f64, unauthorised: f64) -> Self {
        let spell_mean = 1.5 + 6.0 * rate;
        let in_spells = 0.88 * rate;
        Process {
            p_spell: (in_spells / (spell_mean * (1.0 - in_spells))).min(0.9),
            single: 0.12 * rate / (1.0 - in_spells),
            unauthorised,
            late: 0.01 + 0.08 * rate,
            spell_mean,
            spell_left: 0,
            spell_code: AttendanceCode::I,
        }
    }

    fn authorised_spell(rng: &mut SynthRng, new: bool) -> AttendanceCode {
        use AttendanceCode::*;
        if new {
            weighted(
                rng,
                &[(I, 0.81), (M, 0.05), (C, 0.11), (R, 0.025), (C1, 0.005)],
            )
        } else {
            weighted(
                rng,
                &[(I, 0.78), (M, 0.05), (C, 0.08), (H, 0.065), (R, 0.025)],
            )
        }
    }

    fn unauthorised_spell(rng: &mut SynthRng, recent: bool) -> AttendanceCode {
        use AttendanceCode::*;
        if recent {
            // The reason for the last few days' absences is often not yet established.
            weighted(rng, &[(N, 0.6), (O, 0.35), (G, 0.05)])
        } else {
            weighted(rng, &[(O, 0.70), (G, 0.16), (N, 0.14)])
        }
    }

    fn day(
        &mut self,
        rng: &mut SynthRng,
        date: Date,
        new: bool,
        outbreak: bool,
        recent: bool,
    ) -> [AttendanceCode; 2] {
        use AttendanceCode::*;
        if self.spell_left > 0 {
            self.spell_left -= 1;
            return [self.spell_code, self.spell_code];
        }
        let factor = season(date.month()) * if outbreak { 1.8 } else { 1.0 };
        if chance(rng, (self.p_spell * factor).min(0.95)) {
            let code = if chance(rng, self.unauthorised) {
                Self::unauthorised_spell(rng, recent)
            } else if outbreak {
                I
            } else {
                Self::authorised_spell(rng, new)
            };
            self.spell_code = code;
            self.spell_left = geometric(rng, self.spell_mean).saturating_sub(1);
            return [code, code];
        }
        if chance(rng, 0.003) {
            // An educational visit.
            return [V, V];
        }
        let am = if chance(rng, self.single) {
            if chance(rng, self.unauthorised) {
                weighted(rng, &[(U, 0.6), (O, 0.3), (N, 0.1)])
            } else {
                weighted(rng, &[(M, 0.65), (I, 0.35)])
            }
        } else if chance(rng, self.late) {
            Late
        } else {
            PresentAm
        };
        let pm = if chance(rng, self.single) {
            if chance(rng, self.unauthorised) {
                weighted(rng, &[(O, 0.8), (N, 0.2)])
            } else {
                weighted(rng, &[(M, 0.6), (I, 0.4)])
            }
        } else if chance(rng, 0.002) {
            P
        } else {
            PresentPm
        };
        [am, pm]
    }
}

/// Every pupil's registers, generated in parallel (each pupil's draws come from its own
/// stream, so the result does not depend on the number of threads).
pub(crate) fn registers(
    ctx: &Context,
    settings: &Settings,
    pupils: &[PupilRec],
    children: &[ScChild],
) -> Vec<PupilRegister> {
    let years: Vec<AcademicYear> = [ctx.previous_year, ctx.current_year]
        .into_iter()
        .filter(|y| ctx.first_term_day(*y) <= ctx.today)
        .collect();
    let events: Vec<(AcademicYear, Vec<SchoolYear>)> = years
        .iter()
        .map(|y| (*y, school_events(ctx, settings, *y)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    let chunk = pupils.len().div_ceil(threads).max(1);
    let mut out: Vec<PupilRegister> = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = pupils
            .chunks(chunk)
            .enumerate()
            .map(|(ci, part)| {
                let events = &events;
                scope.spawn(move || {
                    let mut regs = Vec::new();
                    for (k, rec) in part.iter().enumerate() {
                        let pi = ci * chunk + k;
                        pupil_registers(ctx, settings, events, rec, children, pi, &mut regs);
                    }
                    regs
                })
            })
            .collect();
        for h in handles {
            // A panic in a worker is a bug in this crate: pass it on.
            match h.join() {
                Ok(regs) => out.extend(regs),
                Err(e) => std::panic::resume_unwind(e),
            }
        }
    });
    out
}

fn pupil_registers(
    ctx: &Context,
    settings: &Settings,
    events: &[(AcademicYear, Vec<SchoolYear>)],
    rec: &PupilRec,
    children: &[ScChild],
    pi: usize,
    out: &mut Vec<PupilRegister>,
) {
    let mut rng = stream(ctx.seed, Domain::Attendance, pi as u64);
    let history = &children[rec.child].child.history;
    let switch = new_codes_from();
    let recent_from = ctx.today - time::Duration::days(10);
    for (year, school_years) in events {
        let year = *year;
        let yd = ctx.year(year);
        let nc = rec.nc(year);
        let census = census_date(year, ctx.today);
        let prof = profile(group_on(history, census));
        let z = 0.75 * rec.z + 0.66 * normal(&mut rng);
        // The phase factor comes from the school the pupil is at on the census date (or the
        // first school of the year).
        let main_role = rec
            .stints
            .iter()
            .filter(|s| s.status != EnrolStatus::Guest && s.status != EnrolStatus::Subsidiary)
            .find(|s| s.on_roll(census))
            .or_else(|| rec.stints.iter().find(|s| s.status != EnrolStatus::Guest))
            .map(|s| settings.schools[s.school].role);
        let phase = match main_role {
            Some(Role::Special) => 0.95,
            Some(Role::AlternativeProvision) => 2.6,
            _ => match nc {
                i32::MIN..=0 => 0.85,
                1..=6 => 0.72,
                7..=11 => 1.42,
                _ => 1.3,
            },
        };
        let rate = (prof.absence_median * phase * (prof.absence_sigma * z).exp()).min(0.95);
        let unauthorised = sigmoid(logit(prof.unauthorised) + 0.6 * z + 0.4 * normal(&mut rng));
        let mut process = Process::new(rate, unauthorised);
        let mut regs: Vec<(usize, YearRegister)> = Vec::new();
        let set = |regs: &mut Vec<(usize, YearRegister)>,
                   school: usize,
                   date: Date,
                   session: Session,
                   code: AttendanceCode| {
            let i = match regs.iter().position(|(s, _)| *s == school) {
                Some(i) => i,
                None => {
                    regs.push((school, YearRegister::new(year)));
                    regs.len() - 1
                }
            };
            // Dates come from the year's own days, so `set` cannot fail.
            let _ = regs[i].1.set(date, session, Some(code));
        };
        let mut overrides = rec
            .overrides
            .iter()
            .filter(|o| o.date >= year.start() && o.date <= year.end())
            .peekable();
        for idx in 0..year.days() {
            let date = year.date_of_day(idx);
            if date > ctx.today {
                break;
            }
            let kind = yd.kind_at(idx);
            if kind != DayKind::SchoolDay && kind != DayKind::Closure {
                continue;
            }
            let on_roll: Vec<&crate::pupils::Stint> = rec
                .stints
                .iter()
                .filter(|s| s.status != EnrolStatus::Guest && s.on_roll(date))
                .collect();
            // Skip the overrides of days the pupil is not on roll.
            while overrides.peek().is_some_and(|o| o.date < date) {
                overrides.next();
            }
            if on_roll.is_empty() {
                process.spell_left = 0;
                continue;
            }
            if kind == DayKind::Closure {
                for s in &on_roll {
                    set(
                        &mut regs,
                        s.school,
                        date,
                        Session::Am,
                        AttendanceCode::Closed,
                    );
                    set(
                        &mut regs,
                        s.school,
                        date,
                        Session::Pm,
                        AttendanceCode::Closed,
                    );
                }
                continue;
            }
            let new = date >= switch;
            let wd = weekday_index(date).unwrap_or(0);
            let target = on_roll
                .iter()
                .find(|s| s.status == EnrolStatus::Subsidiary && s.days[wd])
                .or_else(|| {
                    on_roll
                        .iter()
                        .find(|s| matches!(s.status, EnrolStatus::Single | EnrolStatus::Main))
                })
                .or_else(|| on_roll.first())
                .map(|s| s.school);
            let Some(target) = target else {
                continue;
            };
            let school_year = school_years.get(target);
            let codes = if school_year.is_some_and(|e| e.closure == Some(date)) {
                let c = if new {
                    if chance(&mut rng, 0.5) {
                        AttendanceCode::Y2
                    } else {
                        AttendanceCode::Y4
                    }
                } else {
                    AttendanceCode::Y
                };
                [c, c]
            } else {
                let outbreak = school_year
                    .is_some_and(|e| e.outbreaks.iter().any(|(a, b)| *a <= date && date <= *b));
                let mut codes = process.day(&mut rng, date, new, outbreak, date >= recent_from);
                if rec.guest.iter().any(|p| p.covers(target, date)) {
                    codes = [AttendanceCode::B, AttendanceCode::B];
                } else if rec.offsite.iter().any(|p| p.covers(target, date)) {
                    let c = if new {
                        AttendanceCode::K
                    } else {
                        AttendanceCode::B
                    };
                    codes = [c, c];
                }
                if let Some(pt) = rec.part_time.iter().find(|p| p.covers(target, date)) {
                    let c = if new {
                        AttendanceCode::C2
                    } else {
                        AttendanceCode::C
                    };
                    codes[1] = c;
                    if pt.days == [false, false, false, false, true] {
                        codes[0] = c;
                    }
                }
                codes
            };
            set(&mut regs, target, date, Session::Am, codes[0]);
            set(&mut regs, target, date, Session::Pm, codes[1]);
            // At every other school the pupil is on roll at, the session belongs elsewhere.
            for s in on_roll.iter().filter(|s| s.school != target) {
                set(&mut regs, s.school, date, Session::Am, AttendanceCode::D);
                set(&mut regs, s.school, date, Session::Pm, AttendanceCode::D);
            }
            while let Some(o) = overrides.next_if(|o| o.date == date) {
                if on_roll.iter().any(|s| s.school == o.school) {
                    set(&mut regs, o.school, date, o.session, o.code);
                }
            }
        }
        for (school, register) in regs {
            if register.marks() > 0 {
                out.push(PupilRegister {
                    upn: rec.pupil.upn,
                    urn: settings.schools[school].urn(),
                    register,
                });
            }
        }
    }
}
