//! The SSDA903 children-looked-after return as CSV: `header.csv` (one row per child ever
//! looked after) and `episodes.csv` (every episode), dates dd/mm/yyyy, in the columns of the
//! public validator's fake data. Sex is `M`/`F` from the 2024/25 return (collection year 2025)
//! and `1`/`2` before. The episodes' RNE, category of need, placement provider, postcodes and
//! Ofsted URN (of the placement, not a school) are derived from the episodes themselves.

use std::path::Path;

use time::Date;
use vschool_domain::{Child, Dataset, Sex};

use super::{uk, FileSummary, Out, WriteError};
use crate::context::collection_year_of;
use crate::rng::{between, chance, hash_str, pick, stream, weighted, Domain};
use crate::settings::POSTCODE_AREA;

fn need(child: &Child) -> &'static str {
    if child
        .history
        .episodes
        .iter()
        .any(|e| !e.counts_as_looked_after())
    {
        return "N2";
    }
    let mut rng = stream(hash_str(child.la_child_id.as_str()), Domain::Files, 20_000);
    weighted(
        &mut rng,
        &[
            ("N1", 0.65),
            ("N2", 0.02),
            ("N3", 0.02),
            ("N4", 0.07),
            ("N5", 0.13),
            ("N6", 0.01),
            ("N8", 0.10),
        ],
    )
}

fn postcode(seed: u64, area: &str, max_district: i64) -> String {
    let mut rng = stream(seed, Domain::Files, 30_000);
    const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let a = *pick(&mut rng, INWARD) as char;
    let b = *pick(&mut rng, INWARD) as char;
    format!(
        "{area}{} {}{a}{b}",
        between(&mut rng, 1, max_district),
        between(&mut rng, 1, 9)
    )
}

pub(crate) fn write(
    ds: &Dataset,
    dir: &Path,
    extract: Date,
) -> Result<Vec<FileSummary>, WriteError> {
    let new_sex = collection_year_of(extract) >= 2025;
    let in_care: Vec<&Child> = ds
        .children
        .iter()
        .filter(|c| !c.history.episodes.is_empty())
        .collect();

    let mut header = Out::create(dir, "header.csv")?;
    header.write_all(b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n")?;
    for c in &in_care {
        let sex = match (c.sex, new_sex) {
            (Some(Sex::Male), true) => "M",
            (Some(Sex::Female), true) => "F",
            (_, true) => "U",
            (Some(Sex::Female), false) => "2",
            (_, false) => "1",
        };
        let upn = match (c.upn, c.upn_unknown) {
            (Some(u), _) => u.to_string(),
            (None, Some(u)) => u.code(),
            (None, None) => "UN5".to_owned(),
        };
        let line = format!(
            "{},{},{},{},{},,\n",
            c.la_child_id,
            sex,
            c.birth_date.map(uk).unwrap_or_default(),
            c.ethnicity.as_deref().unwrap_or("NOBT"),
            upn
        );
        header.write_all(line.as_bytes())?;
    }
    let header = header.finish(in_care.len())?;

    let mut episodes = Out::create(dir, "episodes.csv")?;
    episodes.write_all(
        b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n",
    )?;
    let mut rows = 0;
    for c in &in_care {
        let seed = hash_str(c.la_child_id.as_str());
        let need = need(c);
        let home = postcode(seed, POSTCODE_AREA, 6);
        let eps = &c.history.episodes;
        for (i, e) in eps.iter().enumerate() {
            let mut rng = stream(seed, Domain::Files, 40_000 + i as u64);
            let previous = i
                .checked_sub(1)
                .map(|j| &eps[j])
                .filter(|p| p.span.end == Some(e.span.start));
            let rne = match previous {
                None => "S",
                Some(p) if p.legal_status != e.legal_status && p.placement != e.placement => "T",
                Some(p) if p.legal_status != e.legal_status => "L",
                Some(_) => "P",
            };
            let next = eps.get(i + 1).filter(|n| Some(n.span.start) == e.span.end);
            let reason_change = match next {
                Some(n) if n.placement != e.placement => weighted(
                    &mut rng,
                    &[
                        ("CARPL", 0.35),
                        ("CHILD", 0.12),
                        ("LAREQ", 0.15),
                        ("CREQB", 0.1),
                        ("CREQO", 0.08),
                        ("PLACE", 0.1),
                        ("APPRR", 0.04),
                        ("ALLEG", 0.02),
                        ("CLOSE", 0.02),
                        ("OTHER", 0.02),
                    ],
                ),
                _ => "",
            };
            let place = e.placement.as_str();
            let provider = match place {
                "P1" => "PR0",
                p if p.starts_with('A') => "PR1",
                "K1" => "PR2",
                "Z1" => "PR5",
                p if p.starts_with('U') => {
                    if chance(&mut rng, 0.55) {
                        "PR1"
                    } else {
                        "PR4"
                    }
                }
                _ => {
                    if chance(&mut rng, 0.3) {
                        "PR1"
                    } else {
                        "PR4"
                    }
                }
            };
            let urn = match place {
                "P1" | "Z1" => "XXXXXXX".to_owned(),
                p if p.starts_with('A') => "XXXXXXX".to_owned(),
                _ => format!("SC{:06}", between(&mut rng, 30_000, 999_999)),
            };
            let placement_postcode = if provider == "PR0" {
                home.clone()
            } else if chance(&mut rng, 0.7) {
                postcode(seed ^ (i as u64 + 1), POSTCODE_AREA, 6)
            } else {
                postcode(seed ^ (i as u64 + 1), "SX", 9)
            };
            let line = format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                c.la_child_id,
                uk(e.span.start),
                rne,
                e.legal_status,
                need,
                place,
                provider,
                e.span.end.map(uk).unwrap_or_default(),
                e.reason_ceased.as_deref().unwrap_or(""),
                reason_change,
                home,
                placement_postcode,
                urn
            );
            episodes.write_all(line.as_bytes())?;
            rows += 1;
        }
    }
    let episodes = episodes.finish(rows)?;
    Ok(vec![header, episodes])
}
