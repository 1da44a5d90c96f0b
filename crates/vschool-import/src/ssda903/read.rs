//! Reading the two tables the Virtual School uses into children: the header (identifiers)
//! and the episodes (looked-after spells), reporting what cannot be used.

use std::collections::{BTreeMap, HashMap};

use time::Date;
use vschool_domain::calendar::iso;
use vschool_domain::social_care::{SocialCareHistory, LEGAL_STATUSES, REASONS_CEASED};
use vschool_domain::{CareEpisode, Child, LaChildId, Sex, Span, UpnField};

use super::tables::Table;
use super::Ssda903Batch;
use crate::cin_census::ETHNICITIES;
use crate::problem::{Location, Problem};
use crate::values::parse_uk_date;

fn child_entry<'a>(children: &'a mut BTreeMap<LaChildId, Child>, id: &LaChildId) -> &'a mut Child {
    children.entry(id.clone()).or_insert_with(|| Child {
        la_child_id: id.clone(),
        upn: None,
        upn_unknown: None,
        former_upn: None,
        birth_date: None,
        sex: None,
        ethnicity: None,
        history: SocialCareHistory::default(),
    })
}

pub(super) fn read_header(
    t: &Table,
    children: &mut BTreeMap<LaChildId, Child>,
    batch: &mut Ssda903Batch,
    problems: &mut Vec<Problem>,
) {
    let (child_c, sex_c, dob_c, eth_c, upn_c) = (
        t.col("CHILD"),
        t.col("SEX"),
        t.col("DOB"),
        t.col("ETHNIC"),
        t.col("UPN"),
    );
    let mut first_line: HashMap<LaChildId, u64> = HashMap::new();
    for r in &t.rows {
        let at = Location::Line(r.line);
        let raw_id = r.get(child_c).unwrap_or("");
        let id = match LaChildId::parse(raw_id) {
            Ok(id) => id,
            Err(e) => {
                problems.push(
                    Problem::error(&t.file, at, format!("the child cannot be identified: {e}"))
                        .field("CHILD")
                        .value(raw_id),
                );
                continue;
            }
        };
        let warn = |field: &str, value: &str, reason: &str| {
            Problem::warning(&t.file, Location::Line(r.line), reason)
                .field(field)
                .value(value)
                .child(raw_id)
        };
        let sex_raw = r.get(sex_c).unwrap_or("");
        let sex = Sex::parse(sex_raw).filter(|_| !sex_raw.is_empty());
        if sex.is_none() {
            problems.push(warn(
                "SEX",
                sex_raw,
                "not a sex code (1, 2, or M, F, U from 2024/25): the child loads with sex unknown",
            ));
        }
        let birth_date = match r.get(dob_c) {
            None => None,
            Some(v) => match parse_uk_date(v) {
                Ok(d) => Some(d),
                Err(reason) => {
                    problems.push(
                        Problem::error(&t.file, at.clone(), reason)
                            .field("DOB")
                            .value(v)
                            .child(raw_id),
                    );
                    continue;
                }
            },
        };
        let eth_raw = r.get(eth_c).unwrap_or("");
        let ethnicity = ETHNICITIES
            .contains(&eth_raw.to_ascii_uppercase().as_str())
            .then(|| eth_raw.to_ascii_uppercase());
        if ethnicity.is_none() {
            problems.push(warn(
                "ETHNIC",
                eth_raw,
                "not a DfE ethnicity code: the child loads with ethnicity unknown",
            ));
        }
        let (mut upn, mut upn_unknown) = (None, None);
        if let Some(u) = r.get(upn_c) {
            match UpnField::parse(u) {
                Ok(UpnField::Known(x)) => upn = Some(x),
                Ok(UpnField::Unknown(x)) => upn_unknown = Some(x),
                Err(e) => {
                    problems.push(warn("UPN", u, &format!("not a valid UPN ({e}): the child loads but cannot be linked to school records")));
                    batch.unusable_upns.insert(id.clone(), u.to_owned());
                }
            }
        }
        if let Some(first) = first_line.get(&id) {
            let held = child_entry(children, &id);
            if held.upn != upn || held.birth_date != birth_date || held.sex != sex {
                problems.push(Problem::error(
                    &t.file,
                    at,
                    format!("child {id} is also on line {first} of the header with a different UPN, date of birth or sex"),
                ).field("CHILD").value(raw_id));
            }
            continue;
        }
        first_line.insert(id.clone(), r.line);
        let c = child_entry(children, &id);
        c.upn = upn;
        c.upn_unknown = upn_unknown;
        c.birth_date = birth_date;
        c.sex = sex;
        c.ethnicity = ethnicity;
    }
}

