//! Reading the files of one import: bytes in (from disk or an upload), hashed with SHA-256
//! as they stream, and parsed by `vschool-import`. Runs on a blocking thread: parsing a
//! large LA's year of marks is seconds of CPU work.

use std::fs::File;
use std::io::{Cursor, Read};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use vschool_import::ssda903::TableKind;
use vschool_import::{
    parse_allocations, parse_attainment, parse_attendance_reader, parse_cin_census, parse_contacts,
    parse_exclusions, parse_gias, parse_roll, parse_ssda903, AllocationsBatch, AttainmentBatch,
    CinCensusBatch, ContactsBatch, ExclusionsBatch, FileReport, ImportContext, Location,
    MarksBatch, Problem, RollBatch, SettingsBatch, Ssda903Batch,
};

use super::{FileSource, ImportFile, ImportKind, ImportProgress};

/// What was parsed from the files of one command.
pub(crate) enum Batch {
    Settings(SettingsBatch),
    CinCensus(Box<CinCensusBatch>),
    /// A set of 903 files is one batch; `header` and `episodes` are the indexes of the files
    /// holding those tables (rows changed are counted against them).
    Ssda903 {
        batch: Box<Ssda903Batch>,
        header: Option<usize>,
        episodes: Option<usize>,
    },
    Allocations(AllocationsBatch),
    Roll(RollBatch),
    Marks(MarksBatch),
    Exclusions(ExclusionsBatch),
    Attainment(AttainmentBatch),
    Contacts(ContactsBatch),
}

/// One file as read.
pub(crate) struct FileRead {
    pub name: String,
    /// Lower-case hex; of the bytes read (also when reading failed part-way).
    pub sha256: String,
    pub bytes: u64,
    pub report: FileReport,
    /// For a 903 file, the table it holds.
    pub table: Option<TableKind>,
}

/// The whole command: every file, and the batches to apply (one per file, except one for a
/// set of 903 files; none for a file that could not be read).
pub(crate) struct ReadCommand {
    pub files: Vec<FileRead>,
    /// `(file index, batch)`; for a 903 set the index is that of the first file.
    pub batches: Vec<(usize, Batch)>,
}

/// Counts and hashes the bytes passing through, and reports progress.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
    progress: Arc<dyn ImportProgress>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(chunk) = buf.get(..n) {
            self.hasher.update(chunk);
        }
        self.bytes += n as u64;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

impl<R> Hashing<R> {
    fn new(inner: R, progress: Arc<dyn ImportProgress>) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            progress,
        }
    }

    fn finish(self) -> (String, u64) {
        (hex(&self.hasher.finalize()), self.bytes)
    }
}

/// SHA-256 of some bytes, lower-case hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An opened input: a file on disk or bytes in memory.
enum Input {
    File(File),
    Bytes(Cursor<Vec<u8>>),
}

impl Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Input::File(f) => f.read(buf),
            Input::Bytes(c) => c.read(buf),
        }
    }
}

/// Opens an input and says how big it is; an error is the problem to report.
fn open(file: ImportFile) -> Result<(Input, u64), String> {
    match file.source {
        FileSource::Bytes(b) => {
            let len = b.len() as u64;
            Ok((Input::Bytes(Cursor::new(b)), len))
        }
        FileSource::Path(p) => {
            let f = File::open(&p).map_err(|e| {
                format!(
                    "cannot open the file {}: {e}; check the path and that you may read it",
                    p.display()
                )
            })?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            Ok((Input::File(f), len))
        }
    }
}

fn unreadable(name: &str, reason: String, cap: usize) -> FileRead {
    let mut report = FileReport::new(name, cap);
    report.push(Problem::error(name, Location::File, reason));
    FileRead {
        name: name.to_owned(),
        sha256: String::new(),
        bytes: 0,
        report,
        table: None,
    }
}

/// Reads a whole file into memory, hashing it. `Err` holds the file as unreadable.
fn read_all(
    file: ImportFile,
    progress: &Arc<dyn ImportProgress>,
    cap: usize,
) -> Result<(Vec<u8>, String), Box<FileRead>> {
    let name = file.name.clone();
    let (input, len) = open(file).map_err(|r| Box::new(unreadable(&name, r, cap)))?;
    progress.start_file(&name, len);
    let mut reader = Hashing::new(input, progress.clone());
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Box::new(unreadable(&name, format!("cannot read the file: {e}"), cap)))?;
    let (sha, _) = reader.finish();
    Ok((bytes, sha))
}

