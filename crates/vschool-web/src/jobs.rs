//! Imports started from the web run as background tasks; their progress and result are kept
//! here, in memory, for the status page (`/data/jobs/{id}`, and its JSON for the page's
//! script, `/data/jobs/{id}/progress.json`) to show. A job's id is random
//! (not guessable, not personal data). Jobs are kept for a day after they finish; the import
//! history in the database is the lasting record.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use time::OffsetDateTime;
use vschool_store::{ImportKind, ImportProgress, ImportResult};

/// Where a job is.
#[derive(Debug, Clone)]
pub enum JobState {
    Running,
    Done(Arc<ImportResult>),
    /// The database failed (problems with files are a `Done` with outcome rejected).
    Failed,
}

#[derive(Debug, Clone)]
pub struct Progress {
    /// The file being read.
    pub file: String,
    /// Bytes of every file of the job, and bytes read so far.
    pub total: u64,
    pub read: u64,
    /// What is happening now, in words.
    pub stage: String,
    pub state: JobState,
}

#[derive(Debug)]
pub struct Job {
    pub id: String,
    /// The account that started it: only they and other importers see it.
    pub owner: i64,
    pub kind: ImportKind,
    pub files: Vec<String>,
    pub started: OffsetDateTime,
    progress: Mutex<Progress>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A poisoned lock only means a reporting thread panicked; the figures are still usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Job {
    pub fn progress(&self) -> Progress {
        lock(&self.progress).clone()
    }

    pub fn finish(&self, state: JobState) {
        let mut p = lock(&self.progress);
        p.read = p.total;
        p.stage = "Finished".into();
        p.state = state;
    }

    /// Percent done, for the progress bar: reading is most of the work; checking and applying
    /// the last tenth.
    pub fn percent(&self) -> u32 {
        let p = lock(&self.progress);
        match p.state {
            JobState::Running => {
                let read = if p.total == 0 {
                    0.0
                } else {
                    p.read as f64 / p.total as f64
                };
                let applying = p.stage.starts_with("Checking") || p.stage.starts_with("Applying");
                ((read * 90.0) as u32 + if applying { 5 } else { 0 }).min(99)
            }
            _ => 100,
        }
    }
}

impl Job {
    /// The job's progress as pages and their script show it ([`crate::progress`]).
    pub fn report(&self) -> crate::progress::ProgressReport {
        let percent = self.percent();
        let p = self.progress();
        crate::progress::ProgressReport {
            percent,
            finished: !matches!(p.state, JobState::Running),
            status: format!("{}: {percent}% done", p.stage),
            items: Vec::new(),
        }
    }
}

/// The store reports progress through this.
pub struct JobProgress(pub Arc<Job>);

impl ImportProgress for JobProgress {
    fn start_file(&self, name: &str, _bytes: u64) {
        let mut p = lock(&self.0.progress);
        p.file = name.to_owned();
        p.stage = format!("Reading {name}");
    }

    fn advance(&self, bytes: u64) {
        let mut p = lock(&self.0.progress);
        p.read = (p.read + bytes).min(p.total);
    }

    fn stage(&self, what: &str) {
        let mut p = lock(&self.0.progress);
        let mut s = what.to_owned();
        if let Some(first) = s.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        p.stage = s;
    }
}

/// Every job of this server.
#[derive(Debug, Default)]
pub struct Jobs {
    map: Mutex<HashMap<String, Arc<Job>>>,
}

impl Jobs {
    /// Registers a new running job.
    pub fn start(
        &self,
        owner: i64,
        kind: ImportKind,
        files: Vec<String>,
        total: u64,
        now: OffsetDateTime,
    ) -> Arc<Job> {
        let job = Arc::new(Job {
            id: crate::util::random_token()[..32].to_owned(),
            owner,
            kind,
            files,
            started: now,
            progress: Mutex::new(Progress {
                file: String::new(),
                total,
                read: 0,
                stage: "Waiting to start".into(),
                state: JobState::Running,
            }),
        });
        let mut map = lock(&self.map);
        // Forget finished jobs older than a day.
        map.retain(|_, j| {
            matches!(j.progress().state, JobState::Running)
                || now - j.started < time::Duration::days(1)
        });
        map.insert(job.id.clone(), job.clone());
        job
    }

    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        lock(&self.map).get(id).cloned()
    }
}
