//! Pupils: the school careers of the children social care knows, over the previous and the
//! current academic year.
//!
//! Each child of school age (reception to year 13; nursery for half of 3–4-year-olds) goes to
//! schools matching their national curriculum year: primary, then secondary (or an all-through
//! school), then a sixth form, sixth-form college or FE college (or nowhere: some 16–17-year-olds
//! are not in education). Children with an EHC plan are often in special schools; some children
//! in care go to school in a neighbouring LA. Within a year pupils move school (more often in
//! care), are permanently excluded and go to a pupil referral unit, spend part of the week at
//! alternative provision (dual registration: M at the main school, S at the PRU; the main
//! school records `D` for sessions at the other), go elsewhere as a guest, or are on a part-time
//! timetable. UPNs are built as the DfE builds them (check letter, LA code, establishment
//! number, year of allocation, serial).

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;
use time::{Date, Duration, Weekday};
use vschool_domain::{
    AcademicYear, AttendanceCode, CohortStatus, EnrolStatus, Exclusion, ExclusionCategory, Pupil,
    Session, Upn, UpnUnknown, Urn,
};

use crate::context::{collection_year_start, Context, FIRST_CIN_COLLECTION_YEAR};
use crate::groups::{census_date, group_on, profile, Group};
use crate::names::{pupil_name, Heritage};
use crate::rng::{between, chance, normal, pick, stream, weighted, Domain, SynthRng};
use crate::settings::{establishment_number, Role, Settings, Want};
use crate::social_care::ScChild;
use crate::LA_CODE;

/// Real-looking LA codes for UPNs allocated before a child moved to Northshire.
const OTHER_UPN_LA_CODES: &[u16] = &[
    201, 202, 204, 206, 302, 303, 305, 330, 331, 350, 352, 380, 383, 392, 800, 802, 821, 825, 830,
    845, 850, 855, 860, 873, 878, 881, 886, 888, 891, 919, 925, 926, 936, 938,
];

/// One roll entry of a pupil.
#[derive(Debug, Clone)]
pub(crate) struct Stint {
    /// Index into the settings.
    pub school: usize,
    pub status: EnrolStatus,
    pub entry: Date,
    pub leaving: Option<Date>,
    /// Recorded as NC year X (special schools, sometimes).
    pub nc_x: bool,
    /// A subsidiary (S) entry: the weekdays (Monday first) the pupil is there.
    pub days: [bool; 5],
}

impl Stint {
    pub fn on_roll(&self, date: Date) -> bool {
        self.entry <= date && self.leaving.is_none_or(|l| date <= l)
    }
}

/// A mark that replaces what the register would otherwise show (exclusions, work experience).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Override {
    pub school: usize,
    pub date: Date,
    pub session: Session,
    pub code: AttendanceCode,
}

/// A span of weekdays with a special pattern at one school.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Period {
    pub school: usize,
    pub from: Date,
    pub to: Date,
    pub days: [bool; 5],
}

impl Period {
    pub fn covers(&self, school: usize, date: Date) -> bool {
        self.school == school
            && self.from <= date
            && date <= self.to
            && weekday_index(date).is_some_and(|i| self.days[i])
    }
}

