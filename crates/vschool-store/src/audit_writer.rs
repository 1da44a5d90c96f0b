//! One writer for the audit trail, committing the events of many requests together.
//!
//! Every page that lists children records one audit event per child (DESIGN §8), so under
//! load the trail is the busiest table. SQLite has one writer at a time, and a writer that
//! finds the database locked *sleeps* in its busy handler (1, 2, 5 … 100 ms), so fifty
//! requests each committing their own events spent most of their time asleep (a school page
//! took 870 ms at p99). Here the events go to one task that takes whatever has queued while
//! it was writing and commits it in one transaction ("group commit"): no lock contention,
//! one commit for many requests, and no added delay when the service is quiet.
//!
//! A caller still waits until its events are committed, so nothing is shown before it is
//! audited. If the task cannot be reached (its runtime has ended, say in a test that moved
//! the store to another runtime) the caller writes the events itself.

use std::sync::{Arc, OnceLock};

use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use crate::audit::{append, AuditEvent};
use crate::db::Backend;
use crate::error::{Context, Result, StoreError};

/// The most events committed in one transaction; more wait for the next.
const MAX_EVENTS_PER_COMMIT: usize = 20_000;

/// Requests that may queue before callers wait to enqueue (back-pressure).
const QUEUE: usize = 4_096;

/// A handle on the writer task, started on first use. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuditWriter {
    sender: Arc<OnceLock<mpsc::Sender<Request>>>,
}

#[derive(Debug)]
struct Request {
    events: Vec<AuditEvent>,
    done: oneshot::Sender<std::result::Result<u64, String>>,
}

impl AuditWriter {
    /// Appends `events` and returns once they are committed.
    pub(crate) async fn append(
        &self,
        pool: &AnyPool,
        backend: Backend,
        events: Vec<AuditEvent>,
    ) -> Result<u64> {
        let sender = self
            .sender
            .get_or_init(|| start(pool.clone(), backend))
            .clone();
        let (done, outcome) = oneshot::channel();
        let events = match sender.send(Request { events, done }).await {
            Ok(()) => match outcome.await {
                Ok(Ok(n)) => return Ok(n),
                Ok(Err(reason)) => return Err(StoreError::AuditNotRecorded { reason }),
                // The task stopped with our request unanswered: whether it committed is
                // unknown, and writing again could record the events twice. Say so.
                Err(_) => {
                    return Err(StoreError::AuditNotRecorded {
                        reason: "the audit writer stopped".into(),
                    })
                }
            },
            // Never reached the task: write them here.
            Err(mpsc::error::SendError(request)) => request.events,
        };
        write(pool, backend, &events).await
    }
}

fn start(pool: AnyPool, backend: Backend) -> mpsc::Sender<Request> {
    let (sender, receiver) = mpsc::channel(QUEUE);
    tokio::spawn(run(pool, backend, receiver));
    sender
}

/// The task: waits for a request, takes every other request already queued, commits them
/// together and answers each.
async fn run(pool: AnyPool, backend: Backend, mut receiver: mpsc::Receiver<Request>) {
    while let Some(first) = receiver.recv().await {
        // Each caller with how many of the events are theirs.
        let mut waiting = vec![(first.done, first.events.len() as u64)];
        let mut events = first.events;
        while events.len() < MAX_EVENTS_PER_COMMIT {
            match receiver.try_recv() {
                Ok(next) => {
                    waiting.push((next.done, next.events.len() as u64));
                    events.extend(next.events);
                }
                Err(_) => break,
            }
        }
        let outcome = write(&pool, backend, &events)
            .await
            .map_err(|e| e.to_string());
        for (done, theirs) in waiting {
            // A caller that has gone away (its request was cancelled) needs no answer.
            let _ = done.send(outcome.clone().map(|_| theirs));
        }
    }
}

/// One transaction for all of `events`.
async fn write(pool: &AnyPool, backend: Backend, events: &[AuditEvent]) -> Result<u64> {
    if events.is_empty() {
        return Ok(0);
    }
    let mut tx = match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
    .ctx("starting to record audit events")?;
    let n = append(&mut tx, events).await?;
    tx.commit().await.ctx("recording audit events")?;
    Ok(n)
}
