//! The LA's settings: primary, secondary, all-through, special, pupil referral units and
//! alternative provision, nursery schools, further education and sixth-form colleges, one
//! closed primary, and a few schools in neighbouring LAs (where some children in care are
//! placed). Names, GIAS type names and phases read like the real register of establishments.

use std::collections::BTreeSet;

use rand::Rng;
use time::{Date, Month};
use vschool_domain::{Phase, Setting, Urn};

use crate::context::{ymd, Context};
use crate::rng::{between, chance, lognormal, pick, stream, weighted, Domain, SynthRng};
use crate::{LA_CODE, LA_NAME};

/// What a setting does for the pupils the generator places there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Role {
    Nursery,
    Primary,
    Secondary,
    AllThrough,
    Special,
    AlternativeProvision,
    FurtherEducation,
    SixthFormCollege,
}

#[derive(Debug, Clone)]
pub(crate) struct School {
    pub setting: Setting,
    pub role: Role,
    /// Secondary and all-through schools with a sixth form.
    pub sixth_form: bool,
    /// The town the school serves; `None` for schools in other LAs.
    pub area: Option<usize>,
    /// The last day a closed school had pupils.
    pub closes: Option<Date>,
    /// Relative size, for choosing a school for a pupil.
    pub weight: f64,
}

impl School {
    pub fn urn(&self) -> Urn {
        self.setting.urn
    }

    /// Whether the school takes pupils of a national curriculum year (`-2` = N1, `-1` = N2,
    /// `0` = reception, up to 13).
    pub fn teaches(&self, nc: i32) -> bool {
        match self.role {
            Role::Nursery => nc < 0,
            Role::Primary => (0..=6).contains(&nc),
            Role::Secondary => {
                (7..=11).contains(&nc) || (self.sixth_form && (12..=13).contains(&nc))
            }
            Role::AllThrough => (0..=13).contains(&nc),
            Role::Special => (0..=13).contains(&nc),
            Role::AlternativeProvision => (3..=11).contains(&nc),
            Role::FurtherEducation | Role::SixthFormCollege => (12..=13).contains(&nc),
        }
    }

    /// Whether the school is open (for new pupils) on a date.
    pub fn open_on(&self, date: Date) -> bool {
        self.closes.is_none_or(|c| date <= c)
    }
}

pub(crate) struct Settings {
    pub schools: Vec<School>,
    pub areas: usize,
}

/// Northshire's towns; a school's postcode district is its town's place in this list plus one
/// (`NX3` is the third town), which is how the GIAS writer finds a school's town again.
pub(crate) const TOWNS: &[&str] = &[
    "Ashby Fenwick",
    "Brackenridge",
    "Castlemere",
    "Dunholme",
    "Eastwick Marsh",
    "Fernleigh",
    "Greyhaven",
    "Harrowgate Cross",
    "Kirkby Lonsdale Moor",
    "Langstrath",
    "Marlow Heath",
    "Netherby",
    "Oakhampton Vale",
    "Penmarsh",
    "Redbrook",
    "Shelcombe",
    "Thornwick",
    "Upper Wyvern",
    "Wealdstone Priors",
    "Yarrowby",
    "Amberfield",
    "Blackwater Quay",
    "Coldharbour",
    "Deepdale",
    "Elmstead",
    "Foxhollow",
    "Gorsebrook",
    "Holloway End",
    "Ivymead",
    "Juniper Green",
];

/// Neighbouring (fictional) LAs where a few children in care go to school. Their codes are
/// unused by any real English LA, as is Northshire's.
pub(crate) const NEIGHBOURS: &[(u16, &str, &str, &str)] = &[
    (971, "Southmoor", "SX", "Southmoor Cross"),
    (972, "Eastwold", "WX", "Eastwold Market"),
    (973, "Fenmarsh", "FX", "Fenmarsh St Peter"),
];

/// Postcode area letters for Northshire (no real postcode area is `NX`).
pub(crate) const POSTCODE_AREA: &str = "NX";

