//! The DfE CIN census: one XML file per collection year (1 April – 31 March), from 2021 (the
//! oldest schema shipped) to the year holding the extract date. Each file is the return as it
//! stood on its `ReferenceDate` (31 March; the extract date for the year in progress): CIN
//! episodes open at any time in the year, their assessments, CIN plans (the 2021 schema has
//! none), section 47 enquiries and CP plans; dates after the reference date are not yet known,
//! so a plan still running then has no end date in that file. The 2025 and later schemas
//! record `<Sex>` M/F/U where the older ones record `<GenderCurrent>` 1/2/0.

use std::fmt::Write as _;
use std::path::Path;

use time::{Date, Duration, Month};
use vschool_domain::social_care::PlanKind;
use vschool_domain::{Child, Dataset, Sex};

use super::{iso, FileSummary, Out, WriteError};
use crate::context::{collection_year_of, collection_year_start, ymd, FIRST_CIN_COLLECTION_YEAR};
use crate::involvement::{involvements, Involvement};
use crate::rng::{between, chance, hash_str, stream, weighted, Domain, SynthRng};

/// The collection years written for an extract date.
pub fn collection_years(extract: Date) -> Vec<i32> {
    (FIRST_CIN_COLLECTION_YEAR..=collection_year_of(extract)).collect()
}

/// Details of a CIN episode that do not change from file to file.
struct Details {
    source: &'static str,
    need: &'static str,
    assessment_start: Date,
    assessment_days: i64,
    factors: Vec<&'static str>,
}

fn details(child: &Child, inv: &Involvement, index: usize) -> Details {
    let mut rng = stream(
        hash_str(child.la_child_id.as_str()),
        Domain::Files,
        1000 + index as u64,
    );
    let disabled = child
        .history
        .episodes
        .iter()
        .any(|e| !e.counts_as_looked_after());
    let serious = child.history.plans.iter().any(|p| {
        p.kind == PlanKind::Cp
            && p.span.start >= inv.first
            && inv.last.is_none_or(|l| p.span.start <= l)
    }) || child.history.episodes.iter().any(|e| {
        e.counts_as_looked_after()
            && e.span.start >= inv.first
            && inv.last.is_none_or(|l| e.span.start <= l)
    });
    let need = if disabled {
        "N2"
    } else if serious && chance(&mut rng, 0.75) {
        "N1"
    } else {
        weighted(
            &mut rng,
            &[
                ("N1", 0.40),
                ("N4", 0.15),
                ("N5", 0.20),
                ("N3", 0.07),
                ("N6", 0.08),
                ("N8", 0.08),
                ("N7", 0.02),
            ],
        )
    };
    let source = weighted(
        &mut rng,
        &[
            ("6", 0.28),
            ("2A", 0.19),
            ("3A", 0.05),
            ("3B", 0.03),
            ("3E", 0.03),
            ("3F", 0.05),
            ("5A", 0.09),
            ("5C", 0.03),
            ("1A", 0.08),
            ("1B", 0.02),
            ("1C", 0.02),
            ("4", 0.03),
            ("8", 0.06),
            ("9", 0.02),
            ("10", 0.02),
        ],
    );
    let lead = (inv.first - inv.referral).whole_days();
    let assessment_start = inv.referral + Duration::days(between(&mut rng, 0, lead.clamp(0, 5)));
    let assessment_days = between(&mut rng, 12, 44);
    let pool = [
        "1B", "2B", "3A", "3B", "4A", "4B", "5A", "6A", "14A", "16A", "17A", "20",
    ];
    let n = between(&mut rng, 1, 3) as usize;
    let mut factors: Vec<&'static str> = Vec::new();
    for _ in 0..n {
        let f = pool[between(&mut rng, 0, pool.len() as i64 - 1) as usize];
        if !factors.contains(&f) {
            factors.push(f);
        }
    }
    Details {
        source,
        need,
        assessment_start,
        assessment_days,
        factors,
    }
}

fn category(rng: &mut SynthRng) -> &'static str {
    weighted(
        rng,
        &[
            ("NEG", 0.50),
            ("EMO", 0.36),
            ("PHY", 0.07),
            ("SAB", 0.04),
            ("MUL", 0.03),
        ],
    )
}

fn sex_value(sex: Option<Sex>, new_schema: bool) -> &'static str {
    match (sex, new_schema) {
        (Some(Sex::Male), true) => "M",
        (Some(Sex::Female), true) => "F",
        (_, true) => "U",
        (Some(Sex::Male), false) => "1",
        (Some(Sex::Female), false) => "2",
        (_, false) => "0",
    }
}

