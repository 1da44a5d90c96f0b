//! Applying an allocations file (DESIGN §8): it holds the full allocation history of the
//! children it lists and replaces theirs; other children's allocations are untouched.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::AnyConnection;
use time::Date;
use vschool_domain::{Allocation, LaChildId};
use vschool_import::AllocationsBatch;

use crate::children::{insert_allocations, load_allocations};
use crate::error::{Context, Result};

/// An allocation without its child, comparable and sortable.
type Row = (Date, Option<Date>, String, String, String);

fn row(a: &Allocation) -> Row {
    (
        a.span.start,
        a.span.end,
        a.worker_email.clone(),
        a.worker_name.clone(),
        a.team.clone(),
    )
}

/// How many rows of `a` are not in `b`, counting repeats (multiset difference).
fn missing_from(a: &[Row], b: &[Row]) -> u64 {
    let mut counts: BTreeMap<&Row, i64> = BTreeMap::new();
    for r in b {
        *counts.entry(r).or_default() += 1;
    }
    let mut n = 0;
    for r in a {
        let c = counts.entry(r).or_default();
        if *c > 0 {
            *c -= 1;
        } else {
            n += 1;
        }
    }
    n
}

/// Replaces the allocations of every child the file lists whose history differs from the
/// file's. Returns the rows added plus the rows removed.
pub(crate) async fn apply(conn: &mut AnyConnection, batch: &AllocationsBatch) -> Result<u64> {
    let mut held: BTreeMap<LaChildId, Vec<Row>> = BTreeMap::new();
    for a in load_allocations(conn).await? {
        if batch.children.contains(&a.la_child_id) {
            held.entry(a.la_child_id.clone()).or_default().push(row(&a));
        }
    }
    let mut given: BTreeMap<&LaChildId, Vec<Row>> = BTreeMap::new();
    for a in &batch.allocations {
        given.entry(&a.la_child_id).or_default().push(row(a));
    }
    let mut replace: BTreeSet<&LaChildId> = BTreeSet::new();
    let mut changed = 0u64;
    for child in &batch.children {
        let old = held.get(child).map(Vec::as_slice).unwrap_or(&[]);
        let new = given.get(child).map(Vec::as_slice).unwrap_or(&[]);
        let n = missing_from(old, new) + missing_from(new, old);
        if n > 0 {
            changed += n;
            replace.insert(child);
        }
    }
    // Only children with allocations held need a DELETE (a first import has none).
    for child in replace.iter().filter(|c| held.contains_key(**c)) {
        sqlx::query("DELETE FROM allocations WHERE la_child_id = $1")
            .bind(child.as_str())
            .execute(&mut *conn)
            .await
            .ctx("replacing a child's allocations")?;
    }
    let inserts: Vec<Allocation> = batch
        .allocations
        .iter()
        .filter(|a| replace.contains(&a.la_child_id))
        .cloned()
        .collect();
    insert_allocations(conn, &inserts).await?;
    Ok(changed)
}