const FEATURES: &[&str] = &[
    "Harbour View",
    "Meadowbank",
    "Oakfield",
    "Riverside",
    "Brookside",
    "Hillcrest",
    "Woodlands",
    "Greenfields",
    "Willowbrook",
    "Beechwood",
    "Highfield",
    "Larkrise",
    "Kingfisher",
    "Orchard Park",
    "Moorside",
    "Sandcliffe",
    "Heatherside",
    "Rowan Tree",
    "Elmwood",
    "Millfield",
    "Springbank",
    "Foxwood",
    "Ashgrove",
    "Parkside",
    "Westfield",
    "Northgate",
    "Southlands",
    "Valley",
    "Hollybank",
    "Cedar Lodge",
    "Chestnut Grove",
    "Fairhaven",
    "Bramble Hill",
    "Stonebridge",
    "Windmill Hill",
];
// No Aidan: the one St Aidan’s school has a typographic apostrophe (see primary_name).
const SAINTS: &[&str] = &[
    "Bede",
    "Cuthbert",
    "Hilda",
    "Oswald",
    "Chad",
    "Wilfrid",
    "Anne",
    "Mary",
    "Peter",
    "Paul",
    "Andrew",
    "John",
    "Margaret",
    "Michael",
    "Luke",
    "Mark",
    "Matthew",
    "Stephen",
    "Joseph",
    "Patrick",
    "Bernadette",
    "Augustine",
    "Edmund",
    "Francis",
    "Gregory",
    "Teresa",
    "Catherine",
    "George",
    "Nicholas",
    "Barnabas",
    "James",
    "Thomas More",
    "Helen",
    "Alban",
];
const QUARTERS: &[&str] = &[
    "North", "South", "East", "West", "Central", "Park", "Moor", "Bridge", "Hill", "Green",
    "Lane End",
];
const STREETS: &[&str] = &[
    "Church Lane",
    "Station Road",
    "Mill Street",
    "Park Avenue",
    "School Lane",
    "High Street",
    "Moor Road",
    "Victoria Road",
    "Queen's Drive",
    "Green Lane",
    "Bridge Street",
    "Chapel Row",
];
const FOUNDERS: &[&str] = &[
    "Sir John Harrowby",
    "Dame Alice Whitcombe",
    "Bishop Fenwick",
    "Lady Margaret Thorne",
    "Sir Thomas Greyhaven",
    "Archbishop Langton",
];

/// A new school's name, GIAS type name, phase and URN range.
type SchoolSpec = (String, &'static str, Phase, (u32, u32));

struct Spec {
    role: Role,
    count: usize,
    out_of_area: bool,
}

fn first_word(s: &str) -> &str {
    s.split(' ').next().unwrap_or(s)
}

fn count(scale: f64, base: f64) -> usize {
    ((base * scale).round() as usize).max(1)
}

pub(crate) fn areas_for(scale: f64) -> usize {
    (((6.0 * scale).round() as usize).max(2)).min(TOWNS.len() * 2)
}

/// Builds the settings. Small: 60 settings, large: 600 (DESIGN §7).
pub(crate) fn generate(ctx: &Context) -> Settings {
    let s = ctx.scale();
    let mut rng = stream(ctx.seed, Domain::Settings, 0);
    let areas = areas_for(s);
    let specs = [
        Spec {
            role: Role::Primary,
            count: count(s, 36.0),
            out_of_area: false,
        },
        Spec {
            role: Role::Secondary,
            count: count(s, 7.0),
            out_of_area: false,
        },
        Spec {
            role: Role::AllThrough,
            count: count(s, 1.0),
            out_of_area: false,
        },
        Spec {
            role: Role::Special,
            count: count(s, 3.0),
            out_of_area: false,
        },
        Spec {
            role: Role::AlternativeProvision,
            count: count(s, 2.0),
            out_of_area: false,
        },
        Spec {
            role: Role::Nursery,
            count: count(s, 2.0),
            out_of_area: false,
        },
        Spec {
            role: Role::FurtherEducation,
            count: count(s, 1.0),
            out_of_area: false,
        },
        Spec {
            role: Role::SixthFormCollege,
            count: count(s, 1.0),
            out_of_area: false,
        },
        Spec {
            role: Role::Primary,
            count: count(s, 2.0),
            out_of_area: true,
        },
        Spec {
            role: Role::Secondary,
            count: count(s, 2.0),
            out_of_area: true,
        },
        Spec {
            role: Role::Special,
            count: count(s, 2.0),
            out_of_area: true,
        },
    ];
    let mut b = Builder {
        rng: &mut rng,
        urns: BTreeSet::new(),
        names: BTreeSet::new(),
        estabs: BTreeSet::new(),
        schools: Vec::new(),
        areas,
        ctx,
        catholic_primaries: 0,
        cofe_primaries: 0,
    };
    for spec in &specs {
        for i in 0..spec.count {
            b.add(spec.role, i, spec.out_of_area);
        }
    }
    // One closed primary per ten (at least one): it closed at the end of the previous
    // academic year's summer term, so its pupils moved school that September.
    for i in 0..count(s, 1.0) {
        b.add_closed(i);
    }
    // Primaries and secondaries in order of URN; a stable order for everything downstream.
    b.schools.sort_by_key(|x| x.setting.urn);
    Settings {
        schools: b.schools,
        areas,
    }
}

struct Builder<'a> {
    rng: &'a mut SynthRng,
    urns: BTreeSet<u32>,
    names: BTreeSet<String>,
    estabs: BTreeSet<(u16, u16)>,
    schools: Vec<School>,
    areas: usize,
    ctx: &'a Context,
    catholic_primaries: usize,
    cofe_primaries: usize,
}