/// The `<Child>` element of a child in collection year `year` as at `reference`, or `None` if
/// the child is not in that year's return.
fn child_xml(child: &Child, year: i32, reference: Date, extract: Date) -> Option<String> {
    let year_start = collection_year_start(year);
    let invs = involvements(child, extract);
    let mut body = String::new();
    let mut any = false;
    for (i, inv) in invs.iter().enumerate() {
        if inv.referral > reference || inv.closure.is_some_and(|c| c < year_start) {
            continue;
        }
        any = true;
        let d = details(child, inv, i);
        let in_inv = |start: Date| start >= inv.first && inv.last.is_none_or(|l| start <= l);
        let closure = inv.closure.filter(|c| *c <= reference);
        let _ = write!(
            body,
            "<CINdetails><CINreferralDate>{}</CINreferralDate>",
            iso(inv.referral)
        );
        let _ = write!(
            body,
            "<ReferralSource>{}</ReferralSource><PrimaryNeedCode>{}</PrimaryNeedCode>",
            d.source, d.need
        );
        if let (Some(c), Some(reason)) = (closure, inv.reason) {
            let reason = if year < 2023 && reason == "RC9" {
                "RC8"
            } else {
                reason
            };
            let _ = write!(
                body,
                "<CINclosureDate>{}</CINclosureDate><ReasonForClosure>{reason}</ReasonForClosure>",
                iso(c)
            );
        }
        let cps: Vec<_> = child
            .history
            .plans
            .iter()
            .filter(|p| p.kind == PlanKind::Cp && in_inv(p.span.start))
            .collect();
        if let Some(first_cp) = cps
            .iter()
            .map(|p| p.span.start)
            .filter(|s| *s <= reference)
            .min()
        {
            let _ = write!(
                body,
                "<DateOfInitialCPC>{}</DateOfInitialCPC>",
                iso(first_cp)
            );
        }
        if d.assessment_start <= reference {
            let _ = write!(
                body,
                "<Assessments><AssessmentActualStartDate>{}</AssessmentActualStartDate>",
                iso(d.assessment_start)
            );
            let authorised = d.assessment_start + Duration::days(d.assessment_days);
            if authorised <= reference {
                let _ = write!(body, "<AssessmentAuthorisationDate>{}</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment>", iso(authorised));
                for f in &d.factors {
                    let _ = write!(body, "<AssessmentFactors>{f}</AssessmentFactors>");
                }
                body.push_str("</FactorsIdentifiedAtAssessment>");
            }
            body.push_str("</Assessments>");
        }
        if year >= crate::context::FIRST_CIN_PLAN_COLLECTION_YEAR {
            for p in child.history.plans.iter().filter(|p| {
                p.kind == PlanKind::Cin
                    && in_inv(p.span.start)
                    && p.span.start <= reference
                    && p.span.end.is_none_or(|e| e >= year_start)
            }) {
                let _ = write!(
                    body,
                    "<CINPlanDates><CINPlanStartDate>{}</CINPlanStartDate>",
                    iso(p.span.start)
                );
                if let Some(e) = p.span.end.filter(|e| *e <= reference) {
                    let _ = write!(body, "<CINPlanEndDate>{}</CINPlanEndDate>", iso(e));
                }
                body.push_str("</CINPlanDates>");
            }
        }
        let shown: Vec<_> = cps
            .iter()
            .filter(|p| p.span.start <= reference && p.span.end.is_none_or(|e| e >= year_start))
            .collect();
        for p in &shown {
            let mut rng = stream(
                hash_str(child.la_child_id.as_str()),
                Domain::Files,
                5000 + p.span.start.to_julian_day() as u64,
            );
            let s47 = (p.span.start - Duration::days(between(&mut rng, 8, 20))).max(inv.referral);
            let _ = write!(
                body,
                "<Section47><S47ActualStartDate>{}</S47ActualStartDate><InitialCPCtarget>{}</InitialCPCtarget><DateOfInitialCPC>{}</DateOfInitialCPC><ICPCnotRequired>0</ICPCnotRequired></Section47>",
                iso(s47),
                iso(s47 + Duration::days(15)),
                iso(p.span.start)
            );
        }
        body.push_str("<ReferralNFA>0</ReferralNFA>");
        for p in &shown {
            let mut rng = stream(
                hash_str(child.la_child_id.as_str()),
                Domain::Files,
                9000 + p.span.start.to_julian_day() as u64,
            );
            let initial = category(&mut rng);
            let latest = if chance(&mut rng, 0.85) {
                initial
            } else {
                category(&mut rng)
            };
            let previous = child
                .history
                .plans
                .iter()
                .filter(|q| q.kind == PlanKind::Cp && q.span.start < p.span.start)
                .count();
            let _ = write!(
                body,
                "<ChildProtectionPlans><CPPstartDate>{}</CPPstartDate>",
                iso(p.span.start)
            );
            let end = p.span.end.filter(|e| *e <= reference);
            if let Some(e) = end {
                let _ = write!(body, "<CPPendDate>{}</CPPendDate>", iso(e));
            }
            let _ = write!(
                body,
                "<InitialCategoryOfAbuse>{initial}</InitialCategoryOfAbuse><LatestCategoryOfAbuse>{latest}</LatestCategoryOfAbuse><NumberOfPreviousCPP>{previous}</NumberOfPreviousCPP>"
            );
            // Review conferences at three months, then every six.
            let last = end.unwrap_or(reference);
            let mut review = p.span.start + Duration::days(90);
            let mut reviews = Vec::new();
            while review <= last {
                reviews.push(review);
                review += Duration::days(182);
            }
            if !reviews.is_empty() {
                body.push_str("<Reviews>");
                for r in reviews {
                    let _ = write!(body, "<CPPreviewDate>{}</CPPreviewDate>", iso(r));
                }
                body.push_str("</Reviews>");
            }
            body.push_str("</ChildProtectionPlans>");
        }
        body.push_str("</CINdetails>\n");
    }
    if !any {
        return None;
    }
    let mut x = String::with_capacity(body.len() + 400);
    let _ = write!(
        x,
        "<Child><ChildIdentifiers><LAchildID>{}</LAchildID>",
        child.la_child_id
    );
    if let Some(u) = child.upn {
        let _ = write!(x, "<UPN>{u}</UPN>");
    }
    if let Some(u) = child.former_upn {
        let _ = write!(x, "<FormerUPN>{u}</FormerUPN>");
    }
    if child.upn.is_none() {
        if let Some(u) = child.upn_unknown {
            let _ = write!(x, "<UPNunknown>{}</UPNunknown>", u.code());
        }
    }
    if let Some(b) = child.birth_date {
        let _ = write!(x, "<PersonBirthDate>{}</PersonBirthDate>", iso(b));
    }
    let new_schema = year >= 2025;
    let sex = sex_value(child.sex, new_schema);
    if new_schema {
        let _ = write!(x, "<Sex>{sex}</Sex>");
    } else {
        let _ = write!(x, "<GenderCurrent>{sex}</GenderCurrent>");
    }
    x.push_str("</ChildIdentifiers><ChildCharacteristics>");
    let _ = write!(
        x,
        "<Ethnicity>{}</Ethnicity>",
        child.ethnicity.as_deref().unwrap_or("NOBT")
    );
    let disabled = child
        .history
        .episodes
        .iter()
        .any(|e| !e.counts_as_looked_after());
    if disabled {
        x.push_str(
            "<Disabilities><Disability>LD</Disability><Disability>COMM</Disability></Disabilities>",
        );
    } else {
        x.push_str("<Disabilities><Disability>NONE</Disability></Disabilities>");
    }
    x.push_str("</ChildCharacteristics>\n");
    x.push_str(&body);
    x.push_str("</Child>\n");
    Some(x)
}

