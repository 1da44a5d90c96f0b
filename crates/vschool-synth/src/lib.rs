//! A realistic, deterministic fictional local authority: Northshire (LA code 875).
//!
//! [`generate`] builds a whole LA's [`Dataset`] (settings, six years of children's social care,
//! social-worker allocations, pupils and their rolls, two academic years of session marks,
//! exclusions, attainment, school contacts) from a size, a seed and "today"; the same three
//! always give the same dataset. [`write_files`] writes that dataset in every input format the
//! Virtual School imports (DESIGN §5 and §8), so that importing the files reproduces it.
//!
//! How the generator works and what it is calibrated to: `docs/synthetic-la.md`.

pub mod calibration;
pub mod files;
pub mod groups;

mod allocations;
mod attendance;
mod context;
mod involvement;
mod names;
mod outcomes;
mod pupils;
mod rng;
mod settings;
mod social_care;

use time::Date;
use vschool_domain::dataset::PupilCharacteristics;
use vschool_domain::{Dataset, Enrolment, NcYear};

pub use files::{write_files, FileSummary, Summary, WriteError};

/// The fictional LA's code: 875 was Cheshire County Council's until 2009, so no current LA's
/// data uses it, while UPNs issued under it still pass the DfE's rule 1530 (characters 2–4
/// must be a recognised LA code; a made-up code such as 970 failed it on every pupil).
pub const LA_CODE: u16 = 875;
/// The fictional LA's name.
pub const LA_NAME: &str = "Northshire";

/// How big an LA to build (DESIGN §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Size {
    /// A tenth of the small LA, for quick tests of code that needs a whole dataset.
    Tiny,
    /// ~1,500 children on a plan or looked after, ~4,000 Ever6, 60 settings, ~1.5 M marks a
    /// year.
    Small,
    /// Ten times the small LA: ~15,000, ~40,000, 600 settings, ~15 M marks a year.
    Large,
}

impl Size {
    pub fn parse(raw: &str) -> Option<Size> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "tiny" => Some(Size::Tiny),
            "small" => Some(Size::Small),
            "large" => Some(Size::Large),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Size::Tiny => "tiny",
            Size::Small => "small",
            Size::Large => "large",
        }
    }

    pub(crate) fn scale(&self) -> f64 {
        match self {
            Size::Tiny => 0.1,
            Size::Small => 1.0,
            Size::Large => 10.0,
        }
    }
}

/// Builds the LA. Deterministic: the same `(size, seed, today)` always gives the same dataset,
/// in canonical order ([`Dataset::sort_canonical`]). Nothing in it is dated after `today`;
/// plans, episodes and enrolments still running today are open.
pub fn generate(size: Size, seed: u64, today: Date) -> Dataset {
    let ctx = context::Context::new(size, seed, today);
    let settings = settings::generate(&ctx);
    let mut children = social_care::generate(&ctx, settings.areas);
    let pupils::Pupils {
        mut records,
        permanent_exclusions,
    } = pupils::generate(&ctx, &settings, &mut children);
    let allocations = allocations::generate(&ctx, &children, settings.areas);
    let mut exclusions = outcomes::suspensions(&ctx, &settings, &mut records, &children);
    exclusions.extend(permanent_exclusions);
    for r in &mut records {
        r.overrides.sort_by_key(|o| (o.date, o.session));
    }
    let registers = attendance::registers(&ctx, &settings, &records, &children);
    let attainment = outcomes::attainment(&ctx, &records, &children);
    let contacts = outcomes::contacts(&ctx, &settings);

    let mut enrolments = Vec::new();
    let mut characteristics = Vec::new();
    let mut pupils = Vec::new();
    for r in &records {
        for s in &r.stints {
            let last_day = s.leaving.unwrap_or(today).min(today);
            let nc = pupils::nc_in(r.cohort, vschool_domain::AcademicYear::containing(last_day));
            let nc_year = if s.nc_x {
                NcYear::X
            } else {
                match nc {
                    i32::MIN..=-2 => NcYear::N1,
                    -1 => NcYear::N2,
                    0 => NcYear::Reception,
                    n => NcYear::Year(n.clamp(1, 14) as u8),
                }
            };
            enrolments.push(Enrolment {
                upn: r.pupil.upn,
                urn: settings.schools[s.school].urn(),
                entry: s.entry,
                leaving: s.leaving,
                status: s.status,
                nc_year,
            });
        }
        characteristics.push(PupilCharacteristics {
            upn: r.pupil.upn,
            sen: Some(r.sen.to_owned()),
            ethnicity: Some(r.ethnicity.clone()),
        });
        pupils.push(r.pupil.clone());
    }

    let mut ds = Dataset {
        la_code: LA_CODE,
        la_name: LA_NAME.to_owned(),
        settings: settings.schools.iter().map(|s| s.setting.clone()).collect(),
        children: children.into_iter().map(|c| c.child).collect(),
        allocations,
        pupils,
        characteristics,
        enrolments,
        registers,
        exclusions,
        attainment,
        contacts,
    };
    ds.sort_canonical();
    ds
}