impl Builder<'_> {
    fn urn(&mut self, lo: u32, hi: u32) -> Urn {
        loop {
            let n = self.rng.gen_range(lo..=hi);
            if self.urns.insert(n) {
                if let Ok(u) = Urn::new(n) {
                    return u;
                }
            }
        }
    }

    fn town(&self, area: usize) -> String {
        let base = TOWNS[area % TOWNS.len()];
        if area >= TOWNS.len() {
            format!("{base} North")
        } else {
            base.to_owned()
        }
    }

    fn postcode(&mut self, area_letters: &str, district: usize) -> String {
        const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
        let a = INWARD[self.rng.gen_range(0..INWARD.len())] as char;
        let c = INWARD[self.rng.gen_range(0..INWARD.len())] as char;
        format!(
            "{area_letters}{district} {}{a}{c}",
            self.rng.gen_range(1..=9)
        )
    }

    fn unique_name(&mut self, mut name: String, town: &str) -> String {
        if self.names.contains(&name) {
            name = format!("{name}, {town}");
        }
        let mut n = 2;
        let base = name.clone();
        while self.names.contains(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        self.names.insert(name.clone());
        name
    }

    /// A primary school's name and GIAS type. The first Catholic primary carries an é and the
    /// first CofE primary a typographic apostrophe, so the GIAS file holds characters whose
    /// Windows-1252 bytes differ from UTF-8.
    fn primary_name(&mut self, town: &str, index: usize) -> (String, &'static str) {
        let saint = *pick(self.rng, SAINTS);
        let feature = *pick(self.rng, FEATURES);
        let quarter = *pick(self.rng, QUARTERS);
        // The LA's first two primaries are a Catholic and a Church of England school, so
        // every size of LA has the two names with non-ASCII characters.
        let kind = match (index, self.catholic_primaries, self.cofe_primaries) {
            (0, 0, _) => 1,
            (1, _, 0) => 2,
            _ => weighted(
                self.rng,
                &[
                    (0u8, 30.0),
                    (1, 12.0),
                    (2, 11.0),
                    (3, 3.0),
                    (4, 28.0),
                    (5, 12.0),
                    (6, 4.0),
                ],
            ),
        };
        match kind {
            0 => {
                let n = match between(self.rng, 0, 3) {
                    0 => format!("{town} Primary School"),
                    1 => format!("{town} {quarter} Primary School"),
                    2 => format!("{feature} Primary School"),
                    _ => format!("{} {quarter} Community Primary School", first_word(town)),
                };
                (n, "Community school")
            }
            1 => {
                self.catholic_primaries += 1;
                let n = if self.catholic_primaries == 1 {
                    "St Thérèse of Lisieux Catholic Primary School".to_owned()
                } else {
                    match between(self.rng, 0, 3) {
                        0 | 1 => format!("St {saint}'s Catholic Primary School"),
                        2 => format!(
                            "Our Lady of {} Catholic Primary School",
                            pick(
                                self.rng,
                                &[
                                    "Lourdes",
                                    "Walsingham",
                                    "Mount Carmel",
                                    "the Rosary",
                                    "Victories"
                                ]
                            )
                        ),
                        _ => format!(
                            "{} Catholic Primary School",
                            pick(
                                self.rng,
                                &[
                                    "Holy Family",
                                    "Sacred Heart",
                                    "Holy Cross",
                                    "English Martyrs",
                                    "Corpus Christi"
                                ]
                            )
                        ),
                    }
                };
                (n, "Voluntary aided school")
            }
            2 => {
                self.cofe_primaries += 1;
                let n = if self.cofe_primaries == 1 {
                    "St Aidan’s CofE Primary School".to_owned()
                } else {
                    match between(self.rng, 0, 3) {
                        0 => format!("{town} St {saint}'s Church of England Primary School"),
                        1 => format!("St {saint}'s CofE Primary School"),
                        2 => format!(
                            "{} CofE Primary School",
                            pick(
                                self.rng,
                                &[
                                    "Holy Trinity",
                                    "Christ Church",
                                    "All Saints",
                                    "St Mary and St John",
                                    "Emmanuel"
                                ]
                            )
                        ),
                        _ => format!("{town} Church of England Primary School"),
                    }
                };
                (n, "Voluntary controlled school")
            }
            3 => (format!("{feature} Primary School"), "Foundation school"),
            4 => (format!("{feature} Primary Academy"), "Academy converter"),
            5 => (
                format!("{town} {quarter} Primary Academy"),
                "Academy sponsor led",
            ),
            _ => (
                format!("{} Infant and Junior School", pick(self.rng, STREETS)),
                "Community school",
            ),
        }
    }

    fn secondary_name(&mut self, town: &str) -> (String, &'static str) {
        let feature = *pick(self.rng, FEATURES);
        let saint = *pick(self.rng, SAINTS);
        let kind = weighted(
            self.rng,
            &[
                (0u8, 22.0),
                (1, 25.0),
                (2, 10.0),
                (3, 10.0),
                (4, 18.0),
                (5, 8.0),
                (6, 3.0),
            ],
        );
        match kind {
            0 => (format!("{town} Academy"), "Academy converter"),
            1 => (format!("{feature} Academy"), "Academy sponsor led"),
            2 => (format!("{town} High School"), "Community school"),
            3 => (
                format!("St {saint}'s Catholic High School"),
                "Voluntary aided school",
            ),
            4 => (format!("{town} Community College"), "Academy converter"),
            5 => (
                format!("{} School", pick(self.rng, FOUNDERS)),
                "Foundation school",
            ),
            _ => (format!("{town} Grammar School"), "Academy converter"),
        }
    }

    fn add(&mut self, role: Role, index: usize, out_of_area: bool) {
        let (la_code, la_name, area_letters, area, town) = if out_of_area {
            let (code, name, letters, town) = NEIGHBOURS[index % NEIGHBOURS.len()];
            (code, name.to_owned(), letters, None, town.to_owned())
        } else {
            let area = self.rng.gen_range(0..self.areas);
            (
                LA_CODE,
                LA_NAME.to_owned(),
                POSTCODE_AREA,
                Some(area),
                self.town(area),
            )
        };
        let district = area.map_or_else(|| between(self.rng, 1, 9) as usize, |a| a + 1);
        let postcode = self.postcode(area_letters, district);
        let feature = *pick(self.rng, FEATURES);
        let mut sixth_form = false;
        let (name, type_name, phase, urn_range): SchoolSpec = match role {
            Role::Primary => {
                let (mut n, mut t) = self.primary_name(&town, index);
                for _ in 0..40 {
                    if !self.names.contains(&n) {
                        break;
                    }
                    (n, t) = self.primary_name(&town, index);
                }
                let urns = if t.starts_with("Academy") {
                    (137_000, 150_999)
                } else {
                    (110_000, 125_999)
                };
                (n, t, Phase::Primary, urns)
            }
            Role::Secondary => {
                let (mut n, mut t) = self.secondary_name(&town);
                for _ in 0..40 {
                    if !self.names.contains(&n) {
                        break;
                    }
                    (n, t) = self.secondary_name(&town);
                }
                sixth_form = chance(self.rng, 0.55);
                let urns = if t.starts_with("Academy") {
                    (137_000, 150_999)
                } else {
                    (110_000, 125_999)
                };
                (n, t, Phase::Secondary, urns)
            }
            Role::AllThrough => {
                sixth_form = true;
                let t = if chance(self.rng, 0.5) {
                    "Free schools"
                } else {
                    "Academy converter"
                };
                (
                    format!("{feature} All-Through Academy"),
                    t,
                    Phase::AllThrough,
                    (138_000, 150_999),
                )
            }
            Role::Special => {
                if out_of_area {
                    if index.is_multiple_of(2) {
                        (
                            format!("{feature} Independent Special School"),
                            "Other independent special school",
                            Phase::NotApplicable,
                            (140_000, 150_999),
                        )
                    } else {
                        (
                            format!("{feature} School for Deaf and Autistic Children"),
                            "Non-maintained special school",
                            Phase::NotApplicable,
                            (100_000, 109_999),
                        )
                    }
                } else {
                    let (t, urns) = *pick(
                        self.rng,
                        &[
                            ("Community special school", (110_000, 125_999)),
                            ("Academy special converter", (137_000, 150_999)),
                            ("Foundation special school", (110_000, 125_999)),
                            ("Academy special sponsor led", (137_000, 150_999)),
                        ],
                    );
                    let n = *pick(
                        self.rng,
                        &["School", "Academy", "Specialist School", "Learning Centre"],
                    );
                    (format!("{feature} {n}"), t, Phase::NotApplicable, urns)
                }
            }
            Role::AlternativeProvision => {
                if index.is_multiple_of(2) {
                    (
                        format!("{town} Pupil Referral Unit"),
                        "Pupil referral unit",
                        Phase::NotApplicable,
                        (110_000, 135_999),
                    )
                } else {
                    let n = *pick(
                        self.rng,
                        &[
                            "Horizons",
                            "The Bridge",
                            "Pathways",
                            "New Directions",
                            "Compass",
                        ],
                    );
                    (
                        format!("{n} Alternative Provision Academy"),
                        "Academy alternative provision sponsor led",
                        Phase::NotApplicable,
                        (138_000, 150_999),
                    )
                }
            }
            Role::Nursery => (
                format!("{town} Nursery School"),
                "Local authority nursery school",
                Phase::Nursery,
                (100_000, 109_999),
            ),
            Role::FurtherEducation => {
                let n = if index == 0 {
                    format!("{LA_NAME} College")
                } else {
                    format!("{town} College")
                };
                (
                    n,
                    "Further education",
                    Phase::SixteenPlus,
                    (130_000, 130_999),
                )
            }
            Role::SixthFormCollege => (
                format!("{town} Sixth Form College"),
                "Academy 16-19 converter",
                Phase::SixteenPlus,
                (137_000, 150_999),
            ),
        };
        let name = self.unique_name(name, &town);
        let mut setting = Setting {
            urn: self.urn(urn_range.0, urn_range.1),
            name,
            type_name: type_name.to_owned(),
            phase,
            status: "Open".to_owned(),
            la_code,
            la_name,
            postcode,
        };
        // Establishment numbers are not held in the Setting: the GIAS writer and the UPN
        // allocator derive them from the URN. Draw URNs until the number is unique in the LA.
        while let Some(e) = establishment_number(&setting) {
            if self.estabs.insert((la_code, e)) {
                break;
            }
            setting.urn = self.urn(urn_range.0, urn_range.1);
        }
        let weight = match role {
            Role::Primary | Role::Nursery => lognormal(self.rng, 1.0, 0.35),
            Role::Secondary | Role::AllThrough => lognormal(self.rng, 1.0, 0.3),
            _ => lognormal(self.rng, 1.0, 0.25),
        };
        self.schools.push(School {
            setting,
            role,
            sixth_form,
            area,
            closes: None,
            weight,
        });
    }

    fn add_closed(&mut self, index: usize) {
        let area = (index * 7 + 3) % self.areas;
        let town = self.town(area);
        let postcode = self.postcode(POSTCODE_AREA, area + 1);
        let name = self.unique_name(format!("{town} Church of England Primary School"), &town);
        let mut urn = self.urn(110_000, 125_999);
        loop {
            let probe = Setting {
                urn,
                name: String::new(),
                type_name: "Voluntary controlled school".to_owned(),
                phase: Phase::Primary,
                status: String::new(),
                la_code: LA_CODE,
                la_name: String::new(),
                postcode: String::new(),
            };
            match establishment_number(&probe) {
                Some(e) if !self.estabs.insert((LA_CODE, e)) => urn = self.urn(110_000, 125_999),
                _ => break,
            }
        }
        // Closed on 31 August after the previous academic year's summer term.
        let closes = ymd(self.ctx.previous_year.0 + 1, Month::August, 31);
        let status = if self.ctx.today > closes {
            "Closed"
        } else {
            "Open, but proposed to close"
        };
        self.schools.push(School {
            setting: Setting {
                urn,
                name,
                type_name: "Voluntary controlled school".to_owned(),
                phase: Phase::Primary,
                status: status.to_owned(),
                la_code: LA_CODE,
                la_name: LA_NAME.to_owned(),
                postcode,
            },
            role: Role::Primary,
            sixth_form: false,
            area: Some(area),
            closes: Some(self.ctx.last_term_day(self.ctx.previous_year)),
            weight: 0.8,
        });
    }
}