/// Reads the episodes into the children; returns how many loaded.
pub(super) fn read_episodes(
    t: &Table,
    children: &mut BTreeMap<LaChildId, Child>,
    problems: &mut Vec<Problem>,
) -> usize {
    let mut loaded = 0;
    let mut keys: HashMap<(LaChildId, Date), (u64, CareEpisode)> = HashMap::new();
    let mut without_header: Vec<LaChildId> = Vec::new();
    let known_before: std::collections::HashSet<LaChildId> = children.keys().cloned().collect();
    let (child_c, decom_c, ls_c, place_c, dec_c, rec_c) = (
        t.col("CHILD"),
        t.col("DECOM"),
        t.col("LS"),
        t.col("PLACE"),
        t.col("DEC"),
        t.col("REC"),
    );
    for r in &t.rows {
        let raw_id = r.get(child_c).unwrap_or("");
        let err = |field: &str, value: &str, reason: String| {
            Problem::error(&t.file, Location::Line(r.line), reason)
                .field(field)
                .value(value)
                .child(raw_id)
        };
        let id = match LaChildId::parse(raw_id) {
            Ok(id) => Some(id),
            Err(e) => {
                problems.push(err(
                    "CHILD",
                    raw_id,
                    format!("the child cannot be identified: {e}"),
                ));
                None
            }
        };
        let decom = match r.get(decom_c) {
            None => {
                problems.push(err(
                    "DECOM",
                    "",
                    "an episode needs the date it began".into(),
                ));
                None
            }
            Some(v) => parse_uk_date(v)
                .map_err(|reason| problems.push(err("DECOM", v, reason)))
                .ok(),
        };
        let dec = match r.get(dec_c) {
            None => Ok(None),
            Some(v) => parse_uk_date(v)
                .map(Some)
                .map_err(|reason| problems.push(err("DEC", v, reason))),
        };
        let ls_raw = r.get(ls_c).unwrap_or("");
        let ls = ls_raw.to_ascii_uppercase();
        let ls_ok = LEGAL_STATUSES.contains(&ls.as_str());
        if !ls_ok {
            problems.push(err(
                "LS",
                ls_raw,
                if ls_raw.is_empty() {
                    "an episode needs its legal status".into()
                } else {
                    format!(
                        "not a 903 legal status code ({})",
                        LEGAL_STATUSES.join(", ")
                    )
                },
            ));
        }
        let rec = r.get(rec_c).map(str::to_ascii_uppercase);
        let rec_ok = rec.as_deref().is_none_or(|c| REASONS_CEASED.contains(&c));
        if !rec_ok {
            problems.push(err(
                "REC",
                r.get(rec_c).unwrap_or(""),
                "not a 903 reason-episode-ceased code (X1, E11, E12, E2 … E9)".into(),
            ));
        }
        let (Some(id), Some(decom), Ok(dec), true, true) = (id, decom, dec, ls_ok, rec_ok) else {
            continue;
        };
        if let Some(d) = dec {
            if d < decom {
                problems.push(err(
                    "DEC",
                    r.get(dec_c).unwrap_or(""),
                    format!("the episode ends before it begins ({})", iso(decom)),
                ));
                continue;
            }
        }
        let episode = CareEpisode {
            span: Span::new(decom, dec),
            legal_status: ls,
            placement: r.get(place_c).unwrap_or("").to_ascii_uppercase(),
            reason_ceased: rec,
        };
        match keys.get(&(id.clone(), decom)) {
            Some((first, held)) if *held == episode => {
                problems.push(
                    Problem::warning(
                        &t.file,
                        Location::Line(r.line),
                        format!("the same episode as line {first}, counted once"),
                    )
                    .field("DECOM")
                    .value(r.get(decom_c).unwrap_or(""))
                    .child(raw_id),
                );
            }
            Some((first, _)) => {
                problems.push(err(
                    "DECOM",
                    r.get(decom_c).unwrap_or(""),
                    format!("line {first} has another episode for this child starting the same day; an episode is identified by child and start date"),
                ));
            }
            None => {
                keys.insert((id.clone(), decom), (r.line, episode.clone()));
                if !known_before.contains(&id) && !without_header.contains(&id) {
                    without_header.push(id.clone());
                }
                child_entry(children, &id).history.episodes.push(episode);
                loaded += 1;
            }
        }
    }
    for c in children.values_mut() {
        c.history.episodes.sort_by_key(|e| e.span.start);
    }
    if !known_before.is_empty() {
        for id in without_header {
            problems.push(Problem::warning(
                &t.file,
                Location::File,
                format!("child {id} has episodes but no row in the header table: they load without UPN, date of birth or sex"),
            ).child(id.as_str()));
        }
    }
    loaded
}