pub(crate) fn weekday_index(date: Date) -> Option<usize> {
    match date.weekday() {
        Weekday::Saturday | Weekday::Sunday => None,
        w => Some(w.number_days_from_monday() as usize),
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PupilRec {
    /// Index into the social-care children.
    pub child: usize,
    pub pupil: Pupil,
    pub sen: &'static str,
    pub ethnicity: String,
    pub stints: Vec<Stint>,
    pub overrides: Vec<Override>,
    /// Part-time timetables (C2, or C before the 2024 codes).
    pub part_time: Vec<Period>,
    /// Days at LA-arranged provision without dual registration (K, or B before 2024).
    pub offsite: Vec<Period>,
    /// Days as a guest elsewhere: the main school records B.
    pub guest: Vec<Period>,
    /// The pupil's latent absence propensity (a standard normal draw).
    pub z: f64,
    pub special: bool,
    /// Birth academic year (`AcademicYear::containing(birth)`), for NC years.
    pub cohort: i32,
    /// Permanent exclusions (school, first day, reason), recorded once the UPN is known.
    pub permanent: Vec<(Urn, Date, &'static str)>,
}

impl PupilRec {
    /// The national curriculum year in an academic year (-2 = N1, -1 = N2, 0 = reception).
    pub fn nc(&self, year: AcademicYear) -> i32 {
        year.0 - self.cohort - 5
    }
}

/// The NC year a pupil born in `cohort` is in during `year`.
pub(crate) fn nc_in(cohort: i32, year: AcademicYear) -> i32 {
    year.0 - cohort - 5
}

pub(crate) struct Pupils {
    pub records: Vec<PupilRec>,
    pub permanent_exclusions: Vec<Exclusion>,
}

/// Allocates unique UPNs.
struct UpnAllocator {
    serials: BTreeMap<(u16, u16, u8), u16>,
    used: BTreeSet<Upn>,
}

impl UpnAllocator {
    fn permanent(&mut self, la: u16, estab: u16, yy: u8) -> Option<Upn> {
        for _ in 0..1000 {
            let serial = self.serials.entry((la, estab, yy)).or_insert(0);
            *serial += 1;
            if *serial > 999 {
                return None;
            }
            let body = format!("{la:03}{estab:04}{yy:02}{:03}", *serial);
            if let Some(u) = Upn::from_body(&body) {
                if self.used.insert(u) {
                    return Some(u);
                }
            }
        }
        None
    }

    fn temporary(&mut self, rng: &mut SynthRng, la: u16, estab: u16, yy: u8) -> Option<Upn> {
        const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRTUVWXYZ";
        for _ in 0..100 {
            let body = format!(
                "{la:03}{estab:04}{yy:02}{:02}{}",
                rng.gen_range(0..100),
                LETTERS[rng.gen_range(0..LETTERS.len())] as char
            );
            if let Some(u) = Upn::from_body(&body) {
                if self.used.insert(u) {
                    return Some(u);
                }
            }
        }
        None
    }

    /// A UPN from some school, in Northshire or elsewhere, allocated in `year`.
    fn any(&mut self, rng: &mut SynthRng, settings: &Settings, year: i32) -> Option<Upn> {
        let yy = year.rem_euclid(100) as u8;
        for _ in 0..50 {
            let (la, estab) = if chance(rng, 0.7) {
                let primaries: Vec<usize> = settings
                    .schools
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.role == Role::Primary && s.area.is_some())
                    .map(|(i, _)| i)
                    .collect();
                if primaries.is_empty() {
                    (LA_CODE, rng.gen_range(2000..3000))
                } else {
                    let s = &settings.schools[*pick(rng, &primaries)].setting;
                    (LA_CODE, establishment_number(s).unwrap_or(2001))
                }
            } else {
                (*pick(rng, OTHER_UPN_LA_CODES), rng.gen_range(2000..3999))
            };
            if let Some(u) = self.permanent(la, estab, yy) {
                return Some(u);
            }
        }
        None
    }
}

/// Where a pupil goes after year 11.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Post16 {
    SchoolSixthForm,
    FurtherEducation,
    SixthFormCollege,
    None,
}

struct Track {
    special: bool,
    nursery: bool,
    post16: Post16,
    out_of_area: bool,
    alternative: bool,
}

/// The strongest status a child holds at any time in the two years (for decisions that hold
/// across them, such as SEN and a special-school place).
fn strongest_group(c: &ScChild, from: Date, to: Date) -> Group {
    let h = &c.child.history;
    let overlaps = |kind: Option<CohortStatus>| -> bool {
        match kind {
            Some(CohortStatus::Cla) => h
                .episodes
                .iter()
                .any(|e| e.counts_as_looked_after() && e.span.overlaps(from, to)),
            Some(CohortStatus::Cp) => h
                .plans
                .iter()
                .any(|p| p.kind == vschool_domain::PlanKind::Cp && p.span.overlaps(from, to)),
            Some(CohortStatus::Cin) => h
                .plans
                .iter()
                .any(|p| p.kind == vschool_domain::PlanKind::Cin && p.span.overlaps(from, to)),
            None => false,
        }
    };
    if overlaps(Some(CohortStatus::Cla)) {
        Group::Cla12
    } else if overlaps(Some(CohortStatus::Cp)) {
        Group::Cp
    } else if overlaps(Some(CohortStatus::Cin)) {
        Group::Cin
    } else {
        group_on(h, to)
    }
}

fn roles_for(nc: i32, track: &Track) -> Option<Vec<Role>> {
    match nc {
        -2 | -1 => track.nursery.then(|| vec![Role::Nursery]),
        0..=11 if track.special => Some(vec![Role::Special]),
        3..=11 if track.alternative => Some(vec![Role::AlternativeProvision]),
        0..=6 => Some(vec![Role::Primary, Role::AllThrough]),
        7..=11 => Some(vec![Role::Secondary, Role::AllThrough]),
        12 | 13 if track.special && track.post16 != Post16::None => Some(vec![Role::Special]),
        12 | 13 => match track.post16 {
            Post16::SchoolSixthForm => Some(vec![Role::Secondary, Role::AllThrough]),
            Post16::FurtherEducation => Some(vec![Role::FurtherEducation]),
            Post16::SixthFormCollege => Some(vec![Role::SixthFormCollege]),
            Post16::None => None,
        },
        _ => None,
    }
}

/// The first NC year of the phase a role's pupils start in.
fn phase_start(nc: i32, role: Role) -> i32 {
    match role {
        Role::Nursery => -2,
        Role::Primary => 0,
        Role::Secondary => {
            if nc >= 12 {
                12
            } else {
                7
            }
        }
        Role::AllThrough => 0,
        Role::Special => 0,
        Role::AlternativeProvision => nc,
        Role::FurtherEducation | Role::SixthFormCollege => 12,
    }
}

pub(crate) fn generate(ctx: &Context, settings: &Settings, children: &mut [ScChild]) -> Pupils {
    let mut upns = UpnAllocator {
        serials: BTreeMap::new(),
        used: BTreeSet::new(),
    };
    let mut records = Vec::new();
    let mut perms = Vec::new();
    let p0 = ctx.previous_year.start();
    let cin_census_from = collection_year_start(FIRST_CIN_COLLECTION_YEAR);
    for (ci, c) in children.iter_mut().enumerate() {
        let mut rng = stream(ctx.seed, Domain::Pupil, ci as u64);
        let Some(birth) = c.child.birth_date else {
            continue;
        };
        let cohort = AcademicYear::containing(birth).0;
        let group = strongest_group(c, p0, ctx.today);
        let built = build(ctx, settings, c, ci, cohort, group, &mut rng);
        let reception_year = cohort + 5;
        match built {
            Some(mut rec) => {
                // The UPN: allocated when the child first started school in England. A
                // pupil whose first entry here is at a Northshire nursery or primary school got
                // it there; anyone else brought one from an earlier school, here or elsewhere.
                let first = &rec.stints[0];
                let first_school = &settings.schools[first.school];
                let first_year = AcademicYear::containing(first.entry).0;
                let local_start = first_school.setting.la_code == LA_CODE
                    && matches!(
                        first_school.role,
                        Role::Nursery | Role::Primary | Role::AllThrough
                    );
                let estab = establishment_number(&first_school.setting);
                let upn = match estab {
                    Some(estab) if local_start && chance(&mut rng, 0.004) => {
                        upns.temporary(&mut rng, LA_CODE, estab, (first_year % 100) as u8)
                    }
                    Some(estab) if local_start => upns
                        .permanent(LA_CODE, estab, (first_year % 100) as u8)
                        .or_else(|| upns.any(&mut rng, settings, first_year)),
                    _ => upns.any(&mut rng, settings, reception_year.max(cohort + 3)),
                };
                let Some(upn) = upn else {
                    continue;
                };
                rec.pupil.upn = upn;
                let in_cin = c
                    .child
                    .history
                    .plans
                    .iter()
                    .map(|p| p.span)
                    .chain(c.child.history.episodes.iter().map(|e| e.span))
                    .any(|s| s.overlaps(cin_census_from, ctx.today));
                let roll = rng.gen::<f64>();
                if roll < 0.01 {
                    // Social care never learnt the UPN: linking falls back to name and birth
                    // date (DESIGN §8 review queue).
                    c.child.upn = None;
                    c.child.upn_unknown = UpnUnknown::parse("UN5");
                } else if roll < 0.016 && in_cin {
                    // The UPN changed (a new one after adoption, say): the school still uses
                    // the old one, which the CIN census gives as FormerUPN.
                    c.child.upn = upns.any(&mut rng, settings, ctx.today.year());
                    c.child.former_upn = Some(upn);
                } else {
                    c.child.upn = Some(upn);
                }
                for (urn, start, reason) in &rec.permanent {
                    perms.push(Exclusion {
                        upn,
                        urn: *urn,
                        category: ExclusionCategory::Permanent,
                        start: *start,
                        sessions: None,
                        reason: (*reason).to_owned(),
                    });
                }
                records.push(rec);
            }
            None => {
                let nc_now = nc_in(cohort, ctx.current_year);
                if nc_now >= 1 {
                    if chance(&mut rng, 0.02) {
                        // Never attended school in England.
                        c.child.upn_unknown = UpnUnknown::parse("UN2");
                    } else {
                        c.child.upn = upns.any(&mut rng, settings, reception_year);
                    }
                } else {
                    // Under school age and not at school yet.
                    c.child.upn_unknown = UpnUnknown::parse("UN1");
                }
            }
        }
    }
    // Every child carries a UPN or a reason there is none (UN5: not known), as the returns do.
    for c in children.iter_mut() {
        if c.child.upn.is_none() && c.child.upn_unknown.is_none() {
            c.child.upn_unknown = UpnUnknown::parse("UN5");
        }
    }
    Pupils {
        records,
        permanent_exclusions: perms,
    }
}

#[allow(clippy::too_many_arguments)]
fn build(
    ctx: &Context,
    settings: &Settings,
    c: &ScChild,
    ci: usize,
    cohort: i32,
    group: Group,
    rng: &mut SynthRng,
) -> Option<PupilRec> {
    let years: Vec<AcademicYear> = [ctx.previous_year, ctx.current_year]
        .into_iter()
        .filter(|y| ctx.first_term_day(*y) <= ctx.today)
        .collect();
    let any_school_age = years.iter().any(|y| (-2..=13).contains(&nc_in(cohort, *y)));
    if !any_school_age {
        return None;
    }
    // A few school-age children are not at any school (missing education or electively home
    // educated).
    if chance(rng, 0.006) {
        return None;
    }
    let sen: &'static str = {
        let (e, k) = match group {
            Group::Cla12 | Group::ClaShort => (0.29, 0.28),
            Group::Cp => (0.09, 0.30),
            Group::Cin => (0.24, 0.28),
            _ => (0.12, 0.25),
        };
        let e = if c.disabled { 0.8 } else { e };
        weighted(rng, &[("E", e), ("K", k), ("N", 1.0 - e - k)])
    };
    let special = sen == "E" && chance(rng, 0.55);
    let looked_after = matches!(group, Group::Cla12 | Group::ClaShort);
    let mut track = Track {
        special,
        nursery: chance(rng, 0.5),
        post16: if special {
            if chance(rng, 0.7) {
                Post16::SchoolSixthForm
            } else {
                Post16::FurtherEducation
            }
        } else {
            weighted(
                rng,
                &[
                    (Post16::SchoolSixthForm, 0.28),
                    (Post16::FurtherEducation, 0.42),
                    (Post16::SixthFormCollege, 0.14),
                    (Post16::None, 0.16),
                ],
            )
        },
        out_of_area: looked_after && chance(rng, 0.22),
        alternative: false,
    };
    let first_nc = nc_in(cohort, years[0]);
    if !special && (5..=10).contains(&first_nc) && chance(rng, 0.012) {
        track.alternative = true;
    }
    let heritage = Heritage::from_ethnicity(c.child.ethnicity.as_deref().unwrap_or("WBRI"), rng);
    let sex = c.child.sex.unwrap_or(vschool_domain::Sex::Unknown);
    let (forename, surname) = pupil_name(rng, heritage, sex);
    let birth = c.child.birth_date?;
    let mut rec = PupilRec {
        child: ci,
        pupil: Pupil {
            // Replaced by the real UPN once the first school is known.
            upn: Upn::from_body("000000000000")?,
            surname,
            forename,
            birth_date: birth,
            sex,
        },
        sen,
        ethnicity: c
            .child
            .ethnicity
            .clone()
            .unwrap_or_else(|| "NOBT".to_owned()),
        stints: Vec::new(),
        overrides: Vec::new(),
        part_time: Vec::new(),
        offsite: Vec::new(),
        guest: Vec::new(),
        z: normal(rng),
        special,
        cohort,
        permanent: Vec::new(),
    };
    let mut open: Option<usize> = None;
    for (yi, &y) in years.iter().enumerate() {
        let nc = nc_in(cohort, y);
        let start_y = ctx.first_term_day(y);
        let end_y = ctx.last_term_day(y);
        let roles = roles_for(nc, &track);
        // Stay, or leave at the end of last year?
        if let Some(i) = open {
            let school = &settings.schools[rec.stints[i].school];
            let stays = roles.as_ref().is_some_and(|r| r.contains(&school.role))
                && school.teaches(nc)
                && school.open_on(start_y)
                && !(nc == 12
                    && school.role != Role::Special
                    && track.post16 != Post16::SchoolSixthForm);
            if !stays {
                if rec.stints[i].leaving.is_none() {
                    let leave = ctx.last_term_day(y.previous());
                    rec.stints[i].leaving = Some(leave.max(rec.stints[i].entry));
                }
                open = None;
            }
        }
        if open.is_none() {
            if let Some(roles) = &roles {
                let pick_school = settings.choose(
                    rng,
                    &Want {
                        roles,
                        nc,
                        area: c.area,
                        out_of_area: track.out_of_area && nc <= 11,
                        on: start_y,
                        avoid: None,
                    },
                );
                if let Some(school) = pick_school {
                    let entry = if yi == 0 {
                        first_entry(ctx, rng, settings.schools[school].role, nc, y, start_y)
                    } else {
                        start_y
                    };
                    rec.stints.push(Stint {
                        school,
                        status: EnrolStatus::Single,
                        entry,
                        leaving: None,
                        nc_x: settings.schools[school].role == Role::Special && chance(rng, 0.1),
                        days: [false; 5],
                    });
                    open = Some(rec.stints.len() - 1);
                }
            }
        }
        let Some(i) = open else {
            continue;
        };
        // Events during the year, on school days from a fortnight in to today.
        let window_from = (rec.stints[i].entry.max(start_y)) + Duration::days(14);
        let window_to = end_y.min(ctx.today);
        if window_from + Duration::days(30) > window_to {
            continue;
        }
        let year_group = group_on(&c.child.history, census_date(y, ctx.today));
        let prof = profile(year_group);
        let role = settings.schools[rec.stints[i].school].role;
        let mainstream = matches!(role, Role::Primary | Role::Secondary | Role::AllThrough);
        let phase_factor = if nc <= 6 { 0.25 } else { 1.8 };
        if mainstream
            && (1..=11).contains(&nc)
            && chance(
                rng,
                prof.permanent * phase_factor * (0.5 + crate::rng::normal_cdf(rec.z)),
            )
        {
            if let Some(next) = permanent_exclusion(
                ctx,
                settings,
                &mut rec,
                i,
                nc,
                c.area,
                window_from,
                window_to,
                rng,
            ) {
                open = Some(next);
                track.alternative = nc <= 10;
            }
        } else {
            let p_move = if track.special || track.alternative {
                prof.move_school / 2.0
            } else {
                prof.move_school
            };
            if chance(rng, p_move) {
                let next = move_school(
                    ctx,
                    settings,
                    &mut rec,
                    i,
                    nc,
                    c.area,
                    &track,
                    window_from,
                    window_to,
                    rng,
                );
                // A pupil who left may be off roll until next year (no new school yet).
                if next.is_some() || rec.stints[i].leaving.is_some() {
                    open = next;
                }
            }
        }
        let Some(i) = open else {
            continue;
        };
        let main_end = rec.stints[i].leaving.unwrap_or(window_to).min(window_to);
        let role = settings.schools[rec.stints[i].school].role;
        let mainstream = matches!(role, Role::Primary | Role::Secondary | Role::AllThrough);
        let from = rec.stints[i].entry.max(window_from);
        if from + Duration::days(30) > main_end {
            continue;
        }
        // Dual registration at a PRU or AP academy, or provision arranged off site.
        if mainstream && (5..=11).contains(&nc) {
            let p = if year_group == Group::Previously || year_group == Group::NotYet {
                0.015
            } else {
                0.035
            };
            if chance(rng, p) {
                dual_registration(ctx, settings, &mut rec, i, nc, from, main_end, rng);
            } else if (7..=11).contains(&nc) && chance(rng, 0.02) {
                let start = pick_school_day(ctx, rng, from, main_end);
                let to = (start + Duration::days(7 * between(rng, 6, 16))).min(main_end);
                rec.offsite.push(Period {
                    school: rec.stints[i].school,
                    from: start,
                    to,
                    days: {
                        let n = between(rng, 1, 2) as usize;
                        weekdays(rng, n)
                    },
                });
            }
        }
        // Part-time timetable.
        if (7..=11).contains(&nc) || role == Role::AlternativeProvision {
            let p = prof.part_time * if rec.z > 0.5 { 1.6 } else { 0.6 };
            if chance(rng, p) {
                let start = pick_school_day(ctx, rng, from, main_end);
                let to = (start + Duration::days(7 * between(rng, 4, 14))).min(main_end);
                let days = if chance(rng, 0.5) {
                    [true; 5]
                } else {
                    [false, false, false, false, true]
                };
                rec.part_time.push(Period {
                    school: rec.stints[i].school,
                    from: start,
                    to,
                    days,
                });
            }
        }
        // A guest spell at another school.
        if mainstream && chance(rng, 0.004) {
            let start = pick_school_day(ctx, rng, from, main_end);
            let to = (start + Duration::days(between(rng, 7, 20))).min(main_end);
            if let Some(host) = settings.choose(
                rng,
                &Want {
                    roles: &[role],
                    nc,
                    area: c.area,
                    out_of_area: false,
                    on: start,
                    avoid: Some(rec.stints[i].school),
                },
            ) {
                rec.stints.push(Stint {
                    school: host,
                    status: EnrolStatus::Guest,
                    entry: start,
                    leaving: Some(to),
                    nc_x: false,
                    days: [false; 5],
                });
                rec.guest.push(Period {
                    school: rec.stints[i].school,
                    from: start,
                    to,
                    days: [true; 5],
                });
            }
        }
        // Work experience in year 10, in the last half term.
        if nc == 10 && matches!(role, Role::Secondary | Role::AllThrough) && chance(rng, 0.4) {
            if let Some(h6) = ctx.year(y).term.half_term(6) {
                let days = ctx.school_days_between(h6.start + Duration::days(7), h6.end);
                for d in days.iter().take(5).filter(|d| **d <= main_end) {
                    for session in [Session::Am, Session::Pm] {
                        rec.overrides.push(Override {
                            school: rec.stints[i].school,
                            date: *d,
                            session,
                            code: AttendanceCode::W,
                        });
                    }
                }
            }
        }
    }
    if rec.stints.is_empty() {
        return None;
    }
    rec.stints.sort_by_key(|s| (s.entry, s.school));
    // A subsidiary entry ends when the main one does.
    let mains: Vec<(Date, Option<Date>)> = rec
        .stints
        .iter()
        .filter(|s| matches!(s.status, EnrolStatus::Single | EnrolStatus::Main))
        .map(|s| (s.entry, s.leaving))
        .collect();
    for s in rec
        .stints
        .iter_mut()
        .filter(|s| s.status == EnrolStatus::Subsidiary)
    {
        if let Some((_, Some(main_leaving))) = mains
            .iter()
            .find(|(entry, leaving)| *entry <= s.entry && leaving.is_none_or(|l| s.entry <= l))
        {
            if s.leaving.is_none_or(|l| l > *main_leaving) {
                s.leaving = Some(*main_leaving);
            }
        }
    }
    // The main school of a dual registration is M while the subsidiary entry is open.
    let open_sub = rec
        .stints
        .iter()
        .any(|s| s.status == EnrolStatus::Subsidiary && s.leaving.is_none());
    if open_sub {
        for s in rec.stints.iter_mut() {
            if s.status == EnrolStatus::Single && s.leaving.is_none() {
                s.status = EnrolStatus::Main;
            }
        }
    }
    Some(rec)
}

