//! The small LA at 14 March 2025, generated once and shared by the tests (and its files,
//! written once).

use std::path::PathBuf;
use std::sync::OnceLock;

use time::macros::date;
use time::Date;
use vschool_domain::Dataset;
use vschool_synth::{generate, write_files, Size, Summary};

pub const TODAY: Date = date!(2025 - 03 - 14);

pub fn small() -> &'static Dataset {
    static SMALL: OnceLock<Dataset> = OnceLock::new();
    SMALL.get_or_init(|| generate(Size::Small, 1, TODAY))
}

/// The small LA's files, written once into the target directory's scratch space.
pub fn small_files() -> &'static (PathBuf, Summary) {
    static FILES: OnceLock<(PathBuf, Summary)> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("vschool-synth-small");
        let _ = std::fs::remove_dir_all(&dir);
        let summary = write_files(small(), &dir, TODAY).expect("files written");
        (dir, summary)
    })
}
