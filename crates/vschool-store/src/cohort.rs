//! Cohort figures. The rules are the domain's: storage loads the children and their
//! histories and hands them to `CohortCounts::add` and `in_age_range`.

use time::Date;
use vschool_domain::social_care::in_age_range;
use vschool_domain::CohortCounts;

use crate::db::Store;
use crate::error::Result;

impl Store {
    /// Headline counts on a date (DESIGN §4): CLA, CP and CIN with each child counted once
    /// (CLA > CP > CIN), and Ever6 including current children; only children born and
    /// under 18 on the date count.
    pub async fn cohort_counts(&self, date: Date) -> Result<CohortCounts> {
        let children = self.children().await?;
        let mut counts = CohortCounts::default();
        for child in children.iter().filter(|c| in_age_range(c.birth_date, date)) {
            counts.add(&child.history, date);
        }
        Ok(counts)
    }
}