/// The entry date of a pupil's first roll entry: the start of the phase at that school, or
/// (one time in four) a move some time later.
fn first_entry(
    ctx: &Context,
    rng: &mut SynthRng,
    role: Role,
    nc: i32,
    y: AcademicYear,
    start_y: Date,
) -> Date {
    let phase = phase_start(nc, role);
    let years_in = if role == Role::Special {
        between(rng, 0, i64::from((nc - phase).clamp(0, 5))) as i32
    } else {
        (nc - phase).max(0)
    };
    let phase_year = AcademicYear(y.0 - years_in);
    let phase_start_day = ctx.first_term_day(phase_year);
    if years_in > 0 && chance(rng, 0.25) {
        let span = (start_y - phase_start_day).whole_days().max(1);
        ctx.school_day_on_or_after(phase_start_day + Duration::days(between(rng, 20, span)))
            .min(start_y)
    } else {
        phase_start_day
    }
}

fn pick_school_day(ctx: &Context, rng: &mut SynthRng, from: Date, to: Date) -> Date {
    let span = (to - from).whole_days().max(0);
    let d = from + Duration::days(between(rng, 0, span));
    ctx.school_day_on_or_after(d).min(to)
}

fn weekdays(rng: &mut SynthRng, n: usize) -> [bool; 5] {
    let mut days = [false; 5];
    let mut placed = 0;
    while placed < n.min(5) {
        let i = rng.gen_range(0..5);
        if !days[i] {
            days[i] = true;
            placed += 1;
        }
    }
    days
}

