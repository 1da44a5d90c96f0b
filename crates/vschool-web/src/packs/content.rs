//! What a school's pack for a half term holds, and building (or reusing) it: the list of
//! pupils looked after or on a CP or CIN plan with their allocated workers, what changed
//! since the school's previous pack, and the school's tracker, all as at the half term's
//! last day whenever the run happens (DESIGN §8 "Packs").

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use vschool_analytics::pack::{self, Change, ChangeCounts, PackPupil};
use vschool_analytics::tracker::{self, Targets, Tracker};
use vschool_analytics::LaSnapshot;
use vschool_domain::Urn;
use vschool_store::{NewPack, Store, StoredPack};

use super::calendar::ResolvedHalfTerm;
use super::PackError;

/// A pack's content, stored as JSON in `packs.content`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackContent {
    pub school_name: String,
    /// `2024/25-3`.
    pub half_term: String,
    pub half_term_start: Date,
    /// The half term's last day: every figure is as at this date.
    pub as_at: Date,
    pub default_dates: bool,
    pub list: Vec<PackPupil>,
    /// The half term of the pack compared with (`None` for a school's first pack).
    pub compared_with: Option<String>,
    pub changes: Vec<Change>,
    pub tracker: Tracker,
}

impl PackContent {
    pub fn counts(&self) -> ChangeCounts {
        ChangeCounts::of(&self.changes)
    }

    pub fn from_stored(p: &StoredPack) -> Result<PackContent, PackError> {
        serde_json::from_str(&p.content).map_err(|e| PackError::Content(e.to_string()))
    }
}

/// Works out a school's pack for a half term; `None` when the URN is not in the settings
/// register. `previous` is the school's previous pack, if any.
pub fn compute(
    snapshot: &LaSnapshot,
    targets: &dyn Targets,
    urn: Urn,
    half: &ResolvedHalfTerm,
    previous: Option<&PackContent>,
) -> Option<PackContent> {
    let at = half.half.end;
    let tracker = tracker::build(snapshot, urn, at, targets)?;
    let list = pack::list(&tracker);
    let changes = pack::changes(previous.map(|p| p.list.as_slice()), &list, |upn| {
        snapshot.on_roll(upn, urn, at).is_some()
    });
    Some(PackContent {
        school_name: tracker.school_name.clone(),
        half_term: half.name(),
        half_term_start: half.half.start,
        as_at: at,
        default_dates: half.default_dates,
        compared_with: previous.map(|p| p.half_term.clone()),
        list,
        changes,
        tracker,
    })
}

/// The school's pack for the half term as stored: the latest version if the data give the
/// same pack today, else a new version. `None` when the URN is not in the register.
pub async fn build_or_reuse(
    store: &Store,
    snapshot: &LaSnapshot,
    targets: &(dyn Targets + Sync),
    urn: Urn,
    half: &ResolvedHalfTerm,
    now: OffsetDateTime,
) -> Result<Option<(StoredPack, PackContent)>, PackError> {
    let previous = match store.pack_before(urn, half.half.end).await? {
        Some(p) => Some(PackContent::from_stored(&p)?),
        None => None,
    };
    let Some(content) = compute(snapshot, targets, urn, half, previous.as_ref()) else {
        return Ok(None);
    };
    if let Some(latest) = store.pack_latest(urn, &half.name()).await? {
        if PackContent::from_stored(&latest).ok().as_ref() == Some(&content) {
            return Ok(Some((latest, content)));
        }
    }
    let json = serde_json::to_string(&content).map_err(|e| PackError::Content(e.to_string()))?;
    let stored = store
        .pack_insert(&NewPack {
            urn,
            half_term: half.name(),
            as_at: half.half.end,
            default_dates: half.default_dates,
            built_at: now,
            pupils: i64::try_from(content.list.len()).unwrap_or(i64::MAX),
            content: json,
        })
        .await?;
    Ok(Some((stored, content)))
}
