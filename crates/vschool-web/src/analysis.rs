//! Figures that are costly to compute and cheap to keep: the LA overview and the statistics
//! documents, computed once per snapshot of the data and per request shape, then shared by
//! every request until an import changes the data (DESIGN §7: pages answer in tens of
//! milliseconds under dozens of concurrent users).
//!
//! Each entry is a once-cell: the first request computes it on the blocking pool while
//! concurrent requests for the same entry wait for that one result instead of repeating it.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;
use vschool_analytics::overview::{Overview, OverviewRequest};
use vschool_analytics::published::StatsReport;
use vschool_analytics::snapshot::LaSnapshot;
use vschool_analytics::stats::{Base, Breakdown};
use vschool_analytics::tracker::summary::Comparisons;
use vschool_domain::periods::{PeriodFigures, ReportPeriod};
use vschool_domain::{Upn, Urn};

use crate::error::AppError;
use crate::state::AppState;

/// A statistics document's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatsKey {
    pub at: time::Date,
    pub period: ReportPeriod,
    pub by: Breakdown,
    pub base: Base,
    pub suppressed: bool,
}

/// Entries kept per kind before the oldest are dropped (filters make many shapes; each is
/// small, but a crawler should not grow memory without bound).
const MAX_ENTRIES: usize = 64;

type Slot<T> = Arc<OnceCell<Arc<T>>>;

#[derive(Default)]
struct Entries {
    /// The snapshot the entries were computed from: a new one empties the cache.
    snapshot: Option<Arc<LaSnapshot>>,
    overviews: HashMap<OverviewRequest, Slot<Overview>>,
    stats: HashMap<StatsKey, Slot<String>>,
    cohorts: HashMap<time::Date, Slot<vschool_domain::CohortCounts>>,
    /// The tracker workbooks' summary figures (a pass over every unit of the LA) by date.
    comparisons: HashMap<time::Date, Slot<Comparisons>>,
    /// Pupils' period figures at a school on a date (the school pages), by URN and date.
    school_figures: HashMap<(Urn, time::Date), Arc<HashMap<Upn, PeriodFigures>>>,
}

/// The cache `AppState` holds.
#[derive(Default)]
pub struct Cache {
    entries: Mutex<Entries>,
}

fn slot<K: Eq + Hash + Clone, T>(map: &mut HashMap<K, Slot<T>>, key: &K) -> Slot<T> {
    if map.len() >= MAX_ENTRIES && !map.contains_key(key) {
        map.clear();
    }
    map.entry(key.clone()).or_default().clone()
}

impl Cache {
    /// The slot for a key, after emptying the cache if the snapshot changed.
    fn with<R>(&self, snapshot: &Arc<LaSnapshot>, f: impl FnOnce(&mut Entries) -> R) -> R {
        // A poisoned lock only means another request panicked while holding it; the map is
        // still a valid cache.
        let mut e = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let same = e
            .snapshot
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(s, snapshot));
        if !same {
            *e = Entries {
                snapshot: Some(snapshot.clone()),
                ..Entries::default()
            };
        }
        f(&mut e)
    }
}

impl Cache {
    /// Each pupil's figures at `urn` on `at` for the four periods, in `pupils`' order:
    /// kept until the snapshot changes, so a school page under load only renders (the
    /// figures scan every mark of the year). `figures_of(i)` computes `pupils[i]` if not kept;
    /// pupils differ by reader (a DSL sees fewer than the VSH), so the kept set grows.
    pub fn school_figures(
        &self,
        snapshot: &Arc<LaSnapshot>,
        urn: Urn,
        at: time::Date,
        pupils: &[Upn],
        figures_of: impl Fn(usize) -> PeriodFigures,
    ) -> Vec<PeriodFigures> {
        let kept = self.with(snapshot, |e| e.school_figures.get(&(urn, at)).cloned());
        let mut added: Vec<(Upn, PeriodFigures)> = Vec::new();
        let out = pupils
            .iter()
            .enumerate()
            .map(|(i, upn)| match kept.as_ref().and_then(|k| k.get(upn)) {
                Some(f) => *f,
                None => {
                    let f = figures_of(i);
                    added.push((*upn, f));
                    f
                }
            })
            .collect();
        if !added.is_empty() {
            let mut all: HashMap<Upn, PeriodFigures> =
                kept.map(|k| (*k).clone()).unwrap_or_default();
            all.extend(added);
            self.with(snapshot, |e| {
                if e.school_figures.len() >= MAX_ENTRIES * 16 {
                    e.school_figures.clear();
                }
                e.school_figures.insert((urn, at), Arc::new(all));
            });
        }
        out
    }
}