/// What a pupil needs of a school.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Want<'a> {
    pub roles: &'a [Role],
    pub nc: i32,
    pub area: usize,
    pub out_of_area: bool,
    pub on: Date,
    pub avoid: Option<usize>,
}

impl Settings {
    /// Chooses a school for what a pupil needs: one of `roles`, teaching NC year `nc`, open on
    /// `on`, not `avoid`; in the pupil's town (another LA's school when `out_of_area`), else
    /// anywhere in the LA, else anywhere.
    pub fn choose(&self, rng: &mut SynthRng, want: &Want<'_>) -> Option<usize> {
        let Want {
            roles,
            nc,
            area,
            out_of_area,
            on,
            avoid,
        } = *want;
        let fits = |(i, s): &(usize, &School)| {
            roles.contains(&s.role) && s.teaches(nc) && s.open_on(on) && Some(*i) != avoid
        };
        let local: Vec<(usize, f64)> = self
            .schools
            .iter()
            .enumerate()
            .filter(fits)
            .filter(|(_, s)| {
                if out_of_area {
                    s.area.is_none()
                } else {
                    s.area == Some(area)
                }
            })
            .map(|(i, s)| (i, s.weight))
            .collect();
        if !local.is_empty() {
            return Some(weighted(rng, &local));
        }
        // No such school in the town: any in the LA, then anywhere.
        if !out_of_area {
            let in_la: Vec<(usize, f64)> = self
                .schools
                .iter()
                .enumerate()
                .filter(fits)
                .filter(|(_, s)| s.area.is_some())
                .map(|(i, s)| (i, s.weight))
                .collect();
            if !in_la.is_empty() {
                return Some(weighted(rng, &in_la));
            }
        }
        let any: Vec<(usize, f64)> = self
            .schools
            .iter()
            .enumerate()
            .filter(fits)
            .map(|(i, s)| (i, s.weight))
            .collect();
        (!any.is_empty()).then(|| weighted(rng, &any))
    }
}

