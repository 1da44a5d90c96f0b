//! Imports, end to end: files in, validated by `vschool-import`, applied in one transaction
//! with the replace rules of DESIGN §8, recorded in the import history and the audit trail.
//! The CLI (`vschool import`) and the web upload page both call [`Store::import`].
//!
//! ```ignore
//! let request = ImportRequest::new(ImportKind::Attendance, vec![ImportFile::path("attendance-2024-25.csv")],
//!     Actor::cli("officer"), today);
//! let result = store.import(request, Arc::new(NoProgress)).await?;
//! for f in &result.files { println!("{}: {} rows read, {} changed", f.name, f.rows_read, f.rows_changed); }
//! ```
//!
//! The rules, all in one place:
//! - **One command, one transaction**, over every file named. Any error in any file and
//!   nothing is applied; each file is still recorded in the history as `rejected`, with its
//!   problems.
//! - **Idempotent**: every file is compared with what is held, row by row; a file whose rows
//!   are all held already changes nothing and is recorded as `unchanged` (and the result says
//!   when the same bytes, by SHA-256, were imported before).
//! - **Rows changed** count database rows added, changed or removed (for marks: sessions
//!   whose code changed).
//! - **Extract date**: the CIN census `ReferenceDate`; the 903's end of collection period;
//!   otherwise `extract_date` (`--extract-date`) or the import date.
//! - After every import the links between social-care children and pupils are re-resolved and
//!   the identity review queue refreshed (`crate::identity`), so files may come in any order
//!   (the settings register first: files naming URNs are checked against it).
//! - `check_only` (`--check`) runs the whole import and rolls it back: the result says what
//!   would change and lists the warnings only applying finds, and nothing is loaded.

mod allocations;
mod marks;
mod problems;
mod read;
mod school;
pub(crate) mod social_care;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use time::{Date, OffsetDateTime};
use vschool_domain::calendar::iso;
use vschool_import::{FileReport, ImportContext, Location, Problem, DEFAULT_PROBLEM_CAP};

use crate::audit::{AuditAction, AuditObject};
use crate::db::Store;
use crate::error::{Context, Result, StoreError};
use crate::identity::Actor;
use crate::imports::{ImportOutcome, ImportRecord};
use crate::meta;
use read::{Batch, FileRead, ReadCommand};
use social_care::{NewSource, SocialCare};

/// The kinds of file `vschool import` reads (DESIGN §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImportKind {
    Gias,
    CinCensus,
    Ssda903,
    Allocations,
    Roll,
    Attendance,
    Exclusions,
    Attainment,
    Contacts,
}

impl ImportKind {
    /// In the order a whole LA is best imported: the settings register first (other files
    /// are checked against it), social care, then school data.
    pub const ALL: [ImportKind; 9] = [
        ImportKind::Gias,
        ImportKind::CinCensus,
        ImportKind::Ssda903,
        ImportKind::Allocations,
        ImportKind::Roll,
        ImportKind::Attendance,
        ImportKind::Exclusions,
        ImportKind::Attainment,
        ImportKind::Contacts,
    ];

    /// As the command line and the import history write it.
    pub fn code(&self) -> &'static str {
        match self {
            ImportKind::Gias => "gias",
            ImportKind::CinCensus => "cin-census",
            ImportKind::Ssda903 => "ssda903",
            ImportKind::Allocations => "allocations",
            ImportKind::Roll => "roll",
            ImportKind::Attendance => "attendance",
            ImportKind::Exclusions => "exclusions",
            ImportKind::Attainment => "attainment",
            ImportKind::Contacts => "contacts",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == raw)
    }

    /// What a person calls it.
    pub fn label(&self) -> &'static str {
        match self {
            ImportKind::Gias => "settings register (GIAS)",
            ImportKind::CinCensus => "CIN census",
            ImportKind::Ssda903 => "children looked after (SSDA903)",
            ImportKind::Allocations => "social-worker allocations",
            ImportKind::Roll => "school roll",
            ImportKind::Attendance => "attendance marks",
            ImportKind::Exclusions => "suspensions and exclusions",
            ImportKind::Attainment => "attainment",
            ImportKind::Contacts => "school contacts",
        }
    }

    /// Whether the file carries its own extract date (so `--extract-date` does not apply).
    pub fn has_own_extract_date(&self) -> bool {
        matches!(self, ImportKind::CinCensus | ImportKind::Ssda903)
    }

    /// Whether the files name school URNs, checked against the settings register.
    fn names_schools(&self) -> bool {
        matches!(
            self,
            ImportKind::Roll
                | ImportKind::Attendance
                | ImportKind::Exclusions
                | ImportKind::Contacts
        )
    }
}