/// Reads and parses every file of one command (blocking).
pub(crate) fn read_command(
    kind: ImportKind,
    files: Vec<ImportFile>,
    ctx: &ImportContext,
    progress: Arc<dyn ImportProgress>,
) -> ReadCommand {
    let cap = ctx.problem_cap;
    let mut out = ReadCommand {
        files: Vec::with_capacity(files.len()),
        batches: Vec::new(),
    };
    if kind == ImportKind::Ssda903 {
        read_ssda903(files, ctx, &progress, &mut out);
        return out;
    }
    for file in files {
        let name = file.name.clone();
        let index = out.files.len();
        if kind == ImportKind::Attendance {
            // Streamed: a year of marks is hundreds of megabytes.
            let (input, len) = match open(file) {
                Ok(x) => x,
                Err(reason) => {
                    out.files.push(unreadable(&name, reason, cap));
                    continue;
                }
            };
            progress.start_file(&name, len);
            let mut reader = Hashing::new(input, progress.clone());
            let parsed = parse_attendance_reader(&name, &mut reader, ctx);
            let (sha256, bytes) = reader.finish();
            out.files.push(FileRead {
                name,
                sha256,
                bytes,
                report: parsed.report,
                table: None,
            });
            out.batches.push((index, Batch::Marks(parsed.batch)));
            continue;
        }
        let (bytes, sha256) = match read_all(file, &progress, cap) {
            Ok(x) => x,
            Err(unreadable) => {
                out.files.push(*unreadable);
                continue;
            }
        };
        progress.stage(&format!("checking {name}"));
        let (report, batch) = parse_one(kind, &name, &bytes, ctx);
        out.files.push(FileRead {
            name,
            sha256,
            bytes: bytes.len() as u64,
            report,
            table: None,
        });
        if let Some(b) = batch {
            out.batches.push((index, b));
        }
    }
    out
}

fn parse_one(
    kind: ImportKind,
    name: &str,
    bytes: &[u8],
    ctx: &ImportContext,
) -> (FileReport, Option<Batch>) {
    macro_rules! parsed {
        ($parse:ident, $variant:ident) => {{
            let p = $parse(name, bytes, ctx);
            (p.report, Some(Batch::$variant(p.batch)))
        }};
    }
    match kind {
        ImportKind::Gias => parsed!(parse_gias, Settings),
        ImportKind::CinCensus => {
            let p = parse_cin_census(name, bytes, ctx);
            (p.report, Some(Batch::CinCensus(Box::new(p.batch))))
        }
        ImportKind::Allocations => parsed!(parse_allocations, Allocations),
        ImportKind::Roll => parsed!(parse_roll, Roll),
        ImportKind::Exclusions => parsed!(parse_exclusions, Exclusions),
        ImportKind::Attainment => parsed!(parse_attainment, Attainment),
        ImportKind::Contacts => parsed!(parse_contacts, Contacts),
        ImportKind::Attendance => {
            let p = vschool_import::parse_attendance(name, bytes, ctx);
            (p.report, Some(Batch::Marks(p.batch)))
        }
        // Read as a set by `read_ssda903`.
        ImportKind::Ssda903 => (FileReport::new(name, ctx.problem_cap), None),
    }
}

fn read_ssda903(
    files: Vec<ImportFile>,
    ctx: &ImportContext,
    progress: &Arc<dyn ImportProgress>,
    out: &mut ReadCommand,
) {
    let cap = ctx.problem_cap;
    // (index in out.files, name, bytes) of the files that could be read.
    let mut readable: Vec<(usize, String, Vec<u8>)> = Vec::new();
    for file in files {
        let name = file.name.clone();
        match read_all(file, progress, cap) {
            Ok((bytes, sha256)) => {
                readable.push((out.files.len(), name.clone(), bytes));
                out.files.push(FileRead {
                    bytes: readable.last().map_or(0, |r| r.2.len() as u64),
                    name,
                    sha256,
                    report: FileReport::new("", cap),
                    table: None,
                });
            }
            Err(unreadable) => out.files.push(*unreadable),
        }
    }
    if readable.is_empty() {
        return;
    }
    progress.stage("checking the SSDA903 files");
    let set: Vec<(&str, &[u8])> = readable
        .iter()
        .map(|(_, n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let parsed = parse_ssda903(&set, ctx);
    let mut header = None;
    let mut episodes = None;
    for ((index, name, _), report) in readable.iter().zip(parsed.reports) {
        let table = parsed
            .batch
            .tables
            .iter()
            .find(|t| t.file == *name)
            .map(|t| t.kind);
        match table {
            Some(TableKind::Header) => header = Some(*index),
            Some(TableKind::Episodes) => episodes = Some(*index),
            _ => {}
        }
        if let Some(f) = out.files.get_mut(*index) {
            f.report = report;
            f.table = table;
        }
    }
    let first = readable.first().map_or(0, |r| r.0);
    out.batches.push((
        first,
        Batch::Ssda903 {
            batch: Box::new(parsed.batch),
            header,
            episodes,
        },
    ));
}