/// The DfE establishment number of a setting, derived from its URN (the Dataset does not hold
/// it): four digits in the range GIAS uses for the setting's type, or none for FE colleges.
pub(crate) fn establishment_number(setting: &Setting) -> Option<u16> {
    let t = setting.type_name.as_str();
    let (lo, hi): (u16, u16) = match t {
        "Further education" => return None,
        "Local authority nursery school" => (1000, 1099),
        "Pupil referral unit" | "Academy alternative provision sponsor led" => (1100, 1199),
        "Voluntary aided school" | "Voluntary controlled school"
            if setting.phase == Phase::Primary =>
        {
            (3000, 3999)
        }
        "Voluntary aided school" => (4600, 4799),
        "Foundation school" if setting.phase == Phase::Secondary => (5400, 5499),
        "Other independent special school" => (6000, 6999),
        _ if t.contains("special") => (7000, 7999),
        _ => match setting.phase {
            Phase::Primary | Phase::Nursery => (2000, 2999),
            _ => (4000, 4599),
        },
    };
    let span = u64::from(hi - lo + 1);
    Some(lo + (u64::from(setting.urn.get()).wrapping_mul(2_654_435_761) % span) as u16)
}

/// The town of a setting, from its postcode district.
pub(crate) fn town_of(setting: &Setting) -> String {
    if let Some((_, _, _, town)) = NEIGHBOURS
        .iter()
        .find(|(code, ..)| *code == setting.la_code)
    {
        return (*town).to_owned();
    }
    let district: usize = setting
        .postcode
        .split(' ')
        .next()
        .and_then(|o| {
            o.trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .parse()
                .ok()
        })
        .unwrap_or(1);
    let area = district.saturating_sub(1);
    let base = TOWNS[area % TOWNS.len()];
    if area >= TOWNS.len() {
        format!("{base} North")
    } else {
        base.to_owned()
    }
}