pub(crate) fn write(
    ds: &Dataset,
    dir: &Path,
    extract: Date,
) -> Result<Vec<FileSummary>, WriteError> {
    let current = collection_year_of(extract);
    let mut out = Vec::new();
    for year in collection_years(extract) {
        let reference = if year == current {
            extract
        } else {
            ymd(year, Month::March, 31)
        };
        let children: Vec<String> = ds
            .children
            .iter()
            .filter_map(|c| child_xml(c, year, reference, extract))
            .collect();
        if children.is_empty() {
            // The schema needs at least one child: an LA with none has no return to make.
            continue;
        }
        let mut file = Out::create(dir, &format!("cin-census-{year}.xml"))?;
        let mut head = String::new();
        let _ = write!(
            head,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n<Header><CollectionDetails><Collection>CIN</Collection><Year>{year}</Year><ReferenceDate>{}</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>{:03}</LEA><SoftwareCode>vschool-synth</SoftwareCode><Release>{}</Release><SerialNo>001</SerialNo><DateTime>{}T17:00:00</DateTime></Source></Header>\n<Children>\n",
            iso(reference),
            ds.la_code,
            env!("CARGO_PKG_VERSION"),
            iso(reference),
        );
        file.write_all(head.as_bytes())?;
        for c in &children {
            file.write_all(c.as_bytes())?;
        }
        file.write_all(b"</Children>\n</Message>\n")?;
        out.push(file.finish(children.len())?);
    }
    Ok(out)
}