/// The last school day before a date.
fn school_day_before(ctx: &Context, date: Date) -> Date {
    let mut d = date - Duration::days(1);
    for _ in 0..40 {
        if ctx.day_kind(d) == vschool_domain::term_dates::DayKind::SchoolDay {
            return d;
        }
        d -= Duration::days(1);
    }
    date - Duration::days(1)
}

#[allow(clippy::too_many_arguments)]
fn move_school(
    ctx: &Context,
    settings: &Settings,
    rec: &mut PupilRec,
    i: usize,
    nc: i32,
    area: usize,
    track: &Track,
    from: Date,
    to: Date,
    rng: &mut SynthRng,
) -> Option<usize> {
    let roles = roles_for(nc, track)?;
    let day = pick_school_day(ctx, rng, from, to);
    let current = rec.stints[i].school;
    // Most moves stay in the town; children in care move further.
    let new_area = if chance(rng, 0.7) {
        area
    } else {
        rng.gen_range(0..settings.areas.max(1))
    };
    let school = settings.choose(
        rng,
        &Want {
            roles: &roles,
            nc,
            area: new_area,
            out_of_area: false,
            on: day,
            avoid: Some(current),
        },
    )?;
    let leaving = school_day_before(ctx, day);
    if leaving < rec.stints[i].entry {
        return None;
    }
    rec.stints[i].leaving = Some(leaving);
    // Usually straight on; sometimes days or weeks out of school.
    let gap = weighted(rng, &[(0i64, 0.6), (1, 0.35), (2, 0.05)]);
    let entry = match gap {
        0 => day,
        1 => ctx.school_day_on_or_after(day + Duration::days(between(rng, 1, 14))),
        _ => ctx.school_day_on_or_after(day + Duration::days(between(rng, 21, 60))),
    };
    // Out of school over the summer: the next school comes with the new year.
    if entry > ctx.today || entry > ctx.last_term_day(AcademicYear::containing(day)) {
        return None;
    }
    rec.stints.push(Stint {
        school,
        status: EnrolStatus::Single,
        entry,
        leaving: None,
        nc_x: false,
        days: [false; 5],
    });
    Some(rec.stints.len() - 1)
}