/// A setting's street address line, derived from its URN.
pub(crate) fn street_of(setting: &Setting) -> String {
    let i = (setting.urn.get() as usize).wrapping_mul(7919) % STREETS.len();
    STREETS[i].to_owned()
}

/// The statutory age range of a setting, from its phase and type.
pub(crate) fn age_range(setting: &Setting) -> (u8, u8) {
    match setting.phase {
        Phase::Nursery => (2, 5),
        Phase::Primary => {
            if setting.name.contains("Junior") && !setting.name.contains("Infant") {
                (7, 11)
            } else {
                (4, 11)
            }
        }
        Phase::Secondary => (11, 18),
        Phase::AllThrough => (4, 18),
        Phase::SixteenPlus => (16, 19),
        Phase::MiddleDeemedPrimary => (8, 12),
        Phase::MiddleDeemedSecondary => (9, 13),
        Phase::NotApplicable => {
            if setting.type_name.contains("alternative provision")
                || setting.type_name == "Pupil referral unit"
            {
                (7, 16)
            } else {
                (3, 19)
            }
        }
    }
}

/// The first day of a date's month, for GIAS's "open date" and census date columns.
pub(crate) fn open_date(setting: &Setting) -> Option<Date> {
    if setting.type_name.starts_with("Academy") || setting.type_name.starts_with("Free") {
        let year = 2011 + (setting.urn.get() % 12) as i32;
        let month = if setting.urn.get().is_multiple_of(3) {
            Month::April
        } else {
            Month::September
        };
        Some(ymd(year, month, 1))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use vschool_domain::SettingKind;

    #[test]
    fn each_size_has_every_kind_of_setting_and_unique_urns() {
        for (size, expected) in [
            (crate::Size::Tiny, 15),
            (crate::Size::Small, 60),
            (crate::Size::Large, 600),
        ] {
            let ctx = Context::new(size, 1, date!(2025 - 03 - 14));
            let s = generate(&ctx);
            assert_eq!(s.schools.len(), expected, "{size:?}");
            let urns: BTreeSet<_> = s.schools.iter().map(|x| x.urn()).collect();
            assert_eq!(urns.len(), expected);
            let names: BTreeSet<_> = s.schools.iter().map(|x| x.setting.name.clone()).collect();
            assert_eq!(names.len(), expected, "school names are unique");
            let kinds: BTreeSet<_> = s.schools.iter().map(|x| x.setting.kind()).collect();
            for k in [
                SettingKind::Mainstream,
                SettingKind::Special,
                SettingKind::AlternativeProvision,
                SettingKind::EarlyYears,
                SettingKind::PostSixteen,
            ] {
                assert!(kinds.contains(&k), "{size:?} has no {k:?}");
            }
            assert!(s.schools.iter().any(|x| x.setting.name.contains('é')));
            assert!(s.schools.iter().any(|x| x.setting.name.contains('’')));
        }
    }

    #[test]
    fn derived_details_agree_with_the_setting() {
        let ctx = Context::new(crate::Size::Small, 3, date!(2025 - 03 - 14));
        let s = generate(&ctx);
        let mut numbers = BTreeSet::new();
        for school in &s.schools {
            let n = establishment_number(&school.setting);
            assert_eq!(n.is_none(), school.setting.type_name == "Further education");
            if let Some(n) = n {
                assert!((1000..=7999).contains(&n));
                assert!(
                    numbers.insert((school.setting.la_code, n)),
                    "establishment numbers are unique"
                );
            }
            if let Some(area) = school.area {
                assert_eq!(town_of(&school.setting), TOWNS[area % TOWNS.len()]);
            }
        }
    }
}