async fn compute<T: Send + Sync + 'static>(
    cell: Slot<T>,
    snapshot: Arc<LaSnapshot>,
    f: impl FnOnce(&LaSnapshot) -> T + Send + 'static,
) -> Result<Arc<T>, AppError> {
    cell.get_or_try_init(|| async move {
        tokio::task::spawn_blocking(move || Arc::new(f(&snapshot)))
            .await
            .map_err(|_| AppError::internal("a figures computation failed"))
    })
    .await
    .cloned()
}

/// The overview for a request, from the cache or computed now.
pub async fn overview(state: &AppState, req: OverviewRequest) -> Result<Arc<Overview>, AppError> {
    let snapshot = state.snapshot().await?;
    let cell = state
        .analysis()
        .with(&snapshot, |e| slot(&mut e.overviews, &req));
    compute(cell, snapshot, move |s| {
        vschool_analytics::overview::build(s, &req)
    })
    .await
}

/// The statistics document as JSON text (`vschool stats --format json` without the final
/// newline), from the cache or computed now.
pub async fn stats_json(state: &AppState, key: StatsKey) -> Result<Arc<String>, AppError> {
    let snapshot = state.snapshot().await?;
    let cell = state
        .analysis()
        .with(&snapshot, |e| slot(&mut e.stats, &key));
    compute(cell, snapshot, move |s| {
        let report: StatsReport = vschool_analytics::published::report(
            s,
            key.at,
            key.period,
            key.by,
            key.base,
            key.suppressed,
        );
        serde_json::to_string(&report).unwrap_or_default()
    })
    .await
}

/// The headline cohort counts on a date (`Store::cohort_counts`' rule over the snapshot's
/// children), from the cache or computed now.
pub async fn cohort(
    state: &AppState,
    at: time::Date,
) -> Result<Arc<vschool_domain::CohortCounts>, AppError> {
    let snapshot = state.snapshot().await?;
    let cell = state
        .analysis()
        .with(&snapshot, |e| slot(&mut e.cohorts, &at));
    compute(cell, snapshot, move |s| {
        vschool_domain::count_cohort(&s.data.children, at)
    })
    .await
}

/// The summary figures of tracker workbooks as at `at`, from the cache or computed now:
/// every school's download on a date shares them.
pub async fn comparisons(state: &AppState, at: time::Date) -> Result<Arc<Comparisons>, AppError> {
    let snapshot = state.snapshot().await?;
    let cell = state
        .analysis()
        .with(&snapshot, |e| slot(&mut e.comparisons, &at));
    let la_name = state.la_name().to_owned();
    compute(cell, snapshot, move |s| Comparisons::new(s, at, la_name)).await
}

/// Computes the overview most people open first (today, default filters), so the first
/// visitor after a start does not wait for it. Errors are only logged: the page computes it
/// again on demand.
pub async fn warm(state: AppState) {
    let today = state.clock().today();
    let req =
        crate::routes::overview::filters::Filters::read(&Default::default(), today).request(today);
    if let Err(e) = overview(&state, req).await {
        tracing::warn!(error = ?e, "warming the LA overview failed");
    }
}