#[allow(clippy::too_many_arguments)]
fn permanent_exclusion(
    ctx: &Context,
    settings: &Settings,
    rec: &mut PupilRec,
    i: usize,
    nc: i32,
    area: usize,
    from: Date,
    to: Date,
    rng: &mut SynthRng,
) -> Option<usize> {
    let last = to - Duration::days(28);
    if last <= from {
        return None;
    }
    let day = pick_school_day(ctx, rng, from, last);
    let days = ctx.school_days_between(day, day + Duration::days(40));
    if days.len() < 16 {
        return None;
    }
    let school = rec.stints[i].school;
    // Five days excluded without provision, then LA-arranged provision until the pupil is off
    // the roll (governors' review and appeal time).
    let new_codes = day >= vschool_domain::attendance::new_codes_from();
    for (k, d) in days.iter().take(15).enumerate() {
        let code = if k < 5 {
            AttendanceCode::E
        } else if new_codes && *d >= vschool_domain::attendance::new_codes_from() {
            AttendanceCode::K
        } else {
            AttendanceCode::B
        };
        for session in [Session::Am, Session::Pm] {
            rec.overrides.push(Override {
                school,
                date: *d,
                session,
                code,
            });
        }
    }
    let leaving = days[14];
    rec.stints[i].leaving = Some(leaving);
    rec.permanent.push((
        settings.schools[school].urn(),
        day,
        crate::outcomes::reason(rng),
    ));
    let entry = days[15];
    if entry > ctx.today {
        return None;
    }
    let ap = if nc >= 3 {
        settings.choose(
            rng,
            &Want {
                roles: &[Role::AlternativeProvision],
                nc,
                area,
                out_of_area: false,
                on: entry,
                avoid: None,
            },
        )
    } else {
        settings.choose(
            rng,
            &Want {
                roles: &[Role::Primary],
                nc,
                area,
                out_of_area: false,
                on: entry,
                avoid: Some(school),
            },
        )
    }?;
    rec.stints.push(Stint {
        school: ap,
        status: EnrolStatus::Single,
        entry,
        leaving: None,
        nc_x: false,
        days: [false; 5],
    });
    Some(rec.stints.len() - 1)
}

#[allow(clippy::too_many_arguments)]
fn dual_registration(
    ctx: &Context,
    settings: &Settings,
    rec: &mut PupilRec,
    i: usize,
    nc: i32,
    from: Date,
    to: Date,
    rng: &mut SynthRng,
) {
    let start = pick_school_day(ctx, rng, from, to);
    let Some(ap) = settings.choose(
        rng,
        &Want {
            roles: &[Role::AlternativeProvision],
            nc: nc.max(3),
            area: 0,
            out_of_area: false,
            on: start,
            avoid: None,
        },
    ) else {
        return;
    };
    let weeks = between(rng, 6, 20);
    let natural = start + Duration::days(7 * weeks);
    let main_leaving = rec.stints[i].leaving;
    let leaving = if natural >= ctx.today && main_leaving.is_none() {
        None
    } else {
        Some(natural.min(to))
    };
    rec.stints.push(Stint {
        school: ap,
        status: EnrolStatus::Subsidiary,
        entry: start,
        leaving,
        nc_x: false,
        days: {
            let n = between(rng, 2, 3) as usize;
            weekdays(rng, n)
        },
    });
}
