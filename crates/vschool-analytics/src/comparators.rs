//! Published DfE figures the cohort is compared with, under the DfE's own names and
//! definitions (DESIGN §8: never "the same group").
//!
//! The shipped source is the DfE's "Outcomes for children in need, including children
//! looked after by local authorities in England", LA absence (six half terms), in
//! `data/dfe/absence_six_half_terms_la.csv` (Open Government Licence v3.0).
//! `vschool import dfe-stats FILE` loads newer releases in the same layout.

use serde::Serialize;

use vschool_domain::Percent;

/// The shipped release.
pub const SHIPPED_ABSENCE_CSV: &str =
    include_str!("../../../data/dfe/absence_six_half_terms_la.csv");

/// One published row of the absence table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AbsenceRow {
    /// `202122`.
    pub time_period: String,
    pub geographic_level: String,
    pub la_name: String,
    pub old_la_code: String,
    /// `CINO at 31 March`, `CPPO at 31 March`, `CLA 12 months at 31 March`.
    pub social_care_group: String,
    pub school_type: String,
    pub pupils: Option<u64>,
    pub sess_possible: Option<u64>,
    pub sess_overall: Option<u64>,
    pub sess_authorised: Option<u64>,
    pub sess_unauthorised: Option<u64>,
    pub pupils_pa_10: Option<u64>,
    /// The published percentages, as text (`16.4`, or `c`, `x`, `z`).
    pub pt_overall: String,
    pub pt_authorised: String,
    pub pt_unauthorised: String,
    pub pt_pa_10: String,
}

impl AbsenceRow {
    /// The DfE's name for the group, with its definition and year, for a comparator label.
    pub fn description(&self) -> String {
        let group = match self.social_care_group.as_str() {
            "CINO at 31 March" => "Children in need excluding CP and CLA at 31 March",
            "CPPO at 31 March" => "Children on a child protection plan excluding CLA at 31 March",
            "CLA 12 months at 31 March" => {
                "Children looked after continuously for 12 months at 31 March"
            }
            other => other,
        };
        let place = if self.geographic_level == "National" {
            "England"
        } else {
            &self.la_name
        };
        format!(
            "{group}, {place}, {}, six half terms",
            academic_year_label(&self.time_period)
        )
    }

    /// Overall absence recomputed from the counts with our own rounding.
    pub fn overall_absence_pct(&self) -> Option<Percent> {
        Percent::of(self.sess_overall?, self.sess_possible?)
    }
    pub fn authorised_pct(&self) -> Option<Percent> {
        Percent::of(self.sess_authorised?, self.sess_possible?)
    }
    pub fn unauthorised_pct(&self) -> Option<Percent> {
        Percent::of(self.sess_unauthorised?, self.sess_possible?)
    }
    pub fn persistent_absence_pct(&self) -> Option<Percent> {
        Percent::of(self.pupils_pa_10?, self.pupils?)
    }
}

