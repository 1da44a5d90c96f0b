//! The generated absence, exclusion and attainment figures sit near the published ones.
//!
//! The small LA has only a few hundred pupils in each group, so the figures are pooled over
//! three seeds (about a thousand pupils a group; a persistent-absence rate then has a standard
//! error of about 1.5 points) and compared within a few points. The large LA's figures, ten
//! times the pupils, are in docs/synthetic-la.md.

use std::sync::OnceLock;

use vschool_domain::Dataset;
use vschool_domain::{AcademicYear, Percent};
use vschool_synth::calibration::{
    attainment_figures, group_figures, AttainmentFigures, GroupFigures, PUBLISHED,
};
use vschool_synth::groups::Group;
use vschool_synth::{generate, Size};

use crate::common::{small, TODAY};

/// The small LA for seeds 1 to 3.
fn datasets() -> &'static Vec<Dataset> {
    static SETS: OnceLock<Vec<Dataset>> = OnceLock::new();
    SETS.get_or_init(|| {
        let mut v = vec![small().clone()];
        for seed in [2, 3] {
            v.push(generate(Size::Small, seed, TODAY));
        }
        v
    })
}

fn pooled() -> &'static Vec<GroupFigures> {
    static POOLED: OnceLock<Vec<GroupFigures>> = OnceLock::new();
    POOLED.get_or_init(|| {
        let year = AcademicYear::containing(TODAY).previous();
        let mut all: Vec<GroupFigures> = Vec::new();
        for ds in datasets() {
            for g in group_figures(ds, year, TODAY) {
                match all.iter_mut().find(|x| x.group == g.group) {
                    Some(x) => {
                        x.pupils += g.pupils;
                        x.sessions.add(&g.sessions);
                        x.persistent += g.persistent;
                        x.severe += g.severe;
                        x.suspended += g.suspended;
                        x.permanently_excluded += g.permanently_excluded;
                    }
                    None => all.push(g),
                }
            }
        }
        all
    })
}

fn pooled_attainment(group: Group) -> AttainmentFigures {
    let mut sum = AttainmentFigures::default();
    for ds in datasets() {
        for (g, a) in attainment_figures(ds, TODAY) {
            if g == group {
                sum.eyfs.0 += a.eyfs.0;
                sum.eyfs.1 += a.eyfs.1;
                sum.ks2.0 += a.ks2.0;
                sum.ks2.1 += a.ks2.1;
                sum.ks4_em5.0 += a.ks4_em5.0;
                sum.ks4_em5.1 += a.ks4_em5.1;
                sum.att8.0 += a.att8.0;
                sum.att8.1 += a.att8.1;
            }
        }
    }
    sum
}

fn points(p: Option<Percent>) -> f64 {
    p.map_or(f64::NAN, |p| p.as_f64())
}

#[test]
fn persistent_absence_by_group_is_near_the_published_rates() {
    for published in &PUBLISHED {
        let g = pooled()
            .iter()
            .find(|g| g.group == published.group)
            .expect("every published group is present");
        assert!(g.pupils > 500, "{:?}: only {} pupils", g.group, g.pupils);
        let ours = points(g.persistent_pct());
        let theirs = f64::from(published.absence[3]) / 10.0;
        assert!(
            (ours - theirs).abs() <= 4.0,
            "{:?}: persistent absence {ours}% against the published {theirs}%",
            g.group
        );
    }
}

#[test]
fn overall_absence_by_group_is_near_the_published_rates() {
    for published in &PUBLISHED {
        let g = pooled()
            .iter()
            .find(|g| g.group == published.group)
            .expect("every published group is present");
        for (what, ours, theirs) in [
            ("overall", g.sessions.absence_pct(), published.absence[0]),
            (
                "authorised",
                g.sessions.authorised_pct(),
                published.absence[1],
            ),
            (
                "unauthorised",
                g.sessions.unauthorised_pct(),
                published.absence[2],
            ),
        ] {
            let ours = points(ours);
            let theirs = f64::from(theirs) / 10.0;
            assert!(
                (ours - theirs).abs() <= 2.5,
                "{:?}: {what} absence {ours}% against the published {theirs}%",
                g.group
            );
        }
    }
}

#[test]
fn persistent_absence_is_heavy_tailed() {
    // In every group far more pupils are persistently absent than the average absence rate
    // alone would suggest, and some are severely absent.
    for g in pooled()
        .iter()
        .filter(|g| g.group == Group::Cin || g.group == Group::Cp)
    {
        let pa = points(g.persistent_pct());
        let overall = points(g.sessions.absence_pct());
        assert!(
            pa > 2.0 * overall,
            "{:?}: PA {pa}% vs absence {overall}%",
            g.group
        );
        assert!(g.severe > 0);
    }
}

#[test]
fn suspension_rates_by_group_are_near_the_published_rates() {
    for published in &PUBLISHED {
        let g = pooled()
            .iter()
            .find(|g| g.group == published.group)
            .expect("every published group is present");
        let ours = points(g.suspended_pct());
        let theirs = f64::from(published.exclusions[1]) / 100.0;
        assert!(
            (ours - theirs).abs() <= 3.5,
            "{:?}: one or more suspensions {ours}% against the published {theirs}%",
            g.group
        );
    }
}

#[test]
fn attainment_is_near_the_published_rates() {
    let rate = |(n, m): (u32, u32)| f64::from(m) * 100.0 / f64::from(n.max(1));
    for published in &PUBLISHED {
        let a = pooled_attainment(published.group);
        assert!(
            a.ks2.0 > 100 && a.att8.0 > 100,
            "{:?}: too few results",
            published.group
        );
        // A few hundred results a group: a standard error of two or three points.
        let ks2 = rate(a.ks2);
        assert!(
            (ks2 - f64::from(published.ks2)).abs() <= 7.0,
            "{:?}: KS2 {ks2}%",
            published.group
        );
        if let Some(theirs) = published.ks4_em5 {
            let ks4 = rate(a.ks4_em5);
            let theirs = f64::from(theirs) / 10.0;
            assert!(
                (ks4 - theirs).abs() <= 5.0,
                "{:?}: KS4 grade 5+ {ks4}%",
                published.group
            );
        }
        let att8 = a.att8.1 as f64 / 10.0 / f64::from(a.att8.0.max(1));
        let theirs = f64::from(published.att8) / 10.0;
        assert!(
            (att8 - theirs).abs() <= 3.0,
            "{:?}: Attainment 8 {att8} against {theirs}",
            published.group
        );
    }
}