impl Serialize for ImportKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub enum FileSource {
    /// Read (attendance: streamed) from disk.
    Path(PathBuf),
    /// Already in memory (an upload).
    Bytes(Vec<u8>),
}

/// One file of an import.
#[derive(Debug, Clone)]
pub struct ImportFile {
    /// The name problems and the history show (no folders): `attendance-2024-25.csv`.
    pub name: String,
    pub source: FileSource,
}

impl ImportFile {
    /// A file on disk, named by its file name.
    pub fn path(path: impl AsRef<Path>) -> ImportFile {
        let path = path.as_ref();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        ImportFile {
            name,
            source: FileSource::Path(path.to_path_buf()),
        }
    }

    /// Bytes in memory (an uploaded file) under the name the user gave.
    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> ImportFile {
        ImportFile {
            name: name.into(),
            source: FileSource::Bytes(bytes),
        }
    }
}

/// What to import, how, and for whom.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub kind: ImportKind,
    pub files: Vec<ImportFile>,
    /// `--check`: validate (and work out what would change) without loading.
    pub check_only: bool,
    /// `--collection-year`: the collection year of a CIN census file that does not say, and
    /// of a set of 903 files; with `check_only`, also the year whose DfE rules apply.
    pub collection_year: Option<i32>,
    /// `--extract-date`: the date the data is current to, for files that do not carry one.
    pub extract_date: Option<Date>,
    /// Today (from the injectable clock): the extract date of a file with none given.
    pub today: Date,
    /// Who imports: recorded in the history and the audit trail.
    pub actor: Actor,
    /// Problems listed per file (the rest are counted); `usize::MAX` keeps every one (for a
    /// "download every problem" CSV).
    pub problem_cap: usize,
}

impl ImportRequest {
    pub fn new(kind: ImportKind, files: Vec<ImportFile>, actor: Actor, today: Date) -> Self {
        ImportRequest {
            kind,
            files,
            check_only: false,
            collection_year: None,
            extract_date: None,
            today,
            actor,
            problem_cap: DEFAULT_PROBLEM_CAP,
        }
    }
}

/// Progress of a long import, for a progress bar (the CLI) or a progress page (the web).
/// Called from a blocking thread while files are read, then from the import's task.
pub trait ImportProgress: Send + Sync {
    /// A file starts being read; `bytes` is its size.
    fn start_file(&self, _name: &str, _bytes: u64) {}
    /// `bytes` more bytes of the current file were read.
    fn advance(&self, _bytes: u64) {}
    /// A step without a byte count starts ("checking …", "applying …").
    fn stage(&self, _what: &str) {}
    /// The import is over.
    fn finish(&self) {}
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl ImportProgress for NoProgress {}

/// What came of one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    pub name: String,
    /// SHA-256 of the file's bytes, lower-case hex (empty when it could not be read).
    pub sha256: String,
    pub bytes: u64,
    pub rows_read: u64,
    /// Rows added, changed or removed (with `check_only`: that would be).
    pub rows_changed: u64,
    pub outcome: ImportOutcome,
    pub extract_date: Option<Date>,
    /// Errors and warnings: those parsing found and those applying found.
    pub report: FileReport,
    /// When a file with the same bytes was loaded before, if it was.
    #[serde(skip)]
    pub imported_before: Option<OffsetDateTime>,
    /// One line for the history ("12 warnings; unchanged: …").
    pub detail: String,
    /// The file's id in the import history.
    pub import_id: i64,
}