/// `202122` → `2021/22`.
pub fn academic_year_label(period: &str) -> String {
    if period.len() == 6 {
        format!("{}/{}", &period[..4], &period[4..])
    } else {
        period.to_owned()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ComparatorError {
    #[error("the DfE absence file could not be read: {0}")]
    Csv(#[from] csv::Error),
    #[error("the DfE absence file has no column {0:?}; is it the 'LA - Absence (six half terms)' data set?")]
    MissingColumn(&'static str),
}

/// Reads the DfE's LA absence table (the layout of the shipped file).
pub fn read_absence_table(text: &str) -> Result<Vec<AbsenceRow>, ComparatorError> {
    let mut r =
        csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = r.headers()?.clone();
    let col = |name: &'static str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or(ComparatorError::MissingColumn(name))
    };
    let c = [
        col("time_period")?,
        col("geographic_level")?,
        col("la_name")?,
        col("old_la_code")?,
        col("social_care_group")?,
        col("school_type")?,
        col("t_pupils")?,
        col("t_sess_possible")?,
        col("t_sess_overall")?,
        col("t_sess_authorised")?,
        col("t_sess_unauthorised")?,
        col("t_pupils_pa_10_exact")?,
        col("pt_overall")?,
        col("pt_sess_authorised")?,
        col("pt_sess_unauthorised")?,
        col("pt_pupils_pa_10_exact")?,
    ];
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let s = |i: usize| rec.get(c[i]).unwrap_or("").trim().to_owned();
        let n = |i: usize| rec.get(c[i]).and_then(|v| v.trim().parse::<u64>().ok());
        out.push(AbsenceRow {
            time_period: s(0),
            geographic_level: s(1),
            la_name: s(2),
            old_la_code: s(3),
            social_care_group: s(4),
            school_type: s(5),
            pupils: n(6),
            sess_possible: n(7),
            sess_overall: n(8),
            sess_authorised: n(9),
            sess_unauthorised: n(10),
            pupils_pa_10: n(11),
            pt_overall: s(12),
            pt_authorised: s(13),
            pt_unauthorised: s(14),
            pt_pa_10: s(15),
        });
    }
    Ok(out)
}

/// The national comparators of the latest year in a table, school type Total.
pub fn latest_national(rows: &[AbsenceRow]) -> Vec<AbsenceRow> {
    let latest = rows
        .iter()
        .filter(|r| r.geographic_level == "National")
        .map(|r| r.time_period.clone())
        .max()
        .unwrap_or_default();
    rows.iter()
        .filter(|r| {
            r.geographic_level == "National" && r.time_period == latest && r.school_type == "Total"
        })
        .cloned()
        .collect()
}

/// The comparators shipped with the system.
pub fn shipped_national() -> Vec<AbsenceRow> {
    read_absence_table(SHIPPED_ABSENCE_CSV)
        .map(|rows| latest_national(&rows))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DESIGN §4 and the cohort-analysis issue: every local-authority row of the DfE's
    /// published table, fed through our rate, persistent-absence and rounding code,
    /// reproduces every published percentage exactly.
    #[test]
    fn reproduces_every_published_local_authority_percentage() {
        let rows = read_absence_table(SHIPPED_ABSENCE_CSV).expect("shipped file reads");
        let la: Vec<&AbsenceRow> = rows
            .iter()
            .filter(|r| r.geographic_level == "Local authority")
            .collect();
        assert_eq!(la.len(), 13_650);
        // Rates checked per measure: overall, authorised, unauthorised, persistent absence.
        let mut checked = [0usize; 4];
        for r in la {
            let pairs = [
                (r.overall_absence_pct(), &r.pt_overall),
                (r.authorised_pct(), &r.pt_authorised),
                (r.unauthorised_pct(), &r.pt_unauthorised),
                (r.persistent_absence_pct(), &r.pt_pa_10),
            ];
            for (i, (ours, published)) in pairs.into_iter().enumerate() {
                // Suppressed (c), not available (x) or not applicable (z): nothing to compare.
                let Ok(p) = published.parse::<f64>() else {
                    continue;
                };
                // A few rows publish a rate while suppressing one of its counts.
                let Some(ours) = ours else { continue };
                assert_eq!(
                    ours.tenths(),
                    (p * 10.0).round() as u32,
                    "{} {} {} {}: ours {ours}, published {published}",
                    r.time_period,
                    r.la_name,
                    r.social_care_group,
                    r.school_type
                );
                checked[i] += 1;
            }
        }
        // Every published rate whose counts are published too: all of them match.
        assert_eq!(checked, [8725, 8652, 8643, 7192]);
    }

    #[test]
    fn national_comparators_are_named_as_the_dfe_names_them() {
        let n = shipped_national();
        assert_eq!(n.len(), 3);
        let cino = n
            .iter()
            .find(|r| r.social_care_group == "CINO at 31 March")
            .expect("CINO row");
        assert_eq!(
            cino.description(),
            "Children in need excluding CP and CLA at 31 March, England, 2021/22, six half terms"
        );
        assert_eq!(cino.pt_pa_10, "48.5");
        assert_eq!(academic_year_label("202122"), "2021/22");
    }

    #[test]
    fn a_file_with_the_wrong_columns_is_named() {
        let err = read_absence_table("a,b\n1,2\n").expect_err("wrong layout");
        assert!(err.to_string().contains("time_period"));
    }
}