/// What came of one import command.
#[derive(Debug, Clone, Serialize)]
pub struct ImportResult {
    pub kind: ImportKind,
    /// `rejected` (errors: nothing loaded), `checked`, `loaded` (something changed) or
    /// `unchanged`.
    pub outcome: ImportOutcome,
    pub files: Vec<FileResult>,
}

impl ImportResult {
    pub fn error_count(&self) -> usize {
        self.files.iter().map(|f| f.report.error_count).sum()
    }

    pub fn warning_count(&self) -> usize {
        self.files.iter().map(|f| f.report.warning_count).sum()
    }

    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|f| f.rows_read).sum()
    }

    pub fn rows_changed(&self) -> u64 {
        self.files.iter().map(|f| f.rows_changed).sum()
    }

    /// The closing line of the command's output.
    pub fn summary(&self) -> String {
        let n = self.files.len();
        let files = if n == 1 {
            "1 file".to_owned()
        } else {
            format!("{n} files")
        };
        let (read, changed) = (self.rows_read(), self.rows_changed());
        let (errors, warnings) = (self.error_count(), self.warning_count());
        let problems = format!(
            "{} and {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
        match self.outcome {
            ImportOutcome::Rejected => format!(
                "Nothing was loaded: {problems} in {files} ({}). Correct the errors and run the import again; nothing from any file of this import is in the database.",
                self.kind.label()
            ),
            ImportOutcome::Checked => format!(
                "Checked {files} ({}): {} read, {} would change, {problems}. Nothing was loaded (--check).",
                self.kind.label(),
                plural_rows(read),
                plural_rows(changed),
            ),
            ImportOutcome::Unchanged => format!(
                "Unchanged: {files} ({}), {} read, all already held; {problems}.",
                self.kind.label(),
                plural_rows(read),
            ),
            ImportOutcome::Loaded => format!(
                "Loaded {files} ({}): {} read, {} changed, {problems}.",
                self.kind.label(),
                plural_rows(read),
                plural_rows(changed),
            ),
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{} {what}s", thousands(n as u64))
    }
}

fn plural_rows(n: u64) -> String {
    if n == 1 {
        "1 row".into()
    } else {
        format!("{} rows", thousands(n))
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Store {
    /// Imports the files of one command: reads and validates every file, and unless any has
    /// an error (or `check_only`), applies them all in one transaction, records each in the
    /// import history with its problems, audits it, re-resolves child–pupil links and bumps
    /// the data version. `Err` only when the database fails; problems with the files are in
    /// the result (`outcome` rejected).
    pub async fn import(
        &self,
        request: ImportRequest,
        progress: Arc<dyn ImportProgress>,
    ) -> Result<ImportResult> {
        let kind = request.kind;
        let mut ctx = ImportContext {
            collection_year: request.collection_year,
            rules_year: request.collection_year.filter(|_| request.check_only),
            problem_cap: request.problem_cap,
            ..ImportContext::default()
        };
        if kind.names_schools() {
            ctx.known_urns = self.settings().await?.into_iter().map(|s| s.urn).collect();
        }
        let files = request.files.clone();
        let reading = progress.clone();
        let command =
            tokio::task::spawn_blocking(move || read::read_command(kind, files, &ctx, reading))
                .await
                .map_err(|e| StoreError::Refused {
                    reason: format!("reading the files stopped unexpectedly: {e}"),
                })?;
        let result = self.import_read(&request, command, progress.as_ref()).await;
        progress.finish();
        result
    }

    async fn import_read(
        &self,
        request: &ImportRequest,
        mut command: ReadCommand,
        progress: &dyn ImportProgress,
    ) -> Result<ImportResult> {
        let at = OffsetDateTime::now_utc();
        let mut results: Vec<FileResult> = command
            .files
            .iter()
            .map(|f| new_result(f, request))
            .collect();
        set_extract_dates(&command, &mut results);
        for r in results.iter_mut() {
            if !r.sha256.is_empty() {
                r.imported_before = self.import_of_file(&r.sha256).await?.map(|s| s.item.at);
            }
        }
        if command.files.is_empty() {
            return Err(StoreError::Refused {
                reason: "no files were given to import".into(),
            });
        }
        if command.files.iter().any(|f| f.report.has_errors()) {
            return self.finish_rejected(request, at, command, results).await;
        }

        let mut tx = self.begin().await?;
        let conn = tx.conn();
        // Serialises concurrent imports on PostgreSQL (SQLite's BEGIN IMMEDIATE already has).
        sqlx::query("UPDATE meta SET value = value WHERE key = $1")
            .bind(meta::DATA_VERSION)
            .execute(&mut *conn)
            .await
            .ctx("waiting for other imports to finish")?;
        let batches = std::mem::take(&mut command.batches);
        apply_batches(conn, batches, &mut command, &mut results, progress).await?;
        progress.stage("linking children to pupils");
        crate::identity::resolve_links(conn).await?;
        let changed: u64 = results.iter().map(|r| r.rows_changed).sum();
        if request.check_only {
            tx.rollback().await?;
            for (r, f) in results.iter_mut().zip(&mut command.files) {
                r.report = std::mem::replace(&mut f.report, FileReport::new("", 0));
                r.outcome = ImportOutcome::Checked;
                r.detail = detail(r);
            }
            let mut tx = self.begin().await?;
            record(tx.conn(), request, at, &mut results).await?;
            tx.commit().await?;
            return Ok(ImportResult {
                kind: request.kind,
                outcome: ImportOutcome::Checked,
                files: results,
            });
        }
        for (r, f) in results.iter_mut().zip(&mut command.files) {
            r.report = std::mem::replace(&mut f.report, FileReport::new("", 0));
            r.outcome = if r.rows_changed > 0 {
                ImportOutcome::Loaded
            } else {
                ImportOutcome::Unchanged
            };
            r.detail = detail(r);
        }
        record(conn, request, at, &mut results).await?;
        if changed > 0 {
            update_la_identity(conn).await?;
            meta::set_value(conn, meta::BUILT_BY, "import").await?;
            meta::bump_data_version(conn).await?;
        }
        tx.commit().await?;
        Ok(ImportResult {
            kind: request.kind,
            outcome: if changed > 0 {
                ImportOutcome::Loaded
            } else {
                ImportOutcome::Unchanged
            },
            files: results,
        })
    }

    async fn finish_rejected(
        &self,
        request: &ImportRequest,
        at: OffsetDateTime,
        mut command: ReadCommand,
        mut results: Vec<FileResult>,
    ) -> Result<ImportResult> {
        for (r, f) in results.iter_mut().zip(&mut command.files) {
            r.report = std::mem::replace(&mut f.report, FileReport::new("", 0));
            r.outcome = ImportOutcome::Rejected;
            r.rows_changed = 0;
            r.detail = detail(r);
        }
        let mut tx = self.begin().await?;
        record(tx.conn(), request, at, &mut results).await?;
        tx.commit().await?;
        Ok(ImportResult {
            kind: request.kind,
            outcome: ImportOutcome::Rejected,
            files: results,
        })
    }
}

fn new_result(f: &FileRead, request: &ImportRequest) -> FileResult {
    FileResult {
        name: f.name.clone(),
        sha256: f.sha256.clone(),
        bytes: f.bytes,
        rows_read: f.report.rows_read,
        rows_changed: 0,
        outcome: ImportOutcome::Checked,
        extract_date: if request.kind.has_own_extract_date() {
            None
        } else {
            Some(request.extract_date.unwrap_or(request.today))
        },
        report: FileReport::new(&f.name, request.problem_cap),
        imported_before: None,
        detail: String::new(),
        import_id: 0,
    }
}

/// CIN census and 903 files carry their own extract dates.
fn set_extract_dates(command: &ReadCommand, results: &mut [FileResult]) {
    for (index, batch) in &command.batches {
        match batch {
            Batch::CinCensus(b) => {
                if let Some(r) = results.get_mut(*index) {
                    r.extract_date = (b.collection_year > 0).then_some(b.extract_date);
                }
            }
            Batch::Ssda903 { batch, .. } => {
                for r in results.iter_mut() {
                    r.extract_date = batch.extract_date;
                }
            }
            _ => {}
        }
    }
}

/// One line for the history: the problems, what happened, and whether the same bytes were
/// loaded before.
fn detail(r: &FileResult) -> String {
    let mut parts = Vec::new();
    let (e, w) = (r.report.error_count, r.report.warning_count);
    if e > 0 {
        parts.push(plural(e, "error"));
    }
    if w > 0 {
        parts.push(plural(w, "warning"));
    }
    let what = match r.outcome {
        ImportOutcome::Rejected => "nothing was loaded".to_owned(),
        ImportOutcome::Checked => {
            format!("checked only; {} would change", plural_rows(r.rows_changed))
        }
        ImportOutcome::Unchanged => "unchanged: every row is already held".to_owned(),
        ImportOutcome::Loaded => format!("{} changed", plural_rows(r.rows_changed)),
    };
    parts.push(what);
    if let Some(t) = r.imported_before {
        parts.push(format!("the same file was imported on {}", iso(t.date())));
    }
    parts.join("; ")
}

/// Records every file in the history (with its problems) and in the audit trail.
async fn record(
    conn: &mut sqlx::AnyConnection,
    request: &ImportRequest,
    at: OffsetDateTime,
    results: &mut [FileResult],
) -> Result<()> {
    let mut events = Vec::with_capacity(results.len());
    for r in results.iter_mut() {
        let rec = ImportRecord {
            at,
            actor: request.actor.actor.clone(),
            kind: request.kind.code().to_owned(),
            file_name: r.name.clone(),
            sha256: r.sha256.clone(),
            rows_read: r.rows_read,
            rows_changed: r.rows_changed,
            outcome: r.outcome,
            extract_date: r.extract_date,
            detail: r.detail.clone(),
        };
        r.import_id = crate::imports::insert(conn, &rec).await?;
        problems::insert(conn, r.import_id, &r.report).await?;
        events.push(request.actor.event(
            AuditAction::Change,
            AuditObject::Import,
            format!(
                "{} import of {} (SHA-256 {}): {} read; {}",
                request.kind.code(),
                r.name,
                if r.sha256.is_empty() { "-" } else { &r.sha256 },
                plural_rows(r.rows_read),
                r.detail
            ),
        ));
    }
    crate::audit::append(conn, &events).await?;
    Ok(())
}

/// Applies every batch in the open transaction, filling in rows changed and the warnings
/// only applying finds.
async fn apply_batches(
    conn: &mut sqlx::AnyConnection,
    batches: Vec<(usize, Batch)>,
    command: &mut ReadCommand,
    results: &mut [FileResult],
    progress: &dyn ImportProgress,
) -> Result<()> {
    let needs_social_care = batches
        .iter()
        .any(|(_, b)| matches!(b, Batch::CinCensus(_) | Batch::Ssda903 { .. }));
    let mut social = if needs_social_care {
        Some(SocialCare::load(conn).await?)
    } else {
        None
    };
    for (index, batch) in batches {
        let name = command
            .files
            .get(index)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        progress.stage(&format!("applying {name}"));
        let changed = match batch {
            Batch::Settings(b) => school::apply_settings(conn, &b.settings).await?,
            Batch::Allocations(b) => allocations::apply(conn, &b).await?,
            Batch::Exclusions(b) => school::apply_exclusions(conn, &b.exclusions).await?,
            Batch::Attainment(b) => school::apply_attainment(conn, &b.results).await?,
            Batch::Contacts(b) => school::apply_contacts(conn, &b.contacts).await?,
            Batch::Roll(b) => match command.files.get_mut(index) {
                Some(f) => school::apply_roll(conn, &name, &b, &mut f.report).await?,
                None => 0,
            },
            Batch::Marks(b) => match command.files.get_mut(index) {
                Some(f) => marks::apply(conn, &name, &b, &mut f.report).await?,
                None => 0,
            },
            Batch::CinCensus(b) => {
                let Some(sc) = social.as_mut() else { continue };
                let sha = command
                    .files
                    .get(index)
                    .map(|f| f.sha256.clone())
                    .unwrap_or_default();
                let source = NewSource::from_cin_census(&b, &name, &sha);
                let outcome = sc.apply(conn, source).await?;
                if let Some(f) = command.files.get_mut(index) {
                    warn_conflicts(&name, &outcome.conflicts, &mut f.report);
                }
                if let Some(code) = b
                    .la_code
                    .as_deref()
                    .and_then(|c| c.trim().parse::<u16>().ok())
                {
                    if meta::get_value(conn, meta::LA_CODE).await?.is_none() {
                        meta::set_value(conn, meta::LA_CODE, &code.to_string()).await?;
                    }
                }
                outcome.children + outcome.history
            }
            Batch::Ssda903 {
                batch,
                header,
                episodes,
            } => {
                let Some(sc) = social.as_mut() else { continue };
                let Some(extract) = batch.extract_date else {
                    continue;
                };
                let mut hashes: Vec<&str> =
                    command.files.iter().map(|f| f.sha256.as_str()).collect();
                hashes.sort_unstable();
                let set_sha = read::sha256_hex(hashes.join(",").as_bytes());
                let names: Vec<&str> = command.files.iter().map(|f| f.name.as_str()).collect();
                let source = NewSource::from_ssda903(&batch, extract, &names.join(", "), &set_sha);
                let outcome = sc.apply(conn, source).await?;
                let children_at = header.or(episodes).unwrap_or(index);
                let history_at = episodes.or(header).unwrap_or(index);
                if let Some(r) = results.get_mut(children_at) {
                    r.rows_changed += outcome.children;
                }
                if let Some(r) = results.get_mut(history_at) {
                    r.rows_changed += outcome.history;
                }
                if let Some(f) = command.files.get_mut(children_at) {
                    let file = f.name.clone();
                    warn_conflicts(&file, &outcome.conflicts, &mut f.report);
                }
                continue;
            }
        };
        if let Some(r) = results.get_mut(index) {
            r.rows_changed += changed;
        }
    }
    Ok(())
}

/// One warning per child of this file whose sources give different UPNs.
fn warn_conflicts(
    file: &str,
    conflicts: &[(
        vschool_domain::LaChildId,
        Option<vschool_domain::Upn>,
        Vec<String>,
    )],
    report: &mut FileReport,
) {
    for (child, used, claims) in conflicts {
        let used = used.map_or("none".to_owned(), |u| u.as_str().to_owned());
        report.push_lazy(vschool_import::Severity::Warning, || {
            Problem::warning(
                file,
                Location::File,
                format!(
                    "the social-care files give this child different UPNs: {}; the newest, {used}, is used and the conflict is listed for review",
                    claims.join(", ")
                ),
            )
            .child(child.as_str())
            .field("UPN")
        });
    }
}

/// Records the LA's name once its code is known and the settings register names it.
async fn update_la_identity(conn: &mut sqlx::AnyConnection) -> Result<()> {
    let Some(code) = meta::get_value(conn, meta::LA_CODE).await? else {
        return Ok(());
    };
    if meta::get_value(conn, meta::LA_NAME).await?.is_some() {
        return Ok(());
    }
    let Ok(code) = code.parse::<i64>() else {
        return Ok(());
    };
    let row = sqlx::query("SELECT la_name FROM settings WHERE la_code = $1 ORDER BY urn LIMIT 1")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await
        .ctx("reading the LA's name")?;
    if let Some(row) = row {
        let name: String = crate::sql::get(&row, "la_name")?;
        meta::set_value(conn, meta::LA_NAME, &name).await?;
    }
    Ok(())
}
